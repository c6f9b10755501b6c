package assistant

import "testing"

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v      float64
		unit   string
		vi, en string
	}{
		{1234567, "count", "1.234.567", "1,234,567"},
		{87.456, "percent", "87,5%", "87.5%"},
		{2.25, "days", "2,3 ngày", "2.3 days"}, // half away from zero, not to even
		{1500000, "vnd", "1.500.000 đồng", "1,500,000 VND"},
		{-0.123, "score", "-0,12", "-0.12"},
		{-0.001, "score", "0,00", "0.00"},
		{0, "count", "0", "0"},
		{999, "count", "999", "999"},
		{1000, "count", "1.000", "1,000"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.unit, "vi"); got != tt.vi {
			t.Errorf("FormatValue(%v, %s, vi) = %q, want %q", tt.v, tt.unit, got, tt.vi)
		}
		if got := FormatValue(tt.v, tt.unit, "en"); got != tt.en {
			t.Errorf("FormatValue(%v, %s, en) = %q, want %q", tt.v, tt.unit, got, tt.en)
		}
	}
}

func TestChangeWords(t *testing.T) {
	tests := []struct {
		v, c       float64
		unit, want string
	}{
		{94.74, 95.26, "percent", "giảm 0,6 điểm phần trăm"}, // on the values as shown: 94,7 and 95,3
		{200, 100, "count", "tăng 100,0%"},
		{5, 0, "count", "tăng 5"},
		{7, 7, "count", "không đổi"},
	}
	for _, tt := range tests {
		if got := changeWords(tt.v, tt.c, tt.unit, "vi"); got != tt.want {
			t.Errorf("changeWords(%v, %v) = %q, want %q", tt.v, tt.c, got, tt.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	for q, want := range map[string]string{
		"Số hồ sơ tháng 10":                      "vi",
		"so ho so thang 10":                      "vi",
		"How many dossiers were received in May": "en",
		"top 5 phuong nhieu phan anh nhat":       "vi",
		"petitions by ward last week":            "en",
	} {
		if got := DetectLang(q); got != want {
			t.Errorf("DetectLang(%q) = %s, want %s", q, got, want)
		}
	}
}
