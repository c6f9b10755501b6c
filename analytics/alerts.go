package analytics

import (
	"context"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Severity grades an alert or hotspot; leaders see critical first.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Alert kinds: what was detected where.
const (
	AlertPetitionSurge = "petition_surge" // petitions of a ward × category above baseline
	AlertNegativePosts = "negative_posts" // negative posts of a ward × topic above baseline
	AlertOverdueSurge  = "overdue_surge"  // late/overdue dossiers of a unit above baseline
	AlertIntakeDrop    = "intake_drop"    // dossiers received by a unit below baseline
	AlertIntakeSurge   = "intake_surge"   // dossiers received by a unit above baseline
)

// Driver is one breakdown value that explains an alert (which category, ward, procedure ...),
// with its observed and expected counts over the alert's days.
type Driver struct {
	Dimension string  `json:"dimension"` // "category", "ward", "unit", "procedure", "topic", "platform"
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Observed  float64 `json:"observed"`
	Expected  float64 `json:"expected"`
}

// Alert is one anomaly: Observed against Expected with its band [Low, High] over [Start, End)
// (local midnights), for the place and breakdown named by Ward/Unit/Category/Topic (empty when
// not part of the key). Link is a dashboard path with filters that shows the data behind it.
type Alert struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Severity Severity      `json:"severity"`
	Stream   models.Stream `json:"stream"`
	Start    time.Time     `json:"start"`
	End      time.Time     `json:"end"`
	Ward     string        `json:"ward,omitempty"`
	Unit     string        `json:"unit,omitempty"`
	Category string        `json:"category,omitempty"`
	Topic    string        `json:"topic,omitempty"`
	Observed float64       `json:"observed"`
	Expected float64       `json:"expected"`
	Low      float64       `json:"low"`
	High     float64       `json:"high"`
	Score    float64       `json:"score"` // how far outside the band, for ordering
	Drivers  []Driver      `json:"drivers"`
	Link     string        `json:"link"`
	TitleVI  string        `json:"title_vi"`
	TitleEN  string        `json:"title_en"`
}

// Hotspot is a ward where alerts of several streams (petitions, negative posts, late dossiers)
// coincide in time, joined into one incident and ranked by Score.
type Hotspot struct {
	Ward      string          `json:"ward"`
	WardName  string          `json:"ward_name"`
	Start     time.Time       `json:"start"`
	End       time.Time       `json:"end"`
	Severity  Severity        `json:"severity"`
	Score     float64         `json:"score"`
	Streams   []models.Stream `json:"streams"`
	Alerts    []Alert         `json:"alerts"`
	SummaryVI string          `json:"summary_vi"`
	SummaryEN string          `json:"summary_en"`
}

// DetectAlerts finds the anomalies whose days fall in period p (usually the last days up to
// now) within scope s, most severe first.
func DetectAlerts(ctx context.Context, q Querier, p models.Period, s Scope) ([]Alert, error) {
	return nil, errNotBuilt
}

// Hotspots joins the alerts of period p into ward incidents, most severe first.
func Hotspots(ctx context.Context, q Querier, p models.Period, s Scope) ([]Hotspot, error) {
	return nil, errNotBuilt
}
