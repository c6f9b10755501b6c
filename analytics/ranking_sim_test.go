package analytics_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// simCountingDB counts reads of dossiers FINAL (rank_dossiers.sql).
type simCountingDB struct {
	store.DB
	reads atomic.Int64
}

func (c *simCountingDB) Query(ctx context.Context, dest any, query string, params store.Params) error {
	if strings.Contains(query, "FROM dossiers FINAL") {
		c.reads.Add(1)
	}
	return c.DB.Query(ctx, dest, query, params)
}

// simUncached is a handle the ranking cache refuses (not comparable): the engine's answer.
type simUncached struct {
	analytics.Querier
	_ []struct{}
}

// The ranking cache on simulated data delivered through the pipeline in two passes (the sources
// as seen on 15 September 2025, then as at the end, with new dossiers, ends and ratings): every
// cached ranking equals the one read from the engine, an unchanged store is answered from the
// cache, and the second delivery is seen.
func TestRankingCacheSimulated(t *testing.T) {
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
		HashSecret: []byte("rank-test-secret-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, models.Location)
	deliver := func(pass int, now time.Time) {
		t.Helper()
		opts := pipeline.SimOptions{Start: start, Days: 153, Scale: 0.02, Seed: 5, Province: "79", Now: now,
			Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}
		n := 0
		if _, err := pipeline.Simulate(opts, func(c pipeline.SimChunk) error {
			n++
			b, err := parseChunk(ctx, parser, c)
			if err != nil {
				return err
			}
			return deliverer.Store(ctx, fmt.Sprintf("rank-sim-%d-%d", pass, n), b)
		}); err != nil {
			t.Fatal(err)
		}
	}
	cached := &simCountingDB{DB: db}
	ref := simUncached{Querier: db}
	periods := []string{"2025-08", "2025-09", "2025-Q3"}
	compare := func(label string) map[string]analytics.Ranking {
		t.Helper()
		out := map[string]analytics.Ranking{}
		for _, level := range []analytics.Level{analytics.LevelUnit, analytics.LevelWard} {
			for _, ps := range periods {
				p, err := models.ParsePeriod(ps)
				if err != nil {
					t.Fatal(err)
				}
				got, err := analytics.Rankings(ctx, cached, nil, level, p)
				if err != nil {
					t.Fatal(err)
				}
				want, err := analytics.Rankings(ctx, ref, nil, level, p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Rows, want.Rows) {
					t.Errorf("%s %s %s: the cached ranking differs from the engine's", label, level, ps)
				}
				out[string(level)+" "+ps] = got
			}
		}
		return out
	}

	deliver(0, time.Date(2025, 9, 15, 12, 0, 0, 0, models.Location))
	before := compare("snapshot")
	reads := cached.reads.Load()
	compare("snapshot again")
	if cached.reads.Load() != reads {
		t.Errorf("an unchanged store re-read dossiers FINAL (%d reads, then %d)", reads, cached.reads.Load())
	}
	deliver(1, time.Time{})
	after := compare("final")
	if cached.reads.Load() == reads {
		t.Errorf("the second delivery did not invalidate the cache")
	}
	if reflect.DeepEqual(before["unit 2025-09"].Rows, after["unit 2025-09"].Rows) {
		t.Errorf("September's ranking unchanged by its second half")
	}
}
