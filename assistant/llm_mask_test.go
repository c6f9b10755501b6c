package assistant

import "testing"

func TestMaskText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"gọi 0903123456 nhé", "gọi [SĐT] nhé"},
		{"gọi 0903 123 456", "gọi [SĐT]"},
		{"gọi 0903.123.456.", "gọi [SĐT]."},
		{"gọi 090-312-3456", "gọi [SĐT]"},
		{"+84 903 123 456 hoặc 84903123456", "[SĐT] hoặc [SĐT]"},
		{"bàn (028) 3823 4567", "bàn [SĐT]"},
		{"mail nguyen.van.a@example.com.", "mail [EMAIL]."},
		{"CCCD 079201001234, CMND 272345678", "CCCD [CCCD], CMND [CCCD]"},
		{"tôi là Nguyễn Văn An, ở phường Bến Thành", "tôi là [TÊN], ở phường Bến Thành"},
		{"Họ tên: Trần Thị Bích Ngọc gửi phản ánh", "Họ tên: [TÊN] gửi phản ánh"},
		{"my name is Le Van Binh.", "my name is [TÊN]."},
		// Public hotlines, counts, dates, codes and place names stay.
		{"phường Bà Rịa và ông Tạ Quang Bửu", "phường Bà Rịa và ông Tạ Quang Bửu"},
		{"đường dây nóng 1022 hoặc 1900 1234", "đường dây nóng 1022 hoặc 1900 1234"},
		{"1.234.567 hồ sơ ngày 2025-10-01, phường 25747, 93,8%", "1.234.567 hồ sơ ngày 2025-10-01, phường 25747, 93,8%"},
		{"phí 150.000.000 đồng", "phí 150.000.000 đồng"},
	}
	for _, tt := range tests {
		if got := MaskText(tt.in); got != tt.want {
			t.Errorf("MaskText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
