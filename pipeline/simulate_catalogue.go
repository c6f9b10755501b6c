package pipeline

import (
	"slices"
	"strings"

	"github.com/govpulse/govpulse/models"
)

// The simulator's own catalogue: the procedures a ward or a department of a Vietnamese city
// receives (265 over 25 fields, from the commonest to a long tail that is rarely filed), the
// petition category mix of Portal 1022 and the post topics. Written for the simulator from
// public descriptions, not copied from a list; the codes follow the national format (1.001193 is
// đăng ký khai sinh, 1.004222 đăng ký thường trú, 1.001612 thành lập hộ kinh doanh) but most are
// illustrative, and so are the fees: about 30% of the procedures carry one (DOMAIN §2), among
// them the certified copy, the commonest of all, so about half of the dossiers pay. Processing
// days are working days; fees in đồng. Migration 0010 seeds the same rows into the procedures
// table (a test keeps them equal) and 0011 the fields 0008 lacks.

// simProcedure is a procedure of the catalogue with where it is received and how common it is.
type simProcedure struct {
	code, name, field string
	level             models.OnlineLevel
	days              int    // legal processing time in working days; 0 = the same day
	fee               uint64 // statutory fee; 0 = free
	// at is "W" for every ward's people's committee, else the department key: the part of the
	// unit code after the city prefix ("STP" for H29.STP).
	at     string
	weight float64 // relative share of the city's dossiers: about percent (they sum to ~130)
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

	// Ward people's committees: the long tail (former district procedures included since the
	// two-tier local government of 7/2025).
	{"1.000689", "Đăng ký lại khai sinh", "ho_tich", models.OnlinePartial, 5, 0, "W", 0.3, false},
	{"1.004884", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", "ho_tich", models.OnlinePartial, 3, 0, "W", 0.2, false},
	{"1.004772", "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", "ho_tich", models.OnlinePartial, 3, 0, "W", 0.1, false},
	{"1.000593", "Đăng ký lại kết hôn", "ho_tich", models.OnlinePartial, 5, 0, "W", 0.05, false},
	{"1.005461", "Đăng ký lại khai tử", "ho_tich", models.OnlinePartial, 5, 0, "W", 0.05, false},
	{"1.004837", "Đăng ký giám hộ", "ho_tich", models.OnlinePartial, 3, 0, "W", 0.05, false},
	{"1.004845", "Đăng ký chấm dứt giám hộ", "ho_tich", models.OnlinePartial, 2, 0, "W", 0.02, false},
	{"1.004827", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "ho_tich", models.OnlinePartial, 3, 15000, "W", 0.6, false},
	{"1.001766", "Đăng ký khai sinh có yếu tố nước ngoài", "ho_tich", models.OnlinePartial, 3, 75000, "W", 0.1, false},
	{"1.001695", "Đăng ký kết hôn có yếu tố nước ngoài", "ho_tich", models.OnlinePartial, 10, 1000000, "W", 0.1, false},
	{"1.001702", "Đăng ký khai tử có yếu tố nước ngoài", "ho_tich", models.OnlinePartial, 3, 0, "W", 0.02, false},
	{"1.003583", "Ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài", "ho_tich", models.OnlinePartial, 5, 50000, "W", 0.05, false},
	{"1.001022", "Đăng ký việc nuôi con nuôi trong nước", "ho_tich", models.OnlineNone, 30, 400000, "W", 0.02, false},
	{"2.000884", "Chứng thực bản sao điện tử từ bản chính", "chung_thuc", models.OnlineFull, 0, 2000, "W", 2, false},
	{"2.000843", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật", "chung_thuc", models.OnlineNone, 0, 10000, "W", 0.3, false},
	{"2.000942", "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất, nhà ở", "chung_thuc", models.OnlineNone, 2, 50000, "W", 1.2, false},
	{"2.001019", "Chứng thực văn bản thỏa thuận phân chia di sản", "chung_thuc", models.OnlineNone, 2, 50000, "W", 0.2, false},
	{"2.001009", "Chứng thực văn bản khai nhận di sản", "chung_thuc", models.OnlineNone, 2, 50000, "W", 0.15, false},
	{"2.001016", "Chứng thực di chúc", "chung_thuc", models.OnlineNone, 2, 50000, "W", 0.05, false},
	{"2.000927", "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực", "chung_thuc", models.OnlineNone, 2, 25000, "W", 0.03, false},
	{"2.000992", "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", "chung_thuc", models.OnlineNone, 0, 2000, "W", 0.05, false},
	{"1.004206", "Gia hạn tạm trú", "cu_tru", models.OnlineFull, 3, 0, "W", 0.8, false},
	{"1.004183", "Xóa đăng ký tạm trú", "cu_tru", models.OnlineFull, 1, 0, "W", 0.4, false},
	{"1.004217", "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú", "cu_tru", models.OnlineFull, 3, 0, "W", 0.6, false},
	{"1.004228", "Tách hộ", "cu_tru", models.OnlineFull, 3, 0, "W", 0.5, false},
	{"1.004235", "Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú, tạm trú", "cu_tru", models.OnlineFull, 3, 0, "W", 0.1, false},
	{"1.004167", "Thông báo lưu trú", "cu_tru", models.OnlineFull, 0, 0, "W", 1, false},
	{"1.004242", "Xác nhận thông tin về cư trú", "cu_tru", models.OnlineFull, 1, 0, "W", 1.5, false},
	{"1.004148", "Khai báo tạm vắng", "cu_tru", models.OnlineFull, 1, 0, "W", 0.3, false},
	{"1.001266", "Chấm dứt hoạt động hộ kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "W", 0.5, false},
	{"1.001563", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "W", 0.1, false},
	{"2.000575", "Đăng ký thành lập hợp tác xã", "dang_ky_kinh_doanh", models.OnlineFull, 5, 100000, "W", 0.05, false},
	{"2.000582", "Đăng ký thay đổi nội dung đăng ký hợp tác xã", "dang_ky_kinh_doanh", models.OnlineFull, 5, 0, "W", 0.02, false},
	{"1.012770", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "dat_dai", models.OnlinePartial, 7, 50000, "W", 0.8, false},
	{"1.012775", "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", "dat_dai", models.OnlinePartial, 10, 50000, "W", 0.1, false},
	{"1.012781", "Tách thửa hoặc hợp thửa đất", "dat_dai", models.OnlinePartial, 15, 0, "W", 0.5, false},
	{"1.012785", "Đăng ký chuyển mục đích sử dụng đất không phải xin phép", "dat_dai", models.OnlinePartial, 10, 0, "W", 0.1, false},
	{"1.012796", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", "dat_dai", models.OnlineNone, 20, 0, "W", 0.15, false},
	{"1.012803", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", "dat_dai", models.OnlineFull, 3, 80000, "W", 1, false},
	{"1.012807", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", "dat_dai", models.OnlineFull, 3, 20000, "W", 0.6, false},
	{"1.012812", "Cung cấp thông tin, dữ liệu đất đai", "dat_dai", models.OnlineFull, 2, 0, "W", 0.4, false},
	{"1.012818", "Hòa giải tranh chấp đất đai", "dat_dai", models.OnlineNone, 30, 0, "W", 0.05, false},
	{"1.012823", "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân", "dat_dai", models.OnlinePartial, 7, 0, "W", 0.03, false},
	{"1.009997", "Cấp giấy phép sửa chữa, cải tạo nhà ở riêng lẻ", "xay_dung", models.OnlinePartial, 15, 75000, "W", 0.4, false},
	{"1.009981", "Cấp giấy phép xây dựng có thời hạn nhà ở riêng lẻ", "xay_dung", models.OnlinePartial, 15, 75000, "W", 0.15, false},
	{"1.009999", "Gia hạn giấy phép xây dựng nhà ở riêng lẻ", "xay_dung", models.OnlinePartial, 5, 15000, "W", 0.1, false},
	{"1.010002", "Điều chỉnh giấy phép xây dựng nhà ở riêng lẻ", "xay_dung", models.OnlinePartial, 10, 0, "W", 0.1, false},
	{"1.010004", "Cấp giấy phép di dời công trình", "xay_dung", models.OnlineNone, 15, 0, "W", 0.02, false},
	{"1.010020", "Xác nhận đối tượng được hưởng chính sách hỗ trợ về nhà ở xã hội", "xay_dung", models.OnlinePartial, 7, 0, "W", 0.2, false},
	{"1.011495", "Cấp phép sử dụng tạm thời một phần lòng đường, hè phố", "giao_thong_van_tai", models.OnlinePartial, 5, 0, "W", 0.1, false},
	{"1.001758", "Điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", "bao_tro_xa_hoi", models.OnlinePartial, 10, 0, "W", 0.3, false},
	{"1.001753", "Chi trả trợ cấp xã hội hằng tháng khi đối tượng thay đổi nơi cư trú", "bao_tro_xa_hoi", models.OnlinePartial, 10, 0, "W", 0.1, false},
	{"1.001699", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", "bao_tro_xa_hoi", models.OnlinePartial, 25, 0, "W", 0.4, false},
	{"1.001739", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "bao_tro_xa_hoi", models.OnlinePartial, 5, 0, "W", 0.1, false},
	{"1.003515", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", "bao_tro_xa_hoi", models.OnlinePartial, 10, 0, "W", 0.15, false},
	{"1.003520", "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", "bao_tro_xa_hoi", models.OnlinePartial, 10, 0, "W", 0.05, false},
	{"1.001945", "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", "bao_tro_xa_hoi", models.OnlinePartial, 10, 0, "W", 0.02, false},
	{"1.004944", "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại", "bao_tro_xa_hoi", models.OnlineNone, 1, 0, "W", 0.01, false},
	{"1.010814", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "nguoi_co_cong", models.OnlineNone, 12, 0, "W", 0.1, false},
	{"1.010820", "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ", "nguoi_co_cong", models.OnlinePartial, 5, 0, "W", 0.05, false},
	{"1.010842", "Hỗ trợ cải thiện nhà ở đối với người có công với cách mạng", "nguoi_co_cong", models.OnlineNone, 15, 0, "W", 0.02, false},
	{"1.004440", "Tuyển sinh vào nhà trẻ, mẫu giáo", "giao_duc", models.OnlineFull, 3, 0, "W", 0.3, true},
	{"1.005098", "Xin học lại tại trường khác đối với học sinh trung học cơ sở", "giao_duc", models.OnlineFull, 3, 0, "W", 0.03, true},
	{"1.004498", "Xét, cấp hỗ trợ chi phí học tập cho học sinh", "giao_duc", models.OnlinePartial, 10, 0, "W", 0.1, false},
	{"1.004492", "Cho phép nhóm trẻ, lớp mẫu giáo độc lập tư thục hoạt động", "giao_duc", models.OnlinePartial, 15, 0, "W", 0.02, false},
	{"1.004485", "Cho phép trường mầm non tư thục hoạt động giáo dục", "giao_duc", models.OnlineNone, 20, 0, "W", 0.01, false},
	{"1.003340", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống", "y_te", models.OnlinePartial, 15, 700000, "W", 0.3, false},
	{"1.003345", "Xác nhận kiến thức về an toàn thực phẩm", "y_te", models.OnlineFull, 5, 30000, "W", 0.2, false},
	{"1.009410", "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", "van_hoa_the_thao_du_lich", models.OnlinePartial, 5, 4000000, "W", 0.03, false},
	{"1.009402", "Đăng ký tổ chức lễ hội", "van_hoa_the_thao_du_lich", models.OnlinePartial, 15, 0, "W", 0.01, false},
	{"1.010732", "Đăng ký môi trường", "tai_nguyen_moi_truong", models.OnlineFull, 15, 0, "W", 0.1, false},
	{"1.008030", "Đăng ký khai thác nước dưới đất", "tai_nguyen_moi_truong", models.OnlineFull, 10, 0, "W", 0.02, false},
	{"1.004015", "Hỗ trợ khôi phục sản xuất nông nghiệp vùng bị thiệt hại do thiên tai, dịch bệnh", "nong_nghiep", models.OnlinePartial, 10, 0, "W", 0.02, false},
	{"1.004020", "Kê khai hoạt động chăn nuôi", "nong_nghiep", models.OnlineFull, 1, 0, "W", 0.01, false},
	{"1.003890", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", "noi_vu", models.OnlineNone, 20, 0, "W", 0.05, false},
	{"1.001095", "Thông báo danh mục hoạt động tôn giáo định kỳ", "dan_toc_ton_giao", models.OnlinePartial, 0, 0, "W", 0.01, false},
	{"1.001115", "Đăng ký sinh hoạt tín ngưỡng", "dan_toc_ton_giao", models.OnlinePartial, 15, 0, "W", 0.005, false},
	{"2.002160", "Giải quyết khiếu nại lần đầu tại cấp xã", "thanh_tra", models.OnlineNone, 30, 0, "W", 0.05, false},
	{"2.002170", "Giải quyết tố cáo tại cấp xã", "thanh_tra", models.OnlineNone, 30, 0, "W", 0.02, false},

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
	{"1.004477", "Đăng ký hợp đồng chuyển giao công nghệ", "khoa_hoc_cong_nghe", models.OnlineFull, 7, 0, "SKHCN", 0.1, false},
	{"1.008432", "Cung cấp thông tin quy hoạch", "xay_dung", models.OnlineFull, 7, 0, "SQHKT", 0.8, false},
	{"1.001023", "Cho phép tổ chức hội nghị, hội thảo quốc tế", "khac", models.OnlineFull, 10, 0, "SNGV", 0.05, false},
	{"1.001090", "Đăng ký sinh hoạt tôn giáo tập trung", "dan_toc_ton_giao", models.OnlinePartial, 20, 0, "SDTTG", 0.03, false},
	{"2.002385", "Cấp hộ chiếu phổ thông", "xuat_nhap_canh", models.OnlineFull, 8, 200000, "CA", 2.5, false},
	{"1.011472", "Đăng ký, cấp biển số xe", "giao_thong_van_tai", models.OnlinePartial, 2, 0, "CA", 2, false},
	{"2.000591", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "y_te", models.OnlinePartial, 15, 0, "BQLATTP", 0.3, false},
	{"1.009645", "Cấp giấy phép lao động cho người nước ngoài làm việc trong khu chế xuất, khu công nghiệp", "lao_dong_viec_lam", models.OnlineFull, 5, 0, "HEPZA", 0.2, false},
	{"1.009759", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư trong khu công nghệ cao", "khac", models.OnlineFull, 10, 0, "SHTP", 0.05, false},

	// City departments: the long tail.
	{"2.001420", "Cấp Phiếu lý lịch tư pháp cho người nước ngoài đã hoặc đang cư trú tại Việt Nam", "tu_phap", models.OnlineFull, 10, 200000, "STP", 0.1, false},
	{"2.001425", "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị – xã hội", "tu_phap", models.OnlinePartial, 10, 0, "STP", 0.3, false},
	{"2.000789", "Đăng ký hành nghề và cấp Thẻ công chứng viên", "tu_phap", models.OnlinePartial, 10, 0, "STP", 0.02, false},
	{"2.000635", "Cấp giấy đăng ký hoạt động của Văn phòng công chứng", "tu_phap", models.OnlinePartial, 10, 1000000, "STP", 0.01, false},
	{"2.000706", "Đăng ký hoạt động của tổ chức hành nghề luật sư", "tu_phap", models.OnlinePartial, 10, 100000, "STP", 0.03, false},
	{"2.000552", "Thay đổi người thực hiện trợ giúp pháp lý", "tu_phap", models.OnlinePartial, 3, 0, "STP", 0.01, false},
	{"2.000488", "Bổ nhiệm giám định viên tư pháp", "tu_phap", models.OnlineNone, 20, 0, "STP", 0.01, false},
	{"2.001898", "Xác nhận có quốc tịch Việt Nam", "tu_phap", models.OnlinePartial, 20, 100000, "STP", 0.02, false},
	{"2.001905", "Xác nhận là người gốc Việt Nam", "tu_phap", models.OnlinePartial, 20, 100000, "STP", 0.01, false},
	{"1.002830", "Cấp giấy phép lái xe", "giao_thong_van_tai", models.OnlinePartial, 10, 135000, "SXD", 0.5, false},
	{"1.002835", "Cấp giấy phép lái xe quốc tế", "giao_thong_van_tai", models.OnlineFull, 5, 135000, "SXD", 0.3, false},
	{"1.002840", "Cấp giấy phép xe tập lái", "giao_thong_van_tai", models.OnlineFull, 1, 0, "SXD", 0.03, false},
	{"1.002856", "Cấp giấy phép kinh doanh vận tải bằng xe ô tô", "giao_thong_van_tai", models.OnlineFull, 5, 200000, "SXD", 0.2, false},
	{"1.002869", "Cấp lại phù hiệu xe kinh doanh vận tải", "giao_thong_van_tai", models.OnlineFull, 2, 0, "SXD", 0.2, false},
	{"1.001035", "Cấp giấy phép thi công công trình trên đường bộ đang khai thác", "giao_thong_van_tai", models.OnlineFull, 7, 0, "SXD", 0.15, false},
	{"1.001040", "Chấp thuận vị trí đấu nối tạm thời vào đường bộ đang khai thác", "giao_thong_van_tai", models.OnlinePartial, 10, 0, "SXD", 0.03, false},
	{"1.004088", "Đăng ký phương tiện thủy nội địa lần đầu", "giao_thong_van_tai", models.OnlinePartial, 3, 70000, "SXD", 0.05, false},
	{"1.009972", "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng", "xay_dung", models.OnlinePartial, 30, 0, "SXD", 0.1, false},
	{"1.009975", "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở", "xay_dung", models.OnlinePartial, 30, 0, "SXD", 0.08, false},
	{"1.009990", "Cấp chứng chỉ hành nghề hoạt động xây dựng", "xay_dung", models.OnlineFull, 20, 300000, "SXD", 0.2, false},
	{"1.009992", "Cấp chứng chỉ năng lực hoạt động xây dựng", "xay_dung", models.OnlineFull, 20, 1000000, "SXD", 0.05, false},
	{"1.010006", "Kiểm tra công tác nghiệm thu hoàn thành công trình xây dựng", "xay_dung", models.OnlineNone, 20, 0, "SXD", 0.05, false},
	{"1.010030", "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, thuê mua", "xay_dung", models.OnlinePartial, 15, 0, "SXD", 0.03, false},
	{"1.008440", "Thẩm định, phê duyệt nhiệm vụ và đồ án quy hoạch chi tiết", "xay_dung", models.OnlineNone, 25, 0, "SQHKT", 0.03, false},
	{"1.008445", "Cấp giấy phép quy hoạch dự án đầu tư xây dựng", "xay_dung", models.OnlinePartial, 20, 2000000, "SQHKT", 0.03, false},
	{"1.008451", "Cấp chứng chỉ quy hoạch xây dựng", "xay_dung", models.OnlineFull, 15, 0, "SQHKT", 0.05, false},
	{"1.012830", "Giao đất, cho thuê đất đối với tổ chức", "dat_dai", models.OnlineNone, 20, 0, "SNNMT", 0.03, false},
	{"1.012834", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu đối với tổ chức", "dat_dai", models.OnlinePartial, 20, 0, "SNNMT", 0.05, false},
	{"1.010737", "Cấp lại giấy phép môi trường", "tai_nguyen_moi_truong", models.OnlinePartial, 20, 0, "SNNMT", 0.03, false},
	{"1.010742", "Thẩm định báo cáo đánh giá tác động môi trường", "tai_nguyen_moi_truong", models.OnlinePartial, 45, 0, "SNNMT", 0.02, false},
	{"1.008008", "Gia hạn, điều chỉnh giấy phép khai thác nước dưới đất", "tai_nguyen_moi_truong", models.OnlineNone, 20, 0, "SNNMT", 0.03, false},
	{"1.008015", "Cấp giấy phép thăm dò nước dưới đất", "tai_nguyen_moi_truong", models.OnlineNone, 20, 0, "SNNMT", 0.02, false},
	{"1.008020", "Cấp giấy phép xả nước thải vào nguồn nước", "tai_nguyen_moi_truong", models.OnlineNone, 20, 0, "SNNMT", 0.02, false},
	{"1.008025", "Cấp giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường", "tai_nguyen_moi_truong", models.OnlineNone, 30, 0, "SNNMT", 0.005, false},
	{"1.003990", "Cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", "nong_nghiep", models.OnlinePartial, 20, 500000, "SNNMT", 0.03, false},
	{"1.003995", "Cấp Giấy chứng nhận đủ điều kiện buôn bán phân bón", "nong_nghiep", models.OnlinePartial, 15, 500000, "SNNMT", 0.03, false},
	{"1.004000", "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh", "nong_nghiep", models.OnlineFull, 1, 0, "SNNMT", 0.2, false},
	{"1.004005", "Cấp chứng chỉ hành nghề thú y", "nong_nghiep", models.OnlinePartial, 5, 0, "SNNMT", 0.01, false},
	{"1.004010", "Cấp Giấy chứng nhận cơ sở an toàn dịch bệnh động vật", "nong_nghiep", models.OnlinePartial, 15, 0, "SNNMT", 0.01, false},
	{"2.002002", "Đăng ký thành lập công ty TNHH hai thành viên trở lên", "dang_ky_kinh_doanh", models.OnlineFull, 3, 50000, "STC", 0.5, false},
	{"2.002008", "Đăng ký thành lập công ty cổ phần", "dang_ky_kinh_doanh", models.OnlineFull, 3, 50000, "STC", 0.6, false},
	{"2.002038", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "STC", 0.5, false},
	{"2.002044", "Thông báo thay đổi nội dung đăng ký doanh nghiệp", "dang_ky_kinh_doanh", models.OnlineFull, 3, 0, "STC", 0.5, false},
	{"2.002050", "Giải thể doanh nghiệp", "dang_ky_kinh_doanh", models.OnlineFull, 5, 0, "STC", 0.3, false},
	{"2.002059", "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh", "dang_ky_kinh_doanh", models.OnlineFull, 3, 50000, "STC", 0.5, false},
	{"1.005420", "Cấp mã số đơn vị có quan hệ với ngân sách cho dự án đầu tư", "tai_chinh", models.OnlineFull, 2, 0, "STC", 0.1, false},
	{"2.001625", "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư", "tai_chinh", models.OnlinePartial, 15, 0, "STC", 0.1, false},
	{"2.001643", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", "tai_chinh", models.OnlinePartial, 10, 0, "STC", 0.1, false},
	{"1.005433", "Xác lập quyền sở hữu toàn dân đối với tài sản", "tai_chinh", models.OnlineNone, 30, 0, "STC", 0.02, false},
	{"1.005429", "Thẩm tra, phê duyệt quyết toán dự án hoàn thành sử dụng vốn nhà nước", "tai_chinh", models.OnlineNone, 60, 0, "STC", 0.05, false},
	{"1.004549", "Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh", "y_te", models.OnlinePartial, 10, 150000, "SYT", 0.1, false},
	{"1.004596", "Cấp giấy phép hoạt động đối với cơ sở dịch vụ y tế", "y_te", models.OnlinePartial, 30, 0, "SYT", 0.03, false},
	{"1.004600", "Cấp chứng chỉ hành nghề dược", "y_te", models.OnlineFull, 20, 500000, "SYT", 0.2, false},
	{"1.004605", "Cấp giấy xác nhận nội dung quảng cáo mỹ phẩm", "y_te", models.OnlineFull, 10, 1100000, "SYT", 0.1, false},
	{"1.004608", "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm", "y_te", models.OnlineFull, 3, 500000, "SYT", 0.3, false},
	{"1.004615", "Công bố cơ sở đủ điều kiện thực hiện tiêm chủng", "y_te", models.OnlineFull, 3, 0, "SYT", 0.01, false},
	{"2.000286", "Cấp giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập", "bao_tro_xa_hoi", models.OnlinePartial, 15, 0, "SYT", 0.005, false},
	{"2.000596", "Đăng ký bản công bố sản phẩm thực phẩm", "y_te", models.OnlineFull, 7, 500000, "BQLATTP", 0.2, false},
	{"2.000601", "Cấp Giấy xác nhận nội dung quảng cáo thực phẩm", "y_te", models.OnlineFull, 10, 1000000, "BQLATTP", 0.05, false},
	{"1.005360", "Tuyển sinh vào lớp 10 trung học phổ thông", "giao_duc", models.OnlineFull, 5, 0, "SGDDT", 0.5, true},
	{"1.005385", "Đăng ký dự thi tốt nghiệp trung học phổ thông", "giao_duc", models.OnlineFull, 5, 0, "SGDDT", 0.5, true},
	{"1.005380", "Phúc khảo bài thi tốt nghiệp trung học phổ thông", "giao_duc", models.OnlineFull, 10, 0, "SGDDT", 0.2, true},
	{"1.005365", "Chỉnh sửa nội dung văn bằng, chứng chỉ", "giao_duc", models.OnlinePartial, 5, 0, "SGDDT", 0.1, false},
	{"1.005375", "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", "giao_duc", models.OnlinePartial, 15, 0, "SGDDT", 0.03, false},
	{"1.001246", "Cấp giấy phép bán buôn sản phẩm rượu", "cong_thuong", models.OnlineFull, 15, 2200000, "SCT", 0.03, false},
	{"1.001251", "Cấp giấy phép bán lẻ sản phẩm thuốc lá", "cong_thuong", models.OnlineFull, 10, 1100000, "SCT", 0.1, false},
	{"2.000210", "Thông báo thực hiện khuyến mại", "cong_thuong", models.OnlineFull, 0, 0, "SCT", 0.4, false},
	{"2.000215", "Đăng ký tổ chức hội chợ, triển lãm thương mại", "cong_thuong", models.OnlineFull, 7, 0, "SCT", 0.05, false},
	{"2.000205", "Đăng ký hợp đồng theo mẫu, điều kiện giao dịch chung", "cong_thuong", models.OnlineFull, 15, 0, "SCT", 0.02, false},
	{"1.001260", "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai", "cong_thuong", models.OnlinePartial, 15, 1200000, "SCT", 0.02, false},
	{"1.001265", "Cấp giấy phép hoạt động điện lực", "cong_thuong", models.OnlinePartial, 15, 800000, "SCT", 0.01, false},
	{"1.001270", "Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài", "cong_thuong", models.OnlinePartial, 15, 3000000, "SCT", 0.05, false},
	{"1.001275", "Cấp giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài", "cong_thuong", models.OnlinePartial, 7, 3000000, "SCT", 0.05, false},
	{"1.000459", "Gia hạn giấy phép lao động cho người lao động nước ngoài", "lao_dong_viec_lam", models.OnlineFull, 5, 450000, "SNV", 0.2, false},
	{"1.000086", "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", "lao_dong_viec_lam", models.OnlineFull, 5, 300000, "SNV", 0.1, false},
	{"1.009811", "Chấp thuận nhu cầu sử dụng người lao động nước ngoài", "lao_dong_viec_lam", models.OnlineFull, 10, 0, "SNV", 0.1, false},
	{"1.001973", "Tạm dừng hưởng trợ cấp thất nghiệp", "lao_dong_viec_lam", models.OnlinePartial, 3, 0, "SNV", 0.2, false},
	{"1.001966", "Chuyển nơi hưởng trợ cấp thất nghiệp", "lao_dong_viec_lam", models.OnlinePartial, 3, 0, "SNV", 0.05, false},
	{"1.001881", "Hỗ trợ học nghề cho người đang hưởng trợ cấp thất nghiệp", "lao_dong_viec_lam", models.OnlinePartial, 15, 0, "SNV", 0.05, false},
	{"1.009467", "Đăng ký nội quy lao động của doanh nghiệp", "lao_dong_viec_lam", models.OnlineFull, 7, 0, "SNV", 0.1, false},
	{"1.000479", "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp", "lao_dong_viec_lam", models.OnlinePartial, 7, 0, "SNV", 0.01, false},
	{"1.009472", "Cấp giấy phép hoạt động cho thuê lại lao động", "lao_dong_viec_lam", models.OnlinePartial, 20, 0, "SNV", 0.01, false},
	{"1.010830", "Cấp lại, cấp đổi Bằng Tổ quốc ghi công", "nguoi_co_cong", models.OnlineNone, 20, 0, "SNV", 0.01, false},
	{"1.010834", "Công nhận và giải quyết chế độ ưu đãi người hoạt động kháng chiến bị nhiễm chất độc hóa học", "nguoi_co_cong", models.OnlineNone, 30, 0, "SNV", 0.02, false},
	{"1.010838", "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú", "nguoi_co_cong", models.OnlinePartial, 10, 0, "SNV", 0.02, false},
	{"1.003860", "Thành lập hội", "noi_vu", models.OnlineNone, 30, 0, "SNV", 0.005, false},
	{"1.003865", "Phê duyệt điều lệ hội", "noi_vu", models.OnlineNone, 30, 0, "SNV", 0.01, false},
	{"1.003875", "Cấp giấy phép thành lập và công nhận điều lệ quỹ", "noi_vu", models.OnlineNone, 30, 0, "SNV", 0.003, false},
	{"1.003885", "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh", "noi_vu", models.OnlineNone, 20, 0, "SNV", 0.05, false},
	{"1.003900", "Tiếp nhận vào làm công chức", "noi_vu", models.OnlineNone, 30, 0, "SNV", 0.01, false},
	{"1.003910", "Cấp bản sao và chứng thực tài liệu lưu trữ", "noi_vu", models.OnlinePartial, 1, 0, "SNV", 0.05, false},
	{"1.009415", "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ vũ trường", "van_hoa_the_thao_du_lich", models.OnlinePartial, 5, 15000000, "SVHTT", 0.003, false},
	{"1.009420", "Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "van_hoa_the_thao_du_lich", models.OnlinePartial, 7, 0, "SVHTT", 0.03, false},
	{"1.009425", "Cấp giấy phép triển lãm tác phẩm nhiếp ảnh tại Việt Nam", "van_hoa_the_thao_du_lich", models.OnlinePartial, 7, 0, "SVHTT", 0.01, false},
	{"1.009430", "Thông báo sản phẩm quảng cáo trên bảng quảng cáo, băng-rôn", "van_hoa_the_thao_du_lich", models.OnlineFull, 5, 0, "SVHTT", 0.2, false},
	{"1.001437", "Cấp thẻ hướng dẫn viên du lịch quốc tế", "van_hoa_the_thao_du_lich", models.OnlineFull, 10, 650000, "SDL", 0.05, false},
	{"1.001442", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "van_hoa_the_thao_du_lich", models.OnlineFull, 10, 3000000, "SDL", 0.03, false},
	{"1.001447", "Công nhận hạng cơ sở lưu trú du lịch 1 sao, 2 sao", "van_hoa_the_thao_du_lich", models.OnlinePartial, 30, 1500000, "SDL", 0.02, false},
	{"1.001452", "Cấp đổi thẻ hướng dẫn viên du lịch", "van_hoa_the_thao_du_lich", models.OnlineFull, 10, 650000, "SDL", 0.03, false},
	{"1.001457", "Công nhận điểm du lịch", "van_hoa_the_thao_du_lich", models.OnlineNone, 30, 0, "SDL", 0.002, false},
	{"1.004482", "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ", "khoa_hoc_cong_nghe", models.OnlinePartial, 7, 0, "SKHCN", 0.01, false},
	{"1.004487", "Cấp giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế", "khoa_hoc_cong_nghe", models.OnlineFull, 10, 0, "SKHCN", 0.05, false},
	{"1.004501", "Cấp chứng chỉ nhân viên bức xạ", "khoa_hoc_cong_nghe", models.OnlineFull, 10, 0, "SKHCN", 0.05, false},
	{"1.004506", "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ", "khoa_hoc_cong_nghe", models.OnlineFull, 5, 0, "SKHCN", 0.02, false},
	{"1.004511", "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", "khoa_hoc_cong_nghe", models.OnlinePartial, 15, 0, "SKHCN", 0.01, false},
	{"1.004516", "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp", "khoa_hoc_cong_nghe", models.OnlineFull, 15, 0, "SKHCN", 0.02, false},
	{"1.004521", "Cấp giấy phép xuất bản bản tin", "khoa_hoc_cong_nghe", models.OnlinePartial, 10, 0, "SKHCN", 0.01, false},
	{"1.004526", "Cấp giấy phép hoạt động in", "khoa_hoc_cong_nghe", models.OnlinePartial, 10, 0, "SKHCN", 0.01, false},
	{"1.001028", "Cho phép sử dụng thẻ đi lại của doanh nhân APEC", "khac", models.OnlinePartial, 15, 0, "SNGV", 0.05, false},
	{"1.001100", "Đăng ký hoạt động tôn giáo ngoài cơ sở tôn giáo", "dan_toc_ton_giao", models.OnlinePartial, 15, 0, "SDTTG", 0.005, false},
	{"1.001105", "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký", "dan_toc_ton_giao", models.OnlinePartial, 15, 0, "SDTTG", 0.01, false},
	{"1.001110", "Đăng ký người được bổ nhiệm, bầu cử, suy cử làm chức việc", "dan_toc_ton_giao", models.OnlinePartial, 20, 0, "SDTTG", 0.005, false},
	{"2.002180", "Giải quyết khiếu nại lần hai tại cấp tỉnh", "thanh_tra", models.OnlineNone, 45, 0, "TTTP", 0.02, false},
	{"2.002185", "Giải quyết tố cáo tại cấp tỉnh", "thanh_tra", models.OnlineNone, 30, 0, "TTTP", 0.01, false},
	{"2.002390", "Khôi phục giá trị sử dụng hộ chiếu phổ thông", "xuat_nhap_canh", models.OnlinePartial, 8, 100000, "CA", 0.02, false},
	{"2.002395", "Gia hạn tạm trú cho người nước ngoài tại Việt Nam", "xuat_nhap_canh", models.OnlinePartial, 5, 250000, "CA", 0.2, false},
	{"2.002400", "Cấp thẻ tạm trú cho người nước ngoài tại Việt Nam", "xuat_nhap_canh", models.OnlinePartial, 5, 3500000, "CA", 0.1, false},
	{"2.002405", "Khai báo tạm trú cho người nước ngoài tại Việt Nam", "xuat_nhap_canh", models.OnlineFull, 0, 0, "CA", 0.3, false},
	{"2.002410", "Cấp thẻ căn cước cho công dân từ đủ 14 tuổi trở lên", "can_cuoc", models.OnlinePartial, 7, 0, "CA", 0.6, false},
	{"2.002415", "Cấp thẻ căn cước cho công dân dưới 14 tuổi", "can_cuoc", models.OnlinePartial, 7, 0, "CA", 0.3, false},
	{"2.002420", "Cấp đổi thẻ căn cước", "can_cuoc", models.OnlinePartial, 7, 50000, "CA", 0.4, false},
	{"2.002425", "Cấp lại thẻ căn cước", "can_cuoc", models.OnlinePartial, 7, 70000, "CA", 0.3, false},
	{"2.002430", "Xác nhận số chứng minh nhân dân, số căn cước công dân", "can_cuoc", models.OnlineFull, 1, 0, "CA", 0.3, false},
	{"1.011480", "Đăng ký sang tên xe", "giao_thong_van_tai", models.OnlinePartial, 2, 0, "CA", 0.5, false},
	{"1.011488", "Thu hồi giấy chứng nhận đăng ký, biển số xe", "giao_thong_van_tai", models.OnlineFull, 2, 0, "CA", 0.4, false},
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
