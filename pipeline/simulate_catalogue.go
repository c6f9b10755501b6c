package pipeline

import (
	"slices"
	"strings"

	"github.com/govpulse/govpulse/models"
)

// The simulator's own catalogue: the common procedures a ward or a department of a Vietnamese
// city receives, the petition category mix of Portal 1022 and the post topics. Written for the
// simulator from public descriptions, not copied from a list; the codes follow the national
// format (1.001193 is đăng ký khai sinh, 1.004222 đăng ký thường trú, 1.001612 thành lập hộ kinh
// doanh) but most are illustrative, and so are the fees: about 30% of the procedures carry one
// (DOMAIN §2), among them the certified copy, the commonest of all, so about half of the dossiers
// pay. Processing days are working days; fees in đồng.

// simProcedure is a procedure of the catalogue with where it is received and how common it is.
type simProcedure struct {
	code, name, field string
	level             models.OnlineLevel
	days              int    // legal processing time in working days; 0 = the same day
	fee               uint64 // statutory fee; 0 = free
	// at is "W" for every ward's people's committee, else the department key: the part of the
	// unit code after the city prefix ("STP" for H29.STP).
	at     string
	weight float64 // share of the city's dossiers, in percent
	school bool    // follows the enrolment season (June–August)
}

var simProcedures = []simProcedure{
	// Ward people's committees: about 70% of all dossiers.
	{"1.001193", "Đăng ký khai sinh", "ho_tich", models.OnlineFull, 0, 0, "W", 7, false},
	{"1.000894", "Đăng ký kết hôn", "ho_tich", models.OnlinePartial, 0, 0, "W", 2, false},
	{"1.000656", "Đăng ký khai tử", "ho_tich", models.OnlineFull, 0, 0, "W", 1.2, false},
	{"1.004873", "Cấp bản sao trích lục hộ tịch", "ho_tich", models.OnlineFull, 0, 8000, "W", 3, false},
	{"1.004746", "Cấp Giấy xác nhận tình trạng hôn nhân", "ho_tich", models.OnlineFull, 3, 0, "W", 4, false},
	{"1.004859", "Đăng ký nhận cha, mẹ, con", "ho_tich", models.OnlinePartial, 3, 0, "W", 0.3, false},
	{"2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "chung_thuc", models.OnlinePartial, 0, 2000, "W", 16, false},
	{"2.001035", "Chứng thực chữ ký trong giấy tờ, văn bản", "chung_thuc", models.OnlinePartial, 0, 10000, "W", 3.5, false},
	{"2.000815", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "chung_thuc", models.OnlineNone, 2, 50000, "W", 1.2, false},
	{"1.004222", "Đăng ký thường trú", "cu_tru", models.OnlineFull, 7, 20000, "W", 4.5, false},
	{"1.004194", "Đăng ký tạm trú", "cu_tru", models.OnlineFull, 3, 0, "W", 4.5, false},
	{"1.003738", "Xóa đăng ký thường trú", "cu_tru", models.OnlineFull, 1, 0, "W", 1, false},
	{"1.001612", "Đăng ký thành lập hộ kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 100000, "W", 2.5, false},
	{"2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "W", 1.2, false},
	{"1.001570", "Thông báo tạm ngừng kinh doanh hộ kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "W", 0.6, false},
	{"1.012756", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "dat_dai", models.OnlinePartial, 20, 0, "W", 1.5, false},
	{"1.012790", "Đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất", "dat_dai", models.OnlinePartial, 10, 0, "W", 3, false},
	{"1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "xay_dung", models.OnlinePartial, 15, 75000, "W", 1.8, false},
	{"1.010010", "Thông báo khởi công xây dựng nhà ở riêng lẻ", "xay_dung", models.OnlineFull, 0, 0, "W", 0.8, false},
	{"1.001776", "Thực hiện trợ cấp xã hội hằng tháng", "bao_tro_xa_hoi", models.OnlinePartial, 15, 0, "W", 1, false},
	{"1.001653", "Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "bao_tro_xa_hoi", models.OnlinePartial, 7, 0, "W", 0.3, false},
	{"1.010815", "Giải quyết chế độ mai táng phí đối với người có công", "nguoi_co_cong", models.OnlineNone, 10, 0, "W", 0.3, false},
	{"1.004438", "Tuyển sinh vào lớp 1, lớp 6", "giao_duc", models.OnlineFull, 3, 0, "W", 0.8, true},
	{"1.005092", "Chuyển trường đối với học sinh tiểu học, trung học cơ sở", "giao_duc", models.OnlineFull, 3, 0, "W", 0.4, true},
	{"1.002445", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "y_te", models.OnlineFull, 5, 0, "W", 1.5, false},

	// City departments: about 30%.
	{"2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "tu_phap", models.OnlineFull, 10, 200000, "STP", 4, false},
	{"2.000528", "Yêu cầu trợ giúp pháp lý", "tu_phap", models.OnlinePartial, 2, 0, "STP", 0.4, false},
	{"1.002804", "Đổi giấy phép lái xe do ngành giao thông vận tải cấp", "giao_thong_van_tai", models.OnlineFull, 5, 135000, "SXD", 5, false},
	{"1.002809", "Cấp lại giấy phép lái xe", "giao_thong_van_tai", models.OnlineFull, 10, 135000, "SXD", 1, false},
	{"1.002861", "Cấp phù hiệu xe kinh doanh vận tải", "giao_thong_van_tai", models.OnlineFull, 2, 0, "SXD", 1, false},
	{"1.001005", "Cấp giấy phép xây dựng công trình", "xay_dung", models.OnlinePartial, 20, 0, "SXD", 0.6, false},
	{"1.004269", "Đăng ký biến động đất đai đối với tổ chức", "dat_dai", models.OnlinePartial, 10, 0, "SNNMT", 0.8, false},
	{"1.010727", "Cấp giấy phép môi trường", "tai_nguyen_moi_truong", models.OnlinePartial, 20, 0, "SNNMT", 0.2, false},
	{"1.008003", "Cấp giấy phép khai thác nước dưới đất", "tai_nguyen_moi_truong", models.OnlineNone, 20, 0, "SNNMT", 0.1, false},
	{"1.003984", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản", "nong_nghiep", models.OnlinePartial, 15, 0, "SNNMT", 0.3, false},
	{"2.001610", "Đăng ký thành lập công ty TNHH một thành viên", "dang_ky_kinh_doanh", models.OnlineFull, 3, 50000, "STC", 1.6, false},
	{"2.002036", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "dang_ky_kinh_doanh", models.OnlineFull, 3, 50000, "STC", 2.2, false},
	{"1.005416", "Cấp mã số đơn vị có quan hệ với ngân sách", "tai_chinh", models.OnlineFull, 2, 0, "STC", 0.3, false},
	{"1.004546", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "y_te", models.OnlinePartial, 20, 360000, "SYT", 0.4, false},
	{"1.004580", "Cấp giấy phép hoạt động phòng khám", "y_te", models.OnlinePartial, 30, 0, "SYT", 0.15, false},
	{"2.000913", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược", "y_te", models.OnlinePartial, 20, 0, "SYT", 0.25, false},
	{"1.001731", "Tiếp nhận đối tượng bảo trợ xã hội vào cơ sở trợ giúp xã hội", "bao_tro_xa_hoi", models.OnlineNone, 7, 0, "SYT", 0.1, false},
	{"1.005049", "Công nhận văn bằng tốt nghiệp do cơ sở giáo dục nước ngoài cấp", "giao_duc", models.OnlineFull, 20, 0, "SGDDT", 0.2, false},
	{"1.005349", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "giao_duc", models.OnlineFull, 1, 0, "SGDDT", 0.6, true},
	{"1.005355", "Chuyển trường đối với học sinh trung học phổ thông", "giao_duc", models.OnlineFull, 3, 0, "SGDDT", 0.3, true},
	{"1.001241", "Cấp giấy phép bán lẻ sản phẩm rượu", "cong_thuong", models.OnlineFull, 10, 1200000, "SCT", 0.2, false},
	{"2.000199", "Đăng ký thực hiện khuyến mại", "cong_thuong", models.OnlineFull, 5, 0, "SCT", 0.6, false},
	{"1.001978", "Giải quyết hưởng trợ cấp thất nghiệp", "lao_dong_viec_lam", models.OnlinePartial, 20, 0, "SNV", 2, false},
	{"1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài", "lao_dong_viec_lam", models.OnlineFull, 5, 600000, "SNV", 0.5, false},
	{"1.010801", "Giải quyết chế độ ưu đãi đối với người có công", "nguoi_co_cong", models.OnlineNone, 12, 0, "SNV", 0.15, false},
	{"1.009397", "Thông báo tổ chức biểu diễn nghệ thuật", "van_hoa_the_thao_du_lich", models.OnlineFull, 5, 0, "SVHTT", 0.2, false},
	{"1.001432", "Cấp thẻ hướng dẫn viên du lịch nội địa", "van_hoa_the_thao_du_lich", models.OnlineFull, 10, 650000, "SDL", 0.1, false},
	{"1.004477", "Đăng ký hợp đồng chuyển giao công nghệ", "khac", models.OnlineFull, 7, 0, "SKHCN", 0.1, false},
	{"1.008432", "Cung cấp thông tin quy hoạch", "xay_dung", models.OnlineFull, 7, 0, "SQHKT", 0.8, false},
	{"1.001023", "Cho phép tổ chức hội nghị, hội thảo quốc tế", "khac", models.OnlineFull, 10, 0, "SNGV", 0.05, false},
	{"1.001090", "Đăng ký sinh hoạt tôn giáo tập trung", "khac", models.OnlinePartial, 20, 0, "SDTTG", 0.03, false},
	{"2.002385", "Cấp hộ chiếu phổ thông", "khac", models.OnlineFull, 8, 200000, "CA", 2.5, false},
	{"1.011472", "Đăng ký, cấp biển số xe", "giao_thong_van_tai", models.OnlinePartial, 2, 0, "CA", 2, false},
	{"2.000591", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "y_te", models.OnlinePartial, 15, 0, "BQLATTP", 0.3, false},
	{"1.009645", "Cấp giấy phép lao động cho người nước ngoài làm việc trong khu chế xuất, khu công nghiệp", "lao_dong_viec_lam", models.OnlineFull, 5, 0, "HEPZA", 0.2, false},
	{"1.009759", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư trong khu công nghệ cao", "khac", models.OnlineFull, 10, 0, "SHTP", 0.05, false},
}

// SimProcedures returns the simulator's procedure catalogue as rows of the procedures table
// (version 1, active), sorted by code: what a demo deployment loads beside the simulated
// dossiers so that the 766 online-service indicators have a catalogue to divide by.
func SimProcedures() []models.Procedure {
	out := make([]models.Procedure, 0, len(simProcedures))
	for _, p := range simProcedures {
		out = append(out, models.Procedure{Code: p.code, Name: p.name, Field: p.field, OnlineLevel: string(p.level),
			ProcessingDays: uint16(p.days), FeeVND: p.fee, Active: true, Version: 1})
	}
	slices.SortFunc(out, func(a, b models.Procedure) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// simCategory is a top-level petition category: its share of petitions, its subcategories and
// who handles it.
type simCategory struct {
	code   string
	weight float64 // percent of petitions (DOMAIN §2, Portal 1022's monthly mix)
	subs   []string
	// dept is the department key that handles the category (a share deptShare of it); the rest
	// goes to the ward's people's committee.
	dept      string
	deptShare float64
}

var simCategories = []simCategory{
	{"hanh_chinh_cong", 42, nil, "STP", 0.25},
	{"ha_tang_do_thi", 18, []string{"duong_sa", "ho_ga", "chieu_sang", "thoat_nuoc", "cay_xanh"}, "SXD", 0.2},
	{"tieng_on", 9, []string{"karaoke", "karaoke", "karaoke", "cong_trinh_xay_dung"}, "", 0},
	{"giao_thong", 8, []string{"xe_buyt", "xe_buyt", "xe_buyt", "xe_buyt", "xe_buyt", "un_tac", "den_tin_hieu"}, "SXD", 0.8},
	{"trat_tu_do_thi", 6, []string{"lan_chiem_via_he", "lan_chiem_via_he", "xay_dung_trai_phep"}, "", 0},
	{"ngap_nuoc", 3, nil, "SXD", 0.3},
	{"moi_truong", 4, []string{"rac_thai", "rac_thai", "o_nhiem"}, "SNNMT", 0.35},
	{"y_te", 2, nil, "SYT", 0.7},
	{"giao_duc", 1.5, nil, "SGDDT", 0.6},
	{"du_lich", 1, nil, "SDL", 0.8},
	{"an_ninh_trat_tu", 1.5, nil, "CA", 0.5},
	{"gui_lanh_dao_thanh_pho", 1, nil, "VP", 1},
	{"khac", 2, nil, "", 0},
}

// simTopics are the post topics: petition category codes, so that posts and petitions of a ward
// line up. weight is the share of posts in percent.
var simTopics = [...]struct {
	code    string
	weight  float64
	negBias float64 // added to the negative share of the topic's posts
}{
	{"hanh_chinh_cong", 22, 0},
	{"ha_tang_do_thi", 12, 0.1},
	{"giao_thong", 16, 0.15},
	{"ngap_nuoc", 6, 0.3},
	{"moi_truong", 8, 0.1},
	{"tieng_on", 5, 0.25},
	{"trat_tu_do_thi", 6, 0.1},
	{"y_te", 7, 0},
	{"giao_duc", 6, 0},
	{"du_lich", 8, -0.15},
	{"an_ninh_trat_tu", 4, 0.15},
}

// simLowLyingNames are wards that flood: a few more are drawn per seed (simWorld.traits).
var simLowLyingNames = []string{
	// Ho Chi Minh City wards known for flooding after heavy rain or high tides
	// (former districts 7, 8, Bình Thạnh, Thủ Đức, Nhà Bè, Bình Chánh, Bình Tân).
	"Bình Thạnh", "Thạnh Mỹ Tây", "Gia Định", "Bình Quới", "Thủ Đức", "Hiệp Bình", "Tam Bình",
	"Linh Xuân", "Phước Long", "An Khánh", "Tân Thuận", "Tân Hưng", "Tân Mỹ", "Phú Thuận", "Nhà Bè",
	"Hiệp Phước", "Chánh Hưng", "Bình Đông", "Phú Định", "Bình Hưng", "An Lạc", "Bình Tân",
	"Tân Tạo", "Bình Trị Đông", "Tân Phong", "Cần Giờ",
}
