package analytics

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// overdueDossiers are the fixtures of TestOpenOverdueCardMatchesList, all of unit UO (pauses are
// supplement_paused_seconds; the effective due time is due + pauses, DOMAIN §3):
//
//	id  received     due        pauses  latest state                  eff. due   at 10-01 00  at 11-01 00
//	O1  10-01 08     10-10 17   30 d    processing (supplement came)  11-09 17   -            open
//	O2  10-02 08     10-12 17   -       processing                    10-12 17   -            open, overdue
//	O3  10-03 08     10-20 17   5 d     processing                    10-25 17   -            open, overdue
//	O4  09-20 08     09-25 17   -       supplement_requested          09-25 17   open, overdue open, overdue
//	O5  10-05 08     10-15 17   10 d    completed 11-03 08            10-25 17   -            open, overdue
//	O6  10-06 08     10-16 17   20 d    completed 11-04 08            11-05 17   -            open
//	O7  10-07 08     10-09 17   -       completed 10-20 08            10-09 17   -            ended
//	O8  09-01 08     09-10 17   -       completed 10-05 08            09-10 17   open, overdue ended
//	O9  09-02 08     09-12 17   -       withdrawn 11-02 08            09-12 17   open, overdue open, overdue
//
// All in 2025. By due_at alone (pauses ignored) O1 and O6 would also be overdue on 1 November:
// 7 instead of 5.
func overdueDossiers() (events []models.DossierEvent, states []models.Dossier) {
	type spec struct {
		id            string
		received, due time.Time
		paused        time.Duration
		status        models.DossierStatus
		ended         time.Time
	}
	day := 24 * time.Hour
	specs := []spec{
		{"O1", at(2025, 10, 1, 8), at(2025, 10, 10, 17), 30 * day, models.DossierProcessing, time.Time{}},
		{"O2", at(2025, 10, 2, 8), at(2025, 10, 12, 17), 0, models.DossierProcessing, time.Time{}},
		{"O3", at(2025, 10, 3, 8), at(2025, 10, 20, 17), 5 * day, models.DossierProcessing, time.Time{}},
		{"O4", at(2025, 9, 20, 8), at(2025, 9, 25, 17), 0, models.DossierSupplementRequested, time.Time{}},
		{"O5", at(2025, 10, 5, 8), at(2025, 10, 15, 17), 10 * day, models.DossierCompleted, at(2025, 11, 3, 8)},
		{"O6", at(2025, 10, 6, 8), at(2025, 10, 16, 17), 20 * day, models.DossierCompleted, at(2025, 11, 4, 8)},
		{"O7", at(2025, 10, 7, 8), at(2025, 10, 9, 17), 0, models.DossierCompleted, at(2025, 10, 20, 8)},
		{"O8", at(2025, 9, 1, 8), at(2025, 9, 10, 17), 0, models.DossierCompleted, at(2025, 10, 5, 8)},
		{"O9", at(2025, 9, 2, 8), at(2025, 9, 12, 17), 0, models.DossierWithdrawn, at(2025, 11, 2, 8)},
	}
	for _, s := range specs {
		d := models.Dossier{ID: s.id, ProcedureCode: "1.001193", Field: "F1", UnitCode: "UO", WardCode: "W1",
			Channel: "online", OnlineLevel: "full", Status: string(models.DossierReceived),
			ReceivedAt: s.received, DueAt: s.due, UpdatedAt: s.received,
			Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "test"}
		events = append(events, d.Event(models.DossierReceived, d.ReceivedAt))
		states = append(states, d)
		if s.paused > 0 || s.status == models.DossierSupplementRequested {
			// A supplement is requested two days after reception.
			r := d
			r.Status, r.UpdatedAt, r.SupplementCount = string(models.DossierSupplementRequested), s.received.Add(2*day), 1
			r.Version = uint64(r.UpdatedAt.UnixMilli())
			events = append(events, r.Event(models.DossierSupplementRequested, r.UpdatedAt))
			states = append(states, r)
			d = r
		}
		last := d
		switch {
		case !s.ended.IsZero():
			ended := s.ended
			last.Status, last.CompletedAt, last.UpdatedAt = string(s.status), &ended, ended
		case s.status == models.DossierProcessing:
			last.Status, last.UpdatedAt = string(s.status), s.received.Add(2*day+s.paused)
		}
		if last.Status != d.Status {
			last.SupplementPausedSeconds = uint32(s.paused / time.Second)
			last.Version = uint64(last.UpdatedAt.UnixMilli())
			events = append(events, last.Event(models.DossierStatus(last.Status), last.UpdatedAt))
			states = append(states, last)
		}
	}
	return events, states
}

// TestOpenOverdueCardMatchesList: the open-overdue card counts a dossier as overdue by its
// effective due time (supplement pauses extend it), the rule of the overdue list, on a fixture
// counted by hand, at the end of the month, of the month before and of the same month a year
// earlier, through the result cache and without it.
func TestOpenOverdueCardMatchesList(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	events, states := overdueDossiers()
	if err := db.Insert(ctx, "dossier_events", events); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "dossiers", states); err != nil {
		t.Fatal(err)
	}
	oct := kpiPeriod(t, "2025-10")
	card := func(q Querier, s Scope) (open, overdue [3]uint64) {
		t.Helper()
		kpis, err := DossierKPIs(ctx, q, oct, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kpis {
			switch k.Key {
			case KeyDossiersOpen:
				open = [3]uint64{*k.Current.Count, *k.Previous.Count, *k.LastYear.Count}
			case KeyDossiersOpenOverdue:
				overdue = [3]uint64{*k.Current.Count, *k.Previous.Count, *k.LastYear.Count}
			}
		}
		return open, overdue
	}
	for _, q := range []Querier{db, uncachedQuerier{Querier: db}} {
		for _, s := range []Scope{{}, {Unit: "UO"}, {Unit: "UO", Ward: "W1", Field: "F1"}} {
			open, overdue := card(q, s)
			if want := [3]uint64{7, 3, 0}; open != want {
				t.Errorf("%T %+v: open %v, want %v", q, s, open, want)
			}
			if want := [3]uint64{5, 3, 0}; overdue != want {
				t.Errorf("%T %+v: open overdue %v, want %v (by effective due time)", q, s, overdue, want)
			}
		}
	}
	// The list at the same moments: the same number, and the dossiers counted by hand.
	for _, c := range []struct {
		at  time.Time
		ids []string
	}{
		{oct.To, []string{"O2", "O3", "O4", "O5", "O9"}},
		{oct.From, []string{"O4", "O8", "O9"}},
	} {
		list, err := OverdueDossiers(ctx, db, c.at, Scope{}, MaxListRows)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range list.Rows {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, c.ids) || list.Total != uint64(len(c.ids)) {
			t.Errorf("overdue list at %s: %v (total %d), want %v", c.at, ids, list.Total, c.ids)
		}
	}
	// A unit with none of them: zero, not N/A.
	if _, overdue := card(db, Scope{Unit: "U-none"}); overdue != [3]uint64{} {
		t.Errorf("unit without dossiers: overdue %v", overdue)
	}
}
