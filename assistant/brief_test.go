package assistant

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		vi, en   string
	}{
		{1234.5, 1, "1.234,5", "1,234.5"},
		{1234567, 0, "1.234.567", "1,234,567"},
		{93.8, 1, "93,8", "93.8"},
		{20, 1, "20", "20"},
		{-3.25, 2, "-3,25", "-3.25"},
		{0.04, 1, "0", "0"},
		{999, 0, "999", "999"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v, tt.decimals, "vi"); got != tt.vi {
			t.Errorf("formatNumber(%v, %d, vi) = %q, want %q", tt.v, tt.decimals, got, tt.vi)
		}
		if got := formatNumber(tt.v, tt.decimals, "en"); got != tt.en {
			t.Errorf("formatNumber(%v, %d, en) = %q, want %q", tt.v, tt.decimals, got, tt.en)
		}
	}
	if got := formatPercent(0.938, "vi"); got != "93,8%" {
		t.Errorf("formatPercent(0.938, vi) = %q", got)
	}
}

func TestCheckBriefing(t *testing.T) {
	sheet := FactSheet{Date: time.Date(2025, 11, 2, 0, 0, 0, 0, models.Location), Lang: "vi", Facts: []Fact{
		{ID: "F1", Text: "Hồ sơ tiếp nhận: 1.234 (tăng 5,2%; kỳ trước 1.173)"},
		{ID: "F2", Text: "Tỷ lệ hồ sơ giải quyết đúng hạn (7 ngày): 93,8% (giảm 1,5 điểm phần trăm; kỳ trước 95,3%)"},
	}}
	tests := []struct {
		name, text string
		bad        []string
		err        bool
	}{
		{"Vietnamese formats", "Ngày 2/11/2025 tiếp nhận 1.234 hồ sơ, tăng 5,2% [F1]; tỷ lệ đúng hạn 93,8%, giảm 1,5 điểm phần trăm [F2].", nil, false},
		{"English formats of the same numbers", "1,234 dossiers (up 5.2%) [F1]; 93.8% on time over 7 days [F2].", nil, false},
		{"citation digits are not numbers", "Tiếp nhận 1.234 hồ sơ [F1, F2].", nil, false},
		{"invented number", "Tiếp nhận 1.240 hồ sơ [F1].", []string{"1.240"}, false},
		{"rounded number", "Tỷ lệ đúng hạn 94% [F2].", []string{"94"}, false},
		{"computed difference", "Nhiều hơn 61 hồ sơ so với kỳ trước [F1].", []string{"61"}, false},
		{"unknown citation", "Tiếp nhận 1.234 hồ sơ [F3].", nil, true},
		{"numbers without citations", "Tiếp nhận 1.234 hồ sơ.", nil, true},
		{"no numbers, no citations", "Tình hình ổn định.", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, err := CheckBriefing(sheet, tt.text)
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrUncited)) {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if strings.Join(bad, ",") != strings.Join(tt.bad, ",") {
				t.Errorf("bad = %v, want %v", bad, tt.bad)
			}
		})
	}
}

func factByKey(t *testing.T, s FactSheet, kind, key string) Fact {
	t.Helper()
	for _, f := range s.Facts {
		if f.Kind == kind && f.Key == key {
			return f
		}
	}
	t.Fatalf("no %s fact %s in %+v", kind, key, s.Facts)
	return Fact{}
}

func near(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

// fakeSources returns contract values of the analytics still being built elsewhere.
func fakeSources() BriefSources {
	up, down := 4, -3
	return BriefSources{
		Alerts: func(_ context.Context, _ analytics.Querier, p models.Period, _ analytics.Scope) ([]analytics.Alert, error) {
			return []analytics.Alert{{ID: "a1", Kind: analytics.AlertPetitionSurge, Severity: analytics.SeverityHigh, Observed: 30, Expected: 6, Score: 5,
				TitleVI: "Phản ánh ngập nước tăng đột biến ở phường Thủ Dầu Một", TitleEN: "Flooding petitions surge in Thu Dau Mot"}}, nil
		},
		Hotspots: func(context.Context, analytics.Querier, models.Period, analytics.Scope) ([]analytics.Hotspot, error) {
			return nil, errors.New("hotspots not built")
		},
		Rankings: func(context.Context, analytics.Querier, *analytics.IndexConfig, analytics.Level, models.Period) (analytics.Ranking, error) {
			return analytics.Ranking{Version: "v1", Rows: []analytics.RankingRow{
				{Code: "U1", Name: "UBND phường Thủ Dầu Một", RankChange: &up}, {Code: "U2", Name: "UBND phường Phú Lợi", RankChange: &down}}}, nil
		},
	}
}

func TestBuildFactsAndOfflineBriefing(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	day := time.Date(2025, 11, 2, 15, 0, 0, 0, models.Location)
	sheet, err := BuildFacts(ctx, db, day, "vi", fakeSources())
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed from seedFixture.
	recv := factByKey(t, sheet, FactKPI, "dossiers_received")
	if !near(recv.Value, 120) || !near(recv.Previous, 100) || !near(recv.Change, 0.2) || !strings.Contains(recv.Text, "tăng 20%") {
		t.Errorf("dossiers received = %+v", recv)
	}
	onTime := factByKey(t, sheet, FactKPI, "dossier_on_time_rate")
	if !near(onTime.Value, 0.9) || !near(onTime.Change, 10) || !strings.Contains(onTime.Text, "90%") || !strings.Contains(onTime.Text, "10 điểm phần trăm") {
		t.Errorf("on-time rate = %+v", onTime)
	}
	pet := factByKey(t, sheet, FactKPI, "petitions_received")
	if !near(pet.Value, 40) || !near(pet.Change, -0.2) || !strings.Contains(pet.Text, "giảm 20%") {
		t.Errorf("petitions = %+v", pet)
	}
	neg := factByKey(t, sheet, FactKPI, "post_negative_share")
	if !near(neg.Value, 0.26) || !near(neg.Change, 16) {
		t.Errorf("negative share = %+v (want 26/100 against 1/10)", neg)
	}
	topic := factByKey(t, sheet, FactTopic, "ngap_nuoc")
	if topic.Name != "Ngập nước" || !near(topic.Value, 30) {
		t.Errorf("topic = %+v", topic)
	}
	spike := factByKey(t, sheet, FactSentiment, "ngap_nuoc")
	if !near(spike.Value, 20) || !near(spike.Previous, 1) {
		t.Errorf("spike = %+v", spike)
	}
	alert := factByKey(t, sheet, FactAlert, analytics.AlertPetitionSurge)
	if sheet.Facts[0].ID != "F1" || sheet.Facts[0].Kind != FactAlert || alert.Source == "" {
		t.Errorf("the alert must come first: %+v", sheet.Facts[0])
	}
	factByKey(t, sheet, FactRank, "U1")
	factByKey(t, sheet, FactRank, "U2")
	if len(sheet.Missing) != 1 || !strings.HasPrefix(sheet.Missing[0], "hotspots") {
		t.Errorf("Missing = %v, want the failing hotspots", sheet.Missing)
	}
	for _, f := range sheet.Facts {
		if f.Source == "" || f.ID == "" {
			t.Errorf("fact without source or id: %+v", f)
		}
	}

	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			sheet, err := BuildFacts(ctx, db, day, lang, fakeSources())
			if err != nil {
				t.Fatal(err)
			}
			text := WriteOffline(sheet)
			t.Log(text)
			if bad, err := CheckBriefing(sheet, text); err != nil || len(bad) > 0 {
				t.Errorf("offline text fails the checker: %v %v", bad, err)
			}
			for _, id := range []string{"F1", "F2", "F3"} {
				if !strings.Contains(text, id) {
					t.Errorf("offline text does not cite %s", id)
				}
			}
			if strings.Contains(text, "%!") || strings.Contains(text, "  ") || strings.Contains(text, "..") {
				t.Errorf("formatting slip in %q", text)
			}
			// Prose, not a list: sentences start with a capital letter and end with a full stop.
			for _, s := range regexp.MustCompile(`\] ?\.\s+`).Split(text, -1) {
				if s == "" {
					continue
				}
				first := []rune(s)[0]
				if strings.ToUpper(string(first)) != string(first) {
					t.Errorf("sentence %q does not start with a capital", s)
				}
			}
			want := map[string][]string{
				"vi": {"phản ánh ngập nước tăng đột biến", "120 hồ sơ", "20%", "90%", "giảm 20%", "ngập nước (30)", "tăng 4 bậc", "tụt 3 bậc"},
				"en": {"flooding petitions surge", "120", "20%", "90%", "flooding (30)", "rose 4 places", "fell 3"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("offline %s text lacks %q", lang, w)
				}
			}
		})
	}

	// Phrasings vary with the day: the same facts on another day read differently.
	texts := map[string]bool{}
	for d := 0; d < 6; d++ {
		s := sheet
		s.Date = sheet.Date.AddDate(0, 0, d)
		texts[WriteOffline(s)] = true
	}
	if len(texts) < 3 {
		t.Errorf("%d distinct texts over 6 days: the phrasing does not vary", len(texts))
	}
}

func TestBriefOfflineStoresAndReadsBack(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	a, err := New(ctx, Options{DB: db, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 11, 2, 0, 0, 0, 0, models.Location)
	b, err := a.Briefing(ctx, day, "en", BriefOptions{Sources: fakeSources()})
	if err != nil {
		t.Fatal(err)
	}
	if b.Mode != "offline" || b.Model != "" || b.PromptVersion != OfflinePromptVersion || b.Notice != "" {
		t.Errorf("briefing = %+v", b)
	}
	again, err := a.Briefing(ctx, day, "en", BriefOptions{Sources: fakeSources()})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != b.ID || again.Text != b.Text || len(again.Facts.Facts) != len(b.Facts.Facts) {
		t.Errorf("second read wrote a new briefing: %s vs %s", again.ID, b.ID)
	}
	// Today: read back for 15 minutes, then written again.
	clock := fixtureNow
	a2, err := New(ctx, Options{DB: db, Layer: a.Layer(), Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	brief := func() Briefing {
		t.Helper()
		b, err := a2.Briefing(ctx, fixtureNow, "vi", BriefOptions{Sources: fakeSources()})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t1 := brief()
	clock = fixtureNow.Add(10 * time.Minute)
	t2 := brief()
	clock = fixtureNow.Add(26 * time.Minute)
	t3 := brief()
	if t1.Date != "2025-11-03" || t2.ID != t1.ID || t3.ID == t1.ID {
		t.Errorf("today's briefings %s, %s, %s: want the first read back after 10 minutes and rewritten after 26", t1.ID, t2.ID, t3.ID)
	}
	if _, err := a.Briefing(ctx, day, "fr", BriefOptions{}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("lang fr: err = %v, want ErrInvalid", err)
	}
}
