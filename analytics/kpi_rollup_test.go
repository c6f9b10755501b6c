package analytics_test

import (
	"context"
	"math"
	"testing"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// TestKPIsFromRollupsEqualBaseTables computes every KPI on simulated data (stored twice, so that
// dossiers and petitions change state after the periods asked about) from the rollups, and the
// same numbers by plain SQL over the base tables — the latest-state tables with FINAL, and the
// event log where a number is about the first closure of a petition, which the latest state
// no longer holds once a petition was reopened — and requires them equal, for several periods
// and scopes.
func TestKPIsFromRollupsEqualBaseTables(t *testing.T) {
	ctx := context.Background()
	db := kpiSimDB(t)

	var top []struct {
		Unit     string `ch:"unit"`
		Ward     string `ch:"ward"`
		Field    string `ch:"field"`
		Category string `ch:"category"`
		Topic    string `ch:"topic"`
	}
	err := db.Query(ctx, &top, `SELECT
		(SELECT topK(1)(unit_code)[1] FROM dossiers FINAL) AS unit,
		(SELECT topK(1)(ward_code)[1] FROM dossiers FINAL WHERE ward_code != '') AS ward,
		(SELECT topK(1)(field)[1] FROM dossiers FINAL) AS field,
		(SELECT topK(1)(category)[1] FROM petitions FINAL) AS category,
		(SELECT topK(1)(topic)[1] FROM posts FINAL WHERE topic != '') AS topic`, nil)
	if err != nil || len(top) != 1 {
		t.Fatalf("top dimensions: %v", err)
	}
	var n []uint64
	if err := db.Query(ctx, &n, "SELECT count() FROM dossiers FINAL", nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("simulated %d dossiers; scopes unit %s, ward %s, field %s, category %s", n[0], top[0].Unit, top[0].Ward, top[0].Field, top[0].Category)

	periods := []string{"2025-08", "2025-W37", "2025-Q3", "2025-09-01..2025-10-15"}
	// Every grouping of the cubes of 0014 that a scope selects: none, each dimension alone, and
	// two or three together.
	scopes := map[models.Stream][]analytics.Scope{
		models.StreamDossiers: {{}, {Unit: top[0].Unit}, {Ward: top[0].Ward}, {Field: top[0].Field},
			{Unit: top[0].Unit, Field: top[0].Field}, {Unit: top[0].Unit, Ward: top[0].Ward, Field: top[0].Field}},
		models.StreamPetitions: {{}, {Ward: top[0].Ward}, {Category: top[0].Category}, {Unit: top[0].Unit},
			{Ward: top[0].Ward, Category: top[0].Category}, {Unit: top[0].Unit, Category: top[0].Category}},
		models.StreamPosts: {{}, {Ward: top[0].Ward}, {Platform: "facebook"}, {Topic: top[0].Topic},
			{Ward: top[0].Ward, Platform: "facebook"}, {Platform: "facebook", Topic: top[0].Topic}},
	}
	compute := map[models.Stream]func(context.Context, analytics.Querier, models.Period, analytics.Scope) ([]analytics.KPI, error){
		models.StreamDossiers: analytics.DossierKPIs, models.StreamPetitions: analytics.PetitionKPIs, models.StreamPosts: analytics.PostKPIs,
	}
	reference := map[models.Stream]func(*testing.T, store.DB, models.Period, analytics.Scope) map[string]analytics.Value{
		models.StreamDossiers: dossierReference, models.StreamPetitions: petitionReference, models.StreamPosts: postReference,
	}
	nonZero := map[string]bool{}
	for _, stream := range []models.Stream{models.StreamDossiers, models.StreamPetitions, models.StreamPosts} {
		for _, ps := range periods {
			p, err := models.ParsePeriod(ps)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range scopes[stream] {
				kpis, err := compute[stream](ctx, db, p, s)
				if err != nil {
					t.Fatalf("%s %s %+v: %v", stream, ps, s, err)
				}
				refs := [3]map[string]analytics.Value{
					reference[stream](t, db, p, s), reference[stream](t, db, p.Previous(), s), reference[stream](t, db, p.SameLastYear(), s),
				}
				for _, k := range kpis {
					for i, got := range [3]analytics.Value{k.Current, k.Previous, k.LastYear} {
						want, ok := refs[i][k.Key]
						if !ok {
							t.Errorf("%s: no base-table reference", k.Key)
							continue
						}
						where := ps + " " + []string{"current", "previous", "last year"}[i] + " " + scopeString(s) + " " + k.Key
						compareValues(t, where, got, want)
						if v := got.Number(); v != nil && *v != 0 {
							nonZero[k.Key] = true
						}
					}
				}
			}
		}
	}
	// A comparison of zeros proves little: every KPI must have been non-zero somewhere.
	for _, key := range analytics.SeriesMetrics() {
		if !nonZero[key] {
			t.Errorf("%s was zero or N/A in every comparison", key)
		}
	}
}

func scopeString(s analytics.Scope) string {
	out := ""
	for _, kv := range [][2]string{{"unit", s.Unit}, {"ward", s.Ward}, {"field", s.Field}, {"category", s.Category}, {"platform", s.Platform}, {"topic", s.Topic}} {
		if kv[1] != "" {
			out += kv[0] + "=" + kv[1] + " "
		}
	}
	if out == "" {
		return "city"
	}
	return out
}

func compareValues(t *testing.T, where string, got, want analytics.Value) {
	t.Helper()
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	nearPtr := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || near(*a, *b)) }
	switch {
	case want.Count != nil:
		if got.Count == nil || *got.Count != *want.Count {
			t.Errorf("%s: rollups %v, base tables %d", where, got.Number(), *want.Count)
		}
	case want.Rate != nil:
		if got.Rate == nil || got.Rate.Num != want.Rate.Num || got.Rate.Den != want.Rate.Den {
			t.Errorf("%s: rollups %+v, base tables %v/%v", where, got.Rate, want.Rate.Num, want.Rate.Den)
		}
	case want.Score != nil:
		if got.Score == nil || !near(got.Score.Sum, want.Score.Sum) || got.Score.N != want.Score.N {
			t.Errorf("%s: rollups %+v, base tables %v/%v", where, got.Score, want.Score.Sum, want.Score.N)
		}
	case want.Quantity != nil:
		if got.Quantity == nil || got.Quantity.N != want.Quantity.N || !nearPtr(got.Quantity.Value, want.Quantity.Value) {
			t.Errorf("%s: rollups %v over %v, base tables %v over %v", where, got.Number(), got.Quantity, want.Number(), want.Quantity.N)
		}
	}
}

func count(n uint64) analytics.Value { return analytics.Value{Count: &n} }

func rate(num, den uint64) analytics.Value {
	r := analytics.NewRate(float64(num), float64(den))
	return analytics.Value{Rate: &r}
}

func score(sum, n float64) analytics.Value {
	s := analytics.NewScore(sum, n)
	return analytics.Value{Score: &s}
}

func quantity(v float64, n uint64) analytics.Value {
	q := analytics.Quantity{N: float64(n)}
	if n > 0 {
		q.Value = &v
	}
	return analytics.Value{Quantity: &q}
}

func params(p models.Period, s analytics.Scope) store.Params {
	return store.Params{"start": p.From, "end": p.To, "unit": s.Unit, "ward": s.Ward, "field": s.Field,
		"category": s.Category, "platform": s.Platform, "topic": s.Topic}
}

func queryOne[T any](t *testing.T, db store.DB, query string, p store.Params) T {
	t.Helper()
	var rows []T
	if err := db.Query(context.Background(), &rows, query, p); err != nil || len(rows) != 1 {
		t.Fatalf("reference query: %d rows, %v\n%s", len(rows), err, query)
	}
	return rows[0]
}

// dossierReference is every dossier KPI of s in p by plain SQL over dossiers FINAL: each dossier
// judged by its latest state (its end, its flags, its rating).
func dossierReference(t *testing.T, db store.DB, p models.Period, s analytics.Scope) map[string]analytics.Value {
	type row struct {
		Received   uint64  `ch:"received"`
		Online     uint64  `ch:"online"`
		Ended      uint64  `ch:"ended"`
		OnTime     uint64  `ch:"on_time"`
		Early      uint64  `ch:"early"`
		FeeBearing uint64  `ch:"fee_bearing"`
		PaidOnline uint64  `ch:"paid_online"`
		Digitized  uint64  `ch:"digitized"`
		EResult    uint64  `ch:"e_result"`
		NetSeconds int64   `ch:"net_seconds"`
		Median     uint64  `ch:"median_quarters"`
		P90        uint64  `ch:"p90_quarters"`
		Quarters   []int64 `ch:"quarters"` // the sorted histogram the two above are read from
		Open       uint64  `ch:"open"`
		Overdue    uint64  `ch:"overdue"`
		Rated      uint64  `ch:"rated"`
		Satisfied  uint64  `ch:"satisfied"`
	}
	x := queryOne[row](t, db, `
SELECT
    countIf(received_in) AS received,
    countIf(received_in AND channel = 'online') AS online,
    countIf(ended_in) AS ended,
    countIf(ended_in AND on_time_) AS on_time,
    countIf(ended_in AND on_time_ AND toDate(end_) < toDate(due_)) AS early,
    countIf(ended_in AND fee_vnd > 0) AS fee_bearing,
    countIf(ended_in AND fee_vnd > 0 AND paid_online) AS paid_online,
    countIf(ended_in AND digitized) AS digitized,
    countIf(ended_in AND e_result) AS e_result,
    sumIf(toInt64(greatest(dateDiff('second', received_at, end_), 0)) - toInt64(supplement_paused_seconds), ended_in) AS net_seconds,
    arraySort(groupArrayIf(intDiv(greatest(dateDiff('second', received_at, end_) - toInt64(supplement_paused_seconds), 0), 21600), ended_in)) AS quarters,
    toUInt64(if(length(quarters) = 0, 0, quarters[toUInt64(ceil(0.5 * length(quarters)))])) AS median_quarters,
    toUInt64(if(length(quarters) = 0, 0, quarters[toUInt64(ceil(0.9 * length(quarters)))])) AS p90_quarters,
    countIf(received_at < {end:DateTime} AND (ended_at_ IS NULL OR ended_at_ >= {end:DateTime})) AS open,
    countIf(received_at < {end:DateTime} AND (ended_at_ IS NULL OR ended_at_ >= {end:DateTime}) AND due_ < {end:DateTime}) AS overdue,
    countIf(received_in AND satisfaction IS NOT NULL) AS rated,
    countIf(received_in AND satisfaction = 'satisfied') AS satisfied
FROM
(
    SELECT d.*, d.ended_at AS ended_at_, ifNull(d.ended_at, d.updated_at) AS end_, d.effective_due_at AS due_,
        ifNull(d.ended_on_time, false) AS on_time_,
        d.received_at >= {start:DateTime} AND d.received_at < {end:DateTime} AS received_in,
        ifNull(d.ended_at >= {start:DateTime} AND d.ended_at < {end:DateTime}, false) AND d.status != 'withdrawn' AS ended_in
    FROM dossiers AS d FINAL
    WHERE ({unit:String} = '' OR d.unit_code = {unit:String})
        AND ({ward:String} = '' OR d.ward_code = {ward:String})
        AND ({field:String} = '' OR d.field = {field:String})
)`, params(p, s))
	return map[string]analytics.Value{
		analytics.KeyDossiersReceived:      count(x.Received),
		analytics.KeyDossiersEnded:         count(x.Ended),
		analytics.KeyDossiersEndedEarly:    count(x.Early),
		analytics.KeyDossiersEndedOnDue:    count(x.OnTime - x.Early),
		analytics.KeyDossiersEndedLate:     count(x.Ended - x.OnTime),
		analytics.KeyDossierOnTimeRate:     rate(x.OnTime, x.Ended),
		analytics.KeyDossiersOpen:          count(x.Open),
		analytics.KeyDossiersOpenOverdue:   count(x.Overdue),
		analytics.KeyDossierOnlineShare:    rate(x.Online, x.Received),
		analytics.KeyDossierOnlinePayShare: rate(x.PaidOnline, x.FeeBearing),
		analytics.KeyDossierDigitizedShare: rate(x.Digitized, x.Ended),
		analytics.KeyDossierEResultShare:   rate(x.EResult, x.Ended),
		analytics.KeyDossierProcessingMean: quantity(float64(max(x.NetSeconds, 0))/float64(max(x.Ended, 1))/86400, x.Ended),
		analytics.KeyDossierProcessingMed:  quantity(float64(x.Median)/4, x.Ended),
		analytics.KeyDossierProcessingP90:  quantity(float64(x.P90)/4, x.Ended),
		analytics.KeyDossierSatisfaction:   rate(x.Satisfied, x.Rated),
	}
}

// petitionReference is every petition KPI of s in p by plain SQL: receptions, backlog and
// ratings from petitions FINAL; first closures (which a reopened petition's latest state no
// longer shows) and first reopenings from petition_events.
func petitionReference(t *testing.T, db store.DB, p models.Period, s analytics.Scope) map[string]analytics.Value {
	type row struct {
		Received  uint64 `ch:"received"`
		Backlog   uint64 `ch:"backlog"`
		Overdue   uint64 `ch:"overdue"`
		Rated     uint64 `ch:"rated"`
		Satisfied uint64 `ch:"satisfied"`
		Closed    uint64 `ch:"closed"`
		OnTime    uint64 `ch:"on_time"`
		Forwarded uint64 `ch:"forwarded"`
		InSLA     uint64 `ch:"in_sla"`
		Median    uint64 `ch:"median_hours"`
		P90       uint64 `ch:"p90_hours"`
		Reopened  uint64 `ch:"reopened"`
	}
	x := queryOne[row](t, db, `
WITH first_closures AS
(
    SELECT e.id AS id, assumeNotNull(e.closed_at) AS closed_at_, e.closed_on_time AS on_time_, e.received_at AS received_at,
        e.forwarded_at AS forwarded_at, e.ward_code AS ward_code, e.unit_code AS unit_code, e.category AS category
    FROM petition_events AS e
    WHERE e.status IN ('resolved', 'rejected') AND e.reopen_count = 0
)
SELECT
    countIf(p.received_at >= {start:DateTime} AND p.received_at < {end:DateTime}) AS received,
    countIf(p.received_at < {end:DateTime} AND p.id NOT IN (SELECT id FROM first_closures WHERE closed_at_ < {end:DateTime})) AS backlog,
    countIf(p.received_at < {end:DateTime} AND p.due_at < {end:DateTime} AND p.id NOT IN (SELECT id FROM first_closures WHERE closed_at_ < {end:DateTime})) AS overdue,
    countIf(p.received_at >= {start:DateTime} AND p.received_at < {end:DateTime} AND p.satisfaction IS NOT NULL) AS rated,
    countIf(p.received_at >= {start:DateTime} AND p.received_at < {end:DateTime} AND p.satisfaction = 'satisfied') AS satisfied,
    any(c.closed) AS closed, any(c.on_time) AS on_time, any(c.forwarded) AS forwarded, any(c.in_sla) AS in_sla,
    any(c.median_hours) AS median_hours, any(c.p90_hours) AS p90_hours, any(r.reopened) AS reopened
FROM petitions AS p FINAL,
(
    SELECT count() AS closed, countIf(on_time_) AS on_time,
        countIf(forwarded_at IS NOT NULL) AS forwarded,
        countIf(forwarded_at IS NOT NULL AND dateDiff('second', received_at, assumeNotNull(forwarded_at)) < {sla:Int64} * 60) AS in_sla,
        arraySort(groupArray(intDiv(greatest(dateDiff('second', received_at, closed_at_), 0), 3600))) AS hours,
        toUInt64(if(length(hours) = 0, 0, hours[toUInt64(ceil(0.5 * length(hours)))])) AS median_hours,
        toUInt64(if(length(hours) = 0, 0, hours[toUInt64(ceil(0.9 * length(hours)))])) AS p90_hours
    FROM first_closures
    WHERE closed_at_ >= {start:DateTime} AND closed_at_ < {end:DateTime}
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({unit:String} = '' OR unit_code = {unit:String})
        AND ({category:String} = '' OR category = {category:String})
) AS c,
(
    SELECT count() AS reopened FROM petition_events AS e
    WHERE e.status = 'reopened' AND e.reopen_count <= 1 AND e.event_at >= {start:DateTime} AND e.event_at < {end:DateTime}
        AND ({ward:String} = '' OR e.ward_code = {ward:String})
        AND ({unit:String} = '' OR e.unit_code = {unit:String})
        AND ({category:String} = '' OR e.category = {category:String})
) AS r
WHERE ({ward:String} = '' OR p.ward_code = {ward:String})
    AND ({category:String} = '' OR p.category = {category:String})
    AND ({unit:String} = '' OR p.unit_code = {unit:String})`, func() store.Params {
		ps := params(p, s)
		ps["sla"] = analytics.DefaultForwardSLAMinutes
		return ps
	}())
	return map[string]analytics.Value{
		analytics.KeyPetitionsReceived:      count(x.Received),
		analytics.KeyPetitionsClosed:        count(x.Closed),
		analytics.KeyPetitionOnTimeRate:     rate(x.OnTime, x.Closed),
		analytics.KeyPetitionForwardedInSLA: rate(x.InSLA, x.Forwarded),
		analytics.KeyPetitionResolveMedian:  quantity(float64(x.Median)/24, x.Closed),
		analytics.KeyPetitionResolveP90:     quantity(float64(x.P90)/24, x.Closed),
		analytics.KeyPetitionsBacklog:       count(x.Backlog),
		analytics.KeyPetitionsOverdue:       count(x.Overdue),
		analytics.KeyPetitionReopenRate:     rate(min(x.Reopened, x.Closed), x.Closed),
		analytics.KeyPetitionSatisfaction:   rate(x.Satisfied, x.Rated),
	}
}

// postReference is every post KPI of s in p by plain SQL over posts FINAL, except the
// engagement weights: the rollup weighs a post by its engagement as at its first delivery (the
// first_seen row), which FINAL replaces by the latest; the reference reads the first_seen rows.
func postReference(t *testing.T, db store.DB, p models.Period, s analytics.Scope) map[string]analytics.Value {
	type row struct {
		Posts    uint64  `ch:"posts"`
		Negative uint64  `ch:"negative"`
		Positive uint64  `ch:"positive"`
		Weight   uint64  `ch:"weight"`
		Weighted float64 `ch:"weighted"`
	}
	x := queryOne[row](t, db, `
SELECT count() AS posts, countIf(x.sentiment_label = 'negative') AS negative, countIf(x.sentiment_label = 'positive') AS positive,
    any(w.weight) AS weight, any(w.weighted) AS weighted
FROM posts AS x FINAL,
(
    SELECT sum(1 + toUInt64(f.likes) + f.shares + f.comments) AS weight,
        sum(toFloat64(f.sentiment) * (1 + toUInt64(f.likes) + f.shares + f.comments)) AS weighted
    FROM posts AS f
    WHERE f.first_seen AND f.published_at >= {start:DateTime} AND f.published_at < {end:DateTime}
        AND ({ward:String} = '' OR f.ward_code = {ward:String})
        AND ({platform:String} = '' OR toString(f.platform) = {platform:String})
        AND ({topic:String} = '' OR f.topic = {topic:String})
) AS w
WHERE x.published_at >= {start:DateTime} AND x.published_at < {end:DateTime}
    AND ({ward:String} = '' OR x.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(x.platform) = {platform:String})
    AND ({topic:String} = '' OR x.topic = {topic:String})`, params(p, s))
	return map[string]analytics.Value{
		analytics.KeyPostsVolume:         count(x.Posts),
		analytics.KeyPostNegativeShare:   rate(x.Negative, x.Posts),
		analytics.KeyPostNetSentiment:    score(float64(x.Positive)-float64(x.Negative), float64(x.Posts)),
		analytics.KeyPostEngagementScore: score(x.Weighted, float64(x.Weight)),
	}
}
