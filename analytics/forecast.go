package analytics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Forecasts of daily intake: Holt–Winters with a multiplicative weekly season and a damped
// additive trend, fitted to the daily series of SeriesOf (so from the intake rollups). Holidays
// and the month-end and quarter-end reporting rushes (the last four days of a month, DOMAIN §2)
// are taken out of the fit and forecast at their own observed ratio to the model, and prediction
// intervals come from a rolling-origin back-test of the same method on the most recent weeks.

// ForecastPoint is the forecast of one future local day with its prediction interval.
type ForecastPoint struct {
	Day  time.Time `json:"day"`
	Mean float64   `json:"mean"`
	Low  float64   `json:"low"`
	High float64   `json:"high"`
	// Holiday is true when the day is a public holiday or in the Tết break of the calendar used.
	Holiday bool `json:"holiday"`
}

// Forecast is the next Horizon days of daily intake of a stream (dossiers received or petitions
// received) after AsOf, from a seasonal method, with the back-tested error of that method on
// the history it was fitted to.
type Forecast struct {
	Stream  models.Stream   `json:"stream"`
	Method  string          `json:"method"`
	AsOf    time.Time       `json:"as_of"`
	History []Point         `json:"history"`
	Points  []ForecastPoint `json:"points"`
	// BacktestMAPE is the mean absolute percentage error of the method over its back-test
	// window (days with zero actuals left out); BacktestDays is that window's length.
	// BacktestMAPE is in percent (12.5 means 12.5%); both are 0 when the history was too short
	// for a back-test.
	BacktestMAPE float64 `json:"backtest_mape"`
	BacktestDays int     `json:"backtest_days"`
}

// ForecastOptions tune ForecastIntakeWith; the zero value means the defaults.
type ForecastOptions struct {
	// HistoryDays is how many complete days before AsOf's day are fitted; 0 means 364, at least
	// 56 (eight weeks: four to start the weekly season, four to learn from).
	HistoryDays int
	// BacktestWeeks is how many weekly forecast origins the back-test uses; 0 means 8.
	BacktestWeeks int
	// IsHoliday reports whether a local day (its midnight) is a public holiday or in the Tết
	// break; nil means govpulse's holiday calendar (models.DefaultCalendar: the public holidays
	// and the official Tết breaks of 2020–2030).
	IsHoliday func(day time.Time) bool
}

// ErrShortHistory reports that a scope has too few days of data to fit a weekly seasonal model.
var ErrShortHistory = errors.New("analytics: too little history to forecast (at least 28 days with data are needed)")

// forecastMethod names the method in Forecast.Method.
const forecastMethod = "holt_winters_weekly"

// ForecastIntake forecasts the daily intake of stream (models.StreamDossiers or
// models.StreamPetitions) for horizon days after the local day containing asOf, within scope s,
// with the default ForecastOptions.
func ForecastIntake(ctx context.Context, q Querier, stream models.Stream, asOf time.Time, horizon int, s Scope) (Forecast, error) {
	return ForecastIntakeWith(ctx, q, stream, asOf, horizon, s, ForecastOptions{})
}

// ForecastIntakeWith forecasts the daily intake of stream for the horizon (1 to 92) days after the
// local day containing asOf, within scope s. The history is the HistoryDays complete days before
// that day (the day itself is still filling up); leading days before the scope's first data are
// dropped. Intervals are 95% prediction intervals from the back-test errors of the same weekday,
// never below 0.
func ForecastIntakeWith(ctx context.Context, q Querier, stream models.Stream, asOf time.Time, horizon int, s Scope, o ForecastOptions) (Forecast, error) {
	var metric string
	switch stream {
	case models.StreamDossiers:
		metric = KeyDossiersReceived
	case models.StreamPetitions:
		metric = KeyPetitionsReceived
	default:
		return Forecast{}, &models.FieldError{Field: "stream", Message: fmt.Sprintf("forecasts cover dossiers or petitions, not %q", stream)}
	}
	if horizon < 1 || horizon > 92 {
		return Forecast{}, &models.FieldError{Field: "horizon", Message: fmt.Sprintf("want 1 to 92 days, got %d", horizon)}
	}
	if asOf.IsZero() {
		return Forecast{}, &models.FieldError{Field: "as_of", Message: "a date is required"}
	}
	if o.HistoryDays == 0 {
		o.HistoryDays = 364
	}
	if o.HistoryDays < 56 {
		return Forecast{}, &models.FieldError{Field: "history_days", Message: fmt.Sprintf("want at least 56 days, got %d", o.HistoryDays)}
	}
	if o.BacktestWeeks <= 0 {
		o.BacktestWeeks = 8
	}
	if o.IsHoliday == nil {
		o.IsHoliday = models.DefaultCalendar().IsHoliday
	}
	today := bucketStart(asOf, GrainDay)
	hist, err := models.DateRange(today.AddDate(0, 0, -o.HistoryDays), today.AddDate(0, 0, -1))
	if err != nil {
		return Forecast{}, err
	}
	series, err := SeriesOf(ctx, q, metric, hist, GrainDay, s)
	if err != nil {
		return Forecast{}, err
	}
	points := series.Points
	for len(points) > 0 && points[0].Value.Count != nil && *points[0].Value.Count == 0 {
		points = points[1:]
	}
	x := make([]float64, len(points))
	days := make([]time.Time, len(points))
	for i, p := range points {
		x[i], days[i] = float64(*p.Value.Count), p.Start
	}
	// Step 1 is asOf's own day, not reported; the horizon starts the day after.
	f, err := forecastDaily(x, days, horizon+1, o)
	if err != nil {
		return Forecast{}, err
	}
	out := Forecast{Stream: stream, Method: forecastMethod, AsOf: asOf, History: points,
		BacktestMAPE: f.mape, BacktestDays: f.backtestDays}
	out.Points = f.points[1:]
	return out, nil
}

// dailyForecast is the pure result of forecastDaily.
type dailyForecast struct {
	points       []ForecastPoint
	mape         float64
	backtestDays int
}

// forecastDaily fits x (daily counts of the local days days, consecutive) and forecasts the
// horizon days after the last one.
func forecastDaily(x []float64, days []time.Time, horizon int, o ForecastOptions) (dailyForecast, error) {
	nonZero := 0
	for _, v := range x {
		if v > 0 {
			nonZero++
		}
	}
	if len(x) < 28 || nonZero < 28 {
		return dailyForecast{}, ErrShortHistory
	}
	hol := make([]dayKind, len(x))
	for i, d := range days {
		hol[i] = kindOf(d, o.IsHoliday)
	}
	last := days[len(days)-1]
	future := make([]time.Time, horizon)
	futureHol := make([]dayKind, horizon)
	for k := range future {
		future[k] = last.AddDate(0, 0, k+1)
		futureHol[k] = kindOf(future[k], o.IsHoliday)
	}
	m := selectHW(x, days, hol)
	mean := m.forecast(x, days, hol, future, futureHol)

	// The back-test: forecasts of 14 days from weekly origins before the end, refitted on the
	// history up to each origin. Its errors by weekday give the intervals; its percentage errors
	// give the MAPE.
	const step = 14
	var sq [7]float64
	var nsq [7]int
	var ape float64
	var nape, earliest int
	earliest = len(x)
	for w := range o.BacktestWeeks {
		origin := len(x) - step - 7*w
		if origin < 56 {
			break
		}
		earliest = origin
		bm := selectHW(x[:origin], days[:origin], hol[:origin])
		pred := bm.forecast(x[:origin], days[:origin], hol[:origin], days[origin:origin+step], hol[origin:origin+step])
		for k, p := range pred {
			actual := x[origin+k]
			wd := int(days[origin+k].Weekday())
			e := actual - p
			sq[wd] += e * e
			nsq[wd]++
			if actual > 0 {
				ape += math.Abs(e) / actual
				nape++
			}
		}
	}
	var out dailyForecast
	if nape > 0 {
		out.mape = 100 * ape / float64(nape)
		out.backtestDays = len(x) - earliest
	}
	// Without a back-test, the one-step errors of the fit stand in.
	if out.backtestDays == 0 {
		pred := m.run(x, days, hol).pred
		for i := 28; i < len(x); i++ {
			wd := int(days[i].Weekday())
			e := x[i] - pred[i]
			sq[wd] += e * e
			nsq[wd]++
		}
	}
	const z = 1.959963984540054
	for k, d := range future {
		wd := int(d.Weekday())
		sigma := 0.0
		if nsq[wd] > 0 {
			sigma = math.Sqrt(sq[wd] / float64(nsq[wd]))
		}
		out.points = append(out.points, ForecastPoint{Day: d, Mean: mean[k], Low: math.Max(0, mean[k]-z*sigma), High: mean[k] + z*sigma, Holiday: futureHol[k] == dayHoliday})
	}
	return out, nil
}

// hwModel is Holt–Winters with a multiplicative weekly season (one factor per weekday) and a
// damped additive trend.
type hwModel struct {
	alpha, beta, gamma, phi float64
}

// hwRun is the state after filtering a history, and the one-step predictions made on the way.
type hwRun struct {
	level, trend float64
	season       [7]float64
	pred         []float64
	// ratio is, per special kind of day, observed / predicted intake over the history's days of
	// that kind.
	ratio [numDayKinds]float64
}

// dayKind sorts days for the model: ordinary days update it; the others are forecast at their
// kind's ratio to it.
type dayKind uint8

const (
	dayOrdinary dayKind = iota
	dayHoliday
	dayMonthEnd   // one of the last four days of a month that does not end a quarter
	dayQuarterEnd // one of the last four days of March, June, September or December
	numDayKinds
)

// kindOf is the kind of the local day d; a holiday at a month's end is a holiday.
func kindOf(d time.Time, isHoliday func(time.Time) bool) dayKind {
	if isHoliday(d) {
		return dayHoliday
	}
	if d.AddDate(0, 0, 4).Month() != d.Month() {
		if d.Month()%3 == 0 {
			return dayQuarterEnd
		}
		return dayMonthEnd
	}
	return dayOrdinary
}

// closedFactor is the season factor under which a weekday counts as closed (dossiers on Sunday):
// its few online submissions update its own factor but not the level, which dividing by a tiny
// factor would throw about.
const closedFactor = 0.15

// run filters x. The season starts from the first four weeks' weekday means over their mean;
// special days update nothing (the state carries over) and are predicted like ordinary days.
func (m hwModel) run(x []float64, days []time.Time, hol []dayKind) hwRun {
	var r hwRun
	var sum [7]float64
	var n [7]int
	var total float64
	var nt int
	for i := 0; i < len(x) && i < 28; i++ {
		if hol[i] != dayOrdinary {
			continue
		}
		wd := days[i].Weekday()
		sum[wd] += x[i]
		n[wd]++
		total += x[i]
		nt++
	}
	r.level = total / math.Max(float64(nt), 1)
	for wd := range r.season {
		r.season[wd] = 1
		if n[wd] > 0 && r.level > 0 {
			r.season[wd] = sum[wd] / float64(n[wd]) / r.level
		}
	}
	r.pred = make([]float64, len(x))
	var actual, pred [numDayKinds]float64
	for i, v := range x {
		wd := days[i].Weekday()
		base := r.level + m.phi*r.trend
		r.pred[i] = math.Max(0, base*r.season[wd])
		switch {
		case hol[i] != dayOrdinary:
			actual[hol[i]] += v
			pred[hol[i]] += r.pred[i]
			r.level, r.trend = math.Max(base, 0), m.phi*r.trend
		case r.season[wd] < closedFactor:
			if base > 0 {
				r.season[wd] = m.gamma*(v/base) + (1-m.gamma)*r.season[wd]
			}
			r.level, r.trend = math.Max(base, 0), m.phi*r.trend
		default:
			level := math.Max(m.alpha*(v/r.season[wd])+(1-m.alpha)*base, 0)
			r.trend = m.beta*(level-r.level) + (1-m.beta)*m.phi*r.trend
			if level > 0 {
				r.season[wd] = m.gamma*(v/level) + (1-m.gamma)*r.season[wd]
			}
			r.level = level
		}
	}
	// Priors until days of a kind are seen: most offices close on holidays; no rush.
	r.ratio = [numDayKinds]float64{1, 0.3, 1, 1}
	for k := dayHoliday; k < numDayKinds; k++ {
		if pred[k] > 0 {
			r.ratio[k] = math.Min(actual[k]/pred[k], 3)
		}
	}
	return r
}

// forecast fits x and predicts the days future (consecutive, after the history), special days
// at their kind's ratio.
func (m hwModel) forecast(x []float64, days []time.Time, hol []dayKind, future []time.Time, futureHol []dayKind) []float64 {
	r := m.run(x, days, hol)
	out := make([]float64, len(future))
	level, damp := r.level, 0.0
	for k, d := range future {
		damp += math.Pow(m.phi, float64(k+1))
		out[k] = math.Max(0, (level+damp*r.trend)*r.season[d.Weekday()]) * r.ratio[futureHol[k]]
	}
	return out
}

// selectHW picks the smoothing parameters with the least squared one-step error over the
// ordinary days after the first four weeks.
func selectHW(x []float64, days []time.Time, hol []dayKind) hwModel {
	best, bestSSE := hwModel{alpha: 0.2, beta: 0.02, gamma: 0.1, phi: 0.9}, math.Inf(1)
	for _, a := range []float64{0.05, 0.1, 0.2, 0.35, 0.5} {
		for _, b := range []float64{0, 0.02, 0.1} {
			for _, g := range []float64{0.05, 0.1, 0.2, 0.4} {
				m := hwModel{alpha: a, beta: b, gamma: g, phi: 0.9}
				pred := m.run(x, days, hol).pred
				var sse float64
				for i := 28; i < len(x); i++ {
					if hol[i] == dayOrdinary {
						e := x[i] - pred[i]
						sse += e * e
					}
				}
				if sse < bestSSE {
					best, bestSSE = m, sse
				}
			}
		}
	}
	return best
}
