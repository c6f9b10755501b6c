package analytics

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// TestDetectAlertsCache: a second detection of the same week and scope is the cached one (equal,
// and a copy the caller may change), and new data in a source table is seen at once.
func TestDetectAlertsCache(t *testing.T) {
	ctx := context.Background()
	db := alertFixtureDB(t, false)
	p, _ := models.ParsePeriod("2025-W31")
	first, err := DetectAlerts(ctx, db, p, Scope{})
	if err != nil || len(first) != 1 {
		t.Fatalf("%d alerts (%v), want 1", len(first), err)
	}
	w := readWatermarks(ctx, db, alertSources)
	if w == nil {
		t.Fatal("the embedded engine's tables give no fingerprint")
	}
	key := cacheKey{q: db, query: "detect_alerts", from: localMidnight(p.From).Unix(), to: localMidnight(p.To).Unix(), cal: models.DefaultCalendar()}
	if _, hit := results.get(key, w.fingerprint(alertReads), time.Now()); !hit {
		t.Fatal("the detection was not cached")
	}
	first[0].Drivers[0].Observed = -1 // the caller's copy
	again, err := DetectAlerts(ctx, db, p, Scope{})
	if err != nil || len(again) != 1 || again[0].Drivers[0].Observed != 11 {
		t.Fatalf("cached alerts = %+v (%v), want the 11 petitions again", again, err)
	}
	// Five more petitions on 30 July: the petitions rollup changes, and so does the answer.
	var events []models.PetitionEvent
	for i := range 5 {
		at := day("2025-07-30").Add(time.Duration(20+i) * time.Minute * 10)
		pe := models.Petition{ID: fmt.Sprintf("late-%d", i), ReceivedAt: at, Channel: "hotline", Category: "ngap_nuoc",
			WardCode: "26743", Status: string(models.PetitionNew), DueAt: at.AddDate(0, 0, 5), UpdatedAt: at,
			Version: uint64(at.UnixMilli()), IngestedAt: at, Source: "test"}
		events = append(events, pe.Event(models.PetitionNew, at))
	}
	if err := db.Insert(ctx, "petition_events", events); err != nil {
		t.Fatal(err)
	}
	after, err := DetectAlerts(ctx, db, p, Scope{})
	if err != nil || len(after) != 1 || after[0].Observed != 16 {
		t.Fatalf("after new petitions: %+v (%v), want 16 observed", after, err)
	}
	if !reflect.DeepEqual(first[0].Start, after[0].Start) {
		t.Errorf("the alert moved: %v, then %v", first[0].Start, after[0].Start)
	}
}

func TestOverdispersionAt(t *testing.T) {
	for _, c := range []struct {
		o        overdispersion
		mu, want float64
	}{
		{overdispersion{1.5, 10}, 0, 1}, {overdispersion{1.5, 10}, 5, 1.25}, {overdispersion{1.5, 10}, 10, 1.5},
		{overdispersion{1.5, 10}, 40, 1.5}, {overdispersion{phi: 1}, 3, 1}, {overdispersion{phi: 2}, 3, 2},
	} {
		if got := c.o.at(c.mu); got != c.want {
			t.Errorf("%+v.at(%v) = %v, want %v", c.o, c.mu, got, c.want)
		}
	}
}
