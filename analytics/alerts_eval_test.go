package analytics_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// The evaluation the analytics issue asks for: simulate a city with planted incidents, store it
// through the real pipeline, run DetectAlerts week by week over the simulated history, and
// score the alerts against the simulator's manifest. An alert that matches no planted incident
// is a false alarm; a planted incident that no alert matches is missed.
//
// Run it alone with its figures:
//
//	go test -count=1 -v ./analytics/ -run TestAlertsAgainstPlantedIncidents
//
// GOVPULSE_ALERT_EVAL_SCALE overrides the scale (e.g. 0.1 for a quicker, smaller city); the
// target and floors below are asserted at the default scale only, other scales just report.
const (
	// evalScale 0.3 is a third of Ho Chi Minh City's volumes (scale 1 is the real city): large
	// enough that planted incidents are made of more than a handful of events, small enough to
	// simulate and detect in about a minute.
	evalScale = 0.3
	evalSeed  = 7
	// 700 days: the last 40 weeks (February to October 2026: Tết, the holidays of April, May
	// and September, the enrolment months and the rainy season) are evaluated, each with the
	// 420 days of history the detector reads (day factors, last year's Tết, the year-on-year
	// seasonal index); the days before only feed that history.
	evalDays = 700
	// evalWeeks are the weeks evaluated, the last whole ones of the run.
	evalWeeks = 40
	// The target, asserted at the default scale: recall ≥ 90% over EVERY planted
	// incident with ≤ 1 false alarm a week city-wide. At this seed: 96.7% (29 of 30) with 0.93
	// false alarms a week.
	targetRecall = 0.90
	// Recall is also counted over the incidents that are detectable at all (incidentOracle: a
	// one-day outage of a unit receiving three dossiers a day, or a burst of negative posts the
	// pipeline kept none of, is not): 100% (28 of 28) at 0.3. At scale 0.1 the same seed gives
	// 88.9% of the detectable (24 of 27) and 80.0% of all incidents (24 of 30) with 0.47 false
	// alarms a week — the three misses would need alarms at p ≈ 0.004 (a one-day outage at a unit
	// expecting five dossiers, a flood storm of 8 petitions against 2.6, four late dossiers at a
	// small ward), below the floor every alert needs (minAlertScore). The log gives the figures
	// by kind, every incident left out and why, every miss and every false alarm.
	floorRecall         = 0.95
	ceilingFalsePerWeek = 1.0
	// maxUndetectableShare bounds the incidents left out as undetectable: the simulator plants
	// them to stand out, so most must.
	maxUndetectableShare = 0.15
)

var evalStart = time.Date(2024, 12, 2, 0, 0, 0, 0, models.Location) // a Monday

// evalDB is the simulated city, stored once per test binary.
func evalDB(t *testing.T) (store.DB, pipeline.Manifest) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	scale := evalScaleOf(t)
	end := evalStart.AddDate(0, 0, evalDays)
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories,
		HashSecret: []byte("alerts-eval-secret-0123"), Provinces: []string{"79"}, Now: func() time.Time { return end.Add(24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	deliverer.AssumeNew = true
	n := 0
	man, err := pipeline.Simulate(pipeline.SimOptions{Start: evalStart, Days: evalDays, Scale: scale, Seed: evalSeed,
		Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}, func(c pipeline.SimChunk) error {
		bodies := map[pipeline.Stream]*bytes.Buffer{pipeline.StreamPetitions: {}, pipeline.StreamPosts: {}}
		if err := c.WriteNDJSON(io.Discard, bodies[pipeline.StreamPetitions], bodies[pipeline.StreamPosts]); err != nil {
			return err
		}
		// Dossiers go straight to the deliverer (they pass Validate as simulated, and the parser
		// adds nothing the alerts read); petitions and posts go through the parser, which
		// places them in wards and scores the posts' sentiment.
		b := pipeline.Batch{Dossiers: c.Dossiers}
		for _, st := range []pipeline.Stream{pipeline.StreamPetitions, pipeline.StreamPosts} {
			_, err := parser.Parse(ctx, st, bodies[st], pipeline.ParseOptions{Source: pipeline.SimSource}, func(ch pipeline.Chunk) error {
				if len(ch.Rejected) > 0 {
					return fmt.Errorf("simulated %s line %d rejected: %s", st, ch.Rejected[0].Line, ch.Rejected[0].Message)
				}
				b.Dossiers = append(b.Dossiers, ch.Dossiers...)
				b.Petitions = append(b.Petitions, ch.Petitions...)
				b.Posts = append(b.Posts, ch.Posts...)
				return nil
			})
			if err != nil {
				return err
			}
		}
		n++
		return deliverer.Store(ctx, fmt.Sprintf("eval-%d", n), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("simulated %d days at scale %g (seed %d): %d dossiers, %d petitions, %d posts, %d incidents",
		evalDays, scale, evalSeed, man.Counts.Dossiers, man.Counts.Petitions, man.Counts.Posts, len(man.Incidents))
	return db, man
}

// matches reports whether alert a points at planted incident inc: the same kind of trouble, at
// the same place, on overlapping days. Late dossiers end after their due days, so an overdue
// incident is matched by alerts up to ten days after its window.
func matches(a analytics.Alert, inc pipeline.Incident) bool {
	overlap := func(from, to time.Time) bool { return a.Start.Before(to) && from.Before(a.End) }
	switch inc.Kind {
	case pipeline.IncidentPetitionSpike:
		return a.Kind == analytics.AlertPetitionSurge && a.Ward == inc.WardCode && a.Category == inc.Category && overlap(inc.Start, inc.End)
	case pipeline.IncidentNegativePosts:
		return a.Kind == analytics.AlertNegativePosts && a.Ward == inc.WardCode && overlap(inc.Start, inc.End)
	case pipeline.IncidentOverdueUnit:
		return a.Kind == analytics.AlertOverdueSurge && a.Unit == inc.UnitCode && overlap(inc.Start, inc.End.AddDate(0, 0, 10))
	case pipeline.IncidentIntakeDrop:
		return a.Kind == analytics.AlertIntakeDrop && a.Unit == inc.UnitCode && overlap(inc.Start, inc.End)
	case pipeline.IncidentFloodStorm:
		_, list, _ := strings.Cut(inc.Description, "low-lying wards ")
		wards := strings.Split(list, ", ")
		// In a low-lying ward, or city-wide about flooding.
		place := slices.Contains(wards, a.Ward) || (a.Ward == "" && (a.Category == inc.Category || a.Topic == inc.Topic))
		return (a.Kind == analytics.AlertPetitionSurge && a.Category == inc.Category || a.Kind == analytics.AlertNegativePosts) &&
			place && overlap(inc.Start, inc.End)
	}
	return false
}

// evalScaleOf is GOVPULSE_ALERT_EVAL_SCALE when set, else evalScale.
func evalScaleOf(t *testing.T) float64 {
	v := os.Getenv("GOVPULSE_ALERT_EVAL_SCALE")
	if v == "" {
		return evalScale
	}
	scale, err := strconv.ParseFloat(v, 64)
	if err != nil || scale <= 0 {
		t.Fatalf("GOVPULSE_ALERT_EVAL_SCALE=%q: want a positive number", v)
	}
	return scale
}

func TestAlertsAgainstPlantedIncidents(t *testing.T) {
	if testing.Short() {
		t.Skip("the planted-incident evaluation simulates two years")
	}
	ctx := context.Background()
	started := time.Now()
	db, man := evalDB(t)
	stored := time.Since(started)
	end := evalStart.AddDate(0, 0, evalDays)
	// Whole weeks ending at the last full week of the run.
	last := end.AddDate(0, 0, -int((end.Weekday()+6)%7))
	first := last.AddDate(0, 0, -7*evalWeeks)
	detected := map[string]bool{}
	var falseAlarms, alerts int
	weekly := make([]int, 0, evalWeeks)
	var examples []string
	faByKind := map[string]int{}
	for w := first; w.Before(last); w = w.AddDate(0, 0, 7) {
		p := models.Period{From: w, To: w.AddDate(0, 0, 7), Kind: models.PeriodWeek}
		got, err := analytics.DetectAlerts(ctx, db, p, analytics.Scope{})
		if err != nil {
			t.Fatalf("week of %s: %v", w.Format(time.DateOnly), err)
		}
		fa := 0
		for _, a := range got {
			alerts++
			hit := false
			for _, inc := range man.Incidents {
				if matches(a, inc) {
					detected[inc.ID] = true
					hit = true
				}
			}
			if !hit {
				fa++
				faByKind[a.Kind]++
				if len(examples) < 60 {
					examples = append(examples, fmt.Sprintf("%s %s ward=%s unit=%s cat=%s topic=%s obs=%g exp=%g score=%.1f",
						a.Start.Format(time.DateOnly), a.Kind, a.Ward, a.Unit, a.Category, a.Topic, a.Observed, a.Expected, a.Score))
				}
			}
		}
		weekly = append(weekly, fa)
		falseAlarms += fa
	}
	// The incidents inside the evaluated weeks (an overdue unit's late dossiers end up to ten
	// days after its window).
	type tally struct{ planted, found int }
	byKind := map[string]*tally{}
	var planted, found, all, foundAll int
	var missed, excluded []string
	oracle := newIncidentOracle(t, db)
	for _, inc := range man.Incidents {
		tail := 0
		if inc.Kind == pipeline.IncidentOverdueUnit {
			tail = 10
		}
		if inc.Start.Before(first) || inc.End.AddDate(0, 0, tail).After(last) {
			continue
		}
		all++
		if detected[inc.ID] {
			foundAll++
		}
		if why, ok := oracle.undetectable(inc); ok {
			excluded = append(excluded, fmt.Sprintf("%s %s %s–%s ward=%s unit=%s (detected: %v): %s", inc.ID, inc.Kind,
				inc.Start.Format(time.DateOnly), inc.End.Format(time.DateOnly), inc.WardCode, inc.UnitCode, detected[inc.ID], why))
			continue
		}
		if byKind[inc.Kind] == nil {
			byKind[inc.Kind] = &tally{}
		}
		byKind[inc.Kind].planted++
		planted++
		if detected[inc.ID] {
			byKind[inc.Kind].found++
			found++
		} else {
			missed = append(missed, fmt.Sprintf("%s %s %s–%s ward=%s unit=%s cat=%s topic=%s mag %.2f base %.2f: %.120s", inc.ID, inc.Kind,
				inc.Start.Format(time.DateOnly), inc.End.Format(time.DateOnly), inc.WardCode, inc.UnitCode, inc.Category, inc.Topic,
				inc.Magnitude, inc.Baseline, inc.Description))
		}
	}
	if all < 30 {
		t.Fatalf("only %d incidents planted in the evaluated weeks; the evaluation needs more", all)
	}
	if float64(len(excluded)) > maxUndetectableShare*float64(all) {
		t.Errorf("%d of %d incidents undetectable, want at most %.0f%%", len(excluded), all, 100*maxUndetectableShare)
	}
	weeks := len(weekly)
	recall := float64(found) / float64(planted)
	perWeek := float64(falseAlarms) / float64(weeks)
	maxWeek := slices.Max(weekly)
	t.Logf("stored in %s, detected in %s", stored.Round(time.Second), (time.Since(started) - stored).Round(time.Second))
	t.Logf("evaluated %d weeks (%s to %s): %d alerts", weeks, first.Format(time.DateOnly), last.Format(time.DateOnly), alerts)
	t.Logf("recall %.1f%% (%d of %d detectable incidents; %.1f%%, %d of %d, over every incident); false alarms %.2f a week (%d in all, at most %d in one week)",
		100*recall, found, planted, 100*float64(foundAll)/float64(all), foundAll, all, perWeek, falseAlarms, maxWeek)
	for _, e := range excluded {
		t.Logf("  undetectable %s", e)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		t.Logf("  %-15s %d of %d", k, byKind[k].found, byKind[k].planted)
	}
	t.Logf("false alarms per week: %v; by kind: %v", weekly, faByKind)
	for _, m := range missed {
		t.Logf("  missed %s", m)
	}
	for _, e := range examples {
		t.Logf("  false alarm %s", e)
	}
	if scale := evalScaleOf(t); scale != evalScale {
		t.Logf("scale %g is not the default %g: the target and floors are not asserted", scale, evalScale)
		return
	}
	if recallAll := float64(foundAll) / float64(all); recallAll < targetRecall {
		t.Errorf("recall %.1f%% over every incident, want at least %.0f%%", 100*recallAll, 100*targetRecall)
	}
	if recall < floorRecall {
		t.Errorf("recall %.1f%% of the detectable incidents, want at least %.0f%%", 100*recall, 100*floorRecall)
	}
	if perWeek > ceilingFalsePerWeek {
		t.Errorf("%.2f false alarms a week, want at most %.1f", perWeek, ceilingFalsePerWeek)
	}
}

// incidentOracle judges whether a planted incident can be detected at all at the false-alarm
// target, whatever the detector. It looks at the stored series the matching alerts are about (a
// ward's petitions of the category, a ward's negative posts, a unit's intake; for a flood storm
// the city's flooding petitions and negative flooding posts, whichever stands out more) over the
// incident's days, against that series' mean on the same weekdays of the eight weeks before, and
// takes the Poisson probability p of a count at least as extreme (at most as small for a drop).
// Then it asks how many chance alarms a week an oracle would raise that knew the length of the
// incident and flagged every window of that length starting in the incident's week, in every
// series of the same kind, that is as extreme as p under the same weekday baselines: the sum
// over those windows of P(p-value ≤ p). When that exceeds one, no detector can flag the incident
// and keep to one false alarm a week — it is undetectable in principle at the target. (A real
// detector knows less: it must scan windows of 1 to 7 days.) Overdue units are never left out
// (their late share has no simple weekday baseline). The pipeline keeps only part of a planted
// burst of posts (those it scores negative and places in the ward), so a small burst can leave
// little or no trace in the stored data.
type incidentOracle struct {
	t  *testing.T
	db store.DB
}

// oracleSource is a stored series family: the query gives its rows (series key, day, count)
// from {from} to {to}.
type oracleSource struct {
	label, sql, key string // key: the incident's series within the rows
}

func newIncidentOracle(t *testing.T, db store.DB) *incidentOracle {
	return &incidentOracle{t: t, db: db}
}

// undetectable says why inc cannot be detected, or false.
func (o *incidentOracle) undetectable(inc pipeline.Incident) (string, bool) {
	var srcs []oracleSource
	drop := false
	switch inc.Kind {
	case pipeline.IncidentPetitionSpike:
		srcs = []oracleSource{{"petitions of the ward and category", "SELECT concat(ward_code, '/', category) AS k, toString(day) AS d, sum(received) AS n FROM petition_intake_daily WHERE ward_code != '' AND day >= {from:Date} AND day < {to:Date} GROUP BY k, d", inc.WardCode + "/" + inc.Category}}
	case pipeline.IncidentNegativePosts:
		srcs = []oracleSource{{"negative posts naming the ward", "SELECT toString(ward_code) AS k, toString(day) AS d, sum(negative) AS n FROM post_daily WHERE ward_code != '' AND day >= {from:Date} AND day < {to:Date} GROUP BY k, d", inc.WardCode}}
	case pipeline.IncidentIntakeDrop:
		drop = true
		srcs = []oracleSource{{"dossiers received by the unit", "SELECT toString(unit_code) AS k, toString(day) AS d, sum(received) AS n FROM dossier_intake_daily WHERE day >= {from:Date} AND day < {to:Date} GROUP BY k, d", inc.UnitCode}}
	case pipeline.IncidentFloodStorm:
		// The city-wide series of every category and topic compete for the same alarms.
		both := "SELECT concat('c/', category) AS k, toString(day) AS d, sum(received) AS n FROM petition_intake_daily WHERE day >= {from:Date} AND day < {to:Date} GROUP BY k, d UNION ALL SELECT concat('t/', topic) AS k, toString(day) AS d, sum(negative) AS n FROM post_daily WHERE day >= {from:Date} AND day < {to:Date} GROUP BY k, d"
		srcs = []oracleSource{{"flooding petitions of the city", both, "c/" + inc.Category}, {"negative flooding posts of the city", both, "t/" + inc.Topic}}
	default:
		return "", false
	}
	days := int(inc.End.Sub(inc.Start).Hours()/24 + 0.5)
	week := inc.Start.AddDate(0, 0, -int((inc.Start.Weekday()+6)%7)) // its Monday
	from, to := week.AddDate(0, 0, -56), week.AddDate(0, 0, 7+days)
	best, why := math.Inf(1), ""
	for _, src := range srcs {
		var rows []struct {
			K string `ch:"k"`
			D string `ch:"d"`
			N uint64 `ch:"n"`
		}
		params := store.Params{"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}
		if err := o.db.Query(context.Background(), &rows, src.sql, params); err != nil {
			o.t.Fatalf("oracle of %s: %v", inc.ID, err)
		}
		counts := map[string]map[string]float64{}
		for _, r := range rows {
			if counts[r.K] == nil {
				counts[r.K] = map[string]float64{}
			}
			counts[r.K][r.D] = float64(r.N)
		}
		// window is the count and the weekday baseline of days [start, start+days) of series k.
		window := func(k string, start time.Time) (obs, mu float64) {
			for d := start; d.Before(start.AddDate(0, 0, days)); d = d.AddDate(0, 0, 1) {
				obs += counts[k][d.Format(time.DateOnly)]
				for w := 1; w <= 8; w++ {
					mu += counts[k][d.AddDate(0, 0, -7*w).Format(time.DateOnly)] / 8
				}
			}
			return obs, mu
		}
		obs, mu := window(src.key, inc.Start)
		p := poissonUpper(obs, mu)
		if drop {
			p = poissonLower(obs, mu)
		}
		var chance float64 // the oracle's chance alarms in the incident's week
		for k := range counts {
			for i := range 7 {
				_, m := window(k, week.AddDate(0, 0, i))
				chance += tailMass(m, p, drop)
			}
		}
		if chance < best {
			best = chance
			why = fmt.Sprintf("%s: %g against %.2f on the same weekdays before (p = %.2g); flagging every %d-day window as extreme in the %d series of the kind would raise %.2g chance alarms that week",
				src.label, obs, mu, p, days, len(counts), chance)
		}
	}
	return why, best > 1
}

// tailMass is the probability that a Poisson(mu) count has a p-value of at most p: the upper
// tail P(X ≥ x) at the smallest x where it is ≤ p (drop: the lower tail at the largest such x).
func tailMass(mu, p float64, drop bool) float64 {
	if drop {
		var mass float64
		for x := 0.0; x <= mu; x++ {
			l := poissonLower(x, mu)
			if l > p {
				break
			}
			mass = l
		}
		return mass
	}
	for x := math.Max(1, math.Floor(mu)); x <= mu+60+10*math.Sqrt(mu); x++ {
		if u := poissonUpper(x, mu); u <= p {
			return u
		}
	}
	return 0
}

// poissonLower is P(X ≤ k) for X ~ Poisson(mu).
func poissonLower(k, mu float64) float64 {
	if mu <= 0 {
		return 1
	}
	var sum float64
	for i := 0.0; i <= k; i++ {
		lg, _ := math.Lgamma(i + 1)
		sum += math.Exp(i*math.Log(mu) - mu - lg)
	}
	return math.Min(1, sum)
}

// poissonUpper is P(X ≥ k) for X ~ Poisson(mu).
func poissonUpper(k, mu float64) float64 {
	if k <= 0 {
		return 1
	}
	if mu <= 0 {
		return 0
	}
	return math.Max(0, 1-poissonLower(k-1, mu))
}
