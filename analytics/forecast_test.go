package analytics

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// forecastSeries is a synthetic daily intake: a weekly pattern (near-empty Sundays), a slow
// rise, a month-end rush, holidays at a tenth of normal, and Poisson-like noise.
func forecastSeries(start time.Time, n int, seed uint64) ([]float64, []time.Time) {
	rng := rand.New(rand.NewPCG(seed, 7))
	week := [7]float64{0.04, 1.25, 1.15, 1.0, 0.95, 0.9, 0.35} // Sunday first
	x := make([]float64, n)
	days := make([]time.Time, n)
	for i := range x {
		d := start.AddDate(0, 0, i)
		days[i] = d
		mean := 200 * (1 + 0.3*float64(i)/365) * week[d.Weekday()]
		if d.AddDate(0, 0, 3).Month() != d.Month() {
			mean *= 1.15
		}
		if models.DefaultCalendar().IsHoliday(d) {
			mean *= 0.1
		}
		x[i] = math.Max(0, math.Round(mean+rng.NormFloat64()*math.Sqrt(mean)))
	}
	return x, days
}

// TestForecastBacktest holds out the last 14 days of a year of synthetic intake, forecasts them
// from the rest, and compares with the seasonal naive forecast (the same weekday a week
// earlier), on days with intake.
func TestForecastBacktest(t *testing.T) {
	start := time.Date(2024, 9, 2, 0, 0, 0, 0, models.Location)
	for _, seed := range []uint64{1, 2, 3} {
		x, days := forecastSeries(start, 378, seed)
		fit, held := len(x)-14, x[len(x)-14:]
		f, err := forecastDaily(x[:fit], days[:fit], 14, ForecastOptions{IsHoliday: models.DefaultCalendar().IsHoliday, BacktestWeeks: 8})
		if err != nil {
			t.Fatal(err)
		}
		var ape, naive float64
		var n, covered int
		for k, p := range f.points {
			if !p.Day.Equal(days[fit+k]) {
				t.Fatalf("point %d is %v, want %v", k, p.Day, days[fit+k])
			}
			if p.Low > p.Mean || p.Mean > p.High || p.Low < 0 {
				t.Errorf("%s: interval [%.1f, %.1f] around %.1f", dateKey(p.Day), p.Low, p.High, p.Mean)
			}
			if held[k] >= p.Low && held[k] <= p.High {
				covered++
			}
			if held[k] > 0 {
				ape += math.Abs(held[k]-p.Mean) / held[k]
				naive += math.Abs(held[k]-x[fit+k-7]) / held[k]
				n++
			}
		}
		mape, naiveMAPE := 100*ape/float64(n), 100*naive/float64(n)
		t.Logf("seed %d: hold-out MAPE %.1f%% (seasonal naive %.1f%%), back-test MAPE %.1f%% over %d days, %d/14 inside the 95%% interval",
			seed, mape, naiveMAPE, f.mape, f.backtestDays, covered)
		if mape > 25 || f.mape > 25 {
			t.Errorf("seed %d: MAPE %.1f%% (back-test %.1f%%), want at most 25%%", seed, mape, f.mape)
		}
		if mape > naiveMAPE*1.2 {
			t.Errorf("seed %d: MAPE %.1f%% is worse than the seasonal naive %.1f%%", seed, mape, naiveMAPE)
		}
		if covered < 10 {
			t.Errorf("seed %d: only %d of 14 held-out days inside the 95%% interval", seed, covered)
		}
		if f.backtestDays != 14+7*7 {
			t.Errorf("back-test window = %d days, want %d", f.backtestDays, 14+7*7)
		}
	}
}

// TestForecastHolidays checks that a holiday in the horizon is forecast low: 30 April and
// 1 May 2025 against the weekdays around them.
func TestForecastHolidays(t *testing.T) {
	start := time.Date(2024, 4, 22, 0, 0, 0, 0, models.Location)
	x, days := forecastSeries(start, 364, 4) // through Sunday 20 April 2025
	f, err := forecastDaily(x, days, 14, ForecastOptions{IsHoliday: models.DefaultCalendar().IsHoliday})
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string]ForecastPoint{}
	for _, p := range f.points {
		byDay[dateKey(p.Day)] = p
	}
	for _, h := range []string{"2025-04-30", "2025-05-01"} {
		p := byDay[h]
		if !p.Holiday || p.Mean > 0.3*byDay["2025-04-29"].Mean {
			t.Errorf("%s: %+v, want a holiday well below Tuesday 29 April (%.1f)", h, p, byDay["2025-04-29"].Mean)
		}
	}
	if sun := byDay["2025-04-27"].Mean; sun > 0.1*byDay["2025-04-28"].Mean {
		t.Errorf("Sunday forecast %.1f, want near zero beside Monday's %.1f", sun, byDay["2025-04-28"].Mean)
	}
}

func TestForecastRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 10, 15, 9, 0, 0, 0, models.Location)
	for _, tt := range []struct {
		name    string
		stream  models.Stream
		horizon int
		scope   Scope
	}{
		{"posts", models.StreamPosts, 14, Scope{}},
		{"no horizon", models.StreamDossiers, 0, Scope{}},
		{"petitions by unit", models.StreamPetitions, 14, Scope{Unit: "U1"}},
		{"dossiers by category", models.StreamDossiers, 14, Scope{Category: "x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ForecastIntake(ctx, nil, tt.stream, now, tt.horizon, tt.scope); !errors.Is(err, models.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := forecastDaily(make([]float64, 100), make([]time.Time, 100), 14, ForecastOptions{IsHoliday: models.DefaultCalendar().IsHoliday}); !errors.Is(err, ErrShortHistory) {
		t.Errorf("empty history: err = %v, want ErrShortHistory", err)
	}
}

// TestForecastIntakeFromStore forecasts from the KPI fixtures' store: too little history there.
func TestForecastIntakeFromStore(t *testing.T) {
	db := kpiDB(t)
	_, err := ForecastIntake(context.Background(), db, models.StreamDossiers, time.Date(2025, 11, 1, 9, 0, 0, 0, models.Location), 14, Scope{})
	if !errors.Is(err, ErrShortHistory) {
		t.Errorf("err = %v, want ErrShortHistory", err)
	}
}
