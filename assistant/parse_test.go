package assistant

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

func TestParsePeriods(t *testing.T) {
	l := testLayer(t)
	// Thursday 20 November 2025; ISO week 47 runs 17–23 November.
	tests := []struct{ q, want string }{
		{"số hồ sơ tháng 10", "2025-10"},
		{"số hồ sơ tháng 12", "2024-12"}, // the latest December that has begun
		{"số hồ sơ tháng 10/2025", "2025-10"},
		{"số hồ sơ tháng 10 năm 2024", "2024-10"},
		{"số hồ sơ quý 3/2025", "2025-Q3"},
		{"số hồ sơ quý III năm 2024", "2024-Q3"},
		{"số hồ sơ quý 4", "2025-Q4"},
		{"dossiers Q3 2025", "2025-Q3"},
		{"dossiers 2025-Q2", "2025-Q2"},
		{"dossiers in the third quarter of 2024", "2024-Q3"},
		{"số hồ sơ tuần trước", "2025-W46"},
		{"số hồ sơ tuần này", "2025-W47"},
		{"số hồ sơ hôm qua", "2025-11-19"},
		{"so ho so hom nay", "2025-11-20"},
		{"số hồ sơ từ đầu năm", "2025-01-01..2025-11-20"},
		{"số hồ sơ năm nay", "2025"},
		{"số hồ sơ năm ngoái", "2024"},
		{"dossiers last month", "2025-10"},
		{"dossiers yesterday", "2025-11-19"},
		{"dossiers in October 2024", "2024-10"},
		{"dossiers in May 2025", "2025-05"},
		{"dossiers last quarter", "2025-Q3"},
		{"dossiers year to date", "2025-01-01..2025-11-20"},
		{"số hồ sơ ngày 5/10/2025", "2025-10-05"},
		{"số hồ sơ từ 1/10 đến 15/10/2025", "2025-10-01..2025-10-15"},
		{"dossiers from 2025-09-01 to 2025-09-30", "2025-09-01..2025-09-30"},
		{"số hồ sơ 7 ngày qua", "2025-11-14..2025-11-20"},
		{"số hồ sơ 3 tháng qua", "2025-08-23..2025-11-20"},
		{"số hồ sơ tháng 10 năm ngoái", "2024-10"},
		{"dossiers in October last year", "2024-10"},
		{"số hồ sơ", "2025-10-22..2025-11-20"}, // the layer's default: the last 30 days
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			p := l.Parse(tt.q, evalNow, "vi")
			if p.Clarify != nil {
				t.Fatalf("clarify: %s", p.Clarify.Question)
			}
			if p.Spec.Period.Text != tt.want {
				t.Errorf("period = %s (%q), want %s", p.Spec.Period.Text, p.Spec.Period.Words, tt.want)
			}
		})
	}
}

func TestParseComparisons(t *testing.T) {
	l := testLayer(t)
	tests := []struct{ q, period, compare string }{
		{"số hồ sơ tháng 10/2025 so với cùng kỳ năm trước", "2025-10", "last_year"},
		{"số hồ sơ tháng 10/2025 so với tháng trước", "2025-10", "previous"},
		{"so sánh số hồ sơ quý 3/2025 và quý 2/2025", "2025-Q3", "previous"},
		{"số hồ sơ tháng 10/2025 so với tháng 10/2024", "2025-10", "last_year"},
		{"tỷ lệ tiêu cực so với tháng trước", "2025-11", "previous"}, // this month is implied
		{"digitised share this quarter versus last quarter", "2025-Q4", "previous"},
		{"dossiers received in October 2025 year on year", "2025-10", "last_year"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			p := l.Parse(tt.q, evalNow, "vi")
			if p.Clarify != nil {
				t.Fatalf("clarify: %s", p.Clarify.Question)
			}
			if p.Spec.Period.Text != tt.period || p.Spec.Compare != tt.compare {
				t.Errorf("period %s compare %q, want %s %q", p.Spec.Period.Text, p.Spec.Compare, tt.period, tt.compare)
			}
		})
	}
}

func TestParseUnaccentedSharedNameAsks(t *testing.T) {
	l := testLayer(t)
	// Thanh An (25807) and Thạnh An (27676) are both communes of Ho Chi Minh City.
	if p := l.Parse("Xã Thạnh An có bao nhiêu phản ánh tháng 10/2025", evalNow, "vi"); p.Clarify != nil ||
		len(p.Spec.Filters) != 1 || p.Spec.Filters[0].Values[0] != "27676" {
		t.Errorf("with diacritics: %+v", p)
	}
	if p := l.Parse("xa thanh an co bao nhieu phan anh thang 10/2025", evalNow, "vi"); p.Clarify == nil || len(p.Clarify.Options) != 2 {
		t.Errorf("without diacritics: want a choice of two, got %+v", p)
	}
}

func TestParseDefaultPeriodIsNoted(t *testing.T) {
	p := testLayer(t).Parse("Số phản ánh theo phường", evalNow, "vi")
	if p.Clarify != nil || len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "30 ngày") {
		t.Errorf("want a note about the default period, got %+v", p)
	}
}

func TestParseTopNAndOrder(t *testing.T) {
	l := testLayer(t)
	tests := []struct {
		q     string
		limit int
		desc  bool
		order bool
	}{
		{"top 5 phường nhiều phản ánh nhất tháng 10/2025", 5, true, true},
		{"3 đơn vị có tỷ lệ đúng hạn của hồ sơ thấp nhất năm 2025", 3, false, true},
		{"đơn vị nào giải quyết hồ sơ đúng hạn tốt nhất năm 2025", 0, true, true},
		{"phường có thời gian giải quyết hồ sơ kém nhất năm 2025", 0, true, true}, // worst time = longest
		{"bottom 10 wards by dossiers received in 2025", 10, false, true},
		{"ba phường có nhiều phản ánh nhất năm 2025", 3, true, true},
		{"năm phường có nhiều phản ánh nhất tháng 10 năm 2025", 5, true, true},
		{"top five wards by petitions in 2025", 5, true, true},
		{"tỷ lệ trễ hạn hồ sơ từng lĩnh vực, sắp xếp tăng dần, quý 3", 0, false, true},
		{"top 500 phường nhiều phản ánh nhất năm 2025", 100, true, true}, // capped, with a note
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			p := l.Parse(tt.q, evalNow, "vi")
			if p.Clarify != nil {
				t.Fatalf("clarify: %s", p.Clarify.Question)
			}
			s := p.Spec
			if s.Limit != tt.limit || s.Desc != tt.desc || (s.OrderBy != "") != tt.order {
				t.Errorf("limit %d desc %v order %q, want %d %v %v", s.Limit, s.Desc, s.OrderBy, tt.limit, tt.desc, tt.order)
			}
		})
	}
}

func TestParseAmbiguousWardAsks(t *testing.T) {
	l, err := DefaultLayer()
	if err != nil {
		t.Fatal(err)
	}
	l.SetDimensions(testLayerDims(t))
	// Without a province, "An Phú" is a ward of Ho Chi Minh City and a commune of Hải Phòng.
	p := l.Parse("Số phản ánh ở An Phú tháng 10/2025", evalNow, "vi")
	if p.Clarify == nil || len(p.Clarify.Options) != 2 {
		t.Fatalf("want two places to choose from, got %+v", p)
	}
	for _, o := range p.Clarify.Options {
		again := l.Parse(o.Question, evalNow, "vi")
		if again.Clarify != nil || len(again.Spec.Filters) != 1 {
			t.Errorf("option %q: %+v", o.Question, again)
		}
	}
}

func testLayerDims(t *testing.T) store.Dimensions {
	t.Helper()
	testLayer(t)
	return layerDims
}

// FuzzParseQuestion: no input makes the parser panic, and its output is always usable: a spec
// the layer validates and compiles, or a clarification with one to three full questions.
func FuzzParseQuestion(f *testing.F) {
	for _, s := range []string{
		"Tỷ lệ giải quyết hồ sơ đúng hạn quý 3/2025", "5 phuong co nhieu phan anh nhat thang truoc",
		"Top 5 wards by number of petitions last month", "từ 31/2 đến 1/1/2025", "tháng 13/2025",
		"quý 0", "Q9 2025", "top 0 phường", "top 99999999999999999999 phường", "'; DROP TABLE dossiers; --",
		"so với so với cùng kỳ", "phường phường phường", "\x00\xff", "ngày 29/2/2025", "2025-W53",
		"từ 2025-12-31 đến 2025-01-01", "năm 1969", "năm 2106", "nhiều nhất ít nhất tốt nhất",
	} {
		f.Add(s)
	}
	l, err := DefaultLayer()
	if err != nil {
		f.Fatal(err)
	}
	l.SetDimensions(fixtureDims())
	l.SetProvince("79")
	f.Fuzz(func(t *testing.T, q string) {
		p := l.Parse(q, evalNow, "vi")
		if p.Clarify != nil {
			if n := len(p.Clarify.Options); n < 1 || n > 3 {
				t.Fatalf("%q: %d options", q, n)
			}
			for _, o := range p.Clarify.Options {
				if strings.TrimSpace(o.Question) == "" || !utf8.ValidString(o.Label) {
					t.Fatalf("%q: bad option %+v", q, o)
				}
			}
			return
		}
		if err := l.Validate(p.Spec); err != nil {
			t.Fatalf("%q: spec %+v invalid: %v", q, p.Spec, err)
		}
		if _, _, err := l.Compile(p.Spec); err != nil {
			t.Fatalf("%q: compile: %v", q, err)
		}
	})
}

// fixtureDims is a small gazetteer and catalogue without the engine (for the fuzz target): two
// wards that fold alike, a name shared by two provinces, a ward unit and a department.
func fixtureDims() store.Dimensions {
	ward := func(code, name, typ, prov string) models.Ward {
		f := foldPhrase(name)
		return models.Ward{Code: code, Name: name, FullName: typ + " " + name, UnitType: strings.ToLower(typ), ProvinceCode: prov,
			Aliases: []string{foldPhrase(typ) + " " + f, f}}
	}
	return store.Dimensions{
		Wards: []models.Ward{ward("26743", "Bến Thành", "Phường", "79"), ward("25807", "Thanh An", "Xã", "79"),
			ward("27676", "Thạnh An", "Xã", "79"), ward("25975", "An Phú", "Phường", "79"), ward("10645", "An Phú", "Xã", "31")},
		Units: []models.Unit{{Code: "H29.26743", Name: "UBND Phường Bến Thành", WardCode: "26743", Type: "ward"},
			{Code: "H29.STP", Name: "Sở Tư pháp", NameEN: "Department of Justice", Type: "department"}},
		Fields:     []models.Field{{Code: "ho_tich", NameVI: "Hộ tịch", NameEN: "Civil status registration"}, {Code: "dat_dai", NameVI: "Đất đai", NameEN: "Land"}},
		Categories: []models.PetitionCategory{{Code: "ngap_nuoc", NameVI: "Ngập nước", NameEN: "Flooding"}, {Code: "tieng_on", NameVI: "Tiếng ồn", NameEN: "Noise"}, {Code: "karaoke", NameVI: "Karaoke, loa kẹo kéo", NameEN: "Karaoke", Parent: "tieng_on"}},
	}
}
