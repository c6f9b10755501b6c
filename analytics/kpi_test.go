package analytics

import (
	"context"
	"errors"
	"math"
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
}

// kpiDB is a migrated test database holding the fixtures of the KPI tests.
func kpiDB(t *testing.T) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	var events []models.DossierEvent
	for _, d := range kpiDossiers() {
		events = append(events, d.dossier.Event(models.DossierReceived, d.dossier.ReceivedAt))
		if d.end != "" {
			events = append(events, d.dossier.Event(d.end, d.dossier.UpdatedAt))
		}
	}
	if err := db.Insert(ctx, "dossier_events", events); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "petition_events", kpiPetitionEvents()); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "posts", kpiPosts()); err != nil {
		t.Fatal(err)
	}
	return db
}

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, models.Location)
}

type kpiDossier struct {
	dossier models.Dossier
	end     models.DossierStatus // "" while open
}

// kpiDossiers are the dossiers of the tests. In October 2025, all units:
//
//	received 8 (D1-D8), online 6 (D1 D3 D5 D6 D7 D8)
//	ended 7 (D1-D5, D7, D9; D8 withdrawn, D6 open): early 3 (D1 D7 D9), on due 2 (D2, D4 thanks
//	to its pause), late 2 (D3 after its due time, D5 with two supplement requests)
//	fee-bearing 3 (D1 D2 D9), paid online 2 (D1 D9); digitised 3 (D1 D2 D9); e-result 2 (D1 D7)
//
// Unit U1 (all but D7): received 7, online 5; ended 6: early 2, on due 2, late 2.
// September 2025: received 2 (D9 D10), online 0; ended 1 (D10, early).
// October 2024: received 1 (D11, online); ended 1, late.
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
	}
	specs := []spec{
		{id: "D1", unit: "U1", channel: "online", received: at(2025, 10, 6, 8), due: at(2025, 10, 9, 8), end: models.DossierCompleted, ended: at(2025, 10, 7, 10), fee: 50000, paid: true, digitized: true, eResult: true},
		{id: "D2", unit: "U1", channel: "in_person", received: at(2025, 10, 6, 9), due: at(2025, 10, 9, 17), end: models.DossierCompleted, ended: at(2025, 10, 9, 10), fee: 50000, digitized: true},
		{id: "D3", unit: "U1", channel: "online", received: at(2025, 10, 7, 8), due: at(2025, 10, 8, 8), end: models.DossierCompleted, ended: at(2025, 10, 10, 8)},
		{id: "D4", unit: "U1", channel: "in_person", received: at(2025, 10, 8, 8), due: at(2025, 10, 9, 17), end: models.DossierCompleted, ended: at(2025, 10, 11, 9), supplements: 1, pausedSeconds: 2 * 86400},
		{id: "D5", unit: "U1", channel: "online", received: at(2025, 10, 9, 8), due: at(2025, 10, 20, 17), end: models.DossierReturned, ended: at(2025, 10, 10, 8), supplements: 2},
		{id: "D6", unit: "U1", channel: "online", received: at(2025, 10, 10, 8), due: at(2025, 10, 15, 17)},
		{id: "D7", unit: "U2", channel: "online", received: at(2025, 10, 13, 8), due: at(2025, 10, 15, 17), end: models.DossierCompleted, ended: at(2025, 10, 14, 8), eResult: true},
		{id: "D8", unit: "U1", channel: "online", received: at(2025, 10, 14, 8), due: at(2025, 10, 20, 17), end: models.DossierWithdrawn, ended: at(2025, 10, 15, 8), digitized: true},
		{id: "D9", unit: "U1", channel: "in_person", received: at(2025, 9, 29, 8), due: at(2025, 10, 3, 17), end: models.DossierCompleted, ended: at(2025, 10, 2, 8), fee: 20000, paid: true, digitized: true},
		{id: "D10", unit: "U1", channel: "in_person", received: at(2025, 9, 15, 8), due: at(2025, 9, 20, 17), end: models.DossierCompleted, ended: at(2025, 9, 16, 8)},
		{id: "D11", unit: "U1", channel: "online", received: at(2024, 10, 7, 8), due: at(2024, 10, 10, 17), end: models.DossierCompleted, ended: at(2024, 10, 20, 8)},
	}
	var out []kpiDossier
	for _, s := range specs {
		d := models.Dossier{ID: s.id, ProcedureCode: "1.001193", Field: "F1", UnitCode: s.unit, WardCode: "W1",
			Channel: s.channel, OnlineLevel: "full", Status: string(models.DossierReceived),
			ReceivedAt: s.received, DueAt: s.due, UpdatedAt: s.received,
			SupplementCount: s.supplements, SupplementPausedSeconds: s.pausedSeconds,
			FeeVND: s.fee, PaidOnline: s.paid, Digitized: s.digitized, EResult: s.eResult,
			Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "test"}
		if s.end != "" {
			ended := s.ended
			d.Status, d.CompletedAt, d.UpdatedAt, d.Version = string(s.end), &ended, ended, uint64(ended.UnixMilli())
		}
		out = append(out, kpiDossier{dossier: d, end: s.end})
	}
	return out
}

// kpiPetitionEvents: in October 2025, 4 petitions received (P1-P4); first closures 3: P1 on time,
// P2 late, P4 on time (its re-closure after a reopening is late and not counted); P3 open.
// September 2025: none. October 2024: P5 received and closed late.
func kpiPetitionEvents() []models.PetitionEvent {
	base := func(id string, received, due time.Time) models.Petition {
		return models.Petition{ID: id, ReceivedAt: received, Channel: "hotline", Category: "ngap_nuoc", WardCode: "W1",
			UnitCode: "U1", Status: string(models.PetitionNew), DueAt: due, UpdatedAt: received,
			Version: uint64(received.UnixMilli()), IngestedAt: received, Source: "test"}
	}
	closed := func(p models.Petition, status models.PetitionStatus, when time.Time, reopens uint8) models.PetitionEvent {
		p.Status, p.ResolvedAt, p.UpdatedAt, p.ReopenCount, p.Version = string(status), &when, when, reopens, uint64(when.UnixMilli())
		return p.Event(status, when)
	}
	p1 := base("P1", at(2025, 10, 6, 8), at(2025, 10, 11, 8))
	p2 := base("P2", at(2025, 10, 7, 8), at(2025, 10, 9, 8))
	p3 := base("P3", at(2025, 10, 8, 8), at(2025, 10, 13, 8))
	p4 := base("P4", at(2025, 10, 8, 9), at(2025, 10, 10, 9))
	p5 := base("P5", at(2024, 10, 8, 9), at(2024, 10, 10, 9))
	return []models.PetitionEvent{
		p1.Event(models.PetitionNew, p1.ReceivedAt), closed(p1, models.PetitionResolved, at(2025, 10, 8, 8), 0),
		p2.Event(models.PetitionNew, p2.ReceivedAt), closed(p2, models.PetitionRejected, at(2025, 10, 10, 8), 0),
		p3.Event(models.PetitionNew, p3.ReceivedAt),
		p4.Event(models.PetitionNew, p4.ReceivedAt), closed(p4, models.PetitionResolved, at(2025, 10, 9, 8), 0),
		closed(p4, models.PetitionResolved, at(2025, 10, 12, 8), 1),
		p5.Event(models.PetitionNew, p5.ReceivedAt), closed(p5, models.PetitionResolved, at(2024, 10, 12, 8), 0),
	}
}

// kpiPosts: in October 2025, 5 posts (3 negative, 1 neutral, 1 positive) plus a re-send that
// must not count; September 2025: 2 positive posts; October 2024: none.
func kpiPosts() []models.Post {
	post := func(id, platform, label string, published time.Time, first bool) models.Post {
		return models.Post{ID: id, Platform: platform, PublishedAt: published, WardCode: "W1", Topic: "ngap",
			SentimentLabel: label, SentimentSource: "lexicon", FirstSeen: first,
			Version: uint64(published.UnixMilli()), IngestedAt: published, Source: "test"}
	}
	return []models.Post{
		post("a", "facebook", "negative", at(2025, 10, 6, 8), true),
		post("a", "facebook", "negative", at(2025, 10, 6, 8), false),
		post("b", "facebook", "negative", at(2025, 10, 7, 8), true),
		post("c", "zalo", "negative", at(2025, 10, 8, 8), true),
		post("d", "zalo", "neutral", at(2025, 10, 9, 8), true),
		post("e", "facebook", "positive", at(2025, 10, 31, 23), true),
		post("f", "facebook", "positive", at(2025, 9, 6, 8), true),
		post("g", "tiktok", "positive", at(2025, 9, 7, 8), true),
	}
}

// want is an expected Value: a count, a rate num/den (den 0: N/A) or a score sum/n.
type want struct {
	count    *uint64
	num, den float64
	score    bool
}

func c(n uint64) want         { return want{count: &n} }
func r(num, den float64) want { return want{num: num, den: den} }
func sc(sum, n float64) want  { return want{num: sum, den: n, score: true} }
func (w want) check(t *testing.T, where string, v Value) {
	t.Helper()
	switch {
	case w.count != nil:
		if v.Count == nil || *v.Count != *w.count {
			t.Errorf("%s: count = %v, want %d", where, v.Count, *w.count)
		}
	case w.score:
		if v.Score == nil || v.Score.Sum != w.num || v.Score.N != w.den {
			t.Errorf("%s: score = %+v, want %v/%v", where, v.Score, w.num, w.den)
			return
		}
		if w.den == 0 && v.Score.Value != nil || w.den > 0 && (v.Score.Value == nil || math.Abs(*v.Score.Value-w.num/w.den) > 1e-12) {
			t.Errorf("%s: score value = %v, want %v/%v", where, v.Score.Value, w.num, w.den)
		}
	default:
		if v.Rate == nil || v.Rate.Num != w.num || v.Rate.Den != w.den {
			t.Errorf("%s: rate = %+v, want %v/%v", where, v.Rate, w.num, w.den)
			return
		}
		if w.den == 0 && v.Rate.Value != nil || w.den > 0 && (v.Rate.Value == nil || math.Abs(*v.Rate.Value-w.num/w.den) > 1e-12) {
			t.Errorf("%s: rate value = %v, want %v/%v", where, v.Rate.Value, w.num, w.den)
		}
	}
}

// checkKPIs compares got, key by key and in order, with the expected current, previous and
// last-year values.
func checkKPIs(t *testing.T, got []KPI, wantKeys []string, want map[string][3]want) {
	t.Helper()
	if len(got) != len(wantKeys) {
		t.Fatalf("got %d KPIs, want %d (%v)", len(got), len(wantKeys), wantKeys)
	}
	for i, k := range got {
		if k.Key != wantKeys[i] {
			t.Errorf("KPI %d = %s, want %s", i, k.Key, wantKeys[i])
			continue
		}
		w, ok := want[k.Key]
		if !ok {
			continue
		}
		w[0].check(t, k.Key+" current", k.Current)
		w[1].check(t, k.Key+" previous", k.Previous)
		w[2].check(t, k.Key+" last year", k.LastYear)
	}
}

var dossierKeys = []string{KeyDossiersReceived, KeyDossiersEnded, KeyDossiersEndedEarly, KeyDossiersEndedOnDue,
	KeyDossiersEndedLate, KeyDossierOnTimeRate, KeyDossierOnlineShare, KeyDossierOnlinePayShare,
	KeyDossierDigitizedShare, KeyDossierEResultShare}

func TestKPIs(t *testing.T) {
	ctx := context.Background()
	db := kpiDB(t)
	oct, err := models.ParsePeriod("2025-10")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := models.ParsePeriod("2020-03")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("dossiers all units", func(t *testing.T) {
		got, err := DossierKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:      {c(8), c(2), c(1)},
			KeyDossiersEnded:         {c(7), c(1), c(1)},
			KeyDossiersEndedEarly:    {c(3), c(1), c(0)},
			KeyDossiersEndedOnDue:    {c(2), c(0), c(0)},
			KeyDossiersEndedLate:     {c(2), c(0), c(1)},
			KeyDossierOnTimeRate:     {r(5, 7), r(1, 1), r(0, 1)},
			KeyDossierOnlineShare:    {r(6, 8), r(0, 2), r(1, 1)},
			KeyDossierOnlinePayShare: {r(2, 3), r(0, 0), r(0, 0)},
			KeyDossierDigitizedShare: {r(3, 7), r(0, 1), r(0, 1)},
			KeyDossierEResultShare:   {r(2, 7), r(0, 1), r(0, 1)},
		})
		if on := got[5].Current.Rate; !on.SmallVolume {
			t.Errorf("on-time rate over 7 dossiers: SmallVolume = false")
		}
	})

	t.Run("dossiers of one unit", func(t *testing.T) {
		got, err := DossierKPIs(ctx, db, oct, Scope{Unit: "U1"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:    {c(7), c(2), c(1)},
			KeyDossiersEnded:       {c(6), c(1), c(1)},
			KeyDossiersEndedEarly:  {c(2), c(1), c(0)},
			KeyDossiersEndedOnDue:  {c(2), c(0), c(0)},
			KeyDossiersEndedLate:   {c(2), c(0), c(1)},
			KeyDossierOnTimeRate:   {r(4, 6), r(1, 1), r(0, 1)},
			KeyDossierOnlineShare:  {r(5, 7), r(0, 2), r(1, 1)},
			KeyDossierEResultShare: {r(1, 6), r(0, 1), r(0, 1)},
		})
		got, err = DossierKPIs(ctx, db, oct, Scope{Unit: "U9"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:  {c(0), c(0), c(0)},
			KeyDossierOnTimeRate: {r(0, 0), r(0, 0), r(0, 0)},
		})
	})

	t.Run("dossiers in an empty period", func(t *testing.T) {
		got, err := DossierKPIs(ctx, db, empty, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, dossierKeys, map[string][3]want{
			KeyDossiersReceived:      {c(0), c(0), c(0)},
			KeyDossiersEnded:         {c(0), c(0), c(0)},
			KeyDossierOnTimeRate:     {r(0, 0), r(0, 0), r(0, 0)},
			KeyDossierOnlineShare:    {r(0, 0), r(0, 0), r(0, 0)},
			KeyDossierOnlinePayShare: {r(0, 0), r(0, 0), r(0, 0)},
			KeyDossierDigitizedShare: {r(0, 0), r(0, 0), r(0, 0)},
			KeyDossierEResultShare:   {r(0, 0), r(0, 0), r(0, 0)},
		})
	})

	t.Run("petitions", func(t *testing.T) {
		got, err := PetitionKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, []string{KeyPetitionsReceived, KeyPetitionsClosed, KeyPetitionOnTimeRate}, map[string][3]want{
			KeyPetitionsReceived:  {c(4), c(0), c(1)},
			KeyPetitionsClosed:    {c(3), c(0), c(1)},
			KeyPetitionOnTimeRate: {r(2, 3), r(0, 0), r(0, 1)},
		})
		// A unit scope leaves out receptions, which the intake rollup cannot attribute to a unit.
		got, err = PetitionKPIs(ctx, db, oct, Scope{Unit: "U2"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, []string{KeyPetitionsClosed, KeyPetitionOnTimeRate}, map[string][3]want{
			KeyPetitionsClosed:    {c(0), c(0), c(0)},
			KeyPetitionOnTimeRate: {r(0, 0), r(0, 0), r(0, 0)},
		})
	})

	t.Run("posts", func(t *testing.T) {
		keys := []string{KeyPostsVolume, KeyPostNegativeShare, KeyPostNetSentiment}
		got, err := PostKPIs(ctx, db, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, keys, map[string][3]want{
			KeyPostsVolume:       {c(5), c(2), c(0)},
			KeyPostNegativeShare: {r(3, 5), r(0, 2), r(0, 0)},
			KeyPostNetSentiment:  {sc(-2, 5), sc(2, 2), sc(0, 0)},
		})
		got, err = PostKPIs(ctx, db, oct, Scope{Platform: "facebook", Ward: "W1"})
		if err != nil {
			t.Fatal(err)
		}
		checkKPIs(t, got, keys, map[string][3]want{
			KeyPostsVolume:       {c(3), c(1), c(0)},
			KeyPostNegativeShare: {r(2, 3), r(0, 1), r(0, 0)},
			KeyPostNetSentiment:  {sc(-1, 3), sc(1, 1), sc(0, 0)},
		})
	})
}
