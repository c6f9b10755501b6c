package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// seededDB is a migrated test database holding days of simulated Ho Chi Minh City history up to
// now at a small scale, stored through the real parser and deliverer as `serve --demo` does.
func seededDB(tb testing.TB, days int, scale float64, now time.Time) (store.DB, store.Dimensions) {
	tb.Helper()
	ctx := context.Background()
	db := storetest.Open(tb)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		tb.Fatalf("dimensions: %v", err)
	}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories, HashSecret: []byte("dashboard-test-hash-secret")})
	if err != nil {
		tb.Fatalf("parser: %v", err)
	}
	d := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	d.AssumeNew = true
	local := now.In(models.Location)
	start := time.Date(local.Year(), local.Month(), local.Day()-days+1, 0, 0, 0, 0, models.Location)
	opts := pipeline.SimOptions{Start: start, Days: days, Scale: scale, Seed: 7, Province: "79",
		Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories, Now: now}
	n := 0
	_, err = pipeline.Simulate(opts, func(c pipeline.SimChunk) error {
		bodies := map[pipeline.Stream]*bytes.Buffer{pipeline.StreamDossiers: {}, pipeline.StreamPetitions: {}, pipeline.StreamPosts: {}}
		if err := c.WriteNDJSON(bodies[pipeline.StreamDossiers], bodies[pipeline.StreamPetitions], bodies[pipeline.StreamPosts]); err != nil {
			return err
		}
		var b pipeline.Batch
		for _, st := range []pipeline.Stream{pipeline.StreamDossiers, pipeline.StreamPetitions, pipeline.StreamPosts} {
			if bodies[st].Len() == 0 {
				continue
			}
			_, err := parser.Parse(ctx, st, bodies[st], pipeline.ParseOptions{Source: pipeline.SimSource}, func(ch pipeline.Chunk) error {
				b.Dossiers = append(b.Dossiers, ch.Dossiers...)
				b.Petitions = append(b.Petitions, ch.Petitions...)
				b.Posts = append(b.Posts, ch.Posts...)
				if len(ch.Rejected) > 0 {
					tb.Errorf("simulated line rejected: %+v", ch.Rejected[0])
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		n++
		return d.Store(ctx, fmt.Sprintf("seed-%d", n), b)
	})
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return db, dims
}
