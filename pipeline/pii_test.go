package pipeline

import (
	"strings"
	"testing"
)

func TestMaskPII(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		names []string
		want  string
	}{
		{"mobile plain", "Gọi 0903123456 giúp tôi", nil, "Gọi [SĐT] giúp tôi"},
		{"mobile spaces 4-3-3", "SĐT: 0903 123 456.", nil, "SĐT: [SĐT]."},
		{"mobile spaces 3-3-4", "sdt 090 312 3456", nil, "sdt [SĐT]"},
		{"mobile dots", "liên hệ 0903.123.456", nil, "liên hệ [SĐT]"},
		{"mobile dashes", "ĐT 0903-123-456, cảm ơn", nil, "ĐT [SĐT], cảm ơn"},
		{"international with plus", "call +84 903 123 456 now", nil, "call [SĐT] now"},
		{"international glued", "+84903123456", nil, "[SĐT]"},
		{"international without plus", "số 84903123456", nil, "số [SĐT]"},
		{"international in parentheses", "(+84) 903.123.456", nil, "[SĐT]"},
		{"international keeping the 0", "+84 0903 123 456", nil, "[SĐT]"},
		{"landline with area code", "(028) 3823 4567", nil, "[SĐT]"},
		{"landline plain", "gọi 02838234567", nil, "gọi [SĐT]"},
		{"landline international", "+84 28 3823 4567", nil, "[SĐT]"},
		{"Viettel 03x", "0362 555 777", nil, "[SĐT]"},
		{"two phones", "0903123456 hoặc 0912345678", nil, "[SĐT] hoặc [SĐT]"},
		{"two phones with space", "0903123456 0912345678", nil, "[SĐT] [SĐT]"},
		{"phone after a day number", "ngày 12 0903123456", nil, "ngày 12 [SĐT]"},
		{"glued to letters", "sđt0903123456", nil, "sđt[SĐT]"},
		{"CCCD", "CCCD 079090123456 cấp ngày", nil, "CCCD [CCCD] cấp ngày"},
		{"CCCD in groups", "căn cước 079 090 123 456", nil, "căn cước [CCCD]"},
		{"CMND", "CMND số 024123456", nil, "CMND số [CMND]"},
		{"email", "gửi về an.nguyen+pa@gmail.com nhé", nil, "gửi về [EMAIL] nhé"},
		{"overlapping name and number merge", "0 0 5 0 0903 123 456", []string{"0 0"}, "[SĐT] 456"},
		{"number right after an e-mail", "0@0.50 0903 123 456 0", nil, "[EMAIL] [SĐT] 0"},
		{"email at sentence end", "Email: lienhe@ubnd.hcm.gov.vn.", nil, "Email: [EMAIL]."},
		{"name", "Tôi là Nguyễn Văn An, ở phường Bến Thành", []string{"Nguyễn Văn An"}, "Tôi là [TÊN], ở phường Bến Thành"},
		{"name without diacritics in text", "toi la nguyen van an", []string{"Nguyễn Văn An"}, "toi la [TÊN]"},
		{"name upper case", "ÔNG NGUYỄN VĂN AN PHẢN ÁNH", []string{"nguyen van an"}, "ÔNG [TÊN] PHẢN ÁNH"},
		{"one-word name is left alone", "An toàn giao thông", []string{"An"}, "An toàn giao thông"},
		{"house number", "trước nhà số 12 đường Lê Lợi", nil, "trước nhà số [SỐ NHÀ] đường Lê Lợi"},
		{"house number with slash", "số 12/3A hẻm Lê Văn Sỹ", nil, "số [SỐ NHÀ] hẻm Lê Văn Sỹ"},
		{"everything", "Tôi Trần Thị Bích (0903.123.456, bich@mail.vn, CCCD 079190123456)", []string{"Trần Thị Bích"},
			"Tôi [TÊN] ([SĐT], [EMAIL], CCCD [CCCD])"},
		// What must stay.
		{"hotline 1022", "gọi 1022 hoặc 1900 1234", nil, "gọi 1022 hoặc 1900 1234"},
		{"money", "phí 1.500.000 đồng, tổng 150000000 đồng", nil, "phí 1.500.000 đồng, tổng 150000000 đồng"},
		{"date and time", "25/09/2025 lúc 08:30", nil, "25/09/2025 lúc 08:30"},
		{"procedure code", "thủ tục 1.001193", nil, "thủ tục 1.001193"},
		{"dossier code", "hồ sơ H29.26743-250812-0007", nil, "hồ sơ H29.26743-250812-0007"},
		{"short number", "ngập 40cm, 3 ngày", nil, "ngập 40cm, 3 ngày"},
		{"foreign number", "+1 415 555 0100", nil, "+1 415 555 0100"},
		{"ten digits not a mobile prefix", "mã 0123456789", nil, "mã 0123456789"},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskPII(tt.text, tt.names...); got != tt.want {
				t.Errorf("MaskPII(%q) =\n  %q\nwant\n  %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestNormalizeAndMaskPhone(t *testing.T) {
	tests := []struct {
		in, digits, masked string
		ok                 bool
	}{
		{"0903123456", "0903123456", "090****456", true},
		{"0903 123 456", "0903123456", "090****456", true},
		{"+84 903-123-456", "0903123456", "090****456", true},
		{"84903123456", "0903123456", "090****456", true},
		{"(028) 3823 4567", "02838234567", "028*****567", true},
		{"+1 415 555 0100", "14155550100", "141*****100", false},
		{"12345", "12345", "*****", false},
	}
	for _, tt := range tests {
		d, ok := NormalizePhone(tt.in)
		if d != tt.digits || ok != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tt.in, d, ok, tt.digits, tt.ok)
		}
		if m := MaskPhone(d); m != tt.masked {
			t.Errorf("MaskPhone(%q) = %q, want %q", d, m, tt.masked)
		}
	}
}

func TestPIIHash(t *testing.T) {
	h := piiHasher{secret: testSecret}
	a := h.sum("citizen-phone", "0903123456")
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("hash %q is not 32 hex characters", a)
	}
	if a != h.sum("citizen-phone", "0903123456") {
		t.Error("hash is not deterministic")
	}
	if a == h.sum("post-author", "0903123456") {
		t.Error("domains do not separate hashes")
	}
	if a == (piiHasher{secret: []byte("another secret of 16+ bytes")}).sum("citizen-phone", "0903123456") {
		t.Error("the secret does not key the hash")
	}
}

// FuzzMaskPII: whatever surrounds a phone number, it is masked, and MaskPII never panics.
func FuzzMaskPII(f *testing.F) {
	for _, s := range []string{"Gọi", "+84 (28) 3823-4567", "a@b.c", "số 12 đường", "(+", "0", "84", "12"} {
		f.Add(s, "cảm ơn", "Nguyễn Văn An")
	}
	f.Fuzz(func(t *testing.T, prefix, suffix, name string) {
		for _, phone := range []string{"0903123456", "0903 123 456", "0903.123.456"} {
			text := prefix + " " + phone + " " + suffix
			out := MaskPII(text, name)
			if strings.Contains(out, phone) && !strings.Contains(prefix+suffix, phone) {
				t.Errorf("MaskPII(%q) kept the phone: %q", text, out)
			}
		}
	})
}
