package pipeline

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Vietnamese text of simulated petitions and posts: templates with {placeholders}, filled with
// the ward, a street, numbers, and rewritten for the habits of social media (no diacritics,
// teencode, emoji). The citizens are synthetic; their phones use the fake range 0900 0xx xxx.

// simTextCtx holds the values a template may use.
type simTextCtx struct {
	r         *rand.Rand
	ward      string // "phường Bến Thành"
	wardFull  string // "Phường Bến Thành"
	at        string // a post's ward mention (" ở P. Bến Thành") or ""
	procedure string
	streets   [2]string // drawn on first use: a title and its content name the same street
}

// render fills the {placeholders} of tpl.
func (c *simTextCtx) render(b *strings.Builder, tpl string) {
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			return
		}
		b.WriteString(tpl[:i])
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			b.WriteString(tpl[i:])
			return
		}
		c.value(b, tpl[i+1:i+j])
		tpl = tpl[i+j+1:]
	}
}

func (c *simTextCtx) value(b *strings.Builder, key string) {
	r := c.r
	switch key {
	case "ward":
		b.WriteString(c.ward)
	case "Ward":
		b.WriteString(c.wardFull)
	case "at":
		b.WriteString(c.at)
	case "street", "street2":
		i := 0
		if key == "street2" {
			i = 1
		}
		for c.streets[i] == "" || (i == 1 && c.streets[1] == c.streets[0]) {
			s := simStreets[r.IntN(len(simStreets))]
			if s == "" {
				s = "số " + strconv.Itoa(1+r.IntN(30))
			}
			c.streets[i] = s
		}
		b.WriteString(c.streets[i])
	case "n":
		b.WriteString(strconv.Itoa(2 + r.IntN(180)))
	case "cm":
		b.WriteString(strconv.Itoa(20 + 10*r.IntN(6)))
	case "days":
		b.WriteString(strconv.Itoa(5 + r.IntN(40)))
	case "minutes":
		b.WriteString(strconv.Itoa(30 + 10*r.IntN(12)))
	case "late":
		b.WriteString(strconv.Itoa(23 + r.IntN(3)))
	case "bus":
		b.WriteString(strconv.Itoa([]int{1, 8, 19, 30, 38, 50, 52, 56, 69, 93, 99, 103, 150}[r.IntN(13)]))
	case "grade":
		b.WriteString([]string{"1", "6", "10"}[r.IntN(3)])
	case "proc":
		b.WriteString(c.procedure)
	case "misc":
		b.WriteString(simMisc[r.IntN(len(simMisc))])
	default:
		b.WriteString("{" + key + "}")
	}
}

var simStreets = []string{
	"Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Lê Duẩn", "Hai Bà Trưng", "Nguyễn Trãi", "Cách Mạng Tháng Tám",
	"Điện Biên Phủ", "Võ Văn Kiệt", "Phạm Văn Đồng", "Nguyễn Văn Linh", "Lý Thường Kiệt", "Nguyễn Thị Minh Khai",
	"Xô Viết Nghệ Tĩnh", "Lê Văn Sỹ", "Hoàng Văn Thụ", "Phan Đăng Lưu", "Nguyễn Oanh", "Quang Trung", "Lê Văn Việt",
	"Kha Vạn Cân", "Huỳnh Tấn Phát", "Nguyễn Hữu Thọ", "Kinh Dương Vương", "Tên Lửa", "Âu Cơ", "Lũy Bán Bích",
	"Trường Chinh", "Cộng Hòa", "Bạch Đằng", "Nguyễn Văn Cừ", "Tôn Đức Thắng", "Phạm Hùng", "Tạ Quang Bửu",
	"Dương Bá Trạc", "Bình Quới", "Đinh Bộ Lĩnh", "Nơ Trang Long", "Lê Hồng Phong", "", "", "",
}

var simMisc = []string{
	"bố trí thêm bãi giữ xe gần chợ", "lắp đặt thêm camera an ninh ở các hẻm", "mở rộng giờ tiếp dân vào thứ Bảy",
	"cải tạo công viên trong khu phố", "tăng cường phòng cháy chữa cháy trong hẻm nhỏ", "đặt thêm thùng rác công cộng",
}

// simPetitionTemplate is a title and a content template of a (sub)category.
type simPetitionTemplate struct{ title, content string }

var simPetitionTemplates = map[string][]simPetitionTemplate{
	"hanh_chinh_cong": {
		{"Phản ánh thời gian giải quyết hồ sơ tại {Ward}", "Tôi nộp hồ sơ {proc} tại Bộ phận một cửa {ward} đã {days} ngày nhưng đến nay chưa nhận được kết quả, cũng không được thông báo lý do. Đề nghị xem xét, giải quyết."},
		{"Kiến nghị về việc tiếp nhận hồ sơ tại {Ward}", "Cán bộ tiếp nhận hồ sơ {proc} tại {ward} hướng dẫn không rõ ràng, yêu cầu bổ sung giấy tờ nhiều lần. Đề nghị chấn chỉnh."},
		{"Hỏi về thủ tục {proc}", "Cho tôi hỏi thủ tục {proc} cần chuẩn bị những giấy tờ gì và có nộp trực tuyến được không? Tôi đang cư trú tại {ward}."},
		{"Không nộp được hồ sơ trực tuyến", "Tôi nộp hồ sơ {proc} trên Cổng dịch vụ công nhưng hệ thống báo lỗi, không thanh toán được lệ phí. Tôi ở {ward}, đề nghị hỗ trợ."},
		{"Đề nghị hướng dẫn {proc}", "Gia đình tôi ở {ward} cần làm {proc}. Xin hướng dẫn thời gian giải quyết và lệ phí."},
	},
	"duong_sa": {
		{"Mặt đường hư hỏng trên đường {street}", "Đoạn đường {street} ({ward}) xuất hiện nhiều ổ gà, ổ voi, nhiều người đi xe máy bị té ngã. Đề nghị sớm sửa chữa."},
		{"Vỉa hè bị đào xới chưa hoàn trả", "Vỉa hè đường {street}, {ward} bị đào để thi công đã {days} ngày nhưng chưa hoàn trả mặt bằng, người đi bộ rất khó khăn."},
	},
	"ho_ga": {
		{"Nắp hố ga bị vỡ trên đường {street}", "Nắp hố ga trước nhà số {n} đường {street}, {ward} bị vỡ, rất nguy hiểm cho người đi đường, nhất là ban đêm."},
	},
	"chieu_sang": {
		{"Đèn đường không sáng tại đường {street}", "Hệ thống đèn chiếu sáng trên đường {street} thuộc {ward} bị hư nhiều ngày, buổi tối rất tối và mất an toàn."},
	},
	"thoat_nuoc": {
		{"Cống thoát nước bị tắc tại đường {street}", "Cống thoát nước đường {street} ({ward}) bị tắc, bốc mùi hôi thối, mưa xuống là nước tràn lên mặt đường."},
	},
	"cay_xanh": {
		{"Cây xanh có nguy cơ ngã đổ trên đường {street}", "Cây xanh trước số {n} đường {street}, {ward} nghiêng nhiều, cành khô sắp gãy. Đề nghị cắt tỉa trước mùa mưa bão."},
	},
	"ha_tang_do_thi": {
		{"Phản ánh hạ tầng tại {Ward}", "Hẻm {n} đường {street} thuộc {ward} xuống cấp, mặt đường lồi lõm, đèn chiếu sáng hư. Đề nghị cải tạo."},
	},
	"ngap_nuoc": {
		{"Ngập nặng sau mưa tại đường {street}", "Sau cơn mưa chiều nay, đường {street} thuộc {ward} ngập sâu khoảng {cm} cm, nhiều xe chết máy, nước tràn vào nhà dân. Đề nghị khẩn trương xử lý."},
		{"Triều cường gây ngập tại {Ward}", "Mỗi lần triều cường, khu dân cư gần đường {street} ({ward}) lại ngập, người dân phải kê đồ đạc lên cao. Đề nghị có giải pháp chống ngập lâu dài."},
		{"Nước ngập không rút tại {Ward}", "Mưa đã tạnh hơn {n} phút nhưng nước trên đường {street}, {ward} vẫn chưa rút, cống thoát nước bị nghẹt rác."},
	},
	"karaoke": {
		{"Karaoke gây ồn đến khuya tại {Ward}", "Nhà số {n} đường {street}, {ward} hát karaoke, mở loa kẹo kéo rất lớn đến {late} giờ đêm, ảnh hưởng giấc ngủ của người già và trẻ nhỏ."},
		{"Loa kẹo kéo gây ồn trong hẻm", "Hẻm {n} đường {street} ({ward}) thường xuyên có người hát loa kẹo kéo từ chiều đến khuya. Đề nghị xử lý dứt điểm."},
	},
	"cong_trinh_xay_dung": {
		{"Công trình thi công gây ồn ban đêm", "Công trình xây dựng trên đường {street} ({ward}) thi công cả ban đêm, tiếng ồn và bụi rất lớn."},
	},
	"tieng_on": {
		{"Tiếng ồn kéo dài tại {Ward}", "Cơ sở kinh doanh trên đường {street}, {ward} mở nhạc lớn đến khuya, người dân không thể nghỉ ngơi."},
	},
	"xe_buyt": {
		{"Phản ánh xe buýt tuyến số {bus}", "Xe buýt tuyến số {bus} không dừng đúng trạm trên đường {street}, tài xế chạy ẩu, phụ xe thái độ không tốt với hành khách."},
		{"Xe buýt tuyến {bus} trễ chuyến", "Tôi chờ xe buýt tuyến {bus} tại trạm đường {street} ({ward}) hơn {minutes} phút mà không có xe, giờ cao điểm rất bất tiện."},
	},
	"un_tac": {
		{"Kẹt xe kéo dài tại đường {street}", "Giờ cao điểm, đường {street} ({ward}) kẹt xe kéo dài hàng giờ. Đề nghị bố trí lực lượng điều tiết giao thông."},
	},
	"den_tin_hieu": {
		{"Đèn tín hiệu giao thông bị hỏng", "Đèn tín hiệu tại giao lộ {street} – {street2} ({ward}) bị hỏng, xe cộ đi lộn xộn rất dễ gây tai nạn."},
	},
	"giao_thong": {
		{"Phản ánh tình hình giao thông tại {Ward}", "Nút giao gần đường {street}, {ward} thường xuyên ùn ứ, biển báo bị che khuất."},
	},
	"lan_chiem_via_he": {
		{"Lấn chiếm vỉa hè trên đường {street}", "Nhiều hộ kinh doanh trên đường {street}, {ward} bày hàng hóa, để xe lấn chiếm hết vỉa hè, người đi bộ phải đi xuống lòng đường."},
	},
	"xay_dung_trai_phep": {
		{"Xây dựng không phép tại {Ward}", "Căn nhà số {n} đường {street} ({ward}) đang xây thêm tầng, không treo biển báo giấy phép xây dựng. Đề nghị kiểm tra."},
	},
	"trat_tu_do_thi": {
		{"Mất trật tự đô thị tại {Ward}", "Chợ tự phát trên đường {street}, {ward} họp cả ngày, xả rác và gây ùn tắc."},
	},
	"rac_thai": {
		{"Rác thải tồn đọng tại đường {street}", "Rác thải tập kết trên đường {street} thuộc {ward} nhiều ngày không được thu gom, bốc mùi hôi, ruồi muỗi nhiều."},
	},
	"o_nhiem": {
		{"Ô nhiễm khói bụi từ cơ sở sản xuất", "Cơ sở sản xuất gần đường {street} ({ward}) thải khói, mùi hôi vào khu dân cư, nhất là buổi tối."},
	},
	"moi_truong": {
		{"Ô nhiễm môi trường tại {Ward}", "Kênh rạch gần đường {street}, {ward} đầy rác và bốc mùi hôi. Đề nghị nạo vét."},
	},
	"y_te": {
		{"Phản ánh thời gian chờ khám tại trạm y tế", "Tôi đưa người nhà đi khám tại trạm y tế {ward}, phải chờ hơn {minutes} phút mới được khám, nhân viên hướng dẫn chưa nhiệt tình."},
		{"Nhiều ca sốt xuất huyết trong khu dân cư", "Khu phố gần đường {street} ({ward}) có nhiều ca sốt xuất huyết, đề nghị phun thuốc diệt muỗi."},
	},
	"giao_duc": {
		{"Hỏi về tuyển sinh đầu cấp", "Con tôi năm nay vào lớp {grade}, gia đình cư trú tại {ward}. Xin hỏi thời gian và cách đăng ký tuyển sinh trực tuyến."},
		{"Phản ánh thu các khoản ngoài quy định", "Trường học trên địa bàn {ward} thu nhiều khoản đầu năm học ngoài quy định. Đề nghị kiểm tra."},
	},
	"du_lich": {
		{"Phản ánh chặt chém du khách", "Một số quán ăn gần đường {street} ({ward}) bán giá cao bất thường cho du khách, không niêm yết giá."},
	},
	"an_ninh_trat_tu": {
		{"Tụ tập đua xe trái phép ban đêm", "Thanh niên thường tụ tập đua xe trên đường {street} ({ward}) sau {late} giờ đêm, gây mất an ninh trật tự."},
	},
	"gui_lanh_dao_thanh_pho": {
		{"Kiến nghị gửi lãnh đạo Thành phố", "Kính gửi lãnh đạo Thành phố, người dân {ward} kiến nghị sớm triển khai dự án cải tạo đường {street}, đã chờ nhiều năm chưa thực hiện."},
	},
	"khac": {
		{"Góp ý của người dân {Ward}", "Tôi là người dân {ward}, xin góp ý về việc {misc}."},
	},
}

// Citizens: common family, middle and given names.
var (
	simFamily = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
		"Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	simMiddle = []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Hữu", "Thu", "Kim", "Đức", "Bảo"}
	simGiven  = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khang", "Lan",
		"Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Nhung", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
		"Tuấn", "Vy", "Yến", "Khoa"}
)

// simCitizen is citizen number id of the city's pool: the same id is the same person (phone and
// name), so repeat petitioners are countable downstream.
func simCitizen(id int) Citizen {
	h := uint64(id)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	h ^= h >> 29
	name := simFamily[h%uint64(len(simFamily))] + " " + simMiddle[(h>>8)%uint64(len(simMiddle))] + " " +
		simGiven[(h>>16)%uint64(len(simGiven))]
	num := strconv.Itoa(100000 + id%100000)[1:]
	return Citizen{Phone: "09000" + num, Name: name}
}

// Posts: per topic, sentences of each polarity. {at} is the ward mention, possibly empty.
type simPostTexts struct{ neg, neu, pos []string }

var simPostTemplates = map[string]simPostTexts{
	"hanh_chinh_cong": {
		neg: []string{
			"Nộp hồ sơ {proc}{at} gần {days} ngày rồi vẫn chưa có kết quả, gọi điện hỏi thì không ai nghe máy. Quá mệt mỏi",
			"Lên {ward} làm giấy tờ mà chờ cả buổi sáng, cán bộ thì bắt bổ sung hết lần này tới lần khác, thật sự bức xúc",
			"Cổng dịch vụ công lại lỗi, không nộp được hồ sơ {proc}, thanh toán cũng không được. Chán thật sự",
			"Thủ tục{at} rườm rà quá, đi lại mấy lần vẫn chưa xong, mất thời gian kinh khủng",
		},
		neu: []string{
			"Cho mình hỏi làm {proc}{at} thì cần mang theo giấy tờ gì ạ?",
			"Thông báo: Bộ phận một cửa{at} tiếp nhận hồ sơ sáng thứ Bảy từ 7 giờ 30 đến 11 giờ 30",
			"Có ai nộp hồ sơ {proc} online chưa, mất mấy ngày thì có kết quả vậy mọi người?",
		},
		pos: []string{
			"Làm {proc}{at} nhanh thật, nộp online buổi sáng chiều đã có kết quả. Cán bộ nhiệt tình, hướng dẫn rất tận tình",
			"Khen cán bộ một cửa{at}, hướng dẫn chu đáo, không phải đi lại nhiều lần. Rất hài lòng",
			"Giờ làm giấy tờ tiện ghê, nộp trực tuyến, thanh toán online, nhận kết quả qua bưu điện. Tuyệt vời",
		},
	},
	"ha_tang_do_thi": {
		neg: []string{
			"Đường {street}{at} ổ gà khắp nơi, tối qua lại có người té xe. Bao giờ mới sửa đây?",
			"Nắp cống trên đường {street}{at} vỡ cả tuần nay không ai xử lý, nguy hiểm quá",
			"Đèn đường{at} hư cả tháng, tối đi về tối om, sợ lắm",
		},
		neu: []string{
			"Đường {street}{at} đang thi công cải tạo vỉa hè, mọi người chú ý đi đường khác nhé",
			"Thông báo lịch cắt tỉa cây xanh trên đường {street}{at} trong tuần này",
		},
		pos: []string{
			"Đường {street}{at} mới trải nhựa lại, đi êm ru, cảm ơn chính quyền",
			"Hẻm nhà mình{at} vừa được lắp đèn mới, sáng sủa sạch đẹp hẳn, rất hài lòng",
		},
	},
	"giao_thong": {
		neg: []string{
			"Kẹt xe trên đường {street}{at} gần 1 tiếng, ngày nào cũng vậy, quá khổ",
			"Xe buýt số {bus} chờ mãi không thấy, tới thì chạy ẩu, tài xế thái độ tệ",
			"Đèn tín hiệu ngã tư {street}{at} hỏng mà không ai điều tiết, xe chạy loạn xạ suýt tông nhau",
			"Đi làm qua {street}{at} kẹt cứng, trễ giờ mấy lần rồi, bực mình ghê",
		},
		neu: []string{
			"Từ ngày mai cấm xe tải trên đường {street}{at} giờ cao điểm, mọi người lưu ý",
			"Tuyến xe buýt số {bus} điều chỉnh lộ trình qua đường {street}",
		},
		pos: []string{
			"Tuyến xe buýt số {bus} giờ xe mới, sạch sẽ, đúng giờ, tài xế lịch sự. Rất tốt",
			"Nút giao {street}{at} mở rộng xong, hết kẹt xe rồi, đi rất thông thoáng",
		},
	},
	"ngap_nuoc": {
		neg: []string{
			"Mưa có 30 phút mà đường {street}{at} ngập tới đầu gối, xe chết máy hàng loạt. Năm nào cũng ngập",
			"Triều cường lại ngập{at}, nước tràn vào nhà, đồ đạc hư hết. Khổ quá",
			"Ngập nặng quá{at}, lội nước về nhà mà muốn khóc, bao giờ mới hết ngập đây",
			"Đường {street}{at} thành sông sau cơn mưa, cống nghẹt rác mà không ai nạo vét",
		},
		neu: []string{
			"Dự báo chiều nay có mưa lớn, các tuyến đường thấp{at} có thể ngập, mọi người chú ý",
			"Lịch triều cường tuần này, khu vực{at} cần đề phòng ngập",
		},
		pos: []string{
			"Từ khi làm cống mới, đường {street}{at} mưa to không còn ngập nữa, cảm ơn thành phố",
			"Hệ thống thoát nước{at} nâng cấp xong, mưa lớn mà nước rút rất nhanh, tuyệt vời",
		},
	},
	"moi_truong": {
		neg: []string{
			"Rác chất đống trên đường {street}{at} cả tuần không ai dọn, hôi thối kinh khủng",
			"Kênh{at} đen ngòm bốc mùi, ruồi muỗi đầy nhà, ô nhiễm quá",
			"Khói bụi từ xưởng gần nhà{at} ngột ngạt, con nhỏ ho suốt, quá bức xúc",
		},
		neu: []string{
			"Lịch thu gom rác{at} thay đổi từ tuần sau, mọi người để rác đúng giờ nhé",
			"Chủ nhật này có ngày hội phân loại rác tại nhà văn hóa{at}",
		},
		pos: []string{
			"Kênh{at} được nạo vét sạch sẽ, giờ đi dạo mát mẻ, rất hài lòng",
			"Khu phố mình{at} sạch đẹp hẳn từ khi có đội thu gom rác mới, cảm ơn mọi người",
		},
	},
	"tieng_on": {
		neg: []string{
			"Hàng xóm hát karaoke tới 12 giờ đêm{at}, báo mấy lần rồi mà vẫn vậy, không ngủ nổi",
			"Loa kẹo kéo{at} ồn ào cả ngày lẫn đêm, quá mệt mỏi",
			"Công trình{at} thi công ban đêm ồn không chịu được, người già trẻ nhỏ mất ngủ",
		},
		neu: []string{
			"Cho hỏi karaoke gây ồn sau 22 giờ{at} thì báo ở đâu ạ?",
		},
		pos: []string{
			"Báo tiếng ồn qua app Công dân số, tối đó công an{at} xuống xử lý ngay, rất nhanh",
		},
	},
	"trat_tu_do_thi": {
		neg: []string{
			"Vỉa hè đường {street}{at} bị lấn chiếm hết, người đi bộ phải đi xuống lòng đường, nguy hiểm",
			"Nhà{at} xây lấn ra hẻm mà không ai xử lý, bức xúc quá",
		},
		neu: []string{
			"Chính quyền{at} ra quân lập lại trật tự vỉa hè trên đường {street} từ đầu tuần",
		},
		pos: []string{
			"Vỉa hè đường {street}{at} giờ thông thoáng, sạch đẹp, đi bộ thích thật",
		},
	},
	"y_te": {
		neg: []string{
			"Đi khám ở trạm y tế{at} chờ cả buổi, nhân viên cáu gắt, thật thất vọng",
			"Sốt xuất huyết{at} nhiều ca mà chưa thấy phun thuốc, lo quá",
		},
		neu: []string{
			"Lịch tiêm chủng mở rộng tháng này tại trạm y tế{at}",
			"Trạm y tế{at} khám sức khỏe miễn phí cho người cao tuổi vào sáng thứ Bảy",
		},
		pos: []string{
			"Bác sĩ trạm y tế{at} khám kỹ, tư vấn tận tình, rất cảm ơn",
			"Tiêm vắc xin cho bé ở trạm y tế{at} nhanh gọn, nhân viên dễ thương",
		},
	},
	"giao_duc": {
		neg: []string{
			"Đăng ký tuyển sinh lớp {grade} online{at} hệ thống lỗi suốt, phụ huynh sốt ruột quá",
			"Trường{at} thu đủ thứ khoản đầu năm, phụ huynh bức xúc",
		},
		neu: []string{
			"Lịch tuyển sinh lớp {grade} năm học mới{at}, phụ huynh lưu ý thời gian đăng ký",
			"Cho hỏi hồ sơ chuyển trường cho con{at} cần những gì ạ?",
		},
		pos: []string{
			"Đăng ký tuyển sinh lớp {grade} trực tuyến{at} nhanh gọn, không phải xếp hàng, rất tiện",
		},
	},
	"du_lich": {
		neg: []string{
			"Quán ăn gần đường {street}{at} chặt chém du khách, một tô phở 200 nghìn, quá đáng",
		},
		neu: []string{
			"Lễ hội ẩm thực cuối tuần này tổ chức tại công viên{at}",
			"Tuyến xe buýt du lịch mới chạy qua đường {street}",
		},
		pos: []string{
			"Phố đi bộ{at} cuối tuần vui quá, sạch sẽ, an ninh tốt, du khách rất thích",
			"Cuối tuần dạo bến sông{at}, cảnh đẹp, không khí trong lành, tuyệt vời",
			"Lễ hội ánh sáng{at} năm nay đẹp quá, tổ chức chu đáo",
		},
	},
	"an_ninh_trat_tu": {
		neg: []string{
			"Trộm xe liên tục trong hẻm{at}, dân sống trong lo sợ",
			"Đua xe trên đường {street}{at} mỗi đêm, ồn ào và nguy hiểm quá",
		},
		neu: []string{
			"Công an{at} khuyến cáo người dân cảnh giác với lừa đảo qua điện thoại",
		},
		pos: []string{
			"Lực lượng công an{at} tuần tra thường xuyên, khu phố yên tâm hẳn, cảm ơn các anh",
		},
	},
}

var (
	simEmojiNeg = []string{"😡", "😤", "😩", "😞", "👎", "💢", "😭"}
	simEmojiPos = []string{"👍", "❤️", "😍", "👏", "🥰", "💯"}
	simEmojiNeu = []string{"🤔", "📢", "📌", "ℹ️"}
	simTeencode = map[string][]string{
		"không": {"ko", "k", "hông"}, "được": {"dc", "đc"}, "gì": {"j"}, "quá": {"wá", "qá"}, "với": {"vs"},
		"rồi": {"r"}, "biết": {"bít"}, "thôi": {"thui"}, "vậy": {"z", "zậy"}, "mọi": {"mn"}, "người": {"ng"},
		"trời": {"trùi"}, "thật": {"thiệt"}, "nhiều": {"nhìu"},
	}
)

// simTeencodeText rewrites a share of the words of s the way they are typed on phones.
func simTeencodeText(r *rand.Rand, s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if alts, ok := simTeencode[strings.ToLower(w)]; ok && r.Float64() < 0.8 {
			words[i] = alts[r.IntN(len(alts))]
		}
	}
	return strings.Join(words, " ")
}

// simWardMention is how a post names a ward: "phường Bến Thành", "P. Bến Thành", "P.Bến Thành" or
// the bare name, in a phrase that fits the templates' {at}.
func simWardMention(r *rand.Rand, wd *simWard) string {
	typ := wd.UnitType
	abbr := map[string]string{"phường": "P.", "xã": "X.", "đặc khu": "ĐK."}[typ]
	var name string
	switch x := r.IntN(10); {
	case x < 4:
		name = typ + " " + wd.Name
	case x < 6 && abbr != "":
		name = abbr + " " + wd.Name
	case x < 7 && abbr != "":
		name = abbr + wd.Name
	default:
		name = wd.Name
	}
	return []string{" ở ", " tại ", " khu ", " bên "}[r.IntN(4)] + name
}
