package pipeline

import "testing"

func TestInferTopic(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"flooding", "Đường Nguyễn Hữu Cảnh lại ngập sâu sau mưa", "ngap_nuoc"},
		{"flooding without diacritics", "duong ngap qua troi luon", "ngap_nuoc"},
		{"high tide", "Triều cường dâng cao, nước tràn vào nhà", "ngap_nuoc"},
		{"traffic jam", "Kẹt xe kinh khủng ở vòng xoay", "un_tac"},
		{"traffic jam teen", "ket xe qua troi", "un_tac"},
		{"buses", "Xe buýt số 19 bỏ trạm không dừng đón khách", "xe_buyt"},
		{"traffic lights", "Đèn tín hiệu giao thông ở ngã tư bị hỏng", "den_tin_hieu"},
		{"sidewalk encroachment", "Quán nhậu lấn chiếm vỉa hè hết lối đi", "lan_chiem_via_he"},
		{"waste", "Rác thải chất đống đầu hẻm bốc mùi", "rac_thai"},
		{"pollution", "Khói bụi từ nhà máy gây ô nhiễm", "o_nhiem"},
		{"karaoke", "Hàng xóm hát karaoke đến 12 giờ đêm", "karaoke"},
		{"loudspeakers", "Loa kẹo kéo mở cả ngày", "karaoke"},
		{"noise", "Tiếng ồn quá lớn không ngủ được", "tieng_on"},
		{"ổn is not ồn", "Mọi thứ đều ổn, cảm ơn phường", ""},
		{"cam on is not noise", "Duong moi trai nhua lai, di em ru, cam on chinh quyen", "ha_tang_do_thi"},
		{"street racing", "Đua xe trên đường Trường Chinh mỗi đêm", "an_ninh_trat_tu"},
		{"public administration", "Nộp hồ sơ đăng ký khai sinh trên dịch vụ công rất nhanh", "hanh_chinh_cong"},
		{"health", "Bệnh viện quận quá tải, bác sĩ làm việc vất vả", "y_te"},
		{"education", "Tuyển sinh lớp 6 năm nay khó quá", "giao_duc"},
		{"lighting", "Đèn đường hẻm 45 tắt cả tuần, tối om", "chieu_sang"},
		{"manholes", "Mất nắp hố ga giữa đường rất nguy hiểm", "ho_ga"},
		{"drainage beats a lone flood word", "Cống thoát nước bị nghẹt nên ngập", "thoat_nuoc"},
		{"potholes", "Ổ gà ổ voi khắp đường", "duong_sa"},
		{"trees", "Cây xanh ngã đè xe máy", "cay_xanh"},
		{"construction", "Xây dựng trái phép, cơi nới lấn ra hẻm", "xay_dung_trai_phep"},
		{"safety", "Cướp giật điện thoại ở đầu hẻm", "an_ninh_trat_tu"},
		{"tourism", "Khách du lịch bị chặt chém", "du_lich"},
		{"nothing", "Hôm nay trời đẹp quá", ""},
		{"word inside a word does not count", "tracking karaokeX", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InferTopic(tt.text); got != tt.want {
				t.Errorf("InferTopic(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestTopicCodesAreCategories keeps the taxonomy aligned with the petition categories of 0008.
func TestTopicCodesAreCategories(t *testing.T) {
	cats := map[string]string{}
	for _, c := range testCategories(t) {
		cats[c.Code] = c.Parent
	}
	for _, r := range TopicRules() {
		parent, ok := cats[r.Code]
		if !ok {
			t.Errorf("topic %s is not a petition category code", r.Code)
			continue
		}
		if parent != r.Parent {
			t.Errorf("topic %s has parent %q, the category %q", r.Code, r.Parent, parent)
		}
		if len(r.Phrases) == 0 {
			t.Errorf("topic %s has no phrases", r.Code)
		}
	}
}

func TestTopicWithin(t *testing.T) {
	parents := map[string]string{"xe_buyt": "giao_thong", "giao_thong": ""}
	if !topicWithin("xe_buyt", "giao_thong", parents) || !topicWithin("giao_thong", "giao_thong", parents) {
		t.Error("topicWithin misses a descendant")
	}
	if topicWithin("giao_thong", "xe_buyt", parents) || topicWithin("ngap_nuoc", "giao_thong", parents) {
		t.Error("topicWithin accepts a non-descendant")
	}
	if topicWithin("a", "z", map[string]string{"a": "b", "b": "a"}) {
		t.Error("cycle")
	}
}

func BenchmarkInferTopic(b *testing.B) {
	text := "Kẹt xe kinh khủng ở phường Bến Thành tối nay, chờ 30 phút không nhúc nhích, mưa thì ngập"
	b.ReportAllocs()
	for b.Loop() {
		InferTopic(text)
	}
}
