package analytics

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

func TestBucketStarts(t *testing.T) {
	p := kpiPeriod(t, "2025-10-01..2025-10-13") // Wednesday to Monday
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, models.Location)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tt := range []struct {
		g    Grain
		want []string
	}{
		{GrainWeek, []string{"2025-09-29", "2025-10-06", "2025-10-13"}},
		{GrainMonth, []string{"2025-10-01"}},
		{"", []string{"2025-10-01"}},
	} {
		var got []string
		for _, b := range bucketStarts(p, tt.g) {
			if !b.Equal(day(dateKey(b))) {
				t.Errorf("%s bucket %v is not a local midnight", tt.g, b)
			}
			got = append(got, dateKey(b))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q buckets = %v, want %v", tt.g, got, tt.want)
		}
	}
	if n := len(bucketStarts(kpiPeriod(t, "2024"), GrainDay)); n != 366 {
		t.Errorf("days of 2024 = %d, want 366", n)
	}
}

func TestSeries(t *testing.T) {
	ctx := context.Background()
	db := kpiDB(t)

	tests := []struct {
		name   string
		metric string
		period string
		grain  Grain
		scope  Scope
		starts []string
		want   []want
	}{
		{"received by week", KeyDossiersReceived, "2025-09-29..2025-10-12", GrainWeek, Scope{},
			[]string{"2025-09-29", "2025-10-06"}, []want{c(3), c(6)}},
		// The week bucket starts on Monday 29 September but holds only the period's days: D13
		// (00:30 on 1 October), not D9 (29 September) nor D14 (23:30 on 30 September).
		{"partial week at a month boundary", KeyDossiersReceived, "2025-10-01..2025-10-05", GrainWeek, Scope{},
			[]string{"2025-09-29"}, []want{c(1)}},
		{"on-time rate by month with an empty month", KeyDossierOnTimeRate, "2025-08-01..2025-10-31", GrainMonth, Scope{},
			[]string{"2025-08-01", "2025-09-01", "2025-10-01"}, []want{r(0, 0), r(1, 1), r(6, 8)}},
		{"median processing days by month", KeyDossierProcessingMed, "2025-08-01..2025-10-31", GrainMonth, Scope{},
			[]string{"2025-08-01", "2025-09-01", "2025-10-01"}, []want{qty(0, 0), qty(1, 1), qty(1, 8)}},
		// Open at each day's end: D14 ends at 00:10 on 1 November.
		{"open at each day's end", KeyDossiersOpen, "2025-10-30..2025-11-02", GrainDay, Scope{},
			[]string{"2025-10-30", "2025-10-31", "2025-11-01", "2025-11-02"}, []want{c(3), c(3), c(2), c(2)}},
		{"overdue at each day's end", KeyDossiersOpenOverdue, "2025-10-29..2025-10-31", GrainDay, Scope{},
			// At the end of 29 October D6 and D14 are past due; D12 (due 30 October 17:00) joins
			// at the end of the 30th.
			[]string{"2025-10-29", "2025-10-30", "2025-10-31"}, []want{c(2), c(3), c(3)}},
		{"posts by day across midnight", KeyPostsVolume, "2025-10-30..2025-11-01", GrainDay, Scope{},
			[]string{"2025-10-30", "2025-10-31", "2025-11-01"}, []want{c(0), c(1), c(1)}},
		{"petition backlog by week", KeyPetitionsBacklog, "2025-10-06..2025-10-19", GrainWeek, Scope{},
			// End of week 1 (13 October): P3 open, P4 reopened is not backlog; P1 P2 P4 closed.
			[]string{"2025-10-06", "2025-10-13"}, []want{c(1), c(1)}},
		{"engagement-weighted sentiment by month", KeyPostEngagementScore, "2025-09-01..2025-10-31", GrainMonth, Scope{Platform: "facebook"},
			[]string{"2025-09-01", "2025-10-01"}, []want{sc(0.5, 1), sc(-4.5, 15)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := SeriesOf(ctx, db, tt.metric, kpiPeriod(t, tt.period), tt.grain, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if s.Metric != tt.metric || s.Grain != tt.grain {
				t.Errorf("series = %s by %s", s.Metric, s.Grain)
			}
			if len(s.Points) != len(tt.starts) {
				t.Fatalf("got %d points, want %d", len(s.Points), len(tt.starts))
			}
			for i, pt := range s.Points {
				if dateKey(pt.Start) != tt.starts[i] {
					t.Errorf("point %d starts %s, want %s", i, dateKey(pt.Start), tt.starts[i])
				}
				tt.want[i].check(t, tt.starts[i], pt.Value)
			}
		})
	}
}

// TestSeriesAddUpToKPIs checks, for every metric, that a month by day has one point per day and
// that the daily counts add up to the month's KPI.
func TestSeriesAddUpToKPIs(t *testing.T) {
	ctx := context.Background()
	db := kpiDB(t)
	oct := kpiPeriod(t, "2025-10")
	var kpis []KPI
	for _, f := range []func(context.Context, Querier, models.Period, Scope) ([]KPI, error){DossierKPIs, PetitionKPIs, PostKPIs} {
		k, err := f(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		kpis = append(kpis, k...)
	}
	if got := len(SeriesMetrics()); got != len(kpis) {
		t.Errorf("SeriesMetrics has %d keys, the KPIs %d", got, len(kpis))
	}
	for _, k := range kpis {
		s, err := SeriesOf(ctx, db, k.Key, oct, GrainDay, Scope{})
		if err != nil {
			t.Fatalf("%s: %v", k.Key, err)
		}
		if len(s.Points) != 31 || s.Unit != k.Unit || s.HigherIsBetter != k.HigherIsBetter {
			t.Errorf("%s: %d points, unit %s", k.Key, len(s.Points), s.Unit)
		}
		if k.Current.Count == nil || k.Key == KeyDossiersOpen || k.Key == KeyDossiersOpenOverdue ||
			k.Key == KeyPetitionsBacklog || k.Key == KeyPetitionsOverdue {
			continue
		}
		var sum uint64
		for _, p := range s.Points {
			sum += *p.Value.Count
		}
		if sum != *k.Current.Count {
			t.Errorf("%s: daily points add up to %d, the KPI is %d", k.Key, sum, *k.Current.Count)
		}
	}
}

func TestSeriesRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	p := kpiPeriod(t, "2025-10")
	for _, tt := range []struct {
		name   string
		metric string
		grain  Grain
		scope  Scope
		p      models.Period
	}{
		{"unknown metric", "dossiers_eaten", GrainDay, Scope{}, p},
		{"unknown grain", KeyDossiersReceived, "hour", Scope{}, p},
		{"foreign dimension", KeyDossiersReceived, GrainDay, Scope{Platform: "zalo"}, p},
		{"backlog by unit", KeyPetitionsBacklog, GrainDay, Scope{Unit: "U1"}, p},
		{"no period", KeyDossiersReceived, GrainDay, Scope{}, models.Period{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := SeriesOf(ctx, nil, tt.metric, tt.p, tt.grain, tt.scope); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
