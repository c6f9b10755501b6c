package analytics

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// countingQuerier counts the reads of dossiers FINAL (rank_dossiers.sql), the cost the ranking
// cache saves.
type countingQuerier struct {
	store.DB
	dossierReads atomic.Int64
}

func (c *countingQuerier) Query(ctx context.Context, dest any, query string, params store.Params) error {
	if strings.Contains(query, "FROM dossiers FINAL") {
		c.dossierReads.Add(1)
	}
	return c.DB.Query(ctx, dest, query, params)
}

// uncachedQuerier is a handle the cache refuses (not comparable): every ranking through it reads
// the engine, the reference the cached answers must equal.
type uncachedQuerier struct {
	Querier
	_ []struct{}
}

func TestRankingCacheHitsAndInvalidates(t *testing.T) {
	ctx := context.Background()
	db := &countingQuerier{DB: rankDB(t)}
	ref := uncachedQuerier{Querier: db.DB}
	oct := mustPeriod(t, "2025-10")
	rank := func(q Querier, now time.Time) Ranking {
		t.Helper()
		r, err := rankingsAt(ctx, q, nil, LevelUnit, oct, now)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if rankWatermark(ctx, ref) != nil {
		t.Fatal("a non-comparable handle must not be cached")
	}
	if rankWatermark(ctx, db) == nil {
		t.Fatal("the embedded engine's tables should give a watermark")
	}

	first := rank(db, rankNow)
	reads := db.dossierReads.Load()
	if reads != 2 {
		t.Fatalf("first ranking read dossiers FINAL %d times, want 2 (October and September)", reads)
	}
	// A caller changing a row must not change the cached inputs.
	rowOf(t, first, "H29.STP").Ratios["tien_do_giai_quyet"] = Ratio{Num: 99, Den: 99}
	second := rank(db, rankNow)
	if db.dossierReads.Load() != reads {
		t.Errorf("an unchanged database read dossiers FINAL again")
	}
	if want := rank(ref, rankNow); !reflect.DeepEqual(second, want) {
		t.Errorf("cached ranking differs from the engine's:\n%+v\n%+v", second.Rows, want.Rows)
	}
	if got := rowOf(t, second, "H29.STP").Ratios["tien_do_giai_quyet"]; got != (Ratio{Num: 3, Den: 6}) {
		t.Errorf("STP progress %+v after a caller's edit, want 3/6", got)
	}
	// Another index configuration scores the same inputs: still a hit.
	if _, err := rankingsAt(ctx, db, DefaultIndexConfig(), LevelWard, oct, rankNow); err != nil {
		t.Fatal(err)
	}
	if db.dossierReads.Load() != reads {
		t.Errorf("the ward level re-read the periods")
	}

	// A dossier received in December lands in another partition: October and September stay
	// cached, and the ranking still equals the engine's.
	var a3 []models.Dossier
	if err := db.DB.Query(ctx, &a3, "SELECT * EXCEPT (ended_at, effective_due_at, ended_on_time) FROM dossiers FINAL WHERE id = 'A3'", nil); err != nil {
		t.Fatal(err)
	}
	if len(a3) != 1 {
		t.Fatalf("A3: %d rows", len(a3))
	}
	dec := a3[0]
	dec.ID, dec.ReceivedAt, dec.UpdatedAt, dec.IngestedAt = "D1", at(2025, 12, 2, 8), at(2025, 12, 2, 8), at(2025, 12, 2, 8)
	if err := db.DB.Insert(ctx, "dossiers", []models.Dossier{dec}); err != nil {
		t.Fatal(err)
	}
	if got, want := rank(db, rankNow), rank(ref, rankNow); !reflect.DeepEqual(got, want) {
		t.Errorf("ranking after a December dossier differs from the engine's")
	}
	if db.dossierReads.Load() != reads {
		t.Errorf("a dossier of another month re-read October or September")
	}

	// A rating arrives without an event: a new version of A3 rated dissatisfied. The watermark
	// changes, so the next ranking reads again and sees it.
	rated := "dissatisfied"
	a3[0].Satisfaction, a3[0].Version = &rated, a3[0].Version+1
	if err := db.DB.Insert(ctx, "dossiers", a3); err != nil {
		t.Fatal(err)
	}
	third := rank(db, rankNow)
	if db.dossierReads.Load() == reads {
		t.Errorf("a new rating did not invalidate the cache")
	}
	if want := rank(ref, rankNow); !reflect.DeepEqual(third, want) {
		t.Errorf("ranking after the rating differs from the engine's")
	}
	if got := rowOf(t, third, "H29.STP").Ratios["hai_long_ho_so"]; reflect.DeepEqual(got, rowOf(t, second, "H29.STP").Ratios["hai_long_ho_so"]) {
		t.Errorf("STP satisfaction unchanged by a new dissatisfied rating: %+v", got)
	}

	// A dossier received online in October, with its event: the intake rollup (partition 2025)
	// changes too, so online submission moves from 3/7 to 4/8.
	oct2 := a3[0]
	oct2.ID, oct2.Channel, oct2.Satisfaction = "D2", "online", nil
	if err := db.DB.Insert(ctx, "dossiers", []models.Dossier{oct2}); err != nil {
		t.Fatal(err)
	}
	if err := db.DB.Insert(ctx, "dossier_events", []models.DossierEvent{oct2.Event(models.DossierReceived, oct2.ReceivedAt)}); err != nil {
		t.Fatal(err)
	}
	fourth := rank(db, rankNow)
	if want := rank(ref, rankNow); !reflect.DeepEqual(fourth, want) {
		t.Errorf("ranking after an October dossier differs from the engine's")
	}
	if got := rowOf(t, fourth, "H29.STP").Ratios["ho_so_truc_tuyen"]; got != (Ratio{Num: 4, Den: 8}) {
		t.Errorf("STP online submission %+v after a new online dossier, want 4/8", got)
	}
}

func TestRankingCachePartitions(t *testing.T) {
	for _, c := range []struct{ period, months, years string }{
		{"2025-10", "202510", "2025"},
		{"2025-Q4", "202510 202511 202512", "2025"},
		{"2025-12-20..2026-01-05", "202512 202601", "2025 2026"},
		{"2025-12-31..2025-12-31", "202512", "2025"},
	} {
		p := mustPeriod(t, c.period)
		if got := strings.Join(months(p), " "); got != c.months {
			t.Errorf("%s months %s, want %s", c.period, got, c.months)
		}
		if got := strings.Join(years(p), " "); got != c.years {
			t.Errorf("%s years %s, want %s", c.period, got, c.years)
		}
	}
}

// A period still running is judged now: the cached ratios hold until an open dossier turns
// overdue or an end time passes. Every 3 hours from 20 October to 2 November the cached ranking
// equals the engine's, and some of them are hits.
func TestRankingCacheRunningPeriod(t *testing.T) {
	ctx := context.Background()
	db := &countingQuerier{DB: rankDB(t)}
	ref := uncachedQuerier{Querier: db.DB}
	oct := mustPeriod(t, "2025-10")
	calls := 0
	for now := at(2025, 10, 20, 0); now.Before(at(2025, 11, 2, 0)); now = now.Add(3 * time.Hour) {
		got, err := rankingsAt(ctx, db, nil, LevelUnit, oct, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rankingsAt(ctx, ref, nil, LevelUnit, oct, now)
		if err != nil {
			t.Fatal(err)
		}
		calls++
		if !reflect.DeepEqual(got, want) {
			t.Errorf("judged %s: cached ranking differs from the engine's: STP progress %+v, want %+v", now,
				rowOf(t, got, "H29.STP").Ratios["tien_do_giai_quyet"], rowOf(t, want, "H29.STP").Ratios["tien_do_giai_quyet"])
		}
	}
	t.Logf("%d reads of dossiers FINAL for %d rankings", db.dossierReads.Load(), calls)
	// Without the cache each call reads October and September (2 × calls); September is complete
	// and read once, October again only when a due or end time passed.
	if n := db.dossierReads.Load(); n >= int64(calls)+1 || n < 3 {
		t.Errorf("%d reads of dossiers FINAL for %d rankings, want fewer than %d and at least 3", n, calls, calls+1)
	}
}
