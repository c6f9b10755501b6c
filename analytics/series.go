package analytics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// errNotBuilt marks an API whose contract is fixed but whose body lands with the analytics issue.
var errNotBuilt = errors.New("analytics: not built yet")

// Grain is the bucket of a series: a local day, an ISO week (Monday start) or a calendar month,
// all cut at midnight Asia/Ho_Chi_Minh.
type Grain string

const (
	GrainDay   Grain = "day"
	GrainWeek  Grain = "week"
	GrainMonth Grain = "month"
)

// Point is one bucket of a series: Start is the bucket's first local midnight; Value is set the
// way the KPI of the same key sets it (a count, a rate with its interval, or a score; a rate
// with a zero denominator has a nil Value, shown N/A).
type Point struct {
	Start time.Time `json:"start"`
	Value Value     `json:"value"`
}

// Series is one KPI over a period by Grain, with no gaps: every bucket that overlaps the period
// is present (counts are 0 on empty buckets, rates and scores N/A).
type Series struct {
	Metric         string  `json:"metric"` // a KPI key (KeyDossiersReceived, ...)
	Unit           string  `json:"unit"`
	HigherIsBetter bool    `json:"higher_is_better"`
	Grain          Grain   `json:"grain"`
	Points         []Point `json:"points"`
}

// SeriesMetrics lists the KPI keys SeriesOf accepts: every key of DossierKPIs, PetitionKPIs and
// PostKPIs, in their order.
func SeriesMetrics() []string {
	out := make([]string, len(metrics))
	for i, m := range metrics {
		out[i] = m.key
	}
	return out
}

// SeriesOf is the KPI metric over period p by grain g within scope s, with the default Options;
// see SeriesOfWith.
func SeriesOf(ctx context.Context, q Querier, metric string, p models.Period, g Grain, s Scope) (Series, error) {
	return SeriesOfWith(ctx, q, metric, p, g, s, Options{})
}

// SeriesOfWith is the KPI metric over period p by grain g within scope s. Each point is the
// metric's KPI value over the part of its bucket inside p (the first and last buckets may be
// partial), computed by the same queries and rules as the KPI; open and overdue counts are judged
// at the bucket's end (or p's end for the last bucket). An unknown metric or grain, a scope
// dimension the metric's stream does not carry, or a petition metric that cannot be filtered by
// unit, fails with an error matching models.ErrInvalid.
func SeriesOfWith(ctx context.Context, q Querier, metric string, p models.Period, g Grain, s Scope, o Options) (Series, error) {
	i := slices.IndexFunc(metrics, func(m metricDef) bool { return m.key == metric })
	if i < 0 {
		return Series{}, &models.FieldError{Field: "metric", Message: fmt.Sprintf("unknown metric %q (known: %s)", metric, strings.Join(SeriesMetrics(), ", "))}
	}
	m := metrics[i]
	switch g {
	case GrainDay, GrainWeek, GrainMonth:
	default:
		return Series{}, &models.FieldError{Field: "grain", Message: fmt.Sprintf("unknown grain %q (day, week or month)", g)}
	}
	if p.IsZero() {
		return Series{}, &models.FieldError{Field: "period", Message: "a period is required"}
	}
	if err := s.check(m.source); err != nil {
		return Series{}, err
	}
	if s.Unit != "" && m.parts&unitBlind != 0 {
		return Series{}, &models.FieldError{Field: "unit", Message: fmt.Sprintf("%s cannot be filtered by unit: the handling unit is not known at reception", metric)}
	}
	// The rows go through the exact result cache (resultcache.go) under the fingerprints of the
	// stream's sources, read once before any data.
	w := readWatermarks(ctx, q, kpiSources[m.source])
	figs, err := loadFigures(ctx, q, request{p: p, grain: g, s: s, o: o, w: w}, m.parts)
	if err != nil {
		return Series{}, err
	}
	starts := bucketStarts(p, g)
	out := Series{Metric: m.key, Unit: m.unit, HigherIsBetter: m.higher, Grain: g, Points: make([]Point, len(starts))}
	for i, b := range starts {
		out.Points[i] = Point{Start: b, Value: m.value(figs[dateKey(b)])}
	}
	return out, nil
}

// bucketStarts are the first local midnights of the buckets of grain g that overlap p, in order;
// for the empty grain, the one bucket p.From.
func bucketStarts(p models.Period, g Grain) []time.Time {
	if g == "" {
		return []time.Time{p.From.In(models.Location)}
	}
	var out []time.Time
	for b := bucketStart(p.From, g); b.Before(p.To); b = nextBucket(b, g) {
		out = append(out, b)
	}
	return out
}

// bucketStart is the first local midnight of the bucket of grain g holding t.
func bucketStart(t time.Time, g Grain) time.Time {
	y, m, d := t.In(models.Location).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, models.Location)
	switch g {
	case GrainWeek:
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case GrainMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, models.Location)
	}
	return day
}

func nextBucket(b time.Time, g Grain) time.Time {
	switch g {
	case GrainWeek:
		return b.AddDate(0, 0, 7)
	case GrainMonth:
		return b.AddDate(0, 1, 0)
	}
	return b.AddDate(0, 0, 1)
}
