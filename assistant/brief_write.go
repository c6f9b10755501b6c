package assistant

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"time"
)

// The offline briefing: prose written from the fact sheet by templates, in Vietnamese or
// English. Phrasings vary with the day (a hash of the date picks among equivalent ones) so that
// a leader reading it every morning does not read the same sentence twice in a row, and every
// number is one of the fact sheet's, written as the fact writes it, with its fact id cited.

// writer assembles one offline briefing.
type writer struct {
	sheet FactSheet
	vi    bool
	seed  uint32
	out   []string
}

// WriteOffline writes the briefing of sheet from templates.
func WriteOffline(sheet FactSheet) string {
	h := fnv.New32a()
	h.Write([]byte(sheet.Date.Format(time.DateOnly)))
	w := &writer{sheet: sheet, vi: sheet.Lang != "en", seed: h.Sum32()}
	w.attention()
	w.dossiers()
	w.petitions()
	w.posts()
	w.ranking()
	return strings.Join(w.out, " ")
}

// pick chooses one of the equivalent phrasings for slot n of the day.
func (w *writer) pick(n uint32, options ...string) string {
	return options[(w.seed/(n*7+1)+n)%uint32(len(options))]
}

func (w *writer) t(vi, en string) string {
	if w.vi {
		return vi
	}
	return en
}

func (w *writer) say(sentence string, facts ...Fact) {
	var ids []string
	for _, f := range facts {
		ids = append(ids, f.ID)
	}
	if len(ids) > 0 {
		sentence += " [" + strings.Join(ids, ", ") + "]"
	}
	w.out = append(w.out, sentence+".")
}

func (w *writer) facts(kind string) []Fact {
	var out []Fact
	for _, f := range w.sheet.Facts {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func (w *writer) kpi(key string) (Fact, bool) {
	for _, f := range w.sheet.Facts {
		if f.Kind == FactKPI && f.Key == key {
			return f, f.Value != nil
		}
	}
	return Fact{}, false
}

func (w *writer) num(v float64) string { return formatNumber(v, 0, w.sheet.Lang) }

func (w *writer) day() string {
	d := w.sheet.Date
	if w.vi {
		return fmt.Sprintf("ngày %d/%d/%d", d.Day(), d.Month(), d.Year())
	}
	return fmt.Sprintf("%d %s %d", d.Day(), d.Month(), d.Year())
}

func upperInitial(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// countChange phrases the change of a count against the same weekday a week earlier.
func (w *writer) countChange(f Fact) string {
	if f.Change == nil {
		return ""
	}
	ch := *f.Change
	p := formatPercent(math.Abs(ch), w.sheet.Lang)
	switch {
	case ch > 0:
		return w.pick(3, w.t("tăng "+p+" so với cùng ngày tuần trước", "up "+p+" on the same day last week"),
			w.t("nhiều hơn "+p+" so với cùng ngày tuần trước", p+" more than on the same day last week"))
	case ch < 0:
		return w.pick(4, w.t("giảm "+p+" so với cùng ngày tuần trước", "down "+p+" on the same day last week"),
			w.t("ít hơn "+p+" so với cùng ngày tuần trước", p+" fewer than on the same day last week"))
	}
	return w.t("không đổi so với cùng ngày tuần trước", "the same as on the same day last week")
}

// rateClause phrases a rate over seven days and its change in percentage points.
func (w *writer) rateClause(f Fact) string {
	v := formatPercent(*f.Value, w.sheet.Lang)
	if f.Change == nil || *f.Change == 0 {
		return w.t("giữ ở mức "+v, "held at "+v)
	}
	pts := formatNumber(math.Abs(*f.Change), 1, w.sheet.Lang)
	better := f.Good != nil && *f.Good
	switch {
	case better && *f.Change > 0:
		return w.pick(5, w.t("đạt "+v+", cải thiện "+pts+" điểm phần trăm", "reached "+v+", "+pts+" percentage points better"),
			w.t("lên "+v+" (tăng "+pts+" điểm phần trăm)", "rose to "+v+" (up "+pts+" percentage points)"))
	case better:
		return w.t("giảm còn "+v+" (bớt "+pts+" điểm phần trăm), một tín hiệu tốt", "fell to "+v+" (down "+pts+" percentage points), a good sign")
	case *f.Change > 0:
		return w.t("tăng lên "+v+" (thêm "+pts+" điểm phần trăm), cần theo dõi", "rose to "+v+" (up "+pts+" percentage points), which needs watching")
	}
	return w.pick(6, w.t("chỉ còn "+v+", giảm "+pts+" điểm phần trăm", "slipped to "+v+", down "+pts+" percentage points"),
		w.t("xuống "+v+" (giảm "+pts+" điểm phần trăm)", "fell to "+v+" (down "+pts+" percentage points)"))
}

// attention opens with what needs attention: alerts, hotspots and spikes of negative posts.
func (w *writer) attention() {
	alerts, hots, spikes := w.facts(FactAlert), w.facts(FactHotspot), w.facts(FactSentiment)
	if len(alerts)+len(hots)+len(spikes) == 0 {
		w.say(upperInitial(w.pick(1,
			w.t(w.day()+" không ghi nhận cảnh báo bất thường nào", "No unusual alert was raised on "+w.day()),
			w.t("Trong "+w.day()+", hệ thống không phát hiện diễn biến bất thường", "Nothing out of the ordinary was detected on "+w.day()))))
	}
	for i, a := range alerts {
		obs, exp := w.num(*a.Value), w.num(*a.Previous)
		if i == 0 {
			w.say(upperInitial(w.pick(1,
				w.t("điều cần chú ý nhất "+w.day()+" là "+lowerInitial(a.Name)+": "+obs+" trường hợp, trong khi mức thường chỉ khoảng "+exp,
					"the main point of attention on "+w.day()+" is "+lowerInitial(a.Name)+": "+obs+" cases against a usual level of about "+exp),
				w.t(w.day()+" nổi lên một cảnh báo về "+lowerInitial(a.Name)+" với "+obs+" trường hợp, vượt xa mức thường khoảng "+exp,
					"an alert stands out on "+w.day()+": "+lowerInitial(a.Name)+", with "+obs+" cases where about "+exp+" is usual"))), a)
		} else {
			w.say(upperInitial(w.t("ngoài ra còn cảnh báo "+lowerInitial(a.Name)+" ("+obs+" so với mức thường "+exp+")",
				"there is also an alert on "+lowerInitial(a.Name)+" ("+obs+" against a usual "+exp+")")), a)
		}
	}
	for _, h := range hots {
		w.say(w.t(h.Name+" đang là điểm nóng với "+w.num(*h.Value)+" cảnh báo cùng lúc",
			h.Name+" is a hotspot, with "+w.num(*h.Value)+" alerts at once"), h)
	}
	for _, s := range spikes {
		n, base := w.num(*s.Value), formatNumber(*s.Previous, 1, w.sheet.Lang)
		w.say(w.pick(2,
			w.t("Trên mạng xã hội, số bài đăng tiêu cực về "+lowerInitial(s.Name)+" tăng vọt lên "+n+" bài, trong khi 7 ngày trước đó trung bình chỉ "+base+" bài mỗi ngày",
				"On social media, negative posts about "+lowerInitial(s.Name)+" jumped to "+n+", against a mean of "+base+" a day over the 7 days before"),
			w.t("Dư luận mạng xã hội về "+lowerInitial(s.Name)+" xấu đi rõ rệt: "+n+" bài tiêu cực, so với mức trung bình "+base+" bài mỗi ngày của 7 ngày trước",
				"Online opinion on "+lowerInitial(s.Name)+" soured: "+n+" negative posts, where the 7 days before averaged "+base+" a day")), s)
	}
}

func lowerInitial(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func (w *writer) dossiers() {
	recv, ok := w.kpi("dossiers_received")
	if !ok {
		return
	}
	n := w.num(*recv.Value)
	var s string
	if *recv.Value == 0 {
		s = w.t("Không có hồ sơ thủ tục hành chính nào được tiếp nhận", "No administrative dossier was received")
	} else {
		s = w.pick(7,
			w.t("Các cơ quan đã tiếp nhận "+n+" hồ sơ thủ tục hành chính", "Agencies received "+n+" administrative dossiers"),
			w.t("Bộ phận một cửa các cấp nhận "+n+" hồ sơ", "One-stop desks took in "+n+" dossiers"),
			w.t("Trong ngày có "+n+" hồ sơ thủ tục hành chính được tiếp nhận", "During the day, "+n+" administrative dossiers were received"))
		if c := w.countChange(recv); c != "" {
			s += ", " + c
		}
	}
	facts := []Fact{recv}
	if rate, ok := w.kpi("dossier_on_time_rate"); ok {
		s += w.t("; tỷ lệ giải quyết đúng hạn trong 7 ngày qua ", "; the on-time rate over the last 7 days ") + w.rateClause(rate)
		facts = append(facts, rate)
	}
	w.say(s, facts...)
}

func (w *writer) petitions() {
	recv, ok := w.kpi("petitions_received")
	if !ok {
		return
	}
	n := w.num(*recv.Value)
	s := w.pick(8,
		w.t("Người dân gửi "+n+" phản ánh, kiến nghị", "Citizens sent "+n+" petitions"),
		w.t("Thành phố nhận được "+n+" phản ánh, kiến nghị của người dân", "The city received "+n+" petitions from citizens"))
	if *recv.Value == 0 {
		s = w.t("Không có phản ánh, kiến nghị mới", "No new petition came in")
	} else if c := w.countChange(recv); c != "" {
		s += " (" + c + ")"
	}
	facts := []Fact{recv}
	topics := w.facts(FactTopic)
	if len(topics) > 0 && *recv.Value > 0 {
		var parts []string
		for i, t := range topics {
			if i >= 2 {
				break
			}
			parts = append(parts, lowerInitial(t.Name)+" ("+w.num(*t.Value)+")")
			facts = append(facts, t)
		}
		s += w.t(", tập trung nhiều nhất vào "+strings.Join(parts, " và "), ", most of them about "+strings.Join(parts, " and "))
	}
	if rate, ok := w.kpi("petition_on_time_rate"); ok {
		s += w.t("; tỷ lệ xử lý đúng hạn trong 7 ngày qua ", "; the share closed on time over the last 7 days ") + w.rateClause(rate)
		facts = append(facts, rate)
	}
	w.say(s, facts...)
}

func (w *writer) posts() {
	vol, ok := w.kpi("posts_volume")
	if !ok {
		return
	}
	s := w.t("Trên mạng xã hội có "+w.num(*vol.Value)+" bài đăng liên quan đến thành phố", "There were "+w.num(*vol.Value)+" social media posts about the city")
	if *vol.Value == 0 {
		s = w.t("Không ghi nhận bài đăng nào trên mạng xã hội", "No social media post was recorded")
	}
	facts := []Fact{vol}
	if neg, ok := w.kpi("post_negative_share"); ok {
		s += w.t(", tỷ lệ bài tiêu cực trong 7 ngày qua ", ", and the share of negative posts over the last 7 days ") + w.rateClause(neg)
		facts = append(facts, neg)
	}
	w.say(s, facts...)
}

func (w *writer) ranking() {
	var up, down *Fact
	for _, f := range w.facts(FactRank) {
		if *f.Change > 0 {
			up = &f
		} else {
			down = &f
		}
	}
	places := func(f *Fact) string { return w.num(math.Abs(*f.Change)) }
	switch {
	case up != nil && down != nil:
		w.say(w.t("Trên bảng xếp hạng đơn vị của tháng, "+up.Name+" tăng "+places(up)+" bậc, còn "+down.Name+" tụt "+places(down)+" bậc",
			"In this month's unit ranking, "+up.Name+" rose "+places(up)+" places while "+down.Name+" fell "+places(down)), *up, *down)
	case up != nil:
		w.say(w.t("Trên bảng xếp hạng đơn vị của tháng, "+up.Name+" tăng "+places(up)+" bậc", "In this month's unit ranking, "+up.Name+" rose "+places(up)+" places"), *up)
	case down != nil:
		w.say(w.t("Trên bảng xếp hạng đơn vị của tháng, "+down.Name+" tụt "+places(down)+" bậc", "In this month's unit ranking, "+down.Name+" fell "+places(down)+" places"), *down)
	}
}
