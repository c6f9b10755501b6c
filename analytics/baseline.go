package analytics

import (
	"math"
	"slices"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Baselines of the anomaly detection. A count series (petitions of a ward and category, negative
// posts of a ward and topic, dossiers received by a unit) is modelled as
//
//	E[count on day d] = level × f(d)
//
// where f is the day factor of the stream, fitted on its city-wide daily totals (DayModel): a
// weekday pattern, a month-end rush, and the factors of public holidays and of the weeks around
// Tết from the dated calendar. The level of each series comes from the eight weeks before the
// period tested, partially pooled towards its place in the city (a ward's share times the
// category's share) so that a series with no history does not alarm on its first case, and with
// its most extreme week left out so that last month's incident does not hide this month's.
// Counts are tested against a quasi-Poisson distribution: the Poisson law of count/φ with mean
// expected/φ, where φ ≥ 1 is the overdispersion measured on the baseline weeks — for a window
// expecting fewer events than the weeks it was measured on, only its negative-binomial share
// (overdispersion.at), so a window expecting a fraction of an event is tested nearly as Poisson —
// inflated by the uncertainty of the level. Small wards therefore need several cases, not one,
// to alarm.

// DayModel is the day-factor model of one stream. The factor of an ordinary day is
// Weekday[wd], times MonthEnd in the last four days of a month; holidays and the Tết break
// replace the weekday pattern by their factor; the weeks around Tết multiply it (and a month
// end among them still counts).
type DayModel struct {
	Weekday  [7]float64 // by time.Weekday, mean 1 over the week
	MonthEnd float64
	Special  [models.NumDayTypes]float64 // by models.DayType; Special[models.DayOrdinary] is 1
	// Estimated says which Special factors were fitted on the data (else the calendar's
	// defaults).
	Estimated [models.NumDayTypes]bool
}

// Minimum support for fitting a special day type from the data: days of that type in the
// history, and expected events on them.
const (
	minSpecialDays     = 4
	minSpecialExpected = 20.0
)

// replaces reports the day types whose factor replaces the weekday pattern.
func replaces(t models.DayType) bool { return t == models.DayHoliday || t == models.DayTetBreak }

// Factor is f(t): the expected count on t's local date relative to an ordinary day's level.
func (m *DayModel) Factor(cal *models.Calendar, t time.Time) float64 {
	typ := cal.TypeOf(t)
	if replaces(typ) {
		return m.Special[typ]
	}
	f := m.Weekday[t.In(models.Location).Weekday()] * m.Special[typ]
	if monthEnd(t) {
		f *= m.MonthEnd
	}
	return f
}

// FitDayModel fits the day factors of a stream on its daily totals: counts[i] is the count of
// the local day start+i. Weekday factors are the mean count of each weekday over the ordinary
// days (not holidays, not near Tết, not month ends), divided by the mean over the week. The
// other factors compare their days with the local level: the count of the ordinary days within
// two weeks over the sum of their weekday factors (six weeks when fewer than seven are that
// close). A special day type
// with fewer than minSpecialDays days or minSpecialExpected expected events keeps the calendar's
// default for the stream.
func FitDayModel(cal *models.Calendar, start time.Time, counts []float64, defaults HolidayFactors) DayModel {
	var m DayModel
	n := len(counts)
	day := func(i int) time.Time { return start.AddDate(0, 0, i) }
	types := make([]models.DayType, n)
	ordinary := make([]bool, n) // ordinary and not a month end
	for i := range counts {
		types[i] = cal.TypeOf(day(i))
		ordinary[i] = types[i] == models.DayOrdinary && !monthEnd(day(i))
	}
	var sum, cnt [7]float64
	for i, c := range counts {
		if ordinary[i] {
			wd := day(i).Weekday()
			sum[wd] += c
			cnt[wd]++
		}
	}
	var mean float64
	var seen int
	for wd := range 7 {
		if cnt[wd] > 0 {
			mean += sum[wd] / cnt[wd]
			seen++
		}
	}
	for wd := range 7 {
		m.Weekday[wd] = 1
		if seen == 7 && mean > 0 {
			m.Weekday[wd] = sum[wd] / cnt[wd] / (mean / 7)
		}
	}
	// The local level of every day: the ordinary days' counts within two weeks over their
	// weekday factors (six weeks when fewer than seven days are that close). A ratio of sums,
	// not a mean of ratios: a quiet Sunday's one dossier over a factor of 0.03 must not weigh
	// as thirty ordinary days.
	sumC, sumW, numOrd := make([]float64, n+1), make([]float64, n+1), make([]int, n+1)
	for i, c := range counts {
		sumC[i+1], sumW[i+1], numOrd[i+1] = sumC[i], sumW[i], numOrd[i]
		if ordinary[i] {
			sumC[i+1] += c
			sumW[i+1] += m.Weekday[day(i).Weekday()]
			numOrd[i+1]++
		}
	}
	level := func(i int) (float64, bool) {
		for _, r := range []int{14, 42} {
			lo, hi := max(0, i-r), min(n-1, i+r)+1
			c, w, k := sumC[hi]-sumC[lo], sumW[hi]-sumW[lo], numOrd[hi]-numOrd[lo]
			if ordinary[i] {
				c, w, k = c-counts[i], w-m.Weekday[day(i).Weekday()], k-1
			}
			if k >= 7 && w > 0 {
				return c / w, true
			}
		}
		return 0, false
	}
	var obs, exp, days [models.NumDayTypes + 1]float64 // index models.NumDayTypes: month ends
	fitted := func(k int, def float64) (float64, bool) {
		if days[k] >= minSpecialDays && exp[k] >= minSpecialExpected {
			return obs[k] / exp[k], true
		}
		return def, false
	}
	// Month ends first: the weeks around Tết that end a month carry its rush too.
	m.MonthEnd = 1
	for pass := range 2 {
		for i, c := range counts {
			t := types[i]
			k := int(t)
			switch {
			case t == models.DayOrdinary && ordinary[i]:
				continue
			case t == models.DayOrdinary:
				k = int(models.NumDayTypes)
			}
			if (pass == 0) != (k == int(models.NumDayTypes)) {
				continue
			}
			l, ok := level(i)
			if !ok {
				continue
			}
			e := l
			if !replaces(t) {
				e *= m.Weekday[day(i).Weekday()]
				if t != models.DayOrdinary && monthEnd(day(i)) {
					e *= m.MonthEnd
				}
			}
			obs[k] += c
			exp[k] += e
			days[k]++
		}
		if pass == 0 {
			m.MonthEnd, _ = fitted(int(models.NumDayTypes), 1)
		}
	}
	m.Special[models.DayOrdinary] = 1
	for t := models.DayHoliday; t < models.NumDayTypes; t++ {
		m.Special[t], m.Estimated[t] = fitted(int(t), defaults.of(t))
	}
	return m
}

// seriesLevel is the level (events per unit of day factor) of one series over its baseline
// days: counts[i] and factors[i] of consecutive days, grouped into weeks from the end. The week
// with the highest rate is left out when at least four weeks are there (a past incident must not
// raise the baseline for long). prior and kappa pool it: kappa units of day factor at the prior
// level are added to the data, so a series with little data sits near its prior.
func seriesLevel(counts, factors []float64, prior, kappa float64) (level, support float64) {
	type week struct{ c, f float64 }
	var weeks []week
	for end := len(counts); end > 0; end -= 7 {
		var w week
		for i := max(0, end-7); i < end; i++ {
			w.c += counts[i]
			w.f += factors[i]
		}
		weeks = append(weeks, w)
	}
	var c, f float64
	worst, worstRate := -1, -1.0
	for i, w := range weeks {
		c += w.c
		f += w.f
		if w.f > 0 && w.c/w.f > worstRate {
			worst, worstRate = i, w.c/w.f
		}
	}
	if len(weeks) >= 4 && worst >= 0 {
		c -= weeks[worst].c
		f -= weeks[worst].f
	}
	if f+kappa <= 0 {
		return prior, 0
	}
	return (c + kappa*prior) / (f + kappa), f + kappa
}

// Test results: the tail probability of what was observed under the baseline, and the band.

// upperTail is P(X ≥ x) for X quasi-Poisson with mean mu and dispersion phi.
func upperTail(x, mu, phi float64) float64 {
	if x <= 0 {
		return 1
	}
	if mu <= 0 {
		return 0
	}
	return gammaP(x/phi, mu/phi)
}

// lowerTail is P(X ≤ x) for X quasi-Poisson with mean mu and dispersion phi.
func lowerTail(x, mu, phi float64) float64 {
	if x < 0 {
		return 0
	}
	if mu <= 0 {
		return 1
	}
	return 1 - gammaP(x/phi+1, mu/phi)
}

// band is the central 95% range [low, high] of a quasi-Poisson count with mean mu and
// dispersion phi: phi times the 2.5% and 97.5% quantiles of Poisson(mu/phi).
func band(mu, phi float64) (low, high float64) {
	if mu <= 0 {
		return 0, 0
	}
	m := mu / phi
	return phi * poissonQuantile(m, 0.025), phi * poissonQuantile(m, 0.975)
}

// poissonQuantile is the smallest k with P(X ≤ k) ≥ p for X ~ Poisson(m).
func poissonQuantile(m, p float64) float64 {
	k := math.Max(0, math.Floor(m-6*math.Sqrt(m)-1))
	for ; ; k++ {
		if 1-gammaP(k+1, m) >= p {
			return k
		}
	}
}

// gammaP is the regularised lower incomplete gamma function P(a, x) (Numerical Recipes §6.2:
// its series below a+1, the continued fraction of Q above). P(k, μ) = P(Poisson(μ) ≥ k) for
// integer k ≥ 1, and it extends that tail to real k.
func gammaP(a, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case a <= 0:
		return 1
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 100000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return math.Min(1, sum*front)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 100000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return math.Max(0, 1-front*h)
}

// dispersion is a robust estimate of φ from (observed, expected) pairs: the median of the squared
// Pearson residuals (o − e)² / e over the pairs expecting at least five events, divided by the
// median of χ²(1) (0.4549), clamped to [1, 4]. The median keeps a few incidents or chronically
// troubled places in the baseline from inflating φ for everyone. It is 1 with fewer than 20 such
// pairs.
func dispersion(obs, exp []float64) float64 { return dispersionOf(obs, exp).phi }

// overdispersion is the dispersion of a family of series as a function of the expected count:
// φ measured (dispersion) on pairs whose median expectation is ref, and for a smaller
// expectation μ the negative-binomial share of it, 1 + (φ − 1) × μ / ref. Extra-Poisson variance
// (a level that is a little off, a busy week) grows with the square of the mean, so a window
// expecting a fraction of an event is nearly Poisson: a ward's three petitions a day are not
// judged with the dispersion of the city's flooding petitions. Above ref it stays φ (the
// baselines' own error is already in φ's inflation by the level's support).
type overdispersion struct {
	phi, ref float64
}

// at is φ for a window expecting mu events.
func (o overdispersion) at(mu float64) float64 {
	if o.phi <= 1 || o.ref <= 0 || mu >= o.ref {
		return math.Max(1, o.phi)
	}
	return 1 + (o.phi-1)*math.Max(0, mu)/o.ref
}

// dispersionOf is dispersion with the median expectation of the pairs it rests on.
func dispersionOf(obs, exp []float64) overdispersion {
	var r2, used []float64
	for i := range obs {
		if exp[i] >= 5 {
			d := obs[i] - exp[i]
			r2 = append(r2, d*d/exp[i])
			used = append(used, exp[i])
		}
	}
	if len(r2) < 20 {
		return overdispersion{phi: 1}
	}
	return overdispersion{phi: math.Min(4, math.Max(1, median(r2)/chi2Median)), ref: median(used)}
}

// median sorts v and returns its median (v not empty).
func median(v []float64) float64 {
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + m) / 2
	}
	return m
}

// chi2Median is the median of the χ² distribution with one degree of freedom.
const chi2Median = 0.454936423119572
