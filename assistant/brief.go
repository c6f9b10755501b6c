package assistant

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// Fact is one line of a briefing's fact sheet: a number (or a few) from analytics with the query
// that produced it. Text states the fact in the sheet's language with its numbers formatted as
// a briefing must write them.
type Fact struct {
	ID     string `json:"id"`   // "F1", "F2", … in order of importance
	Kind   string `json:"kind"` // FactKPI, FactAlert, FactHotspot, FactRank, FactTopic, FactSentiment
	Key    string `json:"key"`  // KPI key, alert kind, ward or unit code, topic code
	Text   string `json:"text"`
	Source string `json:"source"` // the analytics call or query file and its parameters
	// Name is the place, unit or topic the fact is about ("" for city-wide KPIs).
	Name string `json:"name,omitempty"`
	// Value is the main figure (a count, or a ratio 0–1 when Unit is "ratio"); Previous the
	// comparison figure; Change the relative change (counts, -0.05 = 5% fewer) or the change in
	// percentage points (ratios); nil when unknown.
	Value    *float64 `json:"value,omitempty"`
	Previous *float64 `json:"previous,omitempty"`
	Change   *float64 `json:"change,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	// Good is true when the change is an improvement, false when a worsening, nil for neither.
	Good *bool `json:"good,omitempty"`
	// Weight orders facts by how much a leader needs them; higher first.
	Weight float64 `json:"weight"`
	// Numbers are the figures as written in Text, the only numbers a briefing may use.
	Numbers []string `json:"numbers"`
}

// Kinds of fact.
const (
	FactKPI       = "kpi"
	FactAlert     = "alert"
	FactHotspot   = "hotspot"
	FactRank      = "rank"
	FactTopic     = "topic"
	FactSentiment = "sentiment"
)

// FactSheet is what a briefing may say about one day.
type FactSheet struct {
	Date  time.Time `json:"date"` // local midnight of the day
	Lang  string    `json:"lang"`
	Facts []Fact    `json:"facts"`
	// Missing names the fact sources that failed and were left out ("alerts: …").
	Missing []string `json:"missing,omitempty"`
}

// BriefSources are the analytics a fact sheet draws on. The zero value uses the analytics
// package; tests replace members.
type BriefSources struct {
	Alerts   func(ctx context.Context, q analytics.Querier, p models.Period, s analytics.Scope) ([]analytics.Alert, error)
	Hotspots func(ctx context.Context, q analytics.Querier, p models.Period, s analytics.Scope) ([]analytics.Hotspot, error)
	Rankings func(ctx context.Context, q analytics.Querier, cfg *analytics.IndexConfig, level analytics.Level, p models.Period) (analytics.Ranking, error)
	Index    *analytics.IndexConfig
}

func (s *BriefSources) defaults() {
	if s.Alerts == nil {
		s.Alerts = analytics.DetectAlerts
	}
	if s.Hotspots == nil {
		s.Hotspots = analytics.Hotspots
	}
	if s.Rankings == nil {
		s.Rankings = analytics.Rankings
	}
	if s.Index == nil {
		s.Index = analytics.DefaultIndexConfig()
	}
}

// BuildFacts builds the fact sheet of day (any time of it, read in Asia/Ho_Chi_Minh) in lang:
// the day's intake of dossiers, petitions and posts against the same weekday a week earlier; on-time rates and the
// negative share of posts over the seven days ending that day against the seven before; alerts
// and hotspots of the day; the biggest movers of the month's unit ranking; the most reported
// petition categories; and post topics with a spike of negative posts. KPIs are required (an
// error fails the sheet); the other sources are left out, and named in Missing, when they fail.
func BuildFacts(ctx context.Context, db store.DB, day time.Time, lang string, src BriefSources) (FactSheet, error) {
	src.defaults()
	d := day.In(models.Location)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, models.Location)
	sheet := FactSheet{Date: d, Lang: lang}
	dayP, err := models.ParsePeriod(d.Format(time.DateOnly))
	if err != nil {
		return sheet, err
	}
	weekP, err := models.DateRange(d.AddDate(0, 0, -6), d)
	if err != nil {
		return sheet, err
	}
	b := factBuilder{lang: lang}
	if err := b.kpis(ctx, db, dayP, weekP); err != nil {
		return sheet, err
	}
	miss := func(what string, err error) { sheet.Missing = append(sheet.Missing, what+": "+err.Error()) }
	if alerts, err := src.Alerts(ctx, db, dayP, analytics.Scope{}); err != nil {
		miss("alerts", err)
	} else {
		b.alerts(alerts, dayP)
	}
	if hs, err := src.Hotspots(ctx, db, dayP, analytics.Scope{}); err != nil {
		miss("hotspots", err)
	} else {
		b.hotspots(hs, dayP)
	}
	monthP, _ := models.ParsePeriod(d.Format("2006-01"))
	if r, err := src.Rankings(ctx, db, src.Index, analytics.LevelUnit, monthP); err != nil {
		miss("rankings", err)
	} else {
		b.movers(r)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		return sheet, fmt.Errorf("assistant: briefing dimensions: %w", err)
	}
	names := map[string]models.PetitionCategory{}
	for _, c := range dims.Categories {
		names[c.Code] = c
	}
	if err := b.topics(ctx, db, d, names); err != nil {
		miss("petition topics", err)
	}
	if err := b.sentiment(ctx, db, d, names); err != nil {
		miss("sentiment", err)
	}
	sort.SliceStable(b.facts, func(i, j int) bool { return b.facts[i].Weight > b.facts[j].Weight })
	for i := range b.facts {
		b.facts[i].ID = fmt.Sprintf("F%d", i+1)
	}
	sheet.Facts = b.facts
	return sheet, nil
}

type factBuilder struct {
	lang  string
	facts []Fact
}

func (b *factBuilder) t(vi, en string) string { return pick(b.lang, vi, en) }

func ptr(v float64) *float64 { return &v }

// kpiValue is a KPI figure as a float: a count, a rate's value or a score's value; nil for N/A.
func kpiValue(v analytics.Value) *float64 {
	switch {
	case v.Count != nil:
		return ptr(float64(*v.Count))
	case v.Rate != nil:
		return v.Rate.Value
	case v.Score != nil:
		return v.Score.Value
	}
	return nil
}

func findKPI(ks []analytics.KPI, key string) *analytics.KPI {
	for i := range ks {
		if ks[i].Key == key {
			return &ks[i]
		}
	}
	return nil
}

// kpiNames are the KPIs a briefing reports, in both languages.
var kpiNames = map[string][2]string{
	analytics.KeyDossiersReceived:    {"Hồ sơ tiếp nhận", "Dossiers received"},
	analytics.KeyDossierOnTimeRate:   {"Tỷ lệ hồ sơ giải quyết đúng hạn (7 ngày)", "Dossiers settled on time (7 days)"},
	analytics.KeyPetitionsReceived:   {"Phản ánh, kiến nghị tiếp nhận", "Petitions received"},
	analytics.KeyPetitionOnTimeRate:  {"Tỷ lệ phản ánh xử lý đúng hạn (7 ngày)", "Petitions closed on time (7 days)"},
	analytics.KeyPostsVolume:         {"Bài đăng mạng xã hội", "Social media posts"},
	analytics.KeyPostNegativeShare:   {"Tỷ lệ bài đăng tiêu cực (7 ngày)", "Share of negative posts (7 days)"},
	analytics.KeyDossiersEndedLate:   {"Hồ sơ giải quyết trễ hạn", "Dossiers settled late"},
	analytics.KeyPetitionsClosed:     {"Phản ánh đã xử lý xong", "Petitions closed"},
	analytics.KeyDossierOnlineShare:  {"Tỷ lệ hồ sơ nộp trực tuyến (7 ngày)", "Dossiers submitted online (7 days)"},
	analytics.KeyPostNetSentiment:    {"Chỉ số cảm xúc ròng", "Net sentiment"},
	analytics.KeyDossiersEnded:       {"Hồ sơ đã giải quyết", "Dossiers settled"},
	analytics.KeyDossiersEndedOnDue:  {"Hồ sơ giải quyết đúng ngày hẹn", "Dossiers settled on the due day"},
	analytics.KeyDossiersEndedEarly:  {"Hồ sơ giải quyết trước hạn", "Dossiers settled early"},
	analytics.KeyDossierEResultShare: {"Tỷ lệ trả kết quả điện tử", "E-result share"},
}

func (b *factBuilder) kpis(ctx context.Context, db store.DB, day, week models.Period) error {
	type want struct {
		fn     func(context.Context, analytics.Querier, models.Period, analytics.Scope) ([]analytics.KPI, error)
		name   string
		p      models.Period
		keys   []string
		weight float64
	}
	// A day's volumes follow the week (Sundays are quiet): they are compared with the same
	// weekday a week earlier, not with the day before.
	lastWeek, err := models.ParsePeriod(day.From.AddDate(0, 0, -7).Format(time.DateOnly))
	if err != nil {
		return err
	}
	wants := []want{
		{analytics.DossierKPIs, "DossierKPIs", day, []string{analytics.KeyDossiersReceived}, 50},
		{analytics.DossierKPIs, "DossierKPIs", week, []string{analytics.KeyDossierOnTimeRate}, 48},
		{analytics.PetitionKPIs, "PetitionKPIs", day, []string{analytics.KeyPetitionsReceived}, 46},
		{analytics.PetitionKPIs, "PetitionKPIs", week, []string{analytics.KeyPetitionOnTimeRate}, 44},
		{analytics.PostKPIs, "PostKPIs", day, []string{analytics.KeyPostsVolume}, 40},
		{analytics.PostKPIs, "PostKPIs", week, []string{analytics.KeyPostNegativeShare}, 42},
	}
	for _, w := range wants {
		ks, err := w.fn(ctx, db, w.p, analytics.Scope{})
		if err != nil {
			return fmt.Errorf("assistant: briefing %s: %w", w.name, err)
		}
		var before []analytics.KPI
		prevVI, prevEN := "7 ngày trước đó", "previous 7 days"
		source := fmt.Sprintf("analytics.%s period=%s scope=city", w.name, w.p)
		if w.p.Kind == models.PeriodDay {
			if before, err = w.fn(ctx, db, lastWeek, analytics.Scope{}); err != nil {
				return fmt.Errorf("assistant: briefing %s: %w", w.name, err)
			}
			prevVI, prevEN = "cùng ngày tuần trước", "same day last week"
			source += fmt.Sprintf(" compared with period=%s", lastWeek)
		}
		for _, key := range w.keys {
			k := findKPI(ks, key)
			if k == nil {
				return fmt.Errorf("assistant: briefing: %s has no %s", w.name, key)
			}
			if before != nil {
				if kb := findKPI(before, key); kb != nil {
					k.Previous = kb.Current
				}
			}
			b.kpi(*k, source, w.weight, b.t(prevVI, prevEN))
		}
	}
	return nil
}

// kpi adds one KPI fact: its value and the change against k.Previous (named prevLabel), written as the
// briefing must write them. Changes worth a leader's attention weigh more.
func (b *factBuilder) kpi(k analytics.KPI, source string, weight float64, prevLabel string) {
	names := kpiNames[k.Key]
	cur, prev := kpiValue(k.Current), kpiValue(k.Previous)
	f := Fact{Kind: FactKPI, Key: k.Key, Source: source, Value: cur, Previous: prev, Unit: k.Unit, Weight: weight}
	name := b.t(names[0], names[1])
	if cur == nil {
		f.Text = name + ": " + b.t("chưa có số liệu", "no data")
		f.Weight = 0
		b.facts = append(b.facts, f)
		return
	}
	ratio := k.Unit == "ratio"
	val := b.fmtValue(*cur, ratio)
	f.Numbers = append(f.Numbers, val)
	f.Text = name + ": " + val
	if prev != nil {
		var ch float64
		var chs string
		if ratio {
			ch = math.Round((*cur-*prev)*1000) / 10 // percentage points, one decimal
			chs = formatNumber(math.Abs(ch), 1, b.lang) + b.t(" điểm phần trăm", " percentage points")
		} else if *prev > 0 {
			ch = math.Round((*cur / *prev - 1)*1000) / 1000
			chs = formatPercent(math.Abs(ch), b.lang)
		} else {
			ch = math.NaN()
		}
		pv := b.fmtValue(*prev, ratio)
		if !math.IsNaN(ch) {
			f.Change = ptr(ch)
			dir := b.t("không đổi", "unchanged")
			if ch > 0 {
				dir = b.t("tăng ", "up ") + chs
			} else if ch < 0 {
				dir = b.t("giảm ", "down ") + chs
			}
			f.Text += fmt.Sprintf(" (%s; %s %s)", dir, prevLabel, pv)
			if ch != 0 {
				if ratio {
					f.Numbers = append(f.Numbers, formatNumber(math.Abs(ch), 1, b.lang))
				} else {
					f.Numbers = append(f.Numbers, formatPercent(math.Abs(ch), b.lang))
				}
				good := (ch > 0) == k.HigherIsBetter
				f.Good = &good
				big := math.Abs(ch) >= 0.2 || (ratio && math.Abs(ch) >= 3)
				if big {
					f.Weight += 20
				}
			}
		} else {
			f.Text += fmt.Sprintf(" (%s %s)", prevLabel, pv)
		}
		f.Numbers = append(f.Numbers, pv)
	}
	b.facts = append(b.facts, f)
}

func (b *factBuilder) fmtValue(v float64, ratio bool) string {
	if ratio {
		return formatPercent(v, b.lang)
	}
	return formatNumber(v, 0, b.lang)
}

func (b *factBuilder) alerts(alerts []analytics.Alert, p models.Period) {
	sort.SliceStable(alerts, func(i, j int) bool { return alerts[i].Score > alerts[j].Score })
	for i, a := range alerts {
		if i >= 3 {
			break
		}
		obs, exp := formatNumber(a.Observed, 0, b.lang), formatNumber(a.Expected, 0, b.lang)
		title := b.t(a.TitleVI, a.TitleEN)
		f := Fact{Kind: FactAlert, Key: a.Kind, Name: title, Value: ptr(a.Observed), Previous: ptr(a.Expected),
			Source: fmt.Sprintf("analytics.DetectAlerts period=%s id=%s", p, a.ID), Numbers: []string{obs, exp},
			Weight: 100 + severityWeight(a.Severity) + a.Score/100}
		f.Text = fmt.Sprintf("%s: %s %s, %s %s (%s)", b.t("Cảnh báo", "Alert"), title, obs, b.t("mức thường", "usual level"), exp, severityName(a.Severity, b.lang))
		b.facts = append(b.facts, f)
	}
}

func severityWeight(s analytics.Severity) float64 {
	switch s {
	case analytics.SeverityCritical:
		return 30
	case analytics.SeverityHigh:
		return 20
	case analytics.SeverityMedium:
		return 10
	}
	return 0
}

func severityName(s analytics.Severity, lang string) string {
	vi := map[analytics.Severity]string{analytics.SeverityCritical: "nghiêm trọng", analytics.SeverityHigh: "cao", analytics.SeverityMedium: "trung bình", analytics.SeverityLow: "thấp"}
	if lang == "en" {
		return string(s)
	}
	return "mức " + vi[s]
}

func (b *factBuilder) hotspots(hs []analytics.Hotspot, p models.Period) {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Score > hs[j].Score })
	for i, h := range hs {
		if i >= 2 {
			break
		}
		n := formatNumber(float64(len(h.Alerts)), 0, b.lang)
		f := Fact{Kind: FactHotspot, Key: h.Ward, Name: h.WardName, Value: ptr(float64(len(h.Alerts))),
			Source: fmt.Sprintf("analytics.Hotspots period=%s ward=%s", p, h.Ward), Numbers: []string{n},
			Weight: 90 + severityWeight(h.Severity)}
		f.Text = fmt.Sprintf("%s: %s, %s %s", b.t("Điểm nóng", "Hotspot"), h.WardName, n, b.t("cảnh báo cùng lúc", "alerts at once"))
		b.facts = append(b.facts, f)
	}
}

// movers adds the unit that rose most and the one that fell most in the ranking.
func (b *factBuilder) movers(r analytics.Ranking) {
	var up, down *analytics.RankingRow
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.RankChange == nil || row.SmallVolume {
			continue
		}
		if *row.RankChange > 0 && (up == nil || *row.RankChange > *up.RankChange) {
			up = row
		}
		if *row.RankChange < 0 && (down == nil || *row.RankChange < *down.RankChange) {
			down = row
		}
	}
	for _, row := range []*analytics.RankingRow{up, down} {
		if row == nil {
			continue
		}
		ch := *row.RankChange
		n := formatNumber(math.Abs(float64(ch)), 0, b.lang)
		verb := b.t("tăng", "up")
		if ch < 0 {
			verb = b.t("giảm", "down")
		}
		good := ch > 0
		f := Fact{Kind: FactRank, Key: row.Code, Name: row.Name, Change: ptr(float64(ch)), Good: &good,
			Source: fmt.Sprintf("analytics.Rankings level=unit period=%s version=%s", r.Period, r.Version), Numbers: []string{n},
			Weight: 30 + math.Abs(float64(ch))}
		f.Text = fmt.Sprintf("%s: %s %s %s %s", b.t("Xếp hạng đơn vị trong tháng", "Unit ranking this month"), row.Name, verb, n, b.t("bậc", "places"))
		b.facts = append(b.facts, f)
	}
}

func categoryName(names map[string]models.PetitionCategory, code, lang string) string {
	c, ok := names[code]
	if !ok {
		return code
	}
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameVI
}

func (b *factBuilder) topics(ctx context.Context, db store.DB, day time.Time, names map[string]models.PetitionCategory) error {
	q, err := sqlfiles.Query("brief_petition_topics")
	if err != nil {
		return err
	}
	var rows []struct {
		Code      string `ch:"code"`
		Petitions uint64 `ch:"petitions"`
	}
	if err := db.Query(ctx, &rows, q, store.Params{"day": day.Format(time.DateOnly), "limit": 3}); err != nil {
		return err
	}
	for i, r := range rows {
		n := formatNumber(float64(r.Petitions), 0, b.lang)
		name := categoryName(names, r.Code, b.lang)
		f := Fact{Kind: FactTopic, Key: r.Code, Name: name, Value: ptr(float64(r.Petitions)),
			Source: "sql/queries/brief_petition_topics.sql day=" + day.Format(time.DateOnly), Numbers: []string{n}, Weight: 20 - float64(i)}
		f.Text = fmt.Sprintf("%s: %s, %s %s", b.t("Lĩnh vực được phản ánh nhiều", "Most reported petition topic"), name, n, b.t("phản ánh", "petitions"))
		b.facts = append(b.facts, f)
	}
	return nil
}

func (b *factBuilder) sentiment(ctx context.Context, db store.DB, day time.Time, names map[string]models.PetitionCategory) error {
	q, err := sqlfiles.Query("brief_negative_topics")
	if err != nil {
		return err
	}
	var rows []struct {
		Code     string  `ch:"code"`
		Negative uint64  `ch:"negative"`
		Baseline float64 `ch:"baseline"`
	}
	if err := db.Query(ctx, &rows, q, store.Params{"day": day.Format(time.DateOnly), "min_negative": 5, "limit": 2}); err != nil {
		return err
	}
	for _, r := range rows {
		n := formatNumber(float64(r.Negative), 0, b.lang)
		base := formatNumber(r.Baseline, 1, b.lang)
		name := categoryName(names, r.Code, b.lang)
		f := Fact{Kind: FactSentiment, Key: r.Code, Name: name, Value: ptr(float64(r.Negative)), Previous: ptr(math.Round(r.Baseline*10) / 10),
			Source: "sql/queries/brief_negative_topics.sql day=" + day.Format(time.DateOnly), Numbers: []string{n, base}, Weight: 80}
		f.Text = fmt.Sprintf("%s: %s, %s %s, %s %s", b.t("Bài đăng tiêu cực tăng vọt", "Spike of negative posts"), name, n,
			b.t("bài tiêu cực", "negative posts"), b.t("trung bình 7 ngày trước", "7-day mean before"), base)
		b.facts = append(b.facts, f)
	}
	return nil
}

// allowedNumbers are the numbers a briefing about sheet may write: those of the facts and the
// parts of the date.
func (s FactSheet) allowedNumbers() numberSet {
	set := newNumberSet()
	for _, f := range s.Facts {
		set.addText(f.Text)
		for _, n := range f.Numbers {
			set.addText(n)
		}
	}
	set.addDate(s.Date)
	set.add(7) // "7 ngày" — the window the rates are over
	return set
}

// ErrUncited reports a briefing citing fact ids that are not in the sheet.
var ErrUncited = errors.New("assistant: briefing cites unknown facts")

// CheckBriefing returns the numbers of text that are not in the fact sheet (nil when every
// number is), and an error when it cites a fact id the sheet does not have or uses numbers
// without citing any fact.
func CheckBriefing(sheet FactSheet, text string) ([]string, error) {
	ids := map[string]bool{}
	for _, f := range sheet.Facts {
		ids[f.ID] = true
	}
	cited := citeID.FindAllString(text, -1)
	for _, m := range cited {
		if !ids[m] {
			return nil, fmt.Errorf("%w: %s", ErrUncited, m)
		}
	}
	bad := sheet.allowedNumbers().unknown(text)
	if len(cited) == 0 && numberToken.MatchString(citation.ReplaceAllString(text, " ")) {
		return bad, fmt.Errorf("%w: numbers without any fact id", ErrUncited)
	}
	return bad, nil
}
