package analytics

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// listDB holds the fixtures of the list tests in the latest-state tables, with older versions
// and re-sent duplicates that must not show twice, and the dossiers' lifecycle events (the
// overdue list finds the dossiers that ended after its moment through them):
//
//	dossier unit ward field received        due (effective)       end
//	O1      U1   W1   F1    2025-11-01 08   11-05 08              open (processing; received version and a re-send too)
//	O2      U1   W2   F2    2025-11-03 08   11-06 17 +2d pause    open
//	O3      U2   W1   F1    2025-11-02 08   11-04 08              completed 11-12 08 (after 11-10 12)
//	O4      U1   W1   F1    2025-11-02 08   11-04 08              completed 11-09 08
//	O5      U1   W1   F1    2025-11-05 08   11-20 17              open
//	O6      U1   W1   F1    2025-11-11 08   11-11 09              open (received after 11-10 12)
//	O7      U1   W1   F1    2024-10-01 08   2024-10-05 08         open (before the year's look-back)
//	O8      U1   W1   F1    2025-11-01 08   11-03 08              withdrawn 11-04 08
//	O9      U2   W2   F1    2025-09-01 08   09-10 08              open
//
//	petition unit ward category received    due        status
//	Q1       U1   W1   C1       11-01 08    11-05 08   forwarded
//	Q2       U2   W2   C2       11-02 08    11-04 08   resolved 11-11 08
//	Q3       U1   W1   C1       11-02 08    11-04 08   resolved 11-06 08
//	Q4       U1   W1   C1       11-01 08    11-03 08   resolved 11-04 08, reopened 11-08 08
//	Q5       U1   W1   C1       11-05 08    11-20 08   new
func listDB(t *testing.T) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	type dspec struct {
		id, unit, ward, field string
		received, due         time.Time
		paused                uint32
		end                   models.DossierStatus
		ended                 time.Time
	}
	dspecs := []dspec{
		{"O1", "U1", "W1", "F1", at(2025, 11, 1, 8), at(2025, 11, 5, 8), 0, models.DossierProcessing, at(2025, 11, 2, 8)},
		{"O2", "U1", "W2", "F2", at(2025, 11, 3, 8), at(2025, 11, 6, 17), 2 * 86400, models.DossierSupplementRequested, at(2025, 11, 4, 8)},
		{"O3", "U2", "W1", "F1", at(2025, 11, 2, 8), at(2025, 11, 4, 8), 0, models.DossierCompleted, at(2025, 11, 12, 8)},
		{"O4", "U1", "W1", "F1", at(2025, 11, 2, 8), at(2025, 11, 4, 8), 0, models.DossierCompleted, at(2025, 11, 9, 8)},
		{"O5", "U1", "W1", "F1", at(2025, 11, 5, 8), at(2025, 11, 20, 17), 0, "", time.Time{}},
		{"O6", "U1", "W1", "F1", at(2025, 11, 11, 8), at(2025, 11, 11, 9), 0, "", time.Time{}},
		{"O7", "U1", "W1", "F1", at(2024, 10, 1, 8), at(2024, 10, 5, 8), 0, "", time.Time{}},
		{"O8", "U1", "W1", "F1", at(2025, 11, 1, 8), at(2025, 11, 3, 8), 0, models.DossierWithdrawn, at(2025, 11, 4, 8)},
		{"O9", "U2", "W2", "F1", at(2025, 9, 1, 8), at(2025, 9, 10, 8), 0, "", time.Time{}},
	}
	var ds []models.Dossier
	var events []models.DossierEvent
	for _, s := range dspecs {
		d := models.Dossier{ID: s.id, ProcedureCode: "1.000001", ProcedureName: "Thủ tục " + s.id, Field: s.field,
			UnitCode: s.unit, UnitName: "Đơn vị " + s.unit, WardCode: s.ward, Channel: "online", OnlineLevel: "full",
			Status: string(models.DossierReceived), ReceivedAt: s.received, DueAt: s.due, UpdatedAt: s.received,
			Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "test"}
		ds = append(ds, d, d) // the reception, re-sent
		events = append(events, d.Event(models.DossierReceived, d.ReceivedAt))
		if s.end != "" {
			e := d
			e.Status, e.UpdatedAt, e.Version = string(s.end), s.ended, uint64(s.ended.UnixMilli())
			e.SupplementPausedSeconds = s.paused
			if models.DossierStatus(e.Status).Terminal() {
				ended := s.ended
				e.CompletedAt = &ended
			}
			ds = append(ds, e, e)
			events = append(events, e.Event(s.end, s.ended))
		}
	}
	if err := db.Insert(ctx, "dossiers", ds); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "dossier_events", events); err != nil {
		t.Fatal(err)
	}
	type pspec struct {
		id, unit, ward, category string
		received, due            time.Time
		steps                    []models.PetitionStatus
		when                     []time.Time
	}
	pspecs := []pspec{
		{"Q1", "U1", "W1", "C1", at(2025, 11, 1, 8), at(2025, 11, 5, 8), []models.PetitionStatus{models.PetitionForwarded}, []time.Time{at(2025, 11, 1, 9)}},
		{"Q2", "U2", "W2", "C2", at(2025, 11, 2, 8), at(2025, 11, 4, 8), []models.PetitionStatus{models.PetitionResolved}, []time.Time{at(2025, 11, 11, 8)}},
		{"Q3", "U1", "W1", "C1", at(2025, 11, 2, 8), at(2025, 11, 4, 8), []models.PetitionStatus{models.PetitionResolved}, []time.Time{at(2025, 11, 6, 8)}},
		{"Q4", "U1", "W1", "C1", at(2025, 11, 1, 8), at(2025, 11, 3, 8), []models.PetitionStatus{models.PetitionResolved, models.PetitionReopened}, []time.Time{at(2025, 11, 4, 8), at(2025, 11, 8, 8)}},
		{"Q5", "U1", "W1", "C1", at(2025, 11, 5, 8), at(2025, 11, 20, 8), nil, nil},
	}
	var ps []models.Petition
	for _, s := range pspecs {
		p := models.Petition{ID: s.id, ReceivedAt: s.received, Channel: "hotline", Category: s.category, WardCode: s.ward,
			UnitCode: s.unit, Status: string(models.PetitionNew), DueAt: s.due, UpdatedAt: s.received, Title: "Ngập nước " + s.id,
			Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "test"}
		ps = append(ps, p, p)
		for i, st := range s.steps {
			when := s.when[i]
			p.Status, p.UpdatedAt, p.Version = string(st), when, uint64(when.UnixMilli())
			p.ResolvedAt = nil
			if st.Closed() {
				p.ResolvedAt = &when
			}
			ps = append(ps, p)
		}
	}
	if err := db.Insert(ctx, "petitions", ps); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "posts", listPosts(), store.DedupToken("list-posts")); err != nil {
		t.Fatal(err)
	}
	return db
}

// listPosts, November 2025 unless said: n1 facebook W1 ngap −0.8, 5 likes at first delivery and
// 50 when re-sent (engagement 50); n2 zalo W2 giao_thong −0.9, 10+5+5 = 20; n3 facebook W1 ngap
// −0.5, 20 likes; n4 tiktok W1 positive, 1000 likes; n6 facebook W1 negative, 3 likes and a text
// of 300 characters; n5 facebook W1 negative published 31 October 23:00 and n7 on 1 December
// 00:30 (other months).
func listPosts() []models.Post {
	post := func(id, platform, ward, topic, label string, s float32, published time.Time, likes uint32) models.Post {
		return models.Post{ID: id, Platform: platform, PublishedAt: published, AuthorHash: "secret-author-" + id,
			Text: "bài " + id, URL: "https://example.org/" + id, WardCode: ward, Topic: topic, Likes: likes,
			Sentiment: s, SentimentLabel: label, SentimentSource: "lexicon", FirstSeen: true,
			Version: uint64(published.UnixMilli()), IngestedAt: published, Source: "test"}
	}
	n1 := post("n1", "facebook", "W1", "ngap", "negative", -0.8, at(2025, 11, 3, 8), 5)
	n1again := n1
	n1again.FirstSeen, n1again.Likes, n1again.Version = false, 50, n1.Version+1000
	n2 := post("n2", "zalo", "W2", "giao_thong", "negative", -0.9, at(2025, 11, 4, 8), 10)
	n2.Shares, n2.Comments = 5, 5
	n6 := post("n6", "facebook", "W1", "ngap", "negative", -0.4, at(2025, 11, 6, 8), 3)
	n6.Text = strings.Repeat("ngập ", 60) // 300 characters
	return []models.Post{n1, n1again, n2,
		post("n3", "facebook", "W1", "ngap", "negative", -0.5, at(2025, 11, 5, 8), 20),
		post("n4", "tiktok", "W1", "ngap", "positive", 0.9, at(2025, 11, 5, 9), 1000),
		post("n5", "facebook", "W1", "ngap", "negative", -0.7, at(2025, 10, 31, 23), 900),
		n6,
		post("n7", "facebook", "W1", "ngap", "negative", -0.7, atMin(2025, 12, 1, 0, 30), 900),
	}
}

func TestOverdueDossiers(t *testing.T) {
	ctx := context.Background()
	db := listDB(t)
	type row struct {
		id   string
		days float64
	}
	tests := []struct {
		name  string
		at    time.Time
		s     Scope
		limit int
		total uint64
		rows  []row
	}{
		// O3 ended after the moment: still open then. O4 ended before, O8 withdrawn, O5 not
		// due, O6 not yet received, O7 outside the look-back year; O2's due moves by its pause.
		{"city", at(2025, 11, 10, 12), Scope{}, 10, 4, []row{{"O9", 61 + 4.0/24}, {"O3", 6 + 4.0/24}, {"O1", 5 + 4.0/24}, {"O2", 1 + 19.0/24}}},
		{"a page of two", at(2025, 11, 10, 12), Scope{}, 2, 4, []row{{"O9", 61 + 4.0/24}, {"O3", 6 + 4.0/24}}},
		{"unit", at(2025, 11, 10, 12), Scope{Unit: "U1"}, 10, 2, []row{{"O1", 5 + 4.0/24}, {"O2", 1 + 19.0/24}}},
		{"ward", at(2025, 11, 10, 12), Scope{Ward: "W1"}, 10, 2, []row{{"O3", 6 + 4.0/24}, {"O1", 5 + 4.0/24}}},
		{"field", at(2025, 11, 10, 12), Scope{Field: "F2"}, 10, 1, []row{{"O2", 1 + 19.0/24}}},
		// Earlier: O4 (completed 11-09) was open and late then, tied with O3 (ordered by id);
		// O8 had been withdrawn; O2 not yet due.
		{"earlier moment", at(2025, 11, 5, 12), Scope{}, 10, 4, []row{{"O9", 56 + 4.0/24}, {"O3", 1 + 4.0/24}, {"O4", 1 + 4.0/24}, {"O1", 4.0 / 24}}},
		{"nothing", at(2025, 11, 10, 12), Scope{Unit: "U9"}, 10, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OverdueDossiers(ctx, db, tt.at, tt.s, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tt.total {
				t.Errorf("total = %d, want %d", got.Total, tt.total)
			}
			if want := tt.at.AddDate(0, 0, -OverdueLookbackDays); !got.Since.Equal(want) {
				t.Errorf("since = %v, want %v", got.Since, want)
			}
			if len(got.Rows) != len(tt.rows) {
				t.Fatalf("rows = %+v, want %v", got.Rows, tt.rows)
			}
			for i, w := range tt.rows {
				g := got.Rows[i]
				if g.ID != w.id || math.Abs(g.DaysOverdue-w.days) > 1e-9 {
					t.Errorf("row %d = %s %.4f days, want %s %.4f", i, g.ID, g.DaysOverdue, w.id, w.days)
				}
			}
			if tt.name == "city" {
				o2 := got.Rows[3]
				if !o2.DueAt.Equal(at(2025, 11, 8, 17)) || o2.ProcedureName != "Thủ tục O2" || o2.UnitName != "Đơn vị U1" ||
					o2.WardCode != "W2" || o2.Field != "F2" || o2.Status != "supplement_requested" || !o2.ReceivedAt.Equal(at(2025, 11, 3, 8)) {
					t.Errorf("O2 = %+v", o2)
				}
				if got.Rows[1].Status != "completed" {
					t.Errorf("O3 status = %s, want its latest, completed", got.Rows[1].Status)
				}
			}
		})
	}
}

func TestOverduePetitions(t *testing.T) {
	ctx := context.Background()
	db := listDB(t)
	moment := at(2025, 11, 10, 12)
	tests := []struct {
		name  string
		s     Scope
		total uint64
		ids   []string
		days  []float64
	}{
		// Q2 was answered after the moment; Q3 before it; Q4 was reopened; Q5 is not due.
		{"city", Scope{}, 3, []string{"Q4", "Q2", "Q1"}, []float64{7 + 4.0/24, 6 + 4.0/24, 5 + 4.0/24}},
		{"unit", Scope{Unit: "U1"}, 2, []string{"Q4", "Q1"}, []float64{7 + 4.0/24, 5 + 4.0/24}},
		{"category", Scope{Category: "C2"}, 1, []string{"Q2"}, []float64{6 + 4.0/24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OverduePetitions(ctx, db, moment, tt.s, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tt.total || len(got.Rows) != len(tt.ids) {
				t.Fatalf("total %d rows %+v, want %d %v", got.Total, got.Rows, tt.total, tt.ids)
			}
			for i, id := range tt.ids {
				if got.Rows[i].ID != id || math.Abs(got.Rows[i].DaysOverdue-tt.days[i]) > 1e-9 {
					t.Errorf("row %d = %s %.4f, want %s %.4f", i, got.Rows[i].ID, got.Rows[i].DaysOverdue, id, tt.days[i])
				}
			}
			if tt.name == "city" && (got.Rows[0].Status != "reopened" || got.Rows[0].Title != "Ngập nước Q4" || got.Rows[0].Channel != "hotline") {
				t.Errorf("Q4 = %+v", got.Rows[0])
			}
		})
	}
}

func TestTopNegativePosts(t *testing.T) {
	ctx := context.Background()
	db := listDB(t)
	nov := kpiPeriod(t, "2025-11")
	tests := []struct {
		name  string
		s     Scope
		limit int
		ids   []string
		eng   []uint64
	}{
		// n1 counts its latest engagement (50) once; n2 and n3 tie at 20, the more negative first.
		{"city", Scope{}, 10, []string{"n1", "n2", "n3", "n6"}, []uint64{50, 20, 20, 3}},
		{"limit", Scope{}, 2, []string{"n1", "n2"}, []uint64{50, 20}},
		{"ward", Scope{Ward: "W1"}, 10, []string{"n1", "n3", "n6"}, []uint64{50, 20, 3}},
		{"platform", Scope{Platform: "zalo"}, 10, []string{"n2"}, []uint64{20}},
		{"topic", Scope{Topic: "giao_thong"}, 10, []string{"n2"}, []uint64{20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TopNegativePosts(ctx, db, nov, tt.s, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.ids) {
				t.Fatalf("got %+v, want %v", got, tt.ids)
			}
			for i, id := range tt.ids {
				if got[i].ID != id || got[i].Engagement != tt.eng[i] {
					t.Errorf("post %d = %s (%d), want %s (%d)", i, got[i].ID, got[i].Engagement, id, tt.eng[i])
				}
			}
		})
	}
	got, err := TopNegativePosts(ctx, db, nov, Scope{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	n2, n6 := got[1], got[3]
	if n2.Platform != "zalo" || n2.WardCode != "W2" || n2.Topic != "giao_thong" || n2.SentimentLabel != "negative" ||
		math.Abs(float64(n2.Sentiment)+0.9) > 1e-6 || n2.URL != "https://example.org/n2" || n2.Text != "bài n2" || n2.Truncated ||
		n2.Likes != 10 || n2.Shares != 5 || n2.Comments != 5 || !n2.PublishedAt.Equal(at(2025, 11, 4, 8)) {
		t.Errorf("n2 = %+v", n2)
	}
	if utf8.RuneCountInString(n6.Text) != PostTextChars || !n6.Truncated || !strings.HasPrefix(n6.Text, "ngập ngập") {
		t.Errorf("n6 text %d runes, truncated %v", utf8.RuneCountInString(n6.Text), n6.Truncated)
	}
}

func TestPostBreakdownByPlatform(t *testing.T) {
	ctx := context.Background()
	db := listDB(t)
	got, err := PostBreakdown(ctx, db, kpiPeriod(t, "2025-11"), Scope{}, "platform")
	if err != nil {
		t.Fatal(err)
	}
	// November: facebook n1 n3 n6 (n1's re-send not counted), tiktok n4, zalo n2; October:
	// facebook n5; November 2024: nothing.
	wantOrder := []string{"facebook", "tiktok", "zalo"}
	if len(got) != len(wantOrder) {
		t.Fatalf("got %+v", got)
	}
	want := map[string]map[string][3]want{
		"facebook": {KeyPostsVolume: {c(3), c(1), c(0)}, KeyPostShareOfVoice: {r(3, 5), r(1, 1), r(0, 0)},
			KeyPostNegativeShare: {r(3, 3), r(1, 1), r(0, 0)}, KeyPostNetSentiment: {sc(-3, 3), sc(-1, 1), sc(0, 0)}},
		"tiktok": {KeyPostsVolume: {c(1), c(0), c(0)}, KeyPostShareOfVoice: {r(1, 5), r(0, 1), r(0, 0)},
			KeyPostNegativeShare: {r(0, 1), r(0, 0), r(0, 0)}, KeyPostNetSentiment: {sc(1, 1), sc(0, 0), sc(0, 0)}},
		"zalo": {KeyPostsVolume: {c(1), c(0), c(0)}, KeyPostShareOfVoice: {r(1, 5), r(0, 1), r(0, 0)},
			KeyPostNegativeShare: {r(1, 1), r(0, 0), r(0, 0)}, KeyPostNetSentiment: {sc(-1, 1), sc(0, 0), sc(0, 0)}},
	}
	for i, b := range got {
		if b.Value != wantOrder[i] || b.Dimension != "platform" {
			t.Errorf("breakdown %d = %s/%s, want platform/%s", i, b.Dimension, b.Value, wantOrder[i])
			continue
		}
		checkKPIs(t, b.KPIs, []string{KeyPostsVolume, KeyPostShareOfVoice, KeyPostNegativeShare, KeyPostNetSentiment}, want[b.Value])
	}
	w1, err := PostBreakdown(ctx, db, kpiPeriod(t, "2025-11"), Scope{Ward: "W1"}, "platform")
	if err != nil {
		t.Fatal(err)
	}
	if len(w1) != 2 || w1[0].Value != "facebook" || w1[1].Value != "tiktok" {
		t.Errorf("ward W1 by platform = %+v", w1)
	}
	topics, err := PostBreakdown(ctx, db, kpiPeriod(t, "2025-11"), Scope{}, "topic")
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) != 2 || topics[0].Value != "ngap" || topics[0].Dimension != "topic" {
		t.Errorf("by topic = %+v", topics)
	}
}

func TestDossierBreakdown(t *testing.T) {
	ctx := context.Background()
	db := kpiDB(t)
	oct := kpiPeriod(t, "2025-10")
	// October 2025 (kpiDossiers): received online D1 D3 D5 D6 D7 D8, in person D2 D4 D12 D13;
	// ended online D1 D3 D5 D7 (on time D1 D7; D8 withdrawn, left out), in person D2 D4 D9 D13
	// (all on time). September: received in person D9 D10 D14, ended D10 on time. October 2024:
	// D11 online, received and ended late.
	byChannel, err := DossierBreakdown(ctx, db, oct, Scope{}, "channel")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{KeyDossiersReceived, KeyDossiersEnded, KeyDossierOnTimeRate}
	if len(byChannel) != 2 || byChannel[0].Value != "online" || byChannel[1].Value != "in_person" {
		t.Fatalf("by channel = %+v", byChannel)
	}
	checkKPIs(t, byChannel[0].KPIs, keys, map[string][3]want{
		KeyDossiersReceived: {c(6), c(0), c(1)}, KeyDossiersEnded: {c(4), c(0), c(1)}, KeyDossierOnTimeRate: {r(2, 4), r(0, 0), r(0, 1)}})
	checkKPIs(t, byChannel[1].KPIs, keys, map[string][3]want{
		KeyDossiersReceived: {c(4), c(3), c(0)}, KeyDossiersEnded: {c(4), c(1), c(0)}, KeyDossierOnTimeRate: {r(4, 4), r(1, 1), r(0, 0)}})

	byField, err := DossierBreakdown(ctx, db, oct, Scope{Unit: "U1"}, "field")
	if err != nil {
		t.Fatal(err)
	}
	// Unit U1 only: D7 (U2) and D13 (U3) leave; received D1-D6 D8 D12 (online 5), ended D1-D5
	// D9 (on time D1 D2 D4 D9).
	if len(byField) != 1 || byField[0].Value != "F1" || byField[0].Dimension != "field" {
		t.Fatalf("by field = %+v", byField)
	}
	checkKPIs(t, byField[0].KPIs, append(keys, KeyDossierOnlineShare), map[string][3]want{
		KeyDossiersReceived: {c(8), c(2), c(1)}, KeyDossiersEnded: {c(6), c(1), c(1)},
		KeyDossierOnTimeRate: {r(4, 6), r(1, 1), r(0, 1)}, KeyDossierOnlineShare: {r(5, 8), r(0, 2), r(1, 1)}})
}

func TestListsRefuseBadInput(t *testing.T) {
	ctx := context.Background()
	oct, _ := models.ParsePeriod("2025-10")
	now := at(2025, 11, 10, 12)
	for name, err := range map[string]error{
		"dossiers by category": func() error { _, err := OverdueDossiers(ctx, nil, now, Scope{Category: "x"}, 10); return err }(),
		"dossiers limit 0":     func() error { _, err := OverdueDossiers(ctx, nil, now, Scope{}, 0); return err }(),
		"dossiers no moment":   func() error { _, err := OverdueDossiers(ctx, nil, time.Time{}, Scope{}, 10); return err }(),
		"petitions by field":   func() error { _, err := OverduePetitions(ctx, nil, now, Scope{Field: "F1"}, 10); return err }(),
		"petitions limit":      func() error { _, err := OverduePetitions(ctx, nil, now, Scope{}, MaxListRows+1); return err }(),
		"posts by unit":        func() error { _, err := TopNegativePosts(ctx, nil, oct, Scope{Unit: "U1"}, 10); return err }(),
		"posts no period":      func() error { _, err := TopNegativePosts(ctx, nil, models.Period{}, Scope{}, 10); return err }(),
		"unknown platform":     func() error { _, err := TopNegativePosts(ctx, nil, oct, Scope{Platform: "myspace"}, 10); return err }(),
		"dossiers by ward":     func() error { _, err := DossierBreakdown(ctx, nil, oct, Scope{}, "ward"); return err }(),
		"posts by ward":        func() error { _, err := PostBreakdown(ctx, nil, oct, Scope{}, "ward"); return err }(),
		"platform in platform": func() error { _, err := PostBreakdown(ctx, nil, oct, Scope{Platform: "zalo"}, "platform"); return err }(),
	} {
		if !errors.Is(err, models.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}
