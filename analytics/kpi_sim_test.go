package analytics_test

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

// The simulated store of the tests that need realistic volumes: the simulator's output stored
// through the real pipeline (contract NDJSON → parser → deliverer), as cmd/govpulse's
// storeSimulation does. An external test package may import pipeline; analytics itself may not
// (deps_test.go checks the package's own imports only).

// kpiSimStart, kpiSimDays and kpiSimSnapshot shape the simulation: 2024-05-01 to 2025-10-31,
// stored twice, first as the sources saw it at kpiSimSnapshot, then as at the end, so that
// dossiers and petitions change state (end, get rated, reopen) after the periods tested.
var (
	kpiSimStart    = time.Date(2024, 5, 1, 0, 0, 0, 0, models.Location)
	kpiSimSnapshot = time.Date(2025, 9, 15, 12, 0, 0, 0, models.Location)
)

const (
	kpiSimDays  = 549
	kpiSimScale = 0.02
)

// kpiSimDB is a migrated database holding the simulation.
func kpiSimDB(t testing.TB) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories,
		HashSecret: []byte("kpi-test-secret-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	for pass, now := range []time.Time{kpiSimSnapshot, {}} {
		opts := pipeline.SimOptions{Start: kpiSimStart, Days: kpiSimDays, Scale: kpiSimScale, Seed: 11, Province: "79", Now: now,
			Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}
		n := 0
		_, err := pipeline.Simulate(opts, func(c pipeline.SimChunk) error {
			n++
			b, err := parseChunk(ctx, parser, c)
			if err != nil {
				return err
			}
			return deliverer.Store(ctx, fmt.Sprintf("kpi-sim-%d-%d", pass, n), b)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	reopenSome(t, db, deliverer)
	return db
}

// reopenSome reopens 60 petitions answered in June to August 2025 a day after their latest
// change and answers them again a day later, through the deliverer: the simulator's sources
// reopen too rarely for the reopen rate to be tested at this scale.
func reopenSome(t testing.TB, db store.DB, d *pipeline.Deliverer) {
	t.Helper()
	ctx := context.Background()
	var rows []models.Petition
	err := db.Query(ctx, &rows, `SELECT * FROM petitions FINAL
		WHERE status = 'resolved' AND reopen_count = 0
			AND received_at >= '2025-06-01 00:00:00' AND received_at < '2025-09-01 00:00:00'
		ORDER BY id LIMIT 60`, nil)
	if err != nil || len(rows) < 60 {
		t.Fatalf("petitions to reopen: %d, %v", len(rows), err)
	}
	for i, status := range []models.PetitionStatus{models.PetitionReopened, models.PetitionResolved} {
		batch := make([]models.Petition, len(rows))
		for j, p := range rows {
			p.UpdatedAt = p.UpdatedAt.Add(24 * time.Hour)
			p.Status, p.Version = string(status), uint64(p.UpdatedAt.UnixMilli())
			p.ResolvedAt = nil
			if status == models.PetitionResolved {
				at := p.UpdatedAt
				p.ResolvedAt = &at
			}
			rows[j], batch[j] = p, p
		}
		if err := d.Store(ctx, fmt.Sprintf("kpi-reopen-%d", i), pipeline.Batch{Petitions: batch}); err != nil {
			t.Fatal(err)
		}
	}
}

// parseChunk turns simulated rows into stored rows the way upstream data would go.
func parseChunk(ctx context.Context, parser *pipeline.Parser, c pipeline.SimChunk) (pipeline.Batch, error) {
	bodies := map[pipeline.Stream]*bytes.Buffer{pipeline.StreamDossiers: {}, pipeline.StreamPetitions: {}, pipeline.StreamPosts: {}}
	if err := c.WriteNDJSON(bodies[pipeline.StreamDossiers], bodies[pipeline.StreamPetitions], bodies[pipeline.StreamPosts]); err != nil {
		return pipeline.Batch{}, err
	}
	var b pipeline.Batch
	for _, stream := range []pipeline.Stream{pipeline.StreamDossiers, pipeline.StreamPetitions, pipeline.StreamPosts} {
		if bodies[stream].Len() == 0 {
			continue
		}
		_, err := parser.Parse(ctx, stream, bodies[stream], pipeline.ParseOptions{Source: pipeline.SimSource}, func(ch pipeline.Chunk) error {
			b.Dossiers = append(b.Dossiers, ch.Dossiers...)
			b.Petitions = append(b.Petitions, ch.Petitions...)
			b.Posts = append(b.Posts, ch.Posts...)
			if len(ch.Rejected) > 0 {
				return fmt.Errorf("simulated %s line %d rejected: %s: %s", stream, ch.Rejected[0].Line, ch.Rejected[0].Field, ch.Rejected[0].Message)
			}
			return nil
		})
		if err != nil {
			return pipeline.Batch{}, err
		}
	}
	return b, nil
}
