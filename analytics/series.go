package analytics

import (
	"context"
	"errors"
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

// SeriesMetrics lists the KPI keys SeriesOf accepts.
func SeriesMetrics() []string { return nil }

// SeriesOf is the KPI metric over period p by grain g within scope s.
func SeriesOf(ctx context.Context, q Querier, metric string, p models.Period, g Grain, s Scope) (Series, error) {
	return Series{}, errNotBuilt
}
