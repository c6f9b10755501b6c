package pipeline

import (
	"errors"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/models"
)

func testGazetteer(tb testing.TB) *Gazetteer {
	tb.Helper()
	return NewGazetteer(testWards(tb))
}

func TestGazetteerLookup(t *testing.T) {
	g := testGazetteer(t)
	if g.Len() != 385 {
		t.Fatalf("gazetteer has %d wards, want the 385 of 0007", g.Len())
	}
	tests := []struct {
		name    string
		value   string
		want    string // ward code; "" when an error is expected
		wantErr error
	}{
		{"code", "26743", "26743", nil},
		{"code with spaces", " 26743 ", "26743", nil},
		{"code with an extra leading zero", "026743", "26743", nil},
		{"unknown code", "99999", "", ErrWardUnknown},
		{"full name", "Phường Bến Thành", "26743", nil},
		{"bare name", "Bến Thành", "26743", nil},
		{"no diacritics", "phuong ben thanh", "26743", nil},
		{"upper case", "PHƯỜNG BẾN THÀNH", "26743", nil},
		{"P. prefix", "P. Bến Thành", "26743", nil},
		{"P. glued", "P.Bến Thành", "26743", nil},
		{"P prefix", "P Ben Thanh", "26743", nil},
		{"teencode F.", "F.Bến Thành", "26743", nil},
		{"teencode f", "f ben thanh", "26743", nil},
		{"UBND prefix", "UBND Phường Bến Thành", "26743", nil},
		{"with city after a comma", "Phường Bến Thành, TP.HCM", "26743", nil},
		{"decomposed Unicode", "Phu\u031bo\u031b\u0300ng Be\u0302\u0301n Tha\u0300nh", "26743", nil},
		{"old tone placement", "Xã Long Hòa", "25792", nil},
		{"new tone placement", "Xã Long Hoà", "25792", nil},
		{"xã prefix", "Xã Thạnh An", "", ErrWardAmbiguous}, // Thạnh An exists in 79 and 92
		{"xã with province", "Xã Thạnh An, Hồ Chí Minh", "27676", nil},
		{"xã with province short", "Xã Thạnh An, TP HCM", "27676", nil},
		{"Thanh An settled by diacritics of the prefix", "Xã Thanh An", "25807", nil},
		{"Thanh An without diacritics is ambiguous", "xa thanh an", "", ErrWardAmbiguous},
		{"Thanh An bare is ambiguous", "Thanh An", "", ErrWardAmbiguous},
		{"Cẩm Giàng", "Xã Cẩm Giàng", "10903", nil},
		{"Cẩm Giang", "Xã Cẩm Giang", "10888", nil},
		{"Cam Giang folded is ambiguous", "xa cam giang", "", ErrWardAmbiguous},
		{"X. prefix", "X. Cẩm Giàng", "10903", nil},
		{"đặc khu", "Đặc khu Côn Đảo", "26732", nil},
		{"ĐK prefix", "ĐK Côn Đảo", "26732", nil},
		{"dac khu folded", "dac khu con dao", "26732", nil},
		{"shared across provinces", "An Phú", "", ErrWardAmbiguous},
		{"shared across provinces, type settles", "Phường An Phú", "25975", nil},
		{"old numbered ward", "Phường 12", "", ErrWardUnknown},
		{"unknown name", "Phường Không Có", "", ErrWardUnknown},
		{"type word only", "Phường", "", ErrWardUnknown},
		{"empty", "  ", "", ErrWardUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := g.Lookup(tt.value)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Lookup(%q) = %s, %v; want error %v", tt.value, w.Code, err, tt.wantErr)
				}
				return
			}
			if err != nil || w.Code != tt.want {
				t.Fatalf("Lookup(%q) = %q, %v; want %q", tt.value, w.Code, err, tt.want)
			}
		})
	}
}

func TestGazetteerLookupAmbiguousMessage(t *testing.T) {
	_, err := testGazetteer(t).Lookup("Thanh An")
	for _, want := range []string{`"Thanh An"`, "25807 Xã Thanh An", "27676 Xã Thạnh An", "31231 Xã Thạnh An", "diacritics"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup error = %v; want it to mention %s", err, want)
		}
	}
}

func TestGazetteerWardCodeWithoutLeadingZeros(t *testing.T) {
	g := NewGazetteer([]models.Ward{{Code: "00004", Name: "Ba Đình", FullName: "Phường Ba Đình", UnitType: "phường", ProvinceCode: "01", ProvinceName: "Hà Nội"}})
	for _, code := range []string{"00004", "4", "004", "0000004"} {
		if w, ok := g.Ward(code); !ok || w.Code != "00004" {
			t.Errorf("Ward(%q) = %q, %v; want 00004", code, w.Code, ok)
		}
	}
	if _, ok := g.Ward("40"); ok {
		t.Error(`Ward("40") found a ward`)
	}
}

func TestGazetteerFindInText(t *testing.T) {
	g := testGazetteer(t)
	tests := []struct {
		name string
		text string
		want string // "" for none
	}{
		{"full name", "Đường Lê Lợi, phường Bến Thành ngập sâu", "26743"},
		{"P. abbreviation", "Kẹt xe ở P.Bến Thành từ sáng", "26743"},
		{"teencode F.", "ngập quá trời ở F. Bến Thành", "26743"},
		{"no diacritics", "duong o phuong ben thanh ngap qua", "26743"},
		{"longest match", "Phường Tân Sơn Nhất hôm nay mưa", "26968"},
		{"shorter name", "Phường Tân Sơn hôm nay mưa", "27007"},
		{"bare name is not enough", "Bến Thành hôm nay đông quá", ""},
		{"bare city name is not a ward", "Sài Gòn mưa to quá", ""},
		{"type word then the ward Sài Gòn", "phường Sài Gòn mưa to quá", "26740"},
		{"địa phương is not a ward cue", "chính quyền địa phương Bến Thành", ""},
		{"phương is not phường", "phương Bến Thành", ""},
		{"xa means far in accented text", "đi xa Thạnh An lắm", ""},
		{"ambiguous folded pair stays unknown", "ngap o xa thanh an", ""},
		{"Thạnh An is in two cities", "ngập ở xã Thạnh An, Cần Giờ", ""},
		{"diacritics and the city settle the pair", "ngập ở xã Thạnh An, TP.HCM", "27676"},
		{"diacritics settle the pair (Thanh)", "ngập ở xã Thanh An, Dầu Tiếng", "25807"},
		{"province mention settles a shared name", "Xã Thạnh An, Cần Thơ bị sạt lở", "31231"},
		{"the most named ward wins", "phường Sài Gòn và phường Bến Thành, nhất là phường Bến Thành", "26743"},
		{"unknown ward name", "phường Không Tồn Tại", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok := g.FindInText(tt.text)
			if tt.want == "" {
				if ok {
					t.Fatalf("FindInText(%q) = %s %s, want none", tt.text, w.Code, w.FullName)
				}
				return
			}
			if !ok || w.Code != tt.want {
				t.Fatalf("FindInText(%q) = %q, %v; want %q", tt.text, w.Code, ok, tt.want)
			}
		})
	}
}

func TestGazetteerEmpty(t *testing.T) {
	g := NewGazetteer(nil)
	if _, ok := g.FindInText("phường Bến Thành"); ok {
		t.Error("empty gazetteer found a ward")
	}
	if _, err := g.Lookup("26743"); !errors.Is(err, ErrWardUnknown) {
		t.Errorf("Lookup on an empty gazetteer = %v", err)
	}
}

func TestCanonTones(t *testing.T) {
	for in, want := range map[string]string{"hòa": "hoà", "hoà": "hoà", "thủy": "thuỷ", "khóa": "khoá", "hoè": "hoè", "hòe": "hoè", "ngoài": "ngoài", "an": "an"} {
		if got := canonTones(in); got != want {
			t.Errorf("canonTones(%q) = %q, want %q", in, got, want)
		}
	}
}
