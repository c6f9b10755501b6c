package analytics_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// TestForecastOnSimulatedData forecasts the 14 days after 16 October 2025 of simulated daily
// intake (city-wide and for the busiest ward) from the year before, prints the back-test MAPE and
// the MAPE against what the simulation then holds for those days, and requires both sane
// city-wide (below a bound, and below the error of forecasting the history's daily mean), and the
// 95% intervals to hold most actual days everywhere. Sundays, with a handful of online
// submissions, weigh heavily in a percentage error.
func TestForecastOnSimulatedData(t *testing.T) {
	ctx := context.Background()
	db := kpiSimDB(t)
	asOf := time.Date(2025, 10, 16, 15, 0, 0, 0, models.Location)
	horizon, err := models.DateRange(time.Date(2025, 10, 17, 0, 0, 0, 0, models.Location), time.Date(2025, 10, 30, 0, 0, 0, 0, models.Location))
	if err != nil {
		t.Fatal(err)
	}
	var ward []string
	if err := db.Query(ctx, &ward, "SELECT topK(1)(ward_code)[1] FROM petitions FINAL WHERE ward_code != ''", nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stream models.Stream
		metric string
		scope  analytics.Scope
		limit  float64 // percent; 0: a handful a day, where a percentage error says nothing
	}{
		{models.StreamDossiers, analytics.KeyDossiersReceived, analytics.Scope{}, 25},
		{models.StreamPetitions, analytics.KeyPetitionsReceived, analytics.Scope{}, 35},
		{models.StreamDossiers, analytics.KeyDossiersReceived, analytics.Scope{Ward: ward[0]}, 0},
	} {
		f, err := analytics.ForecastIntake(ctx, db, tc.stream, asOf, 14, tc.scope)
		if err != nil {
			t.Fatalf("%s %+v: %v", tc.stream, tc.scope, err)
		}
		if len(f.Points) != 14 || !f.Points[0].Day.Equal(horizon.From) || f.Method == "" {
			t.Fatalf("%s: %d points from %v", tc.stream, len(f.Points), f.Points[0].Day)
		}
		actual, err := analytics.SeriesOf(ctx, db, tc.metric, horizon, analytics.GrainDay, tc.scope)
		if err != nil {
			t.Fatal(err)
		}
		var histMean float64
		for _, p := range f.History {
			histMean += float64(*p.Value.Count)
		}
		histMean /= float64(len(f.History))
		var ape, flat float64
		var n, covered int
		for i, p := range f.Points {
			a := float64(*actual.Points[i].Value.Count)
			if a >= p.Low && a <= p.High {
				covered++
			}
			if a > 0 {
				ape += math.Abs(a-p.Mean) / a
				flat += math.Abs(a-histMean) / a
				n++
			}
		}
		mape, flatMAPE := 100*ape/float64(n), 100*flat/float64(n)
		t.Logf("%s %s: back-test MAPE %.1f%% over %d days; 17-30 Oct MAPE %.1f%% (flat mean %.1f%%), %d/14 inside the 95%% interval",
			tc.stream, scopeString(tc.scope), f.BacktestMAPE, f.BacktestDays, mape, flatMAPE, covered)
		if tc.limit > 0 && (f.BacktestMAPE <= 0 || f.BacktestMAPE > tc.limit || mape > tc.limit) {
			t.Errorf("%s %s: MAPE back-test %.1f%%, hold-out %.1f%%; want both in (0, %.0f%%]", tc.stream, scopeString(tc.scope), f.BacktestMAPE, mape, tc.limit)
		}
		if tc.limit > 0 && mape >= flatMAPE {
			t.Errorf("%s: MAPE %.1f%% is no better than a flat mean (%.1f%%)", tc.stream, mape, flatMAPE)
		}
		if covered < 9 {
			t.Errorf("%s: %d of 14 actual days inside the 95%% interval", tc.stream, covered)
		}
	}
}
