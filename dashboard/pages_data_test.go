package dashboard

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// TestTemplatesWithData renders the pages with hand-made analytics results (the contracts whose
// bodies other branches build), so a template that breaks on real rankings, series, alerts or
// hotspots fails here and not only in the browser after a merge.
func TestTemplatesWithData(t *testing.T) {
	p := newPages(nil, nil, nil)
	rk := pgRanking()
	tr := Translator{Lang: "vi"}
	per, _ := models.ParsePeriod("2026-10")
	alerts := panel{State: statusOK, Data: alertViews(tr, pgAlerts())}
	hot := []struct {
		analytics.Hotspot
		Summary string
		When    string
	}{{Hotspot: analytics.Hotspot{Ward: "26740", WardName: "Phường Sài Gòn", Severity: analytics.SeverityHigh}, Summary: "Ngập nước và bài viết tiêu cực", When: "01/10/2026 – 02/10/2026"}}
	series := chartPanel{State: statusOK, Options: toJSON(seriesChart(tr, pgSeriesCount())), Click: "day"}
	base := func(page string) view {
		return view{Tr: tr, Lang: "vi", Page: page, Title: "t", User: "Lãnh đạo", Path: "/" + page, Query: url.Values{"period": {"2026-10"}},
			Period: per, PeriodTxt: per.String(), Status: statusOK, FilterKeys: pageFilters[page],
			Options: map[string][]option{"ward": {{"26740", "Phường Sài Gòn"}}, "unit": {{"H29.01", "Sở Tư pháp"}}}}
	}
	cases := []struct {
		name, tmpl string
		v          view
		want       []string
	}{
		{"rankings", "rankings", func() view {
			v := base("rankings")
			ver := p.index.VersionAt(per.LastDay())
			v.Data = rankingsData{Ranking: panel{State: statusOK, Data: rk}, Groups: ver.Groups, Bands: ver.Bands,
				Links: map[string]string{"H29.01": "/units/H29.01", "H29.02": "/units/H29.02", "H29.03": "/units/H29.03"},
				Chart: chartPanel{State: statusOK, Options: toJSON(rankingChart(tr, "x", rk.Rows)), Click: "unit"}}
			return v
		}(), []string{`<tr data-code="H29.01"`, `href="/units/H29.01"`, "Sở Xây dựng", "ít số liệu", "▲ 1", "▼ 1", "Tăng 1 bậc nhờ tỷ lệ đúng hạn.", "Tốt", "Nhóm 1", `data-click="unit"`, "72,00"}},
		{"overview", "overview", func() view {
			v := base("overview")
			n := min(2, len(rk.Rows))
			v.Data = overviewData{Trends: []chartPanel{series}, Alerts: alerts,
				Top: panel{State: statusOK, Data: rk.Rows[:n]}, Bottom: panel{State: statusOK, Data: rk.Rows[len(rk.Rows)-n:]},
				Map: chartPanel{State: statusOK, Options: toJSON(wardMapChart(tr, "79", "score", nil, true)), Click: "ward", Map: "79"}}
			return v
		}(), []string{"Phản ánh ngập nước tăng mạnh ở phường Sài Gòn", `href="/petitions?ward=26740&amp;category=ngap_nuoc"`, "Khẩn cấp", `href="/units/H29.02"`, `href="/units/H29.01"`, `data-click="day"`, `id="live-alerts" data-src="/api/v1/alerts"`}},
		{"stream", "stream", func() view {
			v := base("petitions")
			v.Data = streamData{Stream: models.StreamPetitions, Series: []chartPanel{series},
				Breakdowns: []chartPanel{{State: statusOK, Click: "filter-category", Options: toJSON(breakdownChart(tr, "category", "petitions_received",
					[]string{"ngap_nuoc"}, [][]analytics.KPI{{{Key: "petitions_received", Unit: "petitions", Current: pgCount(4)}}}, nil))}},
				Forecast: chartPanel{State: statusOK, Options: toJSON(forecastChart(tr, pgForecast()))},
				Alerts:   alerts, Hotspots: panel{State: statusOK, Data: hot}}
			return v
		}(), []string{`href="/wards/26740"`, "Ngập nước và bài viết tiêu cực", "Dự báo phản ánh tiếp nhận", `data-click="filter-category"`, "Phân theo nhóm"}},
		{"place", "place", func() view {
			v := base("ward")
			v.Data = placeData{Kind: "unit", Code: "H29.01", Name: "Sở Tư pháp", Series: []chartPanel{series},
				Ranking: panel{State: statusOK, Data: &rk.Rows[0]}, Alerts: alerts}
			return v
		}(), []string{"Sở Tư pháp", "72,00 / 100", "Tăng 1 bậc", "Công khai, minh bạch"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := p.tmpl[c.tmpl].ExecuteTemplate(&b, "layout", c.v); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(out, "[") && regexp.MustCompile(`\[[a-z_]+\.[a-z_.]+\]`).MatchString(out) {
				t.Errorf("missing catalogue key: %s", regexp.MustCompile(`\[[a-z_]+\.[a-z_.]+\]`).FindString(out))
			}
			// Every chart's options must be valid JSON after HTML attribute escaping.
			for _, m := range regexp.MustCompile(`data-chart="([^"]*)"`).FindAllStringSubmatch(out, -1) {
				if !json.Valid([]byte(htmlUnescape(m[1]))) {
					t.Errorf("chart options are not JSON: %.80s", m[1])
				}
			}
		})
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#43;", "+").Replace(s)
}

// TestCatalogue: both languages hold the same keys, and every key the templates and handlers
// name exists (dynamic keys are listed from the values they take).
func TestCatalogue(t *testing.T) {
	for k := range catalogue["vi"] {
		if _, ok := catalogue["en"][k]; !ok {
			t.Errorf("en lacks %s", k)
		}
	}
	for k := range catalogue["en"] {
		if _, ok := catalogue["vi"][k]; !ok {
			t.Errorf("vi lacks %s", k)
		}
	}
	keys := map[string]bool{}
	literal := regexp.MustCompile(`(?:\.T|tr\.T|T \.Tr) "([a-z_.]+)"`)
	files, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, f := range files {
		b, _ := templateFiles.ReadFile(f)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, f := range []string{"pages.go", "pages_handlers.go", "api.go", "cards.go", "charts.go"} {
		b, err := fs.ReadFile(osDir{}, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`tr\.T\("([a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				keys[m[1]] = true
			}
		}
	}
	for _, k := range []string{analytics.KeyDossiersReceived, analytics.KeyDossiersEnded, analytics.KeyDossiersEndedEarly, analytics.KeyDossiersEndedOnDue,
		analytics.KeyDossiersEndedLate, analytics.KeyDossierOnTimeRate, analytics.KeyDossierOnlineShare, analytics.KeyDossierOnlinePayShare,
		analytics.KeyDossierDigitizedShare, analytics.KeyDossierEResultShare, analytics.KeyPetitionsReceived, analytics.KeyPetitionsClosed,
		analytics.KeyPetitionOnTimeRate, analytics.KeyPostsVolume, analytics.KeyPostNegativeShare, analytics.KeyPostNetSentiment} {
		keys["kpi."+k] = true
	}
	for _, s := range []status{statusOK, statusNoData, statusNA, statusForbidden, statusInvalid} {
		keys["state."+string(s)] = true
	}
	for _, s := range []analytics.Severity{analytics.SeverityCritical, analytics.SeverityHigh, analytics.SeverityMedium, analytics.SeverityLow} {
		keys["severity."+string(s)] = true
	}
	for _, s := range models.Streams() {
		keys["stream."+string(s)] = true
	}
	for _, u := range []string{"dossiers", "petitions", "posts", "score"} {
		keys["unit."+u] = true
	}
	for _, d := range []string{"category", "channel", "topic", "field", "platform"} {
		keys["breakdown."+d] = true
	}
	for m := range mapMetrics {
		keys["map.metric."+m] = true
	}
	for _, f := range pageFilters {
		for _, k := range f {
			keys["filter."+k] = true
		}
	}
	for _, n := range []string{"overview", "rankings", "dossiers", "petitions", "sentiment", "ask", "unit", "ward"} {
		keys["nav."+n] = true
	}
	for k := range keys {
		for _, lang := range languages {
			if _, ok := catalogue[lang][k]; !ok {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
	if len(keys) < 100 {
		t.Errorf("found only %d keys in use; the scan is broken", len(keys))
	}
}

// osDir reads the package's own source files (the test runs in the package directory).
type osDir struct{}

func (osDir) Open(name string) (fs.File, error) { return osOpen(name) }

// TestCards: arrows and colours follow "higher is better"; rates compare in percentage points,
// counts in percent, N/A stays N/A.
func TestCards(t *testing.T) {
	tr := Translator{Lang: "en"}
	cases := []struct {
		name       string
		kpi        analytics.KPI
		value, vsP string
		dirP, tone string
		vsY        string
	}{
		{"more dossiers is good", analytics.KPI{Key: "dossiers_received", Unit: "dossiers", HigherIsBetter: true, Current: pgCount(1100), Previous: pgCount(1000), LastYear: pgCount(0)},
			"1,100", "+10.0%", "up", "good", "+1,100"},
		{"more petitions is bad", analytics.KPI{Key: "petitions_received", Unit: "petitions", HigherIsBetter: false, Current: pgCount(120), Previous: pgCount(100), LastYear: pgCount(120)},
			"120", "+20.0%", "up", "bad", "0.0%"},
		{"on-time rate fell", analytics.KPI{Key: "dossier_on_time_rate", Unit: "ratio", HigherIsBetter: true, Current: pgRate(90, 100), Previous: pgRate(95, 100), LastYear: pgRate(0, 0)},
			"90.00%", "-5.00 pp", "down", "bad", "N/A"},
		{"negative share fell", analytics.KPI{Key: "post_negative_share", Unit: "ratio", HigherIsBetter: false, Current: pgRate(1, 10), Previous: pgRate(2, 10), LastYear: pgRate(1, 10)},
			"10.00%", "-10.00 pp", "down", "good", "0.00 pp"},
		{"no dossiers ended", analytics.KPI{Key: "dossier_on_time_rate", Unit: "ratio", HigherIsBetter: true, Current: pgRate(0, 0), Previous: pgRate(1, 2), LastYear: pgRate(0, 0)},
			"N/A", "N/A", "na", "neutral", "N/A"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			card := cardsOf(tr, []analytics.KPI{c.kpi})[0]
			if card.Value != c.value || card.VsPrevious.Text != c.vsP || card.VsPrevious.Dir != c.dirP || card.VsPrevious.Tone != c.tone || card.VsLastYear.Text != c.vsY {
				t.Errorf("got %s, %+v, %+v", card.Value, card.VsPrevious, card.VsLastYear)
			}
		})
	}
	if got := (Translator{Lang: "vi"}).Number(-1234567.891, 2); got != "-1.234.567,89" {
		t.Errorf("vi number %s", got)
	}
}

func osOpen(name string) (fs.File, error) { return os.Open(name) }

// TestPeriodChoices: the picker's suggestions roll over the year boundary.
func TestPeriodChoices(t *testing.T) {
	got := periodChoices(Translator{Lang: "en"}, time.Date(2026, time.January, 15, 8, 0, 0, 0, models.Location))
	var codes []string
	for _, o := range got {
		codes = append(codes, o.Code)
	}
	want := "2026-W03 2026-01 2025-12 2026-Q1 2025-Q4 2026 2025"
	if strings.Join(codes, " ") != want {
		t.Errorf("choices %v, want %s", codes, want)
	}
	if got[2].Name != "Last month (2025-12)" {
		t.Errorf("label %q", got[2].Name)
	}
}
