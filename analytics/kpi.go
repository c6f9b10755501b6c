package analytics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// KPIs for a period and a scope, each beside the previous period and the same period last year
// (DOMAIN §5: "this week vs last and vs last year"). The numbers come from the rollups of
// sql/migrations/0005_rollups.sql, 0012_kpi_rollups.sql and the cubes of 0014_kpi_cubes.sql,
// which are exact by their ingest contracts. A cube holds each scope of the dashboard as its own
// grouping, so a panel reads one key prefix (the scope) and a range of days, a few rows per day,
// instead of filtering rollups that keep every dimension. Two reads are of the latest-state
// tables (dossiers / petitions FINAL) filtered on received_at, their key's first column:
// satisfaction (ratings arrive after the end event and no event records them) and the dossiers
// still open, whose effective due time moves with each supplement pause (the open-overdue card).
//
// The rows of every query are kept in the exact result cache of resultcache.go, keyed by handle,
// query, period, scope and grain and valid while the partitions the query reads are unchanged
// (kpiReads: the months of the period for dossiers / petitions FINAL, its years for a rollup,
// every partition for the open-at-period-end flows), under fingerprints read before the data.
// The open flows of the three compared periods are read once, up to the latest end.
//
// The same query files and the same figure-to-value rules serve SeriesOf (series.go): a KPI is
// its series with one bucket spanning the whole period.
//
// Withdrawn dossiers (decision, reviewed against DOMAIN §3): they are left out of every outcome
// KPI (ended, early / on due / late, on-time rate, the shares of ended dossiers, processing
// time), because §3 judges a dossier by its end "completed, else returned, else
// stopped/rejected" and a withdrawal is the applicant's act, not the unit's handling; counting it
// as on time would flatter a unit, as late would blame it. They do count as received and, once
// withdrawn, they are no longer open.

// Querier runs a SELECT and scans its rows into dest, a pointer to a slice of structs tagged
// `ch:"column"`. store.DB satisfies it.
type Querier interface {
	Query(ctx context.Context, dest any, query string, params store.Params) error
}

// Scope narrows KPIs to one unit, ward, field, petition category, platform or post topic; ""
// means all. A dimension the source does not carry (a category for dossiers, a unit for posts) is
// refused with an error matching models.ErrInvalid rather than silently ignored.
type Scope struct {
	Unit     string `json:"unit,omitempty"`     // unit code (dossiers: receiving unit; petitions: handling unit)
	Ward     string `json:"ward,omitempty"`     // ward code
	Field    string `json:"field,omitempty"`    // field code (dossiers only)
	Category string `json:"category,omitempty"` // petition category code (petitions only)
	Platform string `json:"platform,omitempty"` // a models.Platform (posts only)
	Topic    string `json:"topic,omitempty"`    // post topic code (posts only)
}

// Options are the configurable thresholds of the KPIs. The zero Options mean the defaults.
type Options struct {
	// ForwardSLAMinutes is the time within which a petition must be forwarded to its handling
	// unit (DOMAIN §1: 5 minutes in HCMC, cfg). A petition counts as forwarded within it when
	// forwarded_at − received_at < ForwardSLAMinutes × 60 s. 0 means DefaultForwardSLAMinutes;
	// at most 65534.
	ForwardSLAMinutes int
}

// DefaultForwardSLAMinutes is the HCMC Portal 1022 rule: forward a case within 5 minutes.
const DefaultForwardSLAMinutes = 5

func (o Options) forwardSLA() int {
	if o.ForwardSLAMinutes <= 0 {
		return DefaultForwardSLAMinutes
	}
	return min(o.ForwardSLAMinutes, 65534)
}

// wilsonZ is the normal quantile of a two-sided 95% interval.
const wilsonZ = 1.959963984540054

// smallVolume is the denominator under which a rate is flagged as resting on few cases.
const smallVolume = 30

// Rate is a proportion Num/Den with its Wilson score 95% interval. Value is nil (shown "N/A",
// never 0%) when Den is 0, and Low and High are then 0. SmallVolume is true when Den < 30, where
// the interval is wide and a ranking should not lean on the rate.
type Rate struct {
	Num         float64  `json:"num"`
	Den         float64  `json:"den"`
	Value       *float64 `json:"value"`
	Low         float64  `json:"low"`
	High        float64  `json:"high"`
	SmallVolume bool     `json:"small_volume"`
}

// NewRate is the Rate num/den with its Wilson 95% interval. num must lie in [0, den].
func NewRate(num, den float64) Rate {
	r := Rate{Num: num, Den: den, SmallVolume: den < smallVolume}
	if den <= 0 {
		return r
	}
	p := num / den
	r.Value = &p
	z2 := wilsonZ * wilsonZ
	d := 1 + z2/den
	centre := (p + z2/(2*den)) / d
	half := wilsonZ * math.Sqrt(p*(1-p)/den+z2/(4*den*den)) / d
	r.Low, r.High = math.Max(0, centre-half), math.Min(1, centre+half)
	return r
}

// Score is a signed ratio Sum/N that is not a proportion (net sentiment, in [-1, 1]), so it has
// no Wilson interval. Value is nil when N is 0.
type Score struct {
	Sum   float64  `json:"sum"`
	N     float64  `json:"n"`
	Value *float64 `json:"value"`
}

// NewScore is the Score sum/n.
func NewScore(sum, n float64) Score {
	s := Score{Sum: sum, N: n}
	if n > 0 {
		v := sum / n
		s.Value = &v
	}
	return s
}

// Quantity is a statistic in the KPI's unit (days) over N cases: a mean, a median or a 90th
// percentile. Value is nil (N/A) when N is 0.
type Quantity struct {
	Value *float64 `json:"value"`
	N     float64  `json:"n"`
}

// Value is one KPI figure in one period: exactly one of Count, Rate, Score and Quantity is set,
// according to the KPI.
type Value struct {
	Count    *uint64   `json:"count,omitempty"`
	Rate     *Rate     `json:"rate,omitempty"`
	Score    *Score    `json:"score,omitempty"`
	Quantity *Quantity `json:"quantity,omitempty"`
}

// Number is the figure of v as one number, whichever kind it is; nil when it is N/A.
func (v Value) Number() *float64 {
	switch {
	case v.Count != nil:
		f := float64(*v.Count)
		return &f
	case v.Rate != nil:
		return v.Rate.Value
	case v.Score != nil:
		return v.Score.Value
	case v.Quantity != nil:
		return v.Quantity.Value
	}
	return nil
}

// KPI is one indicator for a period (Current), the period before it (models.Period.Previous) and
// the same period a year earlier (models.Period.SameLastYear). Key is stable snake_case; Unit
// names what it counts ("dossiers", "petitions", "posts"), "ratio" (0-1), "score" (-1 to 1) or
// "days". HigherIsBetter is the direction a leader reads as improvement; for plain volumes it is
// the service view (more dossiers handled is better, more petitions or posts is not).
type KPI struct {
	Key            string `json:"key"`
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higher_is_better"`
	Current        Value  `json:"current"`
	Previous       Value  `json:"previous"`
	LastYear       Value  `json:"last_year"`
}

// The KPI keys, in the order DossierKPIs, PetitionKPIs and PostKPIs return them.
const (
	KeyDossiersReceived       = "dossiers_received"
	KeyDossiersEnded          = "dossiers_ended"
	KeyDossiersEndedEarly     = "dossiers_ended_early"
	KeyDossiersEndedOnDue     = "dossiers_ended_on_due"
	KeyDossiersEndedLate      = "dossiers_ended_late"
	KeyDossierOnTimeRate      = "dossier_on_time_rate"
	KeyDossiersOpen           = "dossiers_open"
	KeyDossiersOpenOverdue    = "dossiers_open_overdue"
	KeyDossierOnlineShare     = "dossier_online_share"
	KeyDossierOnlinePayShare  = "dossier_online_payment_share"
	KeyDossierDigitizedShare  = "dossier_digitized_share"
	KeyDossierEResultShare    = "dossier_e_result_share"
	KeyDossierProcessingMean  = "dossier_processing_days_mean"
	KeyDossierProcessingMed   = "dossier_processing_days_median"
	KeyDossierProcessingP90   = "dossier_processing_days_p90"
	KeyDossierSatisfaction    = "dossier_satisfaction_rate"
	KeyPetitionsReceived      = "petitions_received"
	KeyPetitionsClosed        = "petitions_closed" // resolved in the Portal 1022 sense: answered (resolved or rejected) a first time
	KeyPetitionOnTimeRate     = "petition_on_time_rate"
	KeyPetitionForwardedInSLA = "petition_forwarded_within_sla_rate"
	KeyPetitionResolveMedian  = "petition_resolve_days_median"
	KeyPetitionResolveP90     = "petition_resolve_days_p90"
	KeyPetitionsBacklog       = "petitions_backlog"
	KeyPetitionsOverdue       = "petitions_overdue"
	KeyPetitionReopenRate     = "petition_reopen_rate"
	KeyPetitionSatisfaction   = "petition_satisfaction_rate"
	KeyPostsVolume            = "posts_volume"
	KeyPostNegativeShare      = "post_negative_share"
	KeyPostNetSentiment       = "post_net_sentiment"
	KeyPostEngagementScore    = "post_engagement_sentiment"
)

// part is one query file's worth of figures; a metric names the parts it needs.
type part uint16

const (
	partDossierIntake part = 1 << iota
	partDossierOutcome
	partDossierProcessing
	partDossierOpen
	partDossierSatisfaction
	partPetitionIntake
	partPetitionOutcome
	partPetitionHandling
	partPetitionReopen
	partPetitionOpen
	partPetitionSatisfaction
	partPosts
	partPostEngagement
)

// unitBlind are the petition parts whose rollups do not know the handling unit.
const unitBlind = partPetitionIntake | partPetitionOpen

// figures are the raw numbers of one bucket (a whole period for a KPI).
type figures struct {
	dReceived, dOnline                                         uint64
	dEnded, dOnTime, dEarly, dFee, dPaid, dDigitized, dEResult uint64
	dNetSeconds                                                int64
	dProcessing                                                histogram // quarter days
	dOpen, dOverdue                                            uint64
	dRated, dSatisfied                                         uint64

	pReceived, pClosed, pOnTime uint64
	pHandling                   histogram // hours
	pForwarded, pForwardedInSLA uint64
	pReopened                   uint64
	pBacklog, pOverdue          uint64
	pRated, pSatisfied          uint64

	posts, negative, positive uint64
	weight                    uint64
	weighted                  float64
}

// metricDef defines one KPI: how to compute its Value from figures and which parts it needs.
type metricDef struct {
	key, unit string
	higher    bool
	source    models.Stream
	parts     part
	value     func(f *figures) Value
}

func count(n uint64) Value { return Value{Count: &n} }

func rate(num, den uint64) Value {
	r := NewRate(float64(num), float64(den))
	return Value{Rate: &r}
}

func score(sum, n float64) Value {
	s := NewScore(sum, n)
	return Value{Score: &s}
}

func quantity(v float64, n uint64) Value {
	q := Quantity{N: float64(n)}
	if n > 0 {
		q.Value = &v
	}
	return Value{Quantity: &q}
}

// metrics lists every KPI in its order of presentation.
var metrics = []metricDef{
	{KeyDossiersReceived, "dossiers", true, models.StreamDossiers, partDossierIntake, func(f *figures) Value { return count(f.dReceived) }},
	{KeyDossiersEnded, "dossiers", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return count(f.dEnded) }},
	{KeyDossiersEndedEarly, "dossiers", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return count(f.dEarly) }},
	{KeyDossiersEndedOnDue, "dossiers", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return count(f.dOnTime - f.dEarly) }},
	{KeyDossiersEndedLate, "dossiers", false, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return count(f.dEnded - f.dOnTime) }},
	{KeyDossierOnTimeRate, "ratio", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return rate(f.dOnTime, f.dEnded) }},
	{KeyDossiersOpen, "dossiers", false, models.StreamDossiers, partDossierOpen, func(f *figures) Value { return count(f.dOpen) }},
	{KeyDossiersOpenOverdue, "dossiers", false, models.StreamDossiers, partDossierOpen, func(f *figures) Value { return count(f.dOverdue) }},
	{KeyDossierOnlineShare, "ratio", true, models.StreamDossiers, partDossierIntake, func(f *figures) Value { return rate(f.dOnline, f.dReceived) }},
	{KeyDossierOnlinePayShare, "ratio", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return rate(f.dPaid, f.dFee) }},
	{KeyDossierDigitizedShare, "ratio", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return rate(f.dDigitized, f.dEnded) }},
	{KeyDossierEResultShare, "ratio", true, models.StreamDossiers, partDossierOutcome, func(f *figures) Value { return rate(f.dEResult, f.dEnded) }},
	{KeyDossierProcessingMean, "days", false, models.StreamDossiers, partDossierOutcome, func(f *figures) Value {
		return quantity(float64(max(f.dNetSeconds, 0))/float64(max(f.dEnded, 1))/86400, f.dEnded)
	}},
	{KeyDossierProcessingMed, "days", false, models.StreamDossiers, partDossierProcessing, func(f *figures) Value {
		return quantity(float64(f.dProcessing.quantile(0.5))/4, f.dProcessing.n())
	}},
	{KeyDossierProcessingP90, "days", false, models.StreamDossiers, partDossierProcessing, func(f *figures) Value {
		return quantity(float64(f.dProcessing.quantile(0.9))/4, f.dProcessing.n())
	}},
	{KeyDossierSatisfaction, "ratio", true, models.StreamDossiers, partDossierSatisfaction, func(f *figures) Value { return rate(f.dSatisfied, f.dRated) }},

	{KeyPetitionsReceived, "petitions", false, models.StreamPetitions, partPetitionIntake, func(f *figures) Value { return count(f.pReceived) }},
	{KeyPetitionsClosed, "petitions", true, models.StreamPetitions, partPetitionOutcome, func(f *figures) Value { return count(f.pClosed) }},
	{KeyPetitionOnTimeRate, "ratio", true, models.StreamPetitions, partPetitionOutcome, func(f *figures) Value { return rate(f.pOnTime, f.pClosed) }},
	{KeyPetitionForwardedInSLA, "ratio", true, models.StreamPetitions, partPetitionHandling, func(f *figures) Value { return rate(f.pForwardedInSLA, f.pForwarded) }},
	{KeyPetitionResolveMedian, "days", false, models.StreamPetitions, partPetitionHandling, func(f *figures) Value {
		return quantity(float64(f.pHandling.quantile(0.5))/24, f.pHandling.n())
	}},
	{KeyPetitionResolveP90, "days", false, models.StreamPetitions, partPetitionHandling, func(f *figures) Value {
		return quantity(float64(f.pHandling.quantile(0.9))/24, f.pHandling.n())
	}},
	{KeyPetitionsBacklog, "petitions", false, models.StreamPetitions, partPetitionOpen, func(f *figures) Value { return count(f.pBacklog) }},
	{KeyPetitionsOverdue, "petitions", false, models.StreamPetitions, partPetitionOpen, func(f *figures) Value { return count(f.pOverdue) }},
	{KeyPetitionReopenRate, "ratio", false, models.StreamPetitions, partPetitionOutcome | partPetitionReopen, func(f *figures) Value {
		// Reopenings and first closures of the same period are different petitions; in a short
		// period the first can outnumber the second, and a share above 1 is not a proportion.
		return rate(min(f.pReopened, f.pClosed), f.pClosed)
	}},
	{KeyPetitionSatisfaction, "ratio", true, models.StreamPetitions, partPetitionSatisfaction, func(f *figures) Value { return rate(f.pSatisfied, f.pRated) }},

	{KeyPostsVolume, "posts", false, models.StreamPosts, partPosts, func(f *figures) Value { return count(f.posts) }},
	{KeyPostNegativeShare, "ratio", false, models.StreamPosts, partPosts, func(f *figures) Value { return rate(f.negative, f.posts) }},
	{KeyPostNetSentiment, "score", true, models.StreamPosts, partPosts, func(f *figures) Value {
		return score(float64(f.positive)-float64(f.negative), float64(f.posts))
	}},
	{KeyPostEngagementScore, "score", true, models.StreamPosts, partPostEngagement, func(f *figures) Value { return score(f.weighted, float64(f.weight)) }},
}

// DossierKPIs are the dossier indicators of s in p:
//   - received; ended (completed, returned or rejected; withdrawals left out, see above), ended
//     early / on the due day / late (the three add up to ended; "early" ends on a calendar day
//     before the effective due date) and the on-time rate ((early + on due) / ended, DOMAIN §3:
//     end ≤ due plus supplement pauses, at most one supplement request);
//   - open and open-overdue at the end of the period (received before p.To and not ended
//     before it; overdue: of those, the effective due time — due_at plus the supplement
//     pauses, DOMAIN §3, as known now — before p.To: the rule of OverdueDossiers, whose total
//     at p.To differs only by the dossiers received more than OverdueLookbackDays before);
//   - the online submission share (online received / received), the online payment share (paid
//     online / fee-bearing ended), the digitised and e-result shares of ended dossiers;
//   - mean, median and p90 processing days of ended dossiers, net of supplement pauses (the
//     median and p90 at a resolution of a quarter day, rounded down);
//   - the satisfaction rate (satisfied / rated) of the dossiers received in p.
func DossierKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	return kpisOf(ctx, q, models.StreamDossiers, p, s, Options{})
}

// PetitionKPIs are the petition indicators of s in p with the default Options; see
// PetitionKPIsWith.
func PetitionKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	return PetitionKPIsWith(ctx, q, p, s, Options{})
}

// PetitionKPIsWith are the petition indicators of s in p:
//   - received; closed for the first time (answered: resolved or rejected) and the on-time rate
//     of those first closures (answered by due_at; 766 group 5); re-closures after a reopening
//     are not counted;
//   - the share of first-closed petitions that were forwarded within o.ForwardSLAMinutes, of
//     those forwarded;
//   - median and p90 days to the first answer (a resolution of one hour, rounded down);
//   - backlog and overdue at the end of the period (received before p.To and not answered a
//     first time before it; overdue: of those, due_at before p.To);
//   - the reopen rate (first reopenings in p / first closures in p, at most 1);
//   - the satisfaction rate (satisfied / rated) of the petitions received in p.
//
// Received, backlog and overdue are left out when s names a unit: the handling unit is rarely
// known at reception, and the intake rollups cannot be filtered by it exactly.
func PetitionKPIsWith(ctx context.Context, q Querier, p models.Period, s Scope, o Options) ([]KPI, error) {
	return kpisOf(ctx, q, models.StreamPetitions, p, s, o)
}

// PostKPIs are the social-media indicators of s in p, by publication day: volume (posts counted
// once each), the negative share (negative / posts), the net sentiment ((positive − negative) /
// posts, a Score in [-1, 1]) and the engagement-weighted sentiment (each post's score weighted by
// 1 + likes + shares + comments as at its first delivery). Posts carry no unit, field or
// category; PostTopics gives the share of voice by topic.
func PostKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	return kpisOf(ctx, q, models.StreamPosts, p, s, Options{})
}

// AllKPIs are DossierKPIs, PetitionKPIs (with o) and PostKPIs of p one after the other, for a
// leader's overview; scope dimensions that a stream does not carry are dropped for that stream
// (Field for petitions and posts, Category for dossiers and posts, Unit and Topic where not
// known, Platform for dossiers and petitions) instead of refused.
func AllKPIs(ctx context.Context, q Querier, p models.Period, s Scope, o Options) ([]KPI, error) {
	// The streams one after the other: each already runs its periods and queries concurrently.
	var out []KPI
	for _, stream := range []models.Stream{models.StreamDossiers, models.StreamPetitions, models.StreamPosts} {
		k, err := kpisOf(ctx, q, stream, p, s.For(stream), o)
		if err != nil {
			return nil, err
		}
		out = append(out, k...)
	}
	return out, nil
}

// For is s without the dimensions stream does not carry.
func (s Scope) For(stream models.Stream) Scope {
	switch stream {
	case models.StreamDossiers:
		s.Category, s.Platform, s.Topic = "", "", ""
	case models.StreamPetitions:
		s.Field, s.Platform, s.Topic = "", "", ""
	case models.StreamPosts:
		s.Unit, s.Field, s.Category = "", "", ""
	}
	return s
}

// kpisOf computes the KPIs of stream for p, its previous period and the same period last year,
// the three periods concurrently.
func kpisOf(ctx context.Context, q Querier, stream models.Stream, p models.Period, s Scope, o Options) ([]KPI, error) {
	if err := s.check(stream); err != nil {
		return nil, err
	}
	if p.IsZero() {
		return nil, &models.FieldError{Field: "period", Message: "a period is required"}
	}
	ms := metricsOf(stream, s)
	var parts part
	for _, m := range ms {
		parts |= m.parts
	}
	// The dossier and petition parts go through the result cache (resultcache.go), under
	// fingerprints read once, before any data.
	var w *watermarks
	if parts&cachedParts != 0 && kpiSources[stream] != nil {
		w = readWatermarks(ctx, q, kpiSources[stream])
	}
	// The open counts of the three periods are judged at their ends, none after the latest: one
	// read of the daily flows before the latest end serves all three (openAt sums the days
	// before each end), instead of three reads of the rollups' whole history.
	var flows func() ([]flowRow, error)
	if open := map[models.Stream]string{models.StreamDossiers: "kpi_dossier_open", models.StreamPetitions: "kpi_petition_open"}[stream]; open != "" && parts&(partDossierOpen|partPetitionOpen) != 0 {
		latest := request{p: p, s: s, o: o}
		for _, per := range comparedPeriods(p) {
			if per.To.After(latest.p.To) {
				latest.p = per
			}
		}
		latest.w = w
		flows = sync.OnceValues(func() ([]flowRow, error) { return cachedQuery[flowRow](ctx, q, latest, open) })
	}
	var (
		figs [3]*figures
		errs [3]error
		wg   sync.WaitGroup
	)
	for i, per := range comparedPeriods(p) {
		wg.Go(func() {
			var byBucket map[string]*figures
			byBucket, errs[i] = loadFigures(ctx, q, request{p: per, s: s, o: o, w: w, flows: flows}, parts)
			figs[i] = byBucket[dateKey(per.From)]
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := make([]KPI, 0, len(ms))
	for _, m := range ms {
		out = append(out, KPI{Key: m.key, Unit: m.unit, HigherIsBetter: m.higher,
			Current: m.value(figs[0]), Previous: m.value(figs[1]), LastYear: m.value(figs[2])})
	}
	return out, nil
}

// metricsOf are the metrics of stream that scope s allows.
func metricsOf(stream models.Stream, s Scope) []metricDef {
	var out []metricDef
	for _, m := range metrics {
		if m.source != stream || (s.Unit != "" && m.parts&unitBlind != 0) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// comparedPeriods is p, its previous period and the same period last year, in Value order.
func comparedPeriods(p models.Period) [3]models.Period {
	return [3]models.Period{p, p.Previous(), p.SameLastYear()}
}

// check refuses a scope that sets a dimension that stream does not carry.
func (s Scope) check(stream models.Stream) error {
	allowed := map[models.Stream][]string{
		models.StreamDossiers:  {"unit", "ward", "field"},
		models.StreamPetitions: {"unit", "ward", "category"},
		models.StreamPosts:     {"ward", "platform", "topic"},
	}[stream]
	if allowed == nil {
		return &models.FieldError{Field: "stream", Message: fmt.Sprintf("unknown stream %q", stream)}
	}
	for _, d := range s.dims() {
		if d.value != "" && !slices.Contains(allowed, d.name) {
			return &models.FieldError{Field: d.name, Message: fmt.Sprintf("%s KPIs cannot be filtered by %s", stream, d.name)}
		}
	}
	return nil
}

type dim struct{ name, value string }

func (s Scope) dims() []dim {
	return []dim{{"unit", s.Unit}, {"ward", s.Ward}, {"field", s.Field}, {"category", s.Category}, {"platform", s.Platform}, {"topic", s.Topic}}
}

// request is what one load computes: the figures of p (one bucket, or one per bucket of grain).
type request struct {
	p     models.Period
	grain Grain // "" for one bucket spanning p
	s     Scope
	o     Options
	w     *watermarks // the fingerprints the FINAL-reading parts are cached under; nil: not cached
	// flows, when set, returns the rows of the stream's open query (kpi_dossier_open.sql or
	// kpi_petition_open.sql) for a period ending on or after r.p.To, read once for several
	// requests; nil: each request reads its own.
	flows func() ([]flowRow, error)
}

// openFlows are the rows of the open query name for r: r.flows' when set, the days before
// r.p.To being all openAt reads of them.
func (r request) openFlows(ctx context.Context, q Querier, name string) ([]flowRow, error) {
	if r.flows != nil {
		return r.flows()
	}
	return cachedQuery[flowRow](ctx, q, r, name)
}

// cachedParts are the parts whose rows go through the result cache: all of them.
const cachedParts = partDossierIntake | partDossierOutcome | partDossierProcessing | partDossierOpen |
	partDossierSatisfaction | partPetitionIntake | partPetitionOutcome | partPetitionHandling |
	partPetitionReopen | partPetitionOpen | partPetitionSatisfaction | partPosts | partPostEngagement

// kpiReads are the tables and partitions each cached kpi_* query reads for r. The latest-state
// tables are partitioned by the local month of received_at, which the satisfaction queries
// filter to [start, end); the rollups and cubes by the year of day, which the queries filter to
// [from, to), except the open queries, which read every day before to: all their partitions
// (kpi_dossier_open.sql also reads the dossiers still open, in any month before end).
func kpiReads(name string, r request) []tableRead {
	ys := years(r.p)
	switch name {
	case "kpi_dossier_satisfaction":
		return []tableRead{{"dossiers", months(r.p)}}
	case "kpi_petition_satisfaction":
		return []tableRead{{"petitions", months(r.p)}}
	case "kpi_dossier_open":
		return []tableRead{{table: "dossier_kpi_cube"}, {table: "dossiers"}}
	case "kpi_petition_open":
		return []tableRead{{table: "petition_kpi_cube"}}
	}
	return []tableRead{{kpiRollups[name], ys}}
}

// kpiRollups are the rollups the other cached kpi_* queries read.
var kpiRollups = map[string]string{
	"kpi_dossier_intake":     "dossier_kpi_cube",
	"kpi_dossier_outcome":    "dossier_outcome_daily",
	"kpi_dossier_processing": "dossier_processing_daily",
	"kpi_petition_counts":    "petition_kpi_cube",
	"kpi_petition_handling":  "petition_handling_cube",
	"kpi_posts":              "post_kpi_cube",
}

// cachedQuery runs the query file name for r through the result cache when r.w is set: it
// reads kpiReads(name, r) and nothing else, and its rows depend on the data and on the period,
// scope and grain bound only (no judgement moment, no Options).
func cachedQuery[T any](ctx context.Context, q Querier, r request, name string) ([]T, error) {
	k := cacheKey{q: q, query: name, from: r.p.From.Unix(), to: r.p.To.Unix(), scope: r.s, grain: r.grain}
	return cachedRows(r.w, k, kpiReads(name, r), time.Time{}, func() ([]T, time.Time, error) {
		rows, err := queryAll[T](ctx, q, name, r.params())
		return rows, time.Time{}, err
	})
}

func dateKey(t time.Time) string { return t.In(models.Location).Format(time.DateOnly) }

// params binds the request: from and to as local dates, start and end as local midnights, the
// grain and every scope dimension.
func (r request) params() store.Params {
	params := store.Params{
		"from":  dateKey(r.p.From),
		"to":    dateKey(r.p.To),
		"start": r.p.From.In(models.Location),
		"end":   r.p.To.In(models.Location),
		"grain": string(r.grain),
	}
	for _, d := range r.s.dims() {
		params[d.name] = d.value
	}
	return params
}

// loadFigures runs the query files of parts for r and returns the figures by bucket key (the bucket's
// first day, YYYY-MM-DD); every bucket of r is present, zero when it holds no data.
func loadFigures(ctx context.Context, q Querier, r request, parts part) (map[string]*figures, error) {
	starts := bucketStarts(r.p, r.grain)
	out := make(map[string]*figures, len(starts))
	for _, b := range starts {
		out[dateKey(b)] = &figures{}
	}
	at := func(bucket string) *figures {
		if f, ok := out[bucket]; ok {
			return f
		}
		// A bucket the engine reports outside the enumerated ones would be a defect of the
		// bucket arithmetic; keep its figures out of sight rather than fail the panel.
		return &figures{}
	}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	run := func(p part, fn func() error) {
		if parts&p == 0 {
			return
		}
		wg.Go(func() {
			if err := fn(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	// Each query fills its own fields of the figures, so the runs do not share fields; the map
	// of buckets is only read.
	run(partDossierIntake, func() error {
		type row struct {
			Bucket   string `ch:"bucket"`
			Received uint64 `ch:"received"`
			Online   uint64 `ch:"online"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_dossier_intake")
		for _, x := range rows {
			f := at(x.Bucket)
			f.dReceived, f.dOnline = x.Received, x.Online
		}
		return err
	})
	run(partDossierOutcome, func() error {
		type row struct {
			Bucket     string `ch:"bucket"`
			Ended      uint64 `ch:"ended"`
			OnTime     uint64 `ch:"on_time"`
			Early      uint64 `ch:"early"`
			FeeBearing uint64 `ch:"fee_bearing"`
			PaidOnline uint64 `ch:"paid_online"`
			Digitized  uint64 `ch:"digitized"`
			EResult    uint64 `ch:"e_result"`
			NetSeconds int64  `ch:"net_seconds"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_dossier_outcome")
		for _, x := range rows {
			f := at(x.Bucket)
			f.dEnded, f.dOnTime, f.dEarly, f.dFee, f.dPaid = x.Ended, x.OnTime, x.Early, x.FeeBearing, x.PaidOnline
			f.dDigitized, f.dEResult, f.dNetSeconds = x.Digitized, x.EResult, x.NetSeconds
		}
		return err
	})
	run(partDossierProcessing, func() error {
		type row struct {
			Bucket string `ch:"bucket"`
			Value  uint32 `ch:"value"`
			N      uint64 `ch:"n"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_dossier_processing")
		for _, x := range rows {
			f := at(x.Bucket)
			f.dProcessing = append(f.dProcessing, bin{x.Value, x.N})
		}
		return err
	})
	run(partDossierSatisfaction, func() error {
		rows, err := cachedQuery[satisfactionRow](ctx, q, r, "kpi_dossier_satisfaction")
		for _, x := range rows {
			f := at(x.Bucket)
			f.dRated, f.dSatisfied = x.Rated, x.Satisfied
		}
		return err
	})
	// Received, first closures and first reopenings come from one query of petition_kpi_cube.
	run(partPetitionIntake|partPetitionOutcome|partPetitionReopen, func() error {
		type row struct {
			Bucket   string `ch:"bucket"`
			Received uint64 `ch:"received"`
			Closed   uint64 `ch:"closed"`
			OnTime   uint64 `ch:"on_time"`
			Reopened uint64 `ch:"reopened"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_petition_counts")
		for _, x := range rows {
			f := at(x.Bucket)
			f.pReceived, f.pClosed, f.pOnTime, f.pReopened = x.Received, x.Closed, x.OnTime, x.Reopened
		}
		return err
	})
	run(partPetitionHandling, func() error {
		type row struct {
			Bucket  string `ch:"bucket"`
			Measure string `ch:"measure"`
			Value   uint32 `ch:"value"`
			N       uint64 `ch:"n"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_petition_handling")
		sla := uint32(r.o.forwardSLA())
		for _, x := range rows {
			f := at(x.Bucket)
			switch x.Measure {
			case "handling_hours":
				f.pHandling = append(f.pHandling, bin{x.Value, x.N})
			case "forward_minutes":
				if x.Value != 65535 {
					f.pForwarded += x.N
					if x.Value < sla {
						f.pForwardedInSLA += x.N
					}
				}
			}
		}
		return err
	})
	run(partPetitionSatisfaction, func() error {
		rows, err := cachedQuery[satisfactionRow](ctx, q, r, "kpi_petition_satisfaction")
		for _, x := range rows {
			f := at(x.Bucket)
			f.pRated, f.pSatisfied = x.Rated, x.Satisfied
		}
		return err
	})
	// Volume, tone and engagement-weighted tone come from one query of post_kpi_cube.
	run(partPosts|partPostEngagement, func() error {
		type row struct {
			Bucket   string  `ch:"bucket"`
			Posts    uint64  `ch:"posts"`
			Negative uint64  `ch:"negative"`
			Positive uint64  `ch:"positive"`
			Weight   uint64  `ch:"weight"`
			Weighted float64 `ch:"weighted_sentiment"`
		}
		rows, err := cachedQuery[row](ctx, q, r, "kpi_posts")
		for _, x := range rows {
			f := at(x.Bucket)
			f.posts, f.negative, f.positive, f.weight, f.weighted = x.Posts, x.Negative, x.Positive, x.Weight, x.Weighted
		}
		return err
	})
	// The open counts are judged at each bucket's end (the period's end for a KPI).
	ends := make([]string, len(starts))
	for i := range starts {
		end := r.p.To
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		ends[i] = dateKey(end)
	}
	run(partDossierOpen, func() error {
		fl, err := r.openFlows(ctx, q, "kpi_dossier_open")
		open, overdue := openAt(fl, ends, dossierOverdueIn, dossierOverdueOut)
		for i, b := range starts {
			f := at(dateKey(b))
			f.dOpen, f.dOverdue = open[i], overdue[i]
		}
		return err
	})
	run(partPetitionOpen, func() error {
		fl, err := r.openFlows(ctx, q, "kpi_petition_open")
		backlog, overdue := openAt(fl, ends, petitionOverdueIn, petitionOverdueOut)
		for i, b := range starts {
			f := at(dateKey(b))
			f.pBacklog, f.pOverdue = backlog[i], overdue[i]
		}
		return err
	})
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return out, nil
}

// satisfactionRow is one row of kpi_dossier_satisfaction.sql or kpi_petition_satisfaction.sql.
type satisfactionRow struct {
	Bucket    string `ch:"bucket"`
	Rated     uint64 `ch:"rated"`
	Satisfied uint64 `ch:"satisfied"`
}

// flowRow is one row of kpi_dossier_open.sql or kpi_petition_open.sql: n entities of a flow
// kind that count from the local day Day (YYYY-MM-DD).
type flowRow struct {
	Kind string `ch:"kind"`
	Day  string `ch:"day"`
	N    uint64 `ch:"n"`
}

// openAt is, for each midnight in ends (YYYY-MM-DD, ascending), the number open then (the flow
// "in" before it minus "out" before it) and, of those, the number past their due time: the flows
// overdueIn before it minus overdueOut before it (kpi_dossier_open.sql, kpi_petition_open.sql).
// YYYY-MM-DD strings order as dates.
func openAt(rows []flowRow, ends []string, overdueIn, overdueOut []string) (open, overdue []uint64) {
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b flowRow) int { return strings.Compare(a.Day, b.Day) })
	sums := map[string]uint64{}
	total := func(kinds []string) uint64 {
		var n uint64
		for _, k := range kinds {
			n += sums[k]
		}
		return n
	}
	open, overdue = make([]uint64, len(ends)), make([]uint64, len(ends))
	i := 0
	for j, t := range ends {
		for ; i < len(sorted) && sorted[i].Day < t; i++ {
			sums[sorted[i].Kind] += sorted[i].N
		}
		open[j] = sums["in"] - min(sums["out"], sums["in"])
		in, out := total(overdueIn), total(overdueOut)
		overdue[j] = in - min(out, in)
	}
	return open, overdue
}

// The overdue flows of kpi_dossier_open.sql (effective due time: pauses extend it) and of
// kpi_petition_open.sql.
var (
	dossierOverdueIn, dossierOverdueOut   = []string{"open_due", "ended_after_due"}, []string{"ended_done"}
	petitionOverdueIn, petitionOverdueOut = []string{"due"}, []string{"end_due"}
)

// bin is one bar of a histogram: n cases of the value v.
type bin struct {
	v uint32
	n uint64
}

// histogram is a set of bins in any order.
type histogram []bin

func (h histogram) n() uint64 {
	var n uint64
	for _, b := range h {
		n += b.n
	}
	return n
}

// quantile is the nearest-rank p-quantile of h: the smallest value v such that at least
// ⌈p·n⌉ cases are ≤ v; 0 for an empty histogram.
func (h histogram) quantile(p float64) uint32 {
	n := h.n()
	if n == 0 {
		return 0
	}
	sorted := slices.Clone(h)
	slices.SortFunc(sorted, func(a, b bin) int { return int(int64(a.v) - int64(b.v)) })
	rank := uint64(math.Ceil(p * float64(n)))
	rank = max(rank, 1)
	var cum uint64
	for _, b := range sorted {
		cum += b.n
		if cum >= rank {
			return b.v
		}
	}
	return sorted[len(sorted)-1].v
}

// queryAll runs the query file name and returns its rows.
func queryAll[T any](ctx context.Context, q Querier, name string, params store.Params) ([]T, error) {
	text, err := sqlfiles.Query(name)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	var rows []T
	if err := q.Query(ctx, &rows, text, params); err != nil {
		return nil, fmt.Errorf("analytics: query %s (from=%v to=%v): %w", name, params["from"], params["to"], err)
	}
	return rows, nil
}

// KeyPostShareOfVoice is the share of a topic's posts in all posts of the scope (PostTopics).
const KeyPostShareOfVoice = "post_share_of_voice"

// Breakdown is one value of a dimension (a petition category or channel, a post topic) with its
// KPIs for the period, the previous period and the same period last year.
type Breakdown struct {
	Dimension string `json:"dimension"` // "category", "channel", "field", "platform" or "topic"
	Value     string `json:"value"`     // the code; "" when not known
	KPIs      []KPI  `json:"kpis"`
}

// PetitionBreakdown is PetitionKPIs' volume and punctuality of s in p by category or by channel
// (by: "category" or "channel"): received (left out when s names a unit), closed for the first
// time and the on-time rate of those closures. Values seen in any of the three periods are
// listed, the most received in p first (then the most closed).
func PetitionBreakdown(ctx context.Context, q Querier, p models.Period, s Scope, by string) ([]Breakdown, error) {
	if by != "category" && by != "channel" {
		return nil, &models.FieldError{Field: "by", Message: fmt.Sprintf("petitions break down by category or channel, not %q", by)}
	}
	if err := s.check(models.StreamPetitions); err != nil {
		return nil, err
	}
	type row struct {
		Key      string `ch:"key"`
		Received uint64 `ch:"received"`
		Closed   uint64 `ch:"closed"`
		OnTime   uint64 `ch:"on_time"`
	}
	per, err := breakdownRows(ctx, q, "kpi_petition_breakdown", p, s, by, func(x row) string { return x.Key })
	if err != nil {
		return nil, err
	}
	out := breakdownOf(by, per, func(x row) [2]uint64 { return [2]uint64{x.Received, x.Closed} }, func(v [3]row) []KPI {
		var kpis []KPI
		if s.Unit == "" {
			kpis = append(kpis, KPI{Key: KeyPetitionsReceived, Unit: "petitions", Current: count(v[0].Received), Previous: count(v[1].Received), LastYear: count(v[2].Received)})
		}
		return append(kpis,
			KPI{Key: KeyPetitionsClosed, Unit: "petitions", HigherIsBetter: true, Current: count(v[0].Closed), Previous: count(v[1].Closed), LastYear: count(v[2].Closed)},
			KPI{Key: KeyPetitionOnTimeRate, Unit: "ratio", HigherIsBetter: true,
				Current: rate(v[0].OnTime, v[0].Closed), Previous: rate(v[1].OnTime, v[1].Closed), LastYear: rate(v[2].OnTime, v[2].Closed)})
	})
	return out, nil
}

// PostTopics is the share of voice by topic of the posts of s in p: per topic, its volume, its
// share of all posts of the scope (a Rate), its negative share and its net sentiment. Topics seen
// in any of the three periods are listed, the largest in p first.
func PostTopics(ctx context.Context, q Querier, p models.Period, s Scope) ([]Breakdown, error) {
	if err := s.check(models.StreamPosts); err != nil {
		return nil, err
	}
	if s.Topic != "" {
		return nil, &models.FieldError{Field: "topic", Message: "the share of voice by topic cannot be narrowed to one topic"}
	}
	return postBreakdownOf(ctx, q, p, s, "topic")
}

// postBreakdownOf is the posts of s in p by dimension ("platform" or "topic"; list_post_breakdown.sql):
// per value, its volume, its share of all posts of the scope (a Rate), its negative share and its
// net sentiment, for p, the previous period and the same period last year. PostTopics and
// PostBreakdown share it.
func postBreakdownOf(ctx context.Context, q Querier, p models.Period, s Scope, dimension string) ([]Breakdown, error) {
	type row struct {
		Key      string `ch:"key"`
		Posts    uint64 `ch:"posts"`
		Negative uint64 `ch:"negative"`
		Positive uint64 `ch:"positive"`
	}
	per, err := breakdownRows(ctx, q, "list_post_breakdown", p, s, dimension, func(x row) string { return x.Key })
	if err != nil {
		return nil, err
	}
	var total [3]uint64
	for i, m := range per {
		for _, x := range m {
			total[i] += x.Posts
		}
	}
	return breakdownOf(dimension, per, func(x row) [2]uint64 { return [2]uint64{x.Posts} }, func(v [3]row) []KPI {
		var volume, share, negative, net [3]Value
		for i, x := range v {
			volume[i] = count(x.Posts)
			share[i] = rate(x.Posts, total[i])
			negative[i] = rate(x.Negative, x.Posts)
			net[i] = score(float64(x.Positive)-float64(x.Negative), float64(x.Posts))
		}
		return []KPI{
			{Key: KeyPostsVolume, Unit: "posts", Current: volume[0], Previous: volume[1], LastYear: volume[2]},
			{Key: KeyPostShareOfVoice, Unit: "ratio", Current: share[0], Previous: share[1], LastYear: share[2]},
			{Key: KeyPostNegativeShare, Unit: "ratio", Current: negative[0], Previous: negative[1], LastYear: negative[2]},
			{Key: KeyPostNetSentiment, Unit: "score", HigherIsBetter: true, Current: net[0], Previous: net[1], LastYear: net[2]},
		}
	}), nil
}

// breakdownRows runs the breakdown query file name for p, its previous period and the same
// period last year, with s and by bound, and returns each period's rows by key.
func breakdownRows[R any](ctx context.Context, q Querier, name string, p models.Period, s Scope, by string, key func(R) string) ([3]map[string]R, error) {
	var per [3]map[string]R
	for i, pp := range comparedPeriods(p) {
		params := request{p: pp, s: s}.params()
		params["by"] = by
		rows, err := queryAll[R](ctx, q, name, params)
		if err != nil {
			return per, err
		}
		per[i] = make(map[string]R, len(rows))
		for _, x := range rows {
			per[i][key(x)] = x
		}
	}
	return per, nil
}

// compared is the KPI key (unit, direction) whose Values for p, the previous period and the same
// period last year are value(0), value(1) and value(2).
func compared(key, unit string, higher bool, value func(i int) Value) KPI {
	return KPI{Key: key, Unit: unit, HigherIsBetter: higher, Current: value(0), Previous: value(1), LastYear: value(2)}
}

// breakdownOf lists every key of the three periods' rows, ordered by size in the current period
// (the first number, then the second, largest first; then by key), each with the KPIs kpis builds
// from its three rows (zero rows where absent).
func breakdownOf[R any](dimension string, per [3]map[string]R, size func(R) [2]uint64, kpis func([3]R) []KPI) []Breakdown {
	seen := map[string]bool{}
	var keys []string
	for _, m := range per {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		sa, sb := size(per[0][a]), size(per[0][b])
		for i := range sa {
			if sa[i] != sb[i] {
				if sa[i] > sb[i] {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a, b)
	})
	out := make([]Breakdown, 0, len(keys))
	for _, k := range keys {
		out = append(out, Breakdown{Dimension: dimension, Value: k, KPIs: kpis([3]R{per[0][k], per[1][k], per[2][k]})})
	}
	return out
}
