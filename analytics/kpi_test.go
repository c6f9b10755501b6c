package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

var _ Querier = store.DB(nil)

func TestNewRate(t *testing.T) {
	tests := []struct {
		name      string
		num, den  float64
		value     float64 // -1: N/A
		low, high float64
		small     bool
	}{
		// 8/10 is the textbook case: [0.490, 0.943].
		{"eight of ten", 8, 10, 0.8, 0.4902, 0.9433, true},
		{"none of ten", 0, 10, 0, 0, 0.2775, true},
		{"all of forty", 40, 40, 1, 0.9124, 1, false},
		{"thirty is not small", 15, 30, 0.5, 0.3315, 0.6685, false},
		{"empty", 0, 0, -1, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRate(tt.num, tt.den)
			if tt.value < 0 {
				if r.Value != nil {
					t.Errorf("Value = %v, want N/A", *r.Value)
				}
			} else if r.Value == nil || math.Abs(*r.Value-tt.value) > 1e-12 {
				t.Errorf("Value = %v, want %v", r.Value, tt.value)
			}
			if math.Abs(r.Low-tt.low) > 5e-5 || math.Abs(r.High-tt.high) > 5e-5 {
				t.Errorf("interval = [%.4f, %.4f], want [%.4f, %.4f]", r.Low, r.High, tt.low, tt.high)
			}
			if r.SmallVolume != tt.small {
				t.Errorf("SmallVolume = %v, want %v", r.SmallVolume, tt.small)
			}
		})
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := histogram{{3, 3}, {1, 4}, {0, 1}} // 0 1 1 1 1 3 3 3
	for _, tt := range []struct {
		p    float64
		want uint32
	}{{0.5, 1}, {0.9, 3}, {0.1, 0}, {0.125, 0}, {0.126, 1}, {1, 3}} {
		if got := h.quantile(tt.p); got != tt.want {
			t.Errorf("quantile(%v) = %d, want %d", tt.p, got, tt.want)
		}
	}
	if got := (histogram{}).quantile(0.5); got != 0 {
		t.Errorf("empty quantile = %d", got)
	}
}

func TestValueJSON(t *testing.T) {
	k := KPI{Key: KeyDossierOnTimeRate, Unit: "ratio", HigherIsBetter: true, Current: rate(1, 2), Previous: rate(0, 0), LastYear: count(3)}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"key":"dossier_on_time_rate"`, `"higher_is_better":true`, `"small_volume":true`, `"last_year":{"count":3}`, `"previous":{"rate":{"num":0,"den":0,"value":null`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}

func TestScopeRefusesForeignDimensions(t *testing.T) {
	ctx := context.Background()
	p, _ := models.ParsePeriod("2025-10")
	if _, err := DossierKPIs(ctx, nil, p, Scope{Category: "ngap_nuoc"}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("dossiers by category: err = %v, want ErrInvalid", err)
	}
	if _, err := PostKPIs(ctx, nil, p, Scope{Unit: "U1"}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("posts by unit: err = %v, want ErrInvalid", err)
	}
	if _, err := PetitionKPIs(ctx, nil, p, Scope{Platform: "facebook"}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("petitions by platform: err = %v, want ErrInvalid", err)
	}
	if _, err := DossierKPIs(ctx, nil, models.Period{}, Scope{}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("no period: err = %v, want ErrInvalid", err)
	}
	if _, err := PetitionBreakdown(ctx, nil, p, Scope{}, "ward"); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("breakdown by ward: err = %v, want ErrInvalid", err)
	}
}

// kpiDB is a migrated test database holding the fixtures of the KPI tests. The event batches
// are inserted twice with the same deduplication token, as a replayed spool segment would be,
// and the latest-state tables receive re-sends and older versions: none of it may count twice.
func kpiDB(t *testing.T) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	var events []models.DossierEvent
	var states []models.Dossier
	for _, d := range kpiDossiers() {
		events = append(events, d.received.Event(models.DossierReceived, d.received.ReceivedAt))
		states = append(states, d.received)
		if d.end != "" {
			events = append(events, d.ended.Event(d.end, d.ended.UpdatedAt))
			states = append(states, d.ended)
		}
		if d.rated != nil {
			states = append(states, *d.rated, *d.rated) // a rating after the end, sent twice
		}
	}
	pEvents, pStates := kpiPetitions()
	for range 2 {
		for _, ins := range []struct {
			table, token string
			rows         any
		}{
			{"dossier_events", "kpi-dossier-events", events},
			{"petition_events", "kpi-petition-events", pEvents},
			{"posts", "kpi-posts", kpiPosts()},
		} {
			if err := db.Insert(ctx, ins.table, ins.rows, store.DedupToken(ins.token)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Insert(ctx, "dossiers", states); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "petitions", pStates); err != nil {
		t.Fatal(err)
	}
	return db
}

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, models.Location)
}

func atMin(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, models.Location)
}

type kpiDossier struct {
	received models.Dossier       // the dossier at reception
	ended    models.Dossier       // at its end
	end      models.DossierStatus // "" while open
	rated    *models.Dossier      // rated after the end; nil when never rated
}

// kpiDossiers are the dossiers of the tests (net processing time in hours after the end date).
//
//	id  unit channel   received          due              end                         hours
//	D1  U1   online    2025-10-06 08     10-09 08         completed 10-07 10 early      26
//	D2  U1   in_person 2025-10-06 09     10-09 17         completed 10-09 10 on due     73
//	D3  U1   online    2025-10-07 08     10-08 08         completed 10-10 08 late       72
//	D4  U1   in_person 2025-10-08 08     10-09 17 +2d     completed 10-11 09 on due     25
//	D5  U1   online    2025-10-09 08     10-20 17         returned  10-10 08 late (2 supplements) 24
//	D6  U1   online    2025-10-10 08     10-15 17         open
//	D7  U2   online    2025-10-13 08     10-15 17         completed 10-14 08 early      24
//	D8  U1   online    2025-10-14 08     10-20 17         withdrawn 10-15 08
//	D9  U1   in_person 2025-09-29 08     10-03 17         completed 10-02 08 early      72
//	D10 U1   in_person 2025-09-15 08     09-20 17         completed 09-16 08 early      24
//	D11 U1   online    2024-10-07 08     2024-10-10 17    completed 2024-10-20 08 late  312
//	D12 U1   in_person 2025-10-28 08     10-30 17         completed 11-05 08 (after October's end)
//	D13 U3   in_person 2025-10-01 00:30  10-01 17         completed 10-01 10 on due    9.5
//	D14 U3   in_person 2025-09-30 23:30  10-02 17         completed 11-01 00:10 late (November)
//
//	D15 U4   online    2025-01-01 00:15  2025-01-03 17   completed 2025-01-02 09 early
//	D16 U4   in_person 2024-12-31 23:45  2025-01-03 17   completed 2025-01-01 00:05 early
//
// D13 and D14 sit on the month boundary in local time (D13 is 30 September 17:30 UTC, D14's end
// 31 October 17:10 UTC), D15 and D16 on the year boundary. Fees: D1 D2 D9 (paid online D1 D9); digitised D1 D2 D8 D9; e-result D1
// D7. Ratings (after the end): D1 satisfied, D2 dissatisfied, D7 satisfied, D9 satisfied.
func kpiDossiers() []kpiDossier {
	type spec struct {
		id, unit, channel string
		received, due     time.Time
		end               models.DossierStatus
		ended             time.Time
		supplements       uint8
		pausedSeconds     uint32
		fee               uint64
		paid, digitized   bool
		eResult           bool
		rating            string
	}
	specs := []spec{
		{id: "D1", unit: "U1", channel: "online", received: at(2025, 10, 6, 8), due: at(2025, 10, 9, 8), end: models.DossierCompleted, ended: at(2025, 10, 7, 10), fee: 50000, paid: true, digitized: true, eResult: true, rating: "satisfied"},
		{id: "D2", unit: "U1", channel: "in_person", received: at(2025, 10, 6, 9), due: at(2025, 10, 9, 17), end: models.DossierCompleted, ended: at(2025, 10, 9, 10), fee: 50000, digitized: true, rating: "dissatisfied"},
		{id: "D3", unit: "U1", channel: "online", received: at(2025, 10, 7, 8), due: at(2025, 10, 8, 8), end: models.DossierCompleted, ended: at(2025, 10, 10, 8)},
		{id: "D4", unit: "U1", channel: "in_person", received: at(2025, 10, 8, 8), due: at(2025, 10, 9, 17), end: models.DossierCompleted, ended: at(2025, 10, 11, 9), supplements: 1, pausedSeconds: 2 * 86400},
		{id: "D5", unit: "U1", channel: "online", received: at(2025, 10, 9, 8), due: at(2025, 10, 20, 17), end: models.DossierReturned, ended: at(2025, 10, 10, 8), supplements: 2},
		{id: "D6", unit: "U1", channel: "online", received: at(2025, 10, 10, 8), due: at(2025, 10, 15, 17)},
		{id: "D7", unit: "U2", channel: "online", received: at(2025, 10, 13, 8), due: at(2025, 10, 15, 17), end: models.DossierCompleted, ended: at(2025, 10, 14, 8), eResult: true, rating: "satisfied"},
		{id: "D8", unit: "U1", channel: "online", received: at(2025, 10, 14, 8), due: at(2025, 10, 20, 17), end: models.DossierWithdrawn, ended: at(2025, 10, 15, 8), digitized: true},
		{id: "D9", unit: "U1", channel: "in_person", received: at(2025, 9, 29, 8), due: at(2025, 10, 3, 17), end: models.DossierCompleted, ended: at(2025, 10, 2, 8), fee: 20000, paid: true, digitized: true, rating: "satisfied"},
		{id: "D10", unit: "U1", channel: "in_person", received: at(2025, 9, 15, 8), due: at(2025, 9, 20, 17), end: models.DossierCompleted, ended: at(2025, 9, 16, 8)},
		{id: "D11", unit: "U1", channel: "online", received: at(2024, 10, 7, 8), due: at(2024, 10, 10, 17), end: models.DossierCompleted, ended: at(2024, 10, 20, 8)},
		{id: "D12", unit: "U1", channel: "in_person", received: at(2025, 10, 28, 8), due: at(2025, 10, 30, 17), end: models.DossierCompleted, ended: at(2025, 11, 5, 8)},
		{id: "D13", unit: "U3", channel: "in_person", received: atMin(2025, 10, 1, 0, 30), due: at(2025, 10, 1, 17), end: models.DossierCompleted, ended: at(2025, 10, 1, 10)},
		{id: "D14", unit: "U3", channel: "in_person", received: atMin(2025, 9, 30, 23, 30), due: at(2025, 10, 2, 17), end: models.DossierCompleted, ended: atMin(2025, 11, 1, 0, 10)},
		{id: "D15", unit: "U4", channel: "online", received: atMin(2025, 1, 1, 0, 15), due: at(2025, 1, 3, 17), end: models.DossierCompleted, ended: at(2025, 1, 2, 9)},
		{id: "D16", unit: "U4", channel: "in_person", received: atMin(2024, 12, 31, 23, 45), due: at(2025, 1, 3, 17), end: models.DossierCompleted, ended: atMin(2025, 1, 1, 0, 5)},
	}
	var out []kpiDossier
	for _, s := range specs {
		d := models.Dossier{ID: s.id, ProcedureCode: "1.001193", Field: "F1", UnitCode: s.unit, WardCode: "W1",
			Channel: s.channel, OnlineLevel: "full", Status: string(models.DossierReceived),
			ReceivedAt: s.received, DueAt: s.due, UpdatedAt: s.received,
			FeeVND: s.fee, PaidOnline: s.paid, Digitized: s.digitized,
			Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "test"}
		k := kpiDossier{received: d, end: s.end}
		if s.end != "" {
			e, ended := d, s.ended
			e.Status, e.CompletedAt, e.UpdatedAt, e.Version = string(s.end), &ended, ended, uint64(ended.UnixMilli())
			e.SupplementCount, e.SupplementPausedSeconds, e.EResult = s.supplements, s.pausedSeconds, s.eResult
			k.ended = e
			if s.rating != "" {
				r, rating, when := e, s.rating, ended.Add(time.Hour)
				r.Satisfaction, r.UpdatedAt, r.Version = &rating, when, uint64(when.UnixMilli())
				k.rated = &r
			}
		}
		out = append(out, k)
	}
	return out
}

// kpiPetitions are the petitions of the tests, as events and latest states:
//
//	id  received          due            forwarded after  first closure              hours
//	P1  2025-10-06 08     10-11 08       3 min            resolved 10-08 08 on time   48
//	P2  2025-10-07 08     10-09 08       10 min           rejected 10-10 08 late      72
//	P3  2025-10-08 08     10-13 08       1 min            open
//	P4  2025-10-08 09     10-10 09       4 min 59 s       resolved 10-09 08 on time   23; reopened 10-11 08, re-resolved 10-12 08 (late, not counted)
//	P5  2024-10-08 09     2024-10-10 09  never            resolved 2024-10-12 08 late 95
//	P6  2025-10-31 23:30  11-05 08       never            resolved 11-02 08 (after October's end)
//
// P1-P5 came by hotline, P6 by app (category ha_tang, ward W2). Ratings (latest state): P1
// satisfied, P2 dissatisfied, P4 satisfied.
func kpiPetitions() ([]models.PetitionEvent, []models.Petition) {
	base := func(id string, received, due time.Time, forwardAfter time.Duration) models.Petition {
		p := models.Petition{ID: id, ReceivedAt: received, Channel: "hotline", Category: "ngap_nuoc", WardCode: "W1",
			UnitCode: "U1", Status: string(models.PetitionNew), DueAt: due, UpdatedAt: received,
			Version: uint64(received.UnixMilli()), IngestedAt: received, Source: "test"}
		if forwardAfter > 0 {
			f := received.Add(forwardAfter)
			p.ForwardedAt = &f
		}
		return p
	}
	with := func(p models.Petition, status models.PetitionStatus, when time.Time, reopens uint8) models.Petition {
		p.Status, p.UpdatedAt, p.ReopenCount, p.Version = string(status), when, reopens, uint64(when.UnixMilli())
		if status.Closed() {
			p.ResolvedAt = &when
		} else {
			p.ResolvedAt = nil
		}
		return p
	}
	event := func(p models.Petition) models.PetitionEvent {
		return p.Event(models.PetitionStatus(p.Status), p.UpdatedAt)
	}
	rated := func(p models.Petition, s string) models.Petition {
		p.Satisfaction = &s
		p.UpdatedAt = p.UpdatedAt.Add(time.Hour)
		p.Version = uint64(p.UpdatedAt.UnixMilli())
		return p
	}
	p1 := base("P1", at(2025, 10, 6, 8), at(2025, 10, 11, 8), 3*time.Minute)
	p2 := base("P2", at(2025, 10, 7, 8), at(2025, 10, 9, 8), 10*time.Minute)
	p3 := base("P3", at(2025, 10, 8, 8), at(2025, 10, 13, 8), time.Minute)
	p4 := base("P4", at(2025, 10, 8, 9), at(2025, 10, 10, 9), 4*time.Minute+59*time.Second)
	p5 := base("P5", at(2024, 10, 8, 9), at(2024, 10, 10, 9), 0)
	p6 := base("P6", atMin(2025, 10, 31, 23, 30), at(2025, 11, 5, 8), 0)
	p6.Channel, p6.Category, p6.WardCode, p6.UnitCode = "app", "ha_tang", "W2", ""

	p1c := with(p1, models.PetitionResolved, at(2025, 10, 8, 8), 0)
	p2c := with(p2, models.PetitionRejected, at(2025, 10, 10, 8), 0)
	p4c := with(p4, models.PetitionResolved, at(2025, 10, 9, 8), 0)
	p4r := with(p4, models.PetitionReopened, at(2025, 10, 11, 8), 1)
	p4c2 := with(p4, models.PetitionResolved, at(2025, 10, 12, 8), 1)
	p5c := with(p5, models.PetitionResolved, at(2024, 10, 12, 8), 0)
	p6c := with(p6, models.PetitionResolved, at(2025, 11, 2, 8), 0)
	events := []models.PetitionEvent{
		p1.Event(models.PetitionNew, p1.ReceivedAt), event(p1c),
		p2.Event(models.PetitionNew, p2.ReceivedAt), event(p2c),
		p3.Event(models.PetitionNew, p3.ReceivedAt),
		p4.Event(models.PetitionNew, p4.ReceivedAt), event(p4c), event(p4r), event(p4c2),
		p5.Event(models.PetitionNew, p5.ReceivedAt), event(p5c),
		p6.Event(models.PetitionNew, p6.ReceivedAt), event(p6c),
	}
	states := []models.Petition{p1, p1c, rated(p1c, "satisfied"), rated(p1c, "satisfied"), p2c, rated(p2c, "dissatisfied"),
		p3, p4c, p4r, rated(p4c2, "satisfied"), p5c, p6, p6c}
	return events, states
}

// kpiPosts: in October 2025, 5 posts (3 negative, 1 neutral, 1 positive) plus a re-send that
// must not count, and a post at 00:30 on 1 November that belongs to November; September 2025: 2
// positive posts; October 2024: none. Topics: a b c e "ngap", d "giao_thong". Engagement weights
// (1 + likes + shares + comments) and scores: a 10 × −0.75, b 1 × −0.5, c 2 × −0.625, d 1 × 0,
// e 4 × 0.875: weighted sum −5.75 over 18.
func kpiPosts() []models.Post {
	post := func(id, platform, label, topic string, sentiment float32, published time.Time, first bool) models.Post {
		return models.Post{ID: id, Platform: platform, PublishedAt: published, WardCode: "W1", Topic: topic,
			Sentiment: sentiment, SentimentLabel: label, SentimentSource: "lexicon", FirstSeen: first,
			Version: uint64(published.UnixMilli()), IngestedAt: published, Source: "test"}
	}
	a := post("a", "facebook", "negative", "ngap", -0.75, at(2025, 10, 6, 8), true)
	a.Likes = 9
	resent := a
	resent.FirstSeen, resent.Likes, resent.Version = false, 99, a.Version+1
	c := post("c", "zalo", "negative", "ngap", -0.625, at(2025, 10, 8, 8), true)
	c.Shares = 1
	e := post("e", "facebook", "positive", "ngap", 0.875, at(2025, 10, 31, 23), true)
	e.Comments = 3
	return []models.Post{
		a, resent,
		post("b", "facebook", "negative", "ngap", -0.5, at(2025, 10, 7, 8), true),
		c,
		post("d", "zalo", "neutral", "giao_thong", 0, at(2025, 10, 9, 8), true),
		e,
		post("h", "facebook", "negative", "ngap", -0.5, atMin(2025, 11, 1, 0, 30), true),
		post("f", "facebook", "positive", "ngap", 0.5, at(2025, 9, 6, 8), true),
		post("g", "tiktok", "positive", "ngap", 0.5, at(2025, 9, 7, 8), true),
	}
}

// want is an expected Value: a count, a rate num/den (den 0: N/A), a score sum/n or a quantity.
type want struct {
	count    *uint64
	num, den float64
	score    bool
	quantity bool
}

func c(n uint64) want         { return want{count: &n} }
func r(num, den float64) want { return want{num: num, den: den} }
func sc(sum, n float64) want  { return want{num: sum, den: n, score: true} }

// qty is a quantity v over n cases (n 0: N/A).
func qty(v, n float64) want { return want{num: v, den: n, quantity: true} }

func (w want) check(t *testing.T, where string, v Value) {
	t.Helper()
	switch {
	case w.count != nil:
		if v.Count == nil || *v.Count != *w.count {
			t.Errorf("%s: count = %v, want %d", where, fmtCount(v.Count), *w.count)
		}
	case w.quantity:
		if v.Quantity == nil || v.Quantity.N != w.den {
			t.Errorf("%s: quantity = %+v, want %v over %v", where, v.Quantity, w.num, w.den)
			return
		}
		if w.den == 0 && v.Quantity.Value != nil || w.den > 0 && (v.Quantity.Value == nil || math.Abs(*v.Quantity.Value-w.num) > 1e-9) {
			t.Errorf("%s: quantity value = %v, want %v", where, fmtFloat(v.Quantity.Value), w.num)
		}
	case w.score:
		if v.Score == nil || math.Abs(v.Score.Sum-w.num) > 1e-9 || v.Score.N != w.den {
			t.Errorf("%s: score = %+v, want %v/%v", where, v.Score, w.num, w.den)
			return
		}
		if w.den == 0 && v.Score.Value != nil || w.den > 0 && (v.Score.Value == nil || math.Abs(*v.Score.Value-w.num/w.den) > 1e-9) {
			t.Errorf("%s: score value = %v, want %v/%v", where, fmtFloat(v.Score.Value), w.num, w.den)
		}
	default:
		if v.Rate == nil || v.Rate.Num != w.num || v.Rate.Den != w.den {
			t.Errorf("%s: rate = %+v, want %v/%v", where, v.Rate, w.num, w.den)
			return
		}
		if w.den == 0 && v.Rate.Value != nil || w.den > 0 && (v.Rate.Value == nil || math.Abs(*v.Rate.Value-w.num/w.den) > 1e-12) {
			t.Errorf("%s: rate value = %v, want %v/%v", where, fmtFloat(v.Rate.Value), w.num, w.den)
		}
	}
}

func fmtCount(n *uint64) any {
	if n == nil {
		return "nil"
	}
	return *n
}

func fmtFloat(f *float64) any {
	if f == nil {
		return "N/A"
	}
	return *f
}

// checkKPIs compares got, key by key and in order, with the expected current, previous and
// last-year values; every key must have an expectation.
func checkKPIs(t *testing.T, got []KPI, wantKeys []string, want map[string][3]want) {
	t.Helper()
	if len(got) != len(wantKeys) {
		keys := make([]string, len(got))
		for i, k := range got {
			keys[i] = k.Key
		}
		t.Fatalf("got KPIs %v, want %v", keys, wantKeys)
	}
	for i, k := range got {
		if k.Key != wantKeys[i] {
			t.Errorf("KPI %d = %s, want %s", i, k.Key, wantKeys[i])
			continue
		}
		w, ok := want[k.Key]
		if !ok {
			t.Errorf("no expectation for %s", k.Key)
			continue
		}
		w[0].check(t, k.Key+" current", k.Current)
		w[1].check(t, k.Key+" previous", k.Previous)
		w[2].check(t, k.Key+" last year", k.LastYear)
	}
}

var dossierKeys = []string{KeyDossiersReceived, KeyDossiersEnded, KeyDossiersEndedEarly, KeyDossiersEndedOnDue,
	KeyDossiersEndedLate, KeyDossierOnTimeRate, KeyDossiersOpen, KeyDossiersOpenOverdue, KeyDossierOnlineShare,
	KeyDossierOnlinePayShare, KeyDossierDigitizedShare, KeyDossierEResultShare, KeyDossierProcessingMean,
	KeyDossierProcessingMed, KeyDossierProcessingP90, KeyDossierSatisfaction}

var petitionKeys = []string{KeyPetitionsReceived, KeyPetitionsClosed, KeyPetitionOnTimeRate, KeyPetitionForwardedInSLA,
	KeyPetitionResolveMedian, KeyPetitionResolveP90, KeyPetitionsBacklog, KeyPetitionsOverdue, KeyPetitionReopenRate,
	KeyPetitionSatisfaction}

var postKeys = []string{KeyPostsVolume, KeyPostNegativeShare, KeyPostNetSentiment, KeyPostEngagementScore}

func TestKPIs(t *testing.T) {
	ctx := context.Background()
	db := kpiDB(t)
	oct := kpiPeriod(t, "2025-10")
	empty := kpiPeriod(t, "2020-03")

	t.Run("dossiers all units", func(t *testing.T) {
		got, err := DossierKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:      {c(10), c(3), c(1)},
			KeyDossiersEnded:         {c(8), c(1), c(1)},
			KeyDossiersEndedEarly:    {c(3), c(1), c(0)},
			KeyDossiersEndedOnDue:    {c(3), c(0), c(0)},
			KeyDossiersEndedLate:     {c(2), c(0), c(1)},
			KeyDossierOnTimeRate:     {r(6, 8), r(1, 1), r(0, 1)},
			KeyDossiersOpen:          {c(3), c(2), c(0)},
			KeyDossiersOpenOverdue:   {c(3), c(0), c(0)},
			KeyDossierOnlineShare:    {r(6, 10), r(0, 3), r(1, 1)},
			KeyDossierOnlinePayShare: {r(2, 3), r(0, 0), r(0, 0)},
			KeyDossierDigitizedShare: {r(3, 8), r(0, 1), r(0, 1)},
			KeyDossierEResultShare:   {r(2, 8), r(0, 1), r(0, 1)},
			KeyDossierProcessingMean: {qty(325.5/8/24, 8), qty(1, 1), qty(13, 1)},
			KeyDossierProcessingMed:  {qty(1, 8), qty(1, 1), qty(13, 1)},
			KeyDossierProcessingP90:  {qty(3, 8), qty(1, 1), qty(13, 1)},
			KeyDossierSatisfaction:   {r(2, 3), r(1, 1), r(0, 0)},
		})
		if on := got[5].Current.Rate; !on.SmallVolume {
			t.Errorf("on-time rate over 8 dossiers: SmallVolume = false")
		}
	})

	t.Run("dossiers of one unit", func(t *testing.T) {
		got, err := DossierKPIs(ctx, db, oct, Scope{Unit: "U1"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:      {c(8), c(2), c(1)},
			KeyDossiersEnded:         {c(6), c(1), c(1)},
			KeyDossiersEndedEarly:    {c(2), c(1), c(0)},
			KeyDossiersEndedOnDue:    {c(2), c(0), c(0)},
			KeyDossiersEndedLate:     {c(2), c(0), c(1)},
			KeyDossierOnTimeRate:     {r(4, 6), r(1, 1), r(0, 1)},
			KeyDossiersOpen:          {c(2), c(1), c(0)},
			KeyDossiersOpenOverdue:   {c(2), c(0), c(0)},
			KeyDossierOnlineShare:    {r(5, 8), r(0, 2), r(1, 1)},
			KeyDossierOnlinePayShare: {r(2, 3), r(0, 0), r(0, 0)},
			KeyDossierDigitizedShare: {r(3, 6), r(0, 1), r(0, 1)},
			KeyDossierEResultShare:   {r(1, 6), r(0, 1), r(0, 1)},
			// 26 73 72 25 24 72 hours: quarters 4 12 12 4 4 12.
			KeyDossierProcessingMean: {qty(292.0/6/24, 6), qty(1, 1), qty(13, 1)},
			KeyDossierProcessingMed:  {qty(1, 6), qty(1, 1), qty(13, 1)},
			KeyDossierProcessingP90:  {qty(3, 6), qty(1, 1), qty(13, 1)},
			KeyDossierSatisfaction:   {r(1, 2), r(1, 1), r(0, 0)},
		})
		// U3 holds the boundary dossiers: D13 received 00:30 on 1 October (October), D14 at
		// 23:30 on 30 September and ended 00:10 on 1 November (open at both month ends).
		got, err = DossierKPIs(ctx, db, oct, Scope{Unit: "U3"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:      {c(1), c(1), c(0)},
			KeyDossiersEnded:         {c(1), c(0), c(0)},
			KeyDossiersEndedEarly:    {c(0), c(0), c(0)},
			KeyDossiersEndedOnDue:    {c(1), c(0), c(0)},
			KeyDossiersEndedLate:     {c(0), c(0), c(0)},
			KeyDossierOnTimeRate:     {r(1, 1), r(0, 0), r(0, 0)},
			KeyDossiersOpen:          {c(1), c(1), c(0)},
			KeyDossiersOpenOverdue:   {c(1), c(0), c(0)},
			KeyDossierOnlineShare:    {r(0, 1), r(0, 1), r(0, 0)},
			KeyDossierOnlinePayShare: {r(0, 0), r(0, 0), r(0, 0)},
			KeyDossierDigitizedShare: {r(0, 1), r(0, 0), r(0, 0)},
			KeyDossierEResultShare:   {r(0, 1), r(0, 0), r(0, 0)},
			KeyDossierProcessingMean: {qty(9.5/24, 1), qty(0, 0), qty(0, 0)},
			KeyDossierProcessingMed:  {qty(0.25, 1), qty(0, 0), qty(0, 0)},
			KeyDossierProcessingP90:  {qty(0.25, 1), qty(0, 0), qty(0, 0)},
			KeyDossierSatisfaction:   {r(0, 0), r(0, 0), r(0, 0)},
		})
		// The year boundary: D15 (00:15 on 1 January 2025, 31 December 17:15 UTC) is 2025's,
		// D16 (23:45 on 31 December 2024) is 2024's and open at its end.
		got, err = DossierKPIs(ctx, db, kpiPeriod(t, "2025"), Scope{Unit: "U4"})
		if err != nil {
			t.Fatal(err)
		}
		c(1).check(t, "U4 received in 2025", got[0].Current)
		c(1).check(t, "U4 received in 2024", got[0].Previous)
		c(2).check(t, "U4 ended in 2025", got[1].Current)
		c(0).check(t, "U4 ended in 2024", got[1].Previous)
		c(0).check(t, "U4 open at the end of 2025", got[6].Current)
		c(1).check(t, "U4 open at the end of 2024", got[6].Previous)
		r(1, 1).check(t, "U4 online share 2025", got[8].Current)
		november := kpiPeriod(t, "2025-11")
		got, err = DossierKPIs(ctx, db, november, Scope{Unit: "U3"})
		if err != nil {
			t.Fatal(err)
		}
		if v := got[4].Current.Count; v == nil || *v != 1 { // D14 ended late, in November
			t.Errorf("U3 November late = %v, want 1", fmtCount(v))
		}
	})

	t.Run("units and periods with no data", func(t *testing.T) {
		zero := map[string][3]want{}
		for _, k := range dossierKeys {
			switch k {
			case KeyDossiersReceived, KeyDossiersEnded, KeyDossiersEndedEarly, KeyDossiersEndedOnDue, KeyDossiersEndedLate, KeyDossiersOpen, KeyDossiersOpenOverdue:
				zero[k] = [3]want{c(0), c(0), c(0)}
			case KeyDossierProcessingMean, KeyDossierProcessingMed, KeyDossierProcessingP90:
				zero[k] = [3]want{qty(0, 0), qty(0, 0), qty(0, 0)}
			default:
				zero[k] = [3]want{r(0, 0), r(0, 0), r(0, 0)}
			}
		}
		for _, tc := range []struct {
			p models.Period
			s Scope
		}{{oct, Scope{Unit: "U9"}}, {empty, Scope{}}} {
			got, err := DossierKPIs(ctx, db, tc.p, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			checkKPIs(t, got, dossierKeys, zero)
		}
	})

	t.Run("petitions", func(t *testing.T) {
		got, err := PetitionKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, petitionKeys, map[string][3]want{
			KeyPetitionsReceived:      {c(5), c(0), c(1)},
			KeyPetitionsClosed:        {c(3), c(0), c(1)},
			KeyPetitionOnTimeRate:     {r(2, 3), r(0, 0), r(0, 1)},
			KeyPetitionForwardedInSLA: {r(2, 3), r(0, 0), r(0, 0)},
			KeyPetitionResolveMedian:  {qty(2, 3), qty(0, 0), qty(95.0/24, 1)},
			KeyPetitionResolveP90:     {qty(3, 3), qty(0, 0), qty(95.0/24, 1)},
			KeyPetitionsBacklog:       {c(2), c(0), c(0)},
			KeyPetitionsOverdue:       {c(1), c(0), c(0)},
			KeyPetitionReopenRate:     {r(1, 3), r(0, 0), r(0, 1)},
			KeyPetitionSatisfaction:   {r(2, 3), r(0, 0), r(0, 0)},
		})
		// A 10-minute forwarding rule counts P2 too.
		got, err = PetitionKPIsWith(ctx, db, oct, Scope{}, Options{ForwardSLAMinutes: 11})
		if err != nil {
			t.Fatal(err)
		}
		r(3, 3).check(t, "forwarded within 11 minutes", got[3].Current)
		// A unit scope leaves out receptions and the backlog, which the intake rollups cannot
		// attribute to a unit.
		got, err = PetitionKPIs(ctx, db, oct, Scope{Unit: "U2"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, []string{KeyPetitionsClosed, KeyPetitionOnTimeRate, KeyPetitionForwardedInSLA,
			KeyPetitionResolveMedian, KeyPetitionResolveP90, KeyPetitionReopenRate, KeyPetitionSatisfaction}, map[string][3]want{
			KeyPetitionsClosed:        {c(0), c(0), c(0)},
			KeyPetitionOnTimeRate:     {r(0, 0), r(0, 0), r(0, 0)},
			KeyPetitionForwardedInSLA: {r(0, 0), r(0, 0), r(0, 0)},
			KeyPetitionResolveMedian:  {qty(0, 0), qty(0, 0), qty(0, 0)},
			KeyPetitionResolveP90:     {qty(0, 0), qty(0, 0), qty(0, 0)},
			KeyPetitionReopenRate:     {r(0, 0), r(0, 0), r(0, 0)},
			KeyPetitionSatisfaction:   {r(0, 0), r(0, 0), r(0, 0)},
		})
	})

	t.Run("petition breakdowns", func(t *testing.T) {
		got, err := PetitionBreakdown(ctx, db, oct, Scope{}, "channel")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Value != "hotline" || got[1].Value != "app" {
			t.Fatalf("channels = %+v, want hotline then app", got)
		}
		keys := []string{KeyPetitionsReceived, KeyPetitionsClosed, KeyPetitionOnTimeRate}
		checkKPIs(t, got[0].KPIs, keys, map[string][3]want{
			KeyPetitionsReceived:  {c(4), c(0), c(1)},
			KeyPetitionsClosed:    {c(3), c(0), c(1)},
			KeyPetitionOnTimeRate: {r(2, 3), r(0, 0), r(0, 1)},
		})
		checkKPIs(t, got[1].KPIs, keys, map[string][3]want{
			KeyPetitionsReceived:  {c(1), c(0), c(0)},
			KeyPetitionsClosed:    {c(0), c(0), c(0)},
			KeyPetitionOnTimeRate: {r(0, 0), r(0, 0), r(0, 0)},
		})
		got, err = PetitionBreakdown(ctx, db, oct, Scope{Ward: "W2"}, "category")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Value != "ha_tang" || got[0].Dimension != "category" {
			t.Fatalf("categories of W2 = %+v, want ha_tang", got)
		}
	})

	t.Run("posts", func(t *testing.T) {
		got, err := PostKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, postKeys, map[string][3]want{
			KeyPostsVolume:         {c(5), c(2), c(0)},
			KeyPostNegativeShare:   {r(3, 5), r(0, 2), r(0, 0)},
			KeyPostNetSentiment:    {sc(-2, 5), sc(2, 2), sc(0, 0)},
			KeyPostEngagementScore: {sc(-5.75, 18), sc(1, 2), sc(0, 0)},
		})
		got, err = PostKPIs(ctx, db, oct, Scope{Platform: "facebook", Ward: "W1"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, postKeys, map[string][3]want{
			KeyPostsVolume:         {c(3), c(1), c(0)},
			KeyPostNegativeShare:   {r(2, 3), r(0, 1), r(0, 0)},
			KeyPostNetSentiment:    {sc(-1, 3), sc(1, 1), sc(0, 0)},
			KeyPostEngagementScore: {sc(-7.5-0.5+3.5, 15), sc(0.5, 1), sc(0, 0)},
		})
	})

	t.Run("share of voice", func(t *testing.T) {
		got, err := PostTopics(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Value != "ngap" || got[1].Value != "giao_thong" {
			t.Fatalf("topics = %+v, want ngap then giao_thong", got)
		}
		keys := []string{KeyPostsVolume, KeyPostShareOfVoice, KeyPostNegativeShare, KeyPostNetSentiment}
		checkKPIs(t, got[0].KPIs, keys, map[string][3]want{
			KeyPostsVolume:       {c(4), c(2), c(0)},
			KeyPostShareOfVoice:  {r(4, 5), r(2, 2), r(0, 0)},
			KeyPostNegativeShare: {r(3, 4), r(0, 2), r(0, 0)},
			KeyPostNetSentiment:  {sc(-2, 4), sc(2, 2), sc(0, 0)},
		})
		checkKPIs(t, got[1].KPIs, keys, map[string][3]want{
			KeyPostsVolume:       {c(1), c(0), c(0)},
			KeyPostShareOfVoice:  {r(1, 5), r(0, 2), r(0, 0)},
			KeyPostNegativeShare: {r(0, 1), r(0, 0), r(0, 0)},
			KeyPostNetSentiment:  {sc(0, 1), sc(0, 0), sc(0, 0)},
		})
	})

	t.Run("all KPIs of an overview", func(t *testing.T) {
		got, err := AllKPIs(ctx, db, oct, Scope{Ward: "W1", Field: "F1", Platform: "facebook"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := len(dossierKeys) + len(petitionKeys) + len(postKeys); len(got) != want {
			t.Fatalf("got %d KPIs, want %d", len(got), want)
		}
		c(10).check(t, "dossiers of W1 in field F1", got[0].Current)
		c(4).check(t, "petitions of W1", got[len(dossierKeys)].Current)
		c(3).check(t, "facebook posts of W1", got[len(dossierKeys)+len(petitionKeys)].Current)
	})
}

func kpiPeriod(t *testing.T, s string) models.Period {
	t.Helper()
	p, err := models.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
