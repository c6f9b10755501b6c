package assistant

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// evalNow is the clock of testdata/nlq.yaml.
var evalNow = time.Date(2025, 11, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// seededDB is a migrated database (the seeds give the gazetteer and catalogues) with a few
// hand-made rollup rows, computed by hand in the tests that read them:
//
//	dossier_outcome_daily, ward 26743 Bến Thành, September 2025: 10 settled (8 + 2), 6 on time,
//	  plus 5 withdrawn that every KPI leaves out → late rate 40%; ward 26737: 3 settled, 1 on
//	  time (too few to rank by a rate).
//	dossier_intake_daily: October 2025 120 (26743, online) + 80 (26737, in person) = 200;
//	  October 2024 100 → +100%.
//	petition_intake_daily, October 2025: 26743 ngap_nuoc 7, 26929 ngap_nuoc 5, 26737 tieng_on 3.
//	post_daily, 10 October 2025: 26743 ngap_nuoc facebook 10 posts, 4 negative.
func seededDB(t testing.TB) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO dossier_outcome_daily VALUES
			('2025-09-10', 'H29.26743', '26743', 'ho_tich', 'online', 'full', 'completed', 8, 6, 2, 4, 3, 200000, 8, 5, 1, 1382400, 0),
			('2025-09-20', 'H29.26743', '26743', 'dat_dai', 'in_person', 'partial', 'completed', 2, 0, 0, 0, 0, 0, 1, 0, 2, 1728000, 86400),
			('2025-09-21', 'H29.26743', '26743', 'dat_dai', 'in_person', 'partial', 'withdrawn', 5, 5, 5, 0, 0, 0, 0, 0, 0, 43200, 0),
			('2025-09-15', 'H29.26737', '26737', 'ho_tich', 'online', 'full', 'completed', 3, 1, 0, 0, 0, 0, 3, 3, 0, 86400, 0)`,
		`INSERT INTO dossier_intake_daily VALUES
			('2025-10-05', 'H29.26743', '26743', 'ho_tich', 'online', 'full', 120),
			('2025-10-06', 'H29.26737', '26737', 'dat_dai', 'in_person', 'partial', 80),
			('2024-10-07', 'H29.26743', '26743', 'ho_tich', 'online', 'full', 100)`,
		`INSERT INTO petition_intake_daily VALUES
			('2025-10-03', '26743', '', 'ngap_nuoc', '', 'hotline', 7, -2.1),
			('2025-10-04', '26929', '', 'ngap_nuoc', '', 'app', 5, -1.0),
			('2025-10-09', '26737', '', 'tieng_on', 'karaoke', 'zalo', 3, -0.3)`,
		`INSERT INTO post_daily VALUES
			('2025-10-10', '26743', 'ngap_nuoc', 'facebook', 10, 4, 5, 1, -1.5, 100, 20, 30)`,
	} {
		if err := db.Exec(ctx, q, nil); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func newTestAssistant(t testing.TB, db store.DB) *Assistant {
	t.Helper()
	a, err := New(context.Background(), Options{DB: db, Province: "79", Now: func() time.Time { return evalNow }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestEvalQuestionSet runs the shipped question set offline on a seeded database and holds the
// floor of the issue: at least 90% of in-layer questions right, and a clarifying question for
// the ones outside the layer. The language mix is checked too.
func TestEvalQuestionSet(t *testing.T) {
	set, err := ReadEvalFile("testdata/nlq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Questions); n < 80 {
		t.Fatalf("question set has %d questions, want at least 80", n)
	}
	a := newTestAssistant(t, seededDB(t))
	rep, err := a.Eval(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := rep.Write(&out, false); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	variants := map[string]int{}
	for _, r := range rep.Results {
		variants[r.Variant]++
	}
	n := len(rep.Results)
	if variants["vi"]*2 < n || variants["vi_plain"]*5 < n || variants["en"]*5 < n {
		t.Errorf("language mix %v of %d: want about half vi, a quarter vi_plain, a quarter en", variants, n)
	}
	if in := rep.InLayer(); in.Share < 0.90 {
		t.Errorf("in-layer accuracy %d/%d = %.1f%%, want >= 90%%", in.Correct, in.Total, 100*in.Share)
	}
	if c := rep.Clarifications(); c.Total < 8 || c.Correct != c.Total {
		t.Errorf("clarifications %d/%d: every out-of-layer question (at least 8) must be asked back", c.Correct, c.Total)
	}
}

func TestAskOfflineAnswers(t *testing.T) {
	a := newTestAssistant(t, seededDB(t))
	ctx := context.Background()
	tests := []struct {
		name, q, lang string
		rows          [][]any // nil: not checked
		text          []string
	}{
		{"rate with ward filter, withdrawn left out", "Tỷ lệ trễ hạn của hồ sơ phường Bến Thành tháng 9/2025", "vi",
			[][]any{{40.0}}, []string{"40,0%", "tháng 9/2025"}},
		{"same period last year", "So sánh số hồ sơ tiếp nhận tháng 10/2025 với cùng kỳ năm trước", "vi",
			[][]any{{int64(200), int64(100)}}, []string{"200", "100", "tăng 100,0%"}},
		{"ranking of wards", "5 phường có nhiều phản ánh nhất tháng trước", "vi",
			[][]any{{"26743", "Phường Bến Thành", int64(7)}, {"26929", "Phường Bình Thạnh", int64(5)}, {"26737", "Phường Tân Định", int64(3)}},
			[]string{"số phản ánh tiếp nhận cao nhất là Phường Bến Thành (7)", "Phường Bình Thạnh (5)"}},
		{"ranking by a rate leaves out small groups", "Phường có tỷ lệ trễ hạn của hồ sơ cao nhất tháng 9/2025", "vi",
			[][]any{{"26743", "Phường Bến Thành", 40.0, int64(10)}}, []string{"Phường Bến Thành (40,0%)"}},
		{"english thousands and decimals", "Fees collected in September 2025", "en",
			[][]any{{int64(200000)}}, []string{"200,000 VND", "September 2025"}},
		{"subcategory filters petitions", "phan anh karaoke thang 10/2025", "vi",
			[][]any{{int64(3)}}, []string{"3"}},
		{"negative share of posts", "Tỷ lệ bài tiêu cực trên Facebook tháng 10/2025", "vi",
			[][]any{{40.0}}, []string{"40,0%"}},
		{"daily series", "phản ánh theo ngày tháng 10/2025", "vi",
			[][]any{{"2025-10-03", int64(7)}, {"2025-10-04", int64(5)}, {"2025-10-09", int64(3)}}, []string{"cao nhất vào ngày 03/10/2025 (7)"}},
		{"empty period", "Số hồ sơ tiếp nhận tháng 3/2025", "vi",
			[][]any{{int64(0)}}, []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := a.Ask(ctx, tt.q, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Clarify != nil {
				t.Fatalf("asked to clarify: %+v", ans.Clarify)
			}
			if ans.Mode != "offline" || ans.SQL == "" || ans.Interpretation == "" || ans.Chart == nil {
				t.Errorf("answer lacks mode, SQL, interpretation or chart: %+v", ans)
			}
			if strings.Contains(tt.name, "small groups") && !strings.Contains(ans.Notice, "từ 10 trường hợp") {
				t.Errorf("notice %q does not say why groups are missing", ans.Notice)
			}
			if tt.rows != nil && !sameRows(ans.Rows, tt.rows) {
				t.Errorf("rows = %v, want %v (sql %s)", ans.Rows, tt.rows, ans.SQL)
			}
			for _, s := range tt.text {
				if !strings.Contains(ans.Text, s) {
					t.Errorf("answer %q lacks %q", ans.Text, s)
				}
			}
		})
	}
}

func sameRows(got, want [][]any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			g, w := got[i][j], want[i][j]
			if gf, ok := g.(float64); ok {
				if wf, ok := w.(float64); !ok || gf-wf > 1e-9 || wf-gf > 1e-9 {
					return false
				}
				continue
			}
			if g != w {
				return false
			}
		}
	}
	return true
}

// TestClarifyOptionsAreAnswerable: every option of every clarification in the question set is
// a full question that the parser answers without asking again.
func TestClarifyOptionsAreAnswerable(t *testing.T) {
	set, err := ReadEvalFile("testdata/nlq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := testLayer(t)
	for _, c := range set.Questions {
		if !c.ExpectClarify {
			continue
		}
		p := l.Parse(c.Question, evalNow, c.Lang)
		if p.Clarify == nil {
			continue // TestEvalQuestionSet reports it
		}
		if n := len(p.Clarify.Options); n < 2 || n > 3 {
			t.Errorf("%q: %d options, want 2 or 3", c.Question, n)
		}
		for _, o := range p.Clarify.Options {
			again := l.Parse(o.Question, evalNow, c.Lang)
			if again.Clarify != nil {
				t.Errorf("%q: option %q asks again: %s", c.Question, o.Question, again.Clarify.Question)
			} else if err := l.Validate(again.Spec); err != nil {
				t.Errorf("%q: option %q: %v", c.Question, o.Question, err)
			}
		}
	}
}

// TestEvalExpectedRows: a case may give the expected result table instead of (or besides) the
// spec, for question sets over fixed data; a wrong table fails the case.
func TestEvalExpectedRows(t *testing.T) {
	set, err := ReadEvalSet(strings.NewReader(`{"now": "2025-11-20T10:00:00+07:00"}
{"q": "5 phường có nhiều phản ánh nhất tháng trước", "lang": "vi", "category": "ranking", "expect": {"metrics": ["petitions_received"], "dimensions": ["ward"], "period": "2025-10", "order": "desc", "limit": 5}, "rows": [["26743", "Phường Bến Thành", 7], ["26929", "Phường Bình Thạnh", 5], ["26737", "Phường Tân Định", 3]]}
{"q": "Tỷ lệ trễ hạn của hồ sơ phường Bến Thành tháng 9/2025", "lang": "vi", "category": "rate", "expect": {"metrics": ["late_rate"], "filters": {"ward": ["26743"]}, "period": "2025-09"}, "rows": [[41.0]]}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := newTestAssistant(t, seededDB(t)).Eval(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Results[0].OK || rep.Results[1].OK || !strings.Contains(rep.Results[1].Why, "want [41.0000]") {
		t.Errorf("results: %+v", rep.Results)
	}
}

func TestReadEvalSetRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"no expectation":    "questions:\n  - {q: so ho so, lang: vi, category: c}\n",
		"both expectations": "questions:\n  - {q: so ho so, lang: vi, category: c, expect_clarify: true, expect: {metrics: [x], period: '2025'}}\n",
		"bad language":      "questions:\n  - {q: so ho so, lang: fr, category: c, expect_clarify: true}\n",
		"unknown field":     "questions:\n  - {q: so ho so, lang: vi, category: c, expect_clarify: true, extra: 1}\n",
		"bad clock":         "now: yesterday\nquestions: []\n",
		"bad json line":     "{\"q\": 1}\n",
	} {
		if _, err := ReadEvalSet(strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

var (
	layerOnce sync.Once
	layerDims store.Dimensions
	layerErr  error
)

// testLayer is the default layer with the seeded dimensions, loaded once per test binary.
func testLayer(t testing.TB) *Layer {
	t.Helper()
	layerOnce.Do(func() {
		db := storetest.Open(t)
		ctx := context.Background()
		if _, layerErr = store.Migrate(ctx, db, store.MigrateOptions{}); layerErr != nil {
			return
		}
		layerDims, layerErr = store.LoadDimensions(ctx, db)
	})
	if layerErr != nil {
		t.Fatal(layerErr)
	}
	l, err := DefaultLayer()
	if err != nil {
		t.Fatal(err)
	}
	l.SetDimensions(layerDims)
	l.SetProvince("79")
	return l
}
