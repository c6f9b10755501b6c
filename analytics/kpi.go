package analytics

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// KPIs for a period and a scope, each beside the previous period and the same period last year
// (DOMAIN §5: "this week vs last and vs last year"). Every number comes from the daily rollups of
// sql/migrations/0005_rollups.sql, which are exact by their ingest contracts; the queries filter
// the rollups' first key column (day) directly.

// Querier runs a SELECT and scans its rows into dest, a pointer to a slice of structs tagged
// `ch:"column"`. store.DB satisfies it.
type Querier interface {
	Query(ctx context.Context, dest any, query string, params store.Params) error
}

// Scope narrows KPIs to one unit, ward, field, petition category or platform; "" means all.
// A dimension the source does not carry (a category for dossiers, a unit for posts) is refused
// with an error matching models.ErrInvalid rather than silently ignored.
type Scope struct {
	Unit     string // unit code (dossiers: receiving unit; petitions: handling unit)
	Ward     string // ward code
	Field    string // field code (dossiers only)
	Category string // petition category code (petitions only)
	Platform string // a models.Platform (posts only)
}

// wilsonZ is the normal quantile of a two-sided 95% interval.
const wilsonZ = 1.959963984540054

// smallVolume is the denominator under which a rate is flagged as resting on few cases.
const smallVolume = 30

// Rate is a proportion Num/Den with its Wilson score 95% interval. Value is nil (shown "N/A",
// never 0%) when Den is 0, and Low and High are then 0. SmallVolume is true when Den < 30, where
// the interval is wide and a ranking should not lean on the rate.
type Rate struct {
	Num, Den    float64
	Value       *float64
	Low, High   float64
	SmallVolume bool
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
	Sum, N float64
	Value  *float64
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

// Value is one KPI figure in one period: exactly one of Count, Rate and Score is set, according
// to the KPI.
type Value struct {
	Count *uint64
	Rate  *Rate
	Score *Score
}

// KPI is one indicator for a period (Current), the period before it (models.Period.Previous) and
// the same period a year earlier (models.Period.SameLastYear). Key is stable snake_case; Unit
// names what it counts ("dossiers", "petitions", "posts") or "ratio" (0-1) or "score" (-1 to 1).
// HigherIsBetter is the direction a leader reads as improvement; for plain volumes it is the
// service view (more dossiers handled is better, more petitions or posts is not).
type KPI struct {
	Key            string
	Unit           string
	HigherIsBetter bool
	Current        Value
	Previous       Value
	LastYear       Value
}

// The KPI keys.
const (
	KeyDossiersReceived      = "dossiers_received"
	KeyDossiersEnded         = "dossiers_ended"
	KeyDossiersEndedEarly    = "dossiers_ended_early"
	KeyDossiersEndedOnDue    = "dossiers_ended_on_due"
	KeyDossiersEndedLate     = "dossiers_ended_late"
	KeyDossierOnTimeRate     = "dossier_on_time_rate"
	KeyDossierOnlineShare    = "dossier_online_share"
	KeyDossierOnlinePayShare = "dossier_online_payment_share"
	KeyDossierDigitizedShare = "dossier_digitized_share"
	KeyDossierEResultShare   = "dossier_e_result_share"
	KeyPetitionsReceived     = "petitions_received"
	KeyPetitionsClosed       = "petitions_closed"
	KeyPetitionOnTimeRate    = "petition_on_time_rate"
	KeyPostsVolume           = "posts_volume"
	KeyPostNegativeShare     = "post_negative_share"
	KeyPostNetSentiment      = "post_net_sentiment"
)

type dossierIntakeRow struct {
	Received uint64 `ch:"received"`
	Online   uint64 `ch:"online"`
}

type dossierOutcomeRow struct {
	Ended      uint64 `ch:"ended"`
	OnTime     uint64 `ch:"on_time"`
	Early      uint64 `ch:"early"`
	FeeBearing uint64 `ch:"fee_bearing"`
	PaidOnline uint64 `ch:"paid_online"`
	Digitized  uint64 `ch:"digitized"`
	EResult    uint64 `ch:"e_result"`
}

// DossierKPIs are the dossier indicators of s in p: received, ended (completed, returned or
// rejected; withdrawals left out), ended early / on the due day / late (the three add up to
// ended; "early" ends on a calendar day before the effective due date), the on-time rate
// ((early + on due) / ended, DOMAIN §3: end ≤ due plus supplement pauses, at most one supplement
// request), the online submission share (online received / received), the online payment share
// (paid online / fee-bearing ended), and the digitised and e-result shares of ended dossiers.
func DossierKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	if err := s.only("dossier", "unit", "ward", "field"); err != nil {
		return nil, err
	}
	type figures struct {
		in  dossierIntakeRow
		out dossierOutcomeRow
	}
	var f [3]figures
	for i, per := range comparedPeriods(p) {
		params := s.dayParams(per, "unit", "ward", "field")
		var err error
		if f[i].in, err = queryOne[dossierIntakeRow](ctx, q, "kpi_dossier_intake", params); err != nil {
			return nil, err
		}
		if f[i].out, err = queryOne[dossierOutcomeRow](ctx, q, "kpi_dossier_outcome", params); err != nil {
			return nil, err
		}
	}
	count := func(get func(figures) uint64) [3]Value {
		return [3]Value{countValue(get(f[0])), countValue(get(f[1])), countValue(get(f[2]))}
	}
	rate := func(num, den func(figures) uint64) [3]Value {
		var v [3]Value
		for i := range f {
			r := NewRate(float64(num(f[i])), float64(den(f[i])))
			v[i] = Value{Rate: &r}
		}
		return v
	}
	ended := func(x figures) uint64 { return x.out.Ended }
	return []KPI{
		kpi(KeyDossiersReceived, "dossiers", true, count(func(x figures) uint64 { return x.in.Received })),
		kpi(KeyDossiersEnded, "dossiers", true, count(ended)),
		kpi(KeyDossiersEndedEarly, "dossiers", true, count(func(x figures) uint64 { return x.out.Early })),
		kpi(KeyDossiersEndedOnDue, "dossiers", true, count(func(x figures) uint64 { return x.out.OnTime - x.out.Early })),
		kpi(KeyDossiersEndedLate, "dossiers", false, count(func(x figures) uint64 { return x.out.Ended - x.out.OnTime })),
		kpi(KeyDossierOnTimeRate, "ratio", true, rate(func(x figures) uint64 { return x.out.OnTime }, ended)),
		kpi(KeyDossierOnlineShare, "ratio", true, rate(func(x figures) uint64 { return x.in.Online }, func(x figures) uint64 { return x.in.Received })),
		kpi(KeyDossierOnlinePayShare, "ratio", true, rate(func(x figures) uint64 { return x.out.PaidOnline }, func(x figures) uint64 { return x.out.FeeBearing })),
		kpi(KeyDossierDigitizedShare, "ratio", true, rate(func(x figures) uint64 { return x.out.Digitized }, ended)),
		kpi(KeyDossierEResultShare, "ratio", true, rate(func(x figures) uint64 { return x.out.EResult }, ended)),
	}, nil
}

type petitionIntakeRow struct {
	Received uint64 `ch:"received"`
}

type petitionOutcomeRow struct {
	Closed uint64 `ch:"closed"`
	OnTime uint64 `ch:"on_time"`
}

// PetitionKPIs are the petition indicators of s in p: received (left out when s names a unit,
// because the handling unit is rarely known at reception and the intake rollup cannot be
// filtered by it exactly), closed for the first time, and the on-time rate of those first
// closures (answered by due_at; 766 group 5). Re-closures after a reopening are not counted.
func PetitionKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	if err := s.only("petition", "unit", "ward", "category"); err != nil {
		return nil, err
	}
	var in [3]petitionIntakeRow
	var out [3]petitionOutcomeRow
	for i, per := range comparedPeriods(p) {
		var err error
		if s.Unit == "" {
			if in[i], err = queryOne[petitionIntakeRow](ctx, q, "kpi_petition_intake", s.dayParams(per, "ward", "category")); err != nil {
				return nil, err
			}
		}
		if out[i], err = queryOne[petitionOutcomeRow](ctx, q, "kpi_petition_outcome", s.dayParams(per, "unit", "ward", "category")); err != nil {
			return nil, err
		}
	}
	var received, closed, onTime [3]Value
	for i := range out {
		received[i] = countValue(in[i].Received)
		closed[i] = countValue(out[i].Closed)
		r := NewRate(float64(out[i].OnTime), float64(out[i].Closed))
		onTime[i] = Value{Rate: &r}
	}
	var kpis []KPI
	if s.Unit == "" {
		kpis = append(kpis, kpi(KeyPetitionsReceived, "petitions", false, received))
	}
	return append(kpis,
		kpi(KeyPetitionsClosed, "petitions", true, closed),
		kpi(KeyPetitionOnTimeRate, "ratio", true, onTime),
	), nil
}

type postRow struct {
	Posts    uint64 `ch:"posts"`
	Negative uint64 `ch:"negative"`
	Positive uint64 `ch:"positive"`
}

// PostKPIs are the social-media indicators of s in p, by publication day: volume (posts counted
// once each), the negative share (negative / posts) and the net sentiment ((positive − negative)
// / posts, a Score in [-1, 1]). Posts carry no unit, field or category.
func PostKPIs(ctx context.Context, q Querier, p models.Period, s Scope) ([]KPI, error) {
	if err := s.only("post", "ward", "platform"); err != nil {
		return nil, err
	}
	var volume, negative, net [3]Value
	for i, per := range comparedPeriods(p) {
		row, err := queryOne[postRow](ctx, q, "kpi_posts", s.dayParams(per, "ward", "platform"))
		if err != nil {
			return nil, err
		}
		volume[i] = countValue(row.Posts)
		r := NewRate(float64(row.Negative), float64(row.Posts))
		negative[i] = Value{Rate: &r}
		sc := NewScore(float64(row.Positive)-float64(row.Negative), float64(row.Posts))
		net[i] = Value{Score: &sc}
	}
	return []KPI{
		kpi(KeyPostsVolume, "posts", false, volume),
		kpi(KeyPostNegativeShare, "ratio", false, negative),
		kpi(KeyPostNetSentiment, "score", true, net),
	}, nil
}

// comparedPeriods is p, its previous period and the same period last year, in Value order.
func comparedPeriods(p models.Period) [3]models.Period {
	return [3]models.Period{p, p.Previous(), p.SameLastYear()}
}

func kpi(key, unit string, higherIsBetter bool, v [3]Value) KPI {
	return KPI{Key: key, Unit: unit, HigherIsBetter: higherIsBetter, Current: v[0], Previous: v[1], LastYear: v[2]}
}

func countValue(n uint64) Value { return Value{Count: &n} }

// only refuses a scope that sets a dimension outside allowed for the named source.
func (s Scope) only(source string, allowed ...string) error {
	set := map[string]string{"unit": s.Unit, "ward": s.Ward, "field": s.Field, "category": s.Category, "platform": s.Platform}
	for _, a := range allowed {
		delete(set, a)
	}
	for _, dim := range []string{"unit", "ward", "field", "category", "platform"} {
		if v, ok := set[dim]; ok && v != "" {
			return &models.FieldError{Field: dim, Message: fmt.Sprintf("%s KPIs cannot be filtered by %s", source, dim)}
		}
	}
	return nil
}

// dayParams binds per as local dates (from inclusive, to exclusive) and the named scope values.
func (s Scope) dayParams(per models.Period, dims ...string) store.Params {
	all := map[string]string{"unit": s.Unit, "ward": s.Ward, "field": s.Field, "category": s.Category, "platform": s.Platform}
	params := store.Params{
		"from": per.From.In(models.Location).Format(time.DateOnly),
		"to":   per.To.In(models.Location).Format(time.DateOnly),
	}
	for _, d := range dims {
		params[d] = all[d]
	}
	return params
}

// queryOne runs the query file name, which returns exactly one row.
func queryOne[T any](ctx context.Context, q Querier, name string, params store.Params) (T, error) {
	var zero T
	text, err := sqlfiles.Query(name)
	if err != nil {
		return zero, fmt.Errorf("analytics: %w", err)
	}
	var rows []T
	if err := q.Query(ctx, &rows, text, params); err != nil {
		return zero, fmt.Errorf("analytics: query %s (from=%v to=%v): %w", name, params["from"], params["to"], err)
	}
	if len(rows) != 1 {
		return zero, fmt.Errorf("analytics: query %s: %d rows, want 1", name, len(rows))
	}
	return rows[0], nil
}
