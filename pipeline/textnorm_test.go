package pipeline

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii unchanged", "Quan 7, 1022!", "Quan 7, 1022!"},
		{"tones and vowels", "Đường ngập quá, hỏi sao không bức xúc", "Duong ngap qua, hoi sao khong buc xuc"},
		{"all six tones", "a à á ả ã ạ", "a a a a a a"},
		{"vowel letters", "ă â ê ô ơ ư Ă Â Ê Ô Ơ Ư", "a a e o o u A A E O O U"},
		{"two marks", "ệ ộ ử ẫ Ằ Ỡ", "e o u a A O"},
		{"d with stroke", "đ Đ", "d D"},
		{"decomposed input", "ngu\u031b\u0300o\u031b\u0300i", "nguoi"}, // "người" typed as base + combining marks
		{"case kept", "HẢI PHÒNG", "HAI PHONG"},
		{"other scripts kept", "Tp.HCM – 😡 東京", "Tp.HCM – 😡 東京"},
		{"other latin", "café naïve", "cafe naive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := foldSlow(tc.in); got != tc.want {
				t.Errorf("foldSlow(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestFoldTableAgrees checks the fast path against the transform on every rune of the table.
func TestFoldTableAgrees(t *testing.T) {
	for r := rune(0); r < foldTableSize; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q U+%04X) = %q, foldSlow = %q", s, r, got, want)
		}
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"lower and trim", "  Phường BẾN THÀNH  ", "phường bến thành"},
		{"collapse spaces", "ngập\t\tnước\n\nquá\u00a0trời", "ngập nước quá trời"},
		{"nfc", "nga\u0323\u0302p", "ngập"},
		{"invalid utf-8", "ng\xffập", "ng\ufffdập"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeText(tc.in); got != tc.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCollapseSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"a", "a"},
		{" a  b\n\tc ", "a b c"},
		{"Đường\u2003số 7", "Đường số 7"},
	}
	for _, tc := range tests {
		if got := CollapseSpace(tc.in); got != tc.want {
			t.Errorf("CollapseSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHasDiacritics(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"duong ngap qua", false},
		{"đường", true},
		{"Đ", true},
		{"ngập", true},
		{"a\u0301", true},
		{"😡 :)", false},
	}
	for _, tc := range tests {
		if got := HasDiacritics(tc.in); got != tc.want {
			t.Errorf("HasDiacritics(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestTokenizeText(t *testing.T) {
	w := func(s string) TextToken { return TextToken{s, TokenWord} }
	num := func(s string) TextToken { return TextToken{s, TokenNumber} }
	emo := func(s string) TextToken { return TextToken{s, TokenEmoji} }
	emt := func(s string) TextToken { return TextToken{s, TokenEmoticon} }
	p := func(s string) TextToken { return TextToken{s, TokenPunct} }
	tests := []struct {
		name string
		in   string
		want []TextToken
	}{
		{"empty", "", nil},
		{"syllables", "Đường Ngập  QUÁ", []TextToken{w("đường"), w("ngập"), w("quá")}},
		{"punctuation", "Chậm, quá chậm!!", []TextToken{w("chậm"), p(","), w("quá"), w("chậm"), p("!"), p("!")}},
		{"question and ellipsis", "sao vậy…?", []TextToken{w("sao"), w("vậy"), p("…"), p("?")}},
		{"numbers stay whole", "gọi 1022 lúc 8:30, phí 1.500.000 đồng", []TextToken{w("gọi"), num("1022"), w("lúc"), num("8:30"), p(","), w("phí"), num("1.500.000"), w("đồng")}},
		{"letters and digits", "Q7 và H29", []TextToken{w("q7"), w("và"), w("h29")}},
		{"url dropped", "xem https://dichvucong.gov.vn/p/home nhé", []TextToken{w("xem"), w("nhé")}},
		{"glued url dropped", "link:https://x.vn/a", []TextToken{w("link"), p(":")}},
		{"www dropped", "www.hochiminhcity.gov.vn ok", []TextToken{w("ok")}},
		{"mention and email dropped", "@Lan gửi a.b@gmail.com rồi", []TextToken{w("gửi"), w("rồi")}},
		{"hashtag keeps word", "#ngậpnước #HCM", []TextToken{w("ngậpnước"), w("hcm")}},
		{"emoji tokens", "tệ😡😡 quá👍🏽", []TextToken{w("tệ"), emo("😡"), emo("😡"), w("quá"), emo("👍")}},
		{"variation selector dropped", "❤️ và ❤", []TextToken{emo("❤"), w("và"), emo("❤")}},
		{"zwj sequence kept", "👨‍👩‍👧 vui", []TextToken{emo("👨\u200d👩\u200d👧"), w("vui")}},
		{"textEmoticons", ":) :(( =)) <3 T_T :D", []TextToken{emt(":)"), emt(":(("), emt("=))"), emt("<3"), emt("t_t"), emt(":d")}},
		{"repeated mouth squeezed", ":)))))", []TextToken{emt(":))")}},
		{"emoticon after a word", "ok:)", []TextToken{w("ok"), emt(":)")}},
		{"no emoticon inside words", "bt_t 8:30", []TextToken{w("bt"), w("t"), num("8:30")}},
		{"repeated letters kept", "quáaaa", []TextToken{w("quáaaa")}},
		{"dash between spaces", "tốt - nhanh, thủ-tục", []TextToken{w("tốt"), p("-"), w("nhanh"), p(","), w("thủ"), w("tục")}},
		{"decomposed input", "nga\u0323\u0302p", []TextToken{w("ngập")}},
		{"invalid utf-8 does not vanish", "a\xffb", []TextToken{w("a"), w("b")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := TokenizeText(tc.in)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("TokenizeText(%q) =\n %v\nwant\n %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestWordTokens(t *testing.T) {
	got := WordTokens("Hồ sơ trễ hạn 10 ngày 😡!!")
	want := []string{"hồ", "sơ", "trễ", "hạn", "10", "ngày"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WordTokens = %q, want %q", got, want)
	}
}

func TestSqueezeRepeats(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		emphatic bool
	}{
		{"", "", false},
		{"tốt", "tốt", false},
		{"quáaaa", "quá", true},
		{"quaaaá", "quá", true},
		{"đẹppp", "đẹp", true},
		{"ngonn", "ngon", false},
		{"xoong", "xong", false},
		{"1000", "1000", false},
	}
	for _, tc := range tests {
		got, emph := SqueezeRepeats(tc.in)
		if got != tc.want || emph != tc.emphatic {
			t.Errorf("SqueezeRepeats(%q) = %q, %v; want %q, %v", tc.in, got, emph, tc.want, tc.emphatic)
		}
	}
}

func TestTextTokenKindString(t *testing.T) {
	var names []string
	for k := TokenWord; k <= TokenPunct+1; k++ {
		names = append(names, k.String())
	}
	if got := strings.Join(names, ","); got != "word,number,emoji,emoticon,punct,unknown" {
		t.Errorf("kind names = %s", got)
	}
}

func FuzzTokenizeText(f *testing.F) {
	for _, s := range []string{"", "Đường ngập 😡!!", "a\u0301", ":((( t_t", "https://x @y #z", "\xff", "8:30:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range TokenizeText(s) {
			if tok.Text == "" || !utf8.ValidString(tok.Text) || strings.ContainsAny(tok.Text, " \t\n") {
				t.Fatalf("TokenizeText(%q) gave token %q", s, tok.Text)
			}
		}
		if f := Fold(s); utf8.ValidString(s) && !utf8.ValidString(f) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, f)
		}
	})
}
