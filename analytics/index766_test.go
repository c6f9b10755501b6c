package analytics

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDefaultIndexConfig(t *testing.T) {
	cfg := DefaultIndexConfig()
	v := cfg.VersionAt(time.Date(2025, 10, 1, 0, 0, 0, 0, models.Location))
	if v.ID != "766-2022" {
		t.Fatalf("version = %q", v.ID)
	}
	want := map[string]float64{"cong_khai": 18, "tien_do": 20, "so_hoa": 22, "truc_tuyen": 22, "hai_long": 18}
	if len(v.Groups) != len(want) {
		t.Fatalf("groups = %d, want %d", len(v.Groups), len(want))
	}
	for _, g := range v.Groups {
		if g.Max != want[g.Code] {
			t.Errorf("group %s max = %g, want %g", g.Code, g.Max, want[g.Code])
		}
	}
	notComputable := []string{"cong_bo_dung_han", "cap_nhat_dung_han", "cong_khai_day_du", "tai_su_dung",
		"kho_du_lieu_ca_nhan", "chung_thuc_dien_tu", "du_lieu_cong_dan_ho_so", "du_lieu_cong_dan_dich_vu",
		"tich_hop_thanh_toan", "dong_bo_thanh_toan"}
	for _, code := range notComputable {
		ind, ok := findIndicator(v, code)
		if !ok || ind.Computable {
			t.Errorf("indicator %s: found=%v computable=%v, want found and not computable", code, ok, ind.Computable)
		}
	}
	targets := map[string]float64{"ho_so_truc_tuyen": 0.5, "hai_long_ho_so": 0.9, "so_hoa_ho_so": 0.8, "tien_do_giai_quyet": 1}
	for code, tg := range targets {
		if ind, _ := findIndicator(v, code); ind.Target != tg {
			t.Errorf("indicator %s target = %g, want %g", code, ind.Target, tg)
		}
	}
	if len(v.Bands) == 0 || v.Bands[0].NameVI != "Tốt" {
		t.Errorf("bands not copied into the version: %+v", v.Bands)
	}
}

func findIndicator(v IndexVersion, code string) (IndexIndicator, bool) {
	for _, g := range v.Groups {
		for _, ind := range g.Indicators {
			if ind.Code == code {
				return ind, true
			}
		}
	}
	return IndexIndicator{}, false
}

func TestScoreIndicator(t *testing.T) {
	ind := IndexIndicator{Code: "x", Max: 4, Target: 0.5, Computable: true}
	tests := []struct {
		name       string
		ind        IndexIndicator
		r          Ratio
		wantRatio  *float64
		wantPoints *float64
	}{
		{"at target", ind, Ratio{50, 100}, ptr(0.5), ptr(4)},
		{"below target", ind, Ratio{25, 100}, ptr(0.25), ptr(2)},
		{"above target capped", ind, Ratio{90, 100}, ptr(0.9), ptr(4)},
		{"zero ratio", ind, Ratio{0, 100}, ptr(0), ptr(0)},
		{"negative ratio scores zero", ind, Ratio{-10, 100}, ptr(-0.1), ptr(0)},
		{"ratio over 100", IndexIndicator{Max: 20, Target: 1, Computable: true}, Ratio{15, 16}, ptr(0.9375), ptr(18.75)},
		{"zero denominator is N/A", ind, Ratio{0, 0}, nil, nil},
		{"no petitions full points", IndexIndicator{Max: 6, Target: 1, Computable: true, FullWhenEmpty: true}, Ratio{}, nil, ptr(6)},
		{"petitions with data scored", IndexIndicator{Max: 6, Target: 1, Computable: true, FullWhenEmpty: true}, Ratio{3, 4}, ptr(0.75), ptr(4.5)},
		{"not computable", IndexIndicator{Max: 6, Target: 1}, Ratio{1, 1}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ScoreIndicator(tt.ind, tt.r)
			if !eqPtr(got.Ratio, tt.wantRatio) {
				t.Errorf("ratio = %v, want %v", show(got.Ratio), show(tt.wantRatio))
			}
			if !eqPtr(got.Points, tt.wantPoints) {
				t.Errorf("points = %v, want %v", show(got.Points), show(tt.wantPoints))
			}
			if got.Max != tt.ind.Max {
				t.Errorf("max = %g, want %g", got.Max, tt.ind.Max)
			}
		})
	}
}

func eqPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return approx(*a, *b)
}

func show(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

// testVersion is a small two-group version: a 60-point group of a computable and a
// non-computable indicator, and a 40-point petition group.
func testVersion() IndexVersion {
	return IndexVersion{
		ID: "t",
		Groups: []IndexGroup{
			{Code: "a", Max: 60, Indicators: []IndexIndicator{
				{Code: "progress", NameVI: "Tiến độ giải quyết", NameEN: "On-time processing", Max: 50, Target: 1, Computable: true},
				{Code: "catalogue", Max: 10, Target: 1},
			}},
			{Code: "b", Max: 40, Indicators: []IndexIndicator{
				{Code: "petitions", NameVI: "Xử lý PAKN đúng hạn", NameEN: "Petitions handled on time", Max: 20, Target: 1, Computable: true, FullWhenEmpty: true},
				{Code: "payment", NameVI: "Thanh toán trực tuyến", NameEN: "Online payment", Max: 20, Target: 0.8, Computable: true},
			}},
		},
		Bands: []Band{{NameVI: "Tốt", NameEN: "Good", Min: 90}, {NameVI: "Yếu", NameEN: "Weak", Min: 0}},
	}
}

func TestScoreUnit(t *testing.T) {
	tests := []struct {
		name         string
		ratios       map[string]Ratio
		total        float64
		maxAvailable float64
		groupPoints  []float64
		band         string
	}{
		{"all data", map[string]Ratio{"progress": {45, 50}, "petitions": {1, 2}, "payment": {8, 10}}, 45 + 10 + 20, 90, []float64{45, 30}, "Yếu"},
		{"no petitions full points", map[string]Ratio{"progress": {50, 50}, "petitions": {}, "payment": {8, 10}}, 90, 90, []float64{50, 40}, "Tốt"},
		{"zero denominator N/A not 0", map[string]Ratio{"progress": {50, 50}, "petitions": {}, "payment": {0, 0}}, 70, 70, []float64{50, 20}, "Tốt"},
		{"missing ratio no data", map[string]Ratio{"progress": {25, 50}}, 25, 50, []float64{25, 0}, "Yếu"},
		{"nothing", nil, 0, 0, []float64{0, 0}, "Yếu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ScoreUnit(testVersion(), tt.ratios)
			if !approx(u.Total, tt.total) || !approx(u.MaxAvailable, tt.maxAvailable) {
				t.Errorf("total/max available = %g/%g, want %g/%g", u.Total, u.MaxAvailable, tt.total, tt.maxAvailable)
			}
			if !u.Partial {
				t.Error("partial = false; the non-computable indicator must make it partial")
			}
			for i, g := range u.Groups {
				if !approx(g.Points, tt.groupPoints[i]) {
					t.Errorf("group %s points = %g, want %g", g.Code, g.Points, tt.groupPoints[i])
				}
			}
			if u.Band.NameVI != tt.band {
				t.Errorf("band = %q, want %q (normalized %g)", u.Band.NameVI, tt.band, u.Normalized)
			}
			if len(u.Indicators) != 4 {
				t.Errorf("indicators = %d, want 4", len(u.Indicators))
			}
		})
	}
}

func TestScoreUnitComplete(t *testing.T) {
	v := testVersion()
	v.Groups[0].Indicators[1].Computable = true
	u := ScoreUnit(v, map[string]Ratio{"progress": {1, 1}, "catalogue": {1, 1}, "petitions": {1, 1}, "payment": {1, 1}})
	if u.Partial || !approx(u.Total, 100) || !approx(u.MaxAvailable, 100) || u.Band.NameEN != "Good" {
		t.Errorf("got partial=%v total=%g max=%g band=%q, want complete 100/100 Good", u.Partial, u.Total, u.MaxAvailable, u.Band.NameEN)
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		name string
		r    *float64
		want string
	}{
		{"two decimals", ptr(0.9375), "93,75%"},
		{"rounded", ptr(2.0 / 3), "66,67%"},
		{"whole", ptr(1), "100,00%"},
		{"zero is a value", ptr(0), "0,00%"},
		{"N/A", nil, "N/A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percent(tt.r); got != tt.want {
				t.Errorf("Percent = %q, want %q", got, tt.want)
			}
		})
	}
}

const validIndexYAML = `
versions:
  - id: "a"
    effective_from: 2022-06-23
    groups:
      - {code: g1, max: 60, indicators: [{code: i1, max: 40, target: 0.8, computable: true}, {code: i2, max: 20, target: 1}]}
      - {code: g2, max: 40, indicators: [{code: i3, max: 40, target: 0.5, computable: true}]}
  - id: "b"
    effective_from: 2025-01-01
    groups:
      - {code: g1, max: 100, indicators: [{code: i1, max: 100, target: 1, computable: true}]}
bands:
  - {name_vi: "Tốt", name_en: "Good", min: 90}
  - {name_vi: "Yếu", name_en: "Weak", min: 0}
`

func TestLoadIndexConfigErrors(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantField string
	}{
		{"group maxima not 100", "{code: g2, max: 40, indicators: [{code: i3, max: 40", "{code: g2, max: 30, indicators: [{code: i3, max: 30", "versions[0].groups"},
		{"indicator maxima not group max", "{code: i2, max: 20, target: 1}", "{code: i2, max: 15, target: 1}", "versions[0].groups[0].indicators"},
		{"target above 1", "max: 40, target: 0.8", "max: 40, target: 80", "versions[0].groups[0].indicators[0].target"},
		{"target zero", "max: 40, target: 0.5", "max: 40, target: 0", "versions[0].groups[1].indicators[0].target"},
		{"dates not ascending", "effective_from: 2025-01-01", "effective_from: 2022-06-23", "versions[1].effective_from"},
		{"bad date", "effective_from: 2025-01-01", "effective_from: soon", "versions[1].effective_from"},
		{"duplicate code", "{code: i3,", "{code: i1,", "versions[0].groups[1].indicators[0].code"},
		{"bands not descending", "min: 90}", "min: -1}", "bands[0].min"},
		{"lowest band not 0", `"Weak", min: 0}`, `"Weak", min: 10}`, "bands[1].min"},
		{"missing id", `id: "b"`, `id: ""`, "versions[1].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(validIndexYAML, tt.old) {
				t.Fatalf("test broken: %q not in the YAML", tt.old)
			}
			_, err := LoadIndexConfig(strings.NewReader(strings.Replace(validIndexYAML, tt.old, tt.new, 1)))
			var fe *models.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *models.FieldError", err)
			}
			if fe.Field != tt.wantField {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tt.wantField, err)
			}
			if !errors.Is(err, models.ErrInvalid) {
				t.Error("error does not match models.ErrInvalid")
			}
		})
	}
	t.Run("unknown key", func(t *testing.T) {
		if _, err := LoadIndexConfig(strings.NewReader(strings.Replace(validIndexYAML, "computable: true}", "computeable: true}", 1))); err == nil {
			t.Fatal("unknown key accepted")
		}
	})
	t.Run("empty", func(t *testing.T) {
		if _, err := LoadIndexConfig(strings.NewReader("")); err == nil {
			t.Fatal("empty file accepted")
		}
	})
	t.Run("valid", func(t *testing.T) {
		if _, err := LoadIndexConfig(strings.NewReader(validIndexYAML)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVersionAt(t *testing.T) {
	cfg, err := LoadIndexConfig(strings.NewReader(validIndexYAML))
	if err != nil {
		t.Fatal(err)
	}
	loc := models.Location
	tests := []struct {
		name string
		date time.Time
		want string
	}{
		{"before every version", time.Date(2020, 1, 1, 0, 0, 0, 0, loc), "a"},
		{"first day of first", time.Date(2022, 6, 23, 0, 0, 0, 0, loc), "a"},
		{"last instant before second", time.Date(2024, 12, 31, 23, 59, 59, 0, loc), "a"},
		{"local midnight of second", time.Date(2025, 1, 1, 0, 0, 0, 0, loc), "b"},
		{"UTC instant already in the local new year", time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC), "b"},
		{"later", time.Date(2026, 3, 1, 0, 0, 0, 0, loc), "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cfg.VersionAt(tt.date).ID; got != tt.want {
				t.Errorf("VersionAt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRank(t *testing.T) {
	in := []UnitScore{
		{Unit: "c", Total: 80},
		{Unit: "a", Total: 90},
		{Unit: "d", Total: 80.000000001}, // same total at display precision
		{Unit: "b", Total: 95},
		{Unit: "e", Total: 70},
	}
	got := Rank(in)
	want := []struct {
		unit string
		rank int
	}{{"b", 1}, {"a", 2}, {"c", 3}, {"d", 3}, {"e", 5}}
	for i, w := range want {
		if got[i].Unit != w.unit || got[i].Rank != w.rank {
			t.Errorf("position %d = %s #%d, want %s #%d", i, got[i].Unit, got[i].Rank, w.unit, w.rank)
		}
	}
	if in[0].Rank != 0 {
		t.Error("Rank modified its input")
	}

	prev := Rank([]UnitScore{{Unit: "a", Total: 99}, {Unit: "b", Total: 50}, {Unit: "c", Total: 60}, {Unit: "x", Total: 1}})
	change := RankChange(prev, got)
	wantChange := map[string]int{"a": -1, "b": 2, "c": -1}
	if len(change) != len(wantChange) {
		t.Errorf("RankChange = %v, want %v", change, wantChange)
	}
	for u, d := range wantChange {
		if change[u] != d {
			t.Errorf("RankChange[%s] = %d, want %d", u, change[u], d)
		}
	}
}

func TestExplainChange(t *testing.T) {
	v := testVersion()
	tests := []struct {
		name      string
		prev, cur map[string]Ratio
		wantOrder []string
	}{
		{"fall", map[string]Ratio{"progress": {50, 50}, "petitions": {}, "payment": {8, 10}},
			map[string]Ratio{"progress": {44, 50}, "petitions": {1, 1}, "payment": {7, 10}}, []string{"progress", "payment"}},
		{"N/A counts as zero", map[string]Ratio{"progress": {50, 50}, "payment": {0, 0}},
			map[string]Ratio{"progress": {40, 50}, "payment": {8, 10}, "petitions": {1, 2}}, []string{"payment", "petitions", "progress"}},
		{"no change", map[string]Ratio{"progress": {1, 2}}, map[string]Ratio{"progress": {1, 2}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev, cur := ScoreUnit(v, tt.prev), ScoreUnit(v, tt.cur)
			got := ExplainChange(prev, cur)
			var sum float64
			var order []string
			for _, c := range got {
				sum += c.Points
				order = append(order, c.Code)
			}
			if !approx(sum, cur.Total-prev.Total) {
				t.Errorf("contributions sum to %g, total changed by %g", sum, cur.Total-prev.Total)
			}
			if strings.Join(order, ",") != strings.Join(tt.wantOrder, ",") {
				t.Errorf("order = %v, want %v", order, tt.wantOrder)
			}
		})
	}
	t.Run("across versions", func(t *testing.T) {
		other := IndexVersion{ID: "o", Groups: []IndexGroup{{Code: "z", Max: 100, Indicators: []IndexIndicator{{Code: "new", Max: 100, Target: 1, Computable: true}}}}}
		prev := ScoreUnit(v, map[string]Ratio{"progress": {1, 2}, "payment": {1, 1}})
		cur := ScoreUnit(other, map[string]Ratio{"new": {3, 4}})
		var sum float64
		for _, c := range ExplainChange(prev, cur) {
			sum += c.Points
		}
		if !approx(sum, cur.Total-prev.Total) {
			t.Errorf("contributions sum to %g, total changed by %g", sum, cur.Total-prev.Total)
		}
	})
}

func TestDescribeChange(t *testing.T) {
	fall := []Contribution{
		{Code: "progress", NameVI: "Tiến độ giải quyết", NameEN: "On-time processing", Points: -3.1},
		{Code: "payment", NameVI: "Thanh toán trực tuyến", NameEN: "Online payment", Points: -1.2},
	}
	rise := []Contribution{
		{Code: "payment", NameVI: "Thanh toán trực tuyến", NameEN: "Online payment", Points: 1},
		{Code: "progress", NameVI: "Tiến độ giải quyết", NameEN: "On-time processing", Points: -0.25},
		{Code: "a", NameVI: "A", NameEN: "A", Points: 0.2},
		{Code: "b", NameVI: "B", NameEN: "B", Points: 0.1},
		{Code: "tiny", NameVI: "T", NameEN: "T", Points: 0.001},
	}
	tests := []struct {
		name     string
		delta    int
		contribs []Contribution
		lang     string
		want     string
	}{
		{"fell vi", -5, fall, "vi", "Giảm 5 bậc: −3,10 điểm từ tiến độ giải quyết, −1,20 điểm từ thanh toán trực tuyến"},
		{"fell en", -5, fall, "en", "Fell 5 places: −3.10 points from on-time processing, −1.20 from online payment"},
		{"rose vi at most three", 2, rise, "vi", "Tăng 2 bậc: +1,00 điểm từ thanh toán trực tuyến, −0,25 điểm từ tiến độ giải quyết, +0,20 điểm từ a"},
		{"rose en one place one point", 1, rise[:1], "en", "Rose 1 place: +1.00 point from online payment"},
		{"unchanged vi no contributions", 0, nil, "vi", "Giữ nguyên thứ hạng"},
		{"unchanged en negligible only", 0, rise[4:], "en", "Held its place"},
		{"unknown language is vi", -1, fall[:1], "fr", "Giảm 1 bậc: −3,10 điểm từ tiến độ giải quyết"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DescribeChange(tt.delta, tt.contribs, tt.lang); got != tt.want {
				t.Errorf("DescribeChange =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}
