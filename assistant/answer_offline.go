package assistant

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// AskOffline answers with the rule-based parser: Parse, then (unless it asks to clarify) Run.
func (a *Assistant) AskOffline(ctx context.Context, question, lang string) (Answer, error) {
	lang, err := normLang(lang)
	if err != nil {
		return Answer{}, err
	}
	p := a.layer.Parse(question, a.Now(), lang)
	if p.Clarify != nil {
		a.log.Info("assistant: clarify", "mode", "offline", "options", len(p.Clarify.Options))
		return Answer{Question: question, Mode: string(models.ModeOffline), Clarify: p.Clarify}, nil
	}
	ans, err := a.Run(ctx, p.Spec, question, lang)
	ans.Mode = string(models.ModeOffline)
	if len(p.Notes) > 0 {
		ans.Notice = strings.Join(append(p.Notes, ans.Notice), " ")
		ans.Notice = strings.TrimSpace(ans.Notice)
	}
	return ans, err
}

// Run compiles spec, runs it read-only and writes the Answer (table with display names,
// chart, sentence, interpretation and SQL). Mode is left for the caller to set. An invalid spec
// yields a *models.FieldError.
func (a *Assistant) Run(ctx context.Context, spec Spec, question, lang string) (Answer, error) {
	lang, err := normLang(lang)
	if err != nil {
		return Answer{}, err
	}
	l := a.layer
	if err := l.Validate(spec); err != nil {
		return Answer{}, err
	}
	sc := ScopeOf(ctx)
	if spec, err = l.confine(spec, sc); err != nil {
		a.log.Info("assistant: outside the account's scope", "metrics", strings.Join(spec.Metrics, ","))
		return Answer{}, err
	}
	q, params, err := l.Compile(spec)
	if err != nil {
		return Answer{}, err
	}
	ans := Answer{Question: question, Spec: &spec, Interpretation: l.Interpret(spec, lang), SQL: q, Params: params}
	if !sc.CityWide() {
		ans.Notice = pick(lang, "Câu trả lời chỉ gồm số liệu trong phạm vi tài khoản của bạn.",
			"The answer covers your account's scope only.")
	}
	if k := l.rankedByVolume(spec); k != "" {
		n := strconv.Itoa(l.Defaults.MinVolume)
		ans.Notice = strings.TrimSpace(ans.Notice + " " + pick(lang, "Chỉ xếp hạng những nơi có từ "+n+" trường hợp trở lên: tỷ lệ trên vài trường hợp không đáng tin.",
			"Only groups with at least "+n+" cases are ranked: a rate over a handful of cases is not reliable."))
	}
	t, err := a.db.QueryReadOnly(ctx, q, params)
	if err != nil {
		return ans, compileError(spec, err)
	}
	a.log.Info("assistant: answered", "metrics", strings.Join(spec.Metrics, ","), "rows", len(t.Rows))
	l.fillTable(&ans, spec, t, lang)
	return ans, nil
}

// fillTable turns the engine's table into the Answer's columns and rows (with a display-name
// column after each dictionary dimension), the chart and the sentence.
func (l *Layer) fillTable(ans *Answer, spec Spec, t *store.Table, lang string) {
	type colSrc struct {
		idx  int
		name string // dimension key for a name column
	}
	var cols []colSrc
	for i, c := range t.Columns {
		key := c.Name
		if dim := l.Dimensions[key]; dim != nil {
			ans.Columns = append(ans.Columns, AnswerColumn{Key: key, Label: dim.Names.Get(lang)})
			cols = append(cols, colSrc{idx: i})
			if !dim.Time {
				ans.Columns = append(ans.Columns, AnswerColumn{Key: key + "_name", Label: dim.Names.Get(lang) + pick(lang, " (tên)", " (name)")})
				cols = append(cols, colSrc{idx: i, name: key})
			}
			continue
		}
		base, isCmp := strings.CutSuffix(key, "_compare")
		if vb, isVol := strings.CutSuffix(key, "_volume"); isVol && l.metricByKey[vb] != nil {
			ans.Columns = append(ans.Columns, AnswerColumn{Key: key, Label: pick(lang, "Số trường hợp", "Cases"), Unit: "count"})
			cols = append(cols, colSrc{idx: i})
			continue
		}
		m := l.metricByKey[base]
		if m == nil {
			ans.Columns = append(ans.Columns, AnswerColumn{Key: key, Label: key})
			cols = append(cols, colSrc{idx: i})
			continue
		}
		label := m.Names.Get(lang)
		if isCmp {
			label += " (" + compareWords(spec.Compare, lang) + ")"
		}
		ans.Columns = append(ans.Columns, AnswerColumn{Key: key, Label: label, Unit: m.Unit})
		cols = append(cols, colSrc{idx: i})
	}
	ans.Rows = make([][]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		row := make([]any, len(cols))
		for j, c := range cols {
			v := plainValue(r[c.idx])
			if c.name != "" {
				s, _ := v.(string)
				v = l.ValueName(c.name, s, lang)
				if s == "" {
					v = pick(lang, "(không rõ)", "(unknown)")
				}
			}
			row[j] = v
		}
		ans.Rows = append(ans.Rows, row)
	}
	ans.Chart = l.chart(spec)
	ans.Text = l.sentence(spec, ans, lang)
}

// plainValue unwraps what the engine's decoder returns into JSON-friendly values: nil for NULL
// and NaN, dates as YYYY-MM-DD, unsigned and signed integers as int64 or float64.
func plainValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case *float64:
		if x == nil {
			return nil
		}
		return plainValue(*x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		return plainValue(float64(x))
	case time.Time:
		return x.In(models.Location).Format(time.DateOnly)
	case uint64:
		if x > math.MaxInt64 {
			return float64(x)
		}
		return int64(x)
	case uint32:
		return int64(x)
	case int32:
		return int64(x)
	case *string:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}

func (l *Layer) chart(spec Spec) *Chart {
	var y []string
	for _, m := range spec.Metrics {
		y = append(y, m)
		if spec.Compare != "" {
			y = append(y, m+"_compare")
		}
	}
	switch {
	case len(spec.Dimensions) == 0:
		return &Chart{Type: "number", Y: y}
	case l.Dimensions[spec.Dimensions[0]].Time && len(spec.Dimensions) == 1:
		return &Chart{Type: "line", X: spec.Dimensions[0], Y: y}
	case len(spec.Dimensions) == 1:
		return &Chart{Type: "bar", X: spec.Dimensions[0] + "_name", Y: y}
	}
	return &Chart{Type: "table"}
}

func compareWords(c, lang string) string {
	switch c {
	case "previous":
		return pick(lang, "kỳ trước", "previous period")
	case "last_year":
		return pick(lang, "cùng kỳ năm trước", "same period last year")
	}
	return ""
}

// Interpret writes spec in words in lang: what is measured, broken down and filtered how, over
// which period, compared with what, ordered how.
func (l *Layer) Interpret(spec Spec, lang string) string {
	var names []string
	for _, k := range spec.Metrics {
		if m := l.metricByKey[k]; m != nil {
			names = append(names, m.Names.Get(lang))
		}
	}
	var b strings.Builder
	b.WriteString(strings.Join(names, ", "))
	if len(spec.Dimensions) > 0 {
		var ds []string
		for _, d := range spec.Dimensions {
			ds = append(ds, strings.ToLower(l.Dimensions[d].Names.Get(lang)))
		}
		b.WriteString(pick(lang, " theo ", " by ") + strings.Join(ds, pick(lang, " và ", " and ")))
	}
	for _, f := range spec.Filters {
		var vs []string
		for _, v := range f.Values {
			vs = append(vs, l.ValueName(f.Dimension, v, lang))
		}
		b.WriteString("; " + strings.ToLower(l.Dimensions[f.Dimension].Names.Get(lang)) + ": " + strings.Join(vs, ", "))
	}
	if p, err := models.ParsePeriod(spec.Period.Text); err == nil {
		b.WriteString("; " + pick(lang, "thời gian: ", "period: ") + periodWords(p, lang))
		if spec.Period.Words != "" {
			b.WriteString(" (“" + spec.Period.Words + "”)")
		}
		if spec.Compare != "" {
			other := p.Previous()
			if spec.Compare == "last_year" {
				other = p.SameLastYear()
			}
			b.WriteString("; " + pick(lang, "so với ", "compared with ") + compareWords(spec.Compare, lang) + " (" + periodWords(other, lang) + ")")
		}
	}
	if len(spec.Dimensions) > 0 {
		order := spec.OrderBy
		if order != "" {
			dir := pick(lang, "giảm dần", "descending")
			if !spec.Desc {
				dir = pick(lang, "tăng dần", "ascending")
			}
			b.WriteString("; " + pick(lang, "sắp xếp ", "sorted ") + dir)
		}
		b.WriteString("; " + pick(lang, "tối đa ", "at most ") + strconv.Itoa(l.effectiveLimit(spec)) + pick(lang, " dòng", " rows"))
	}
	return b.String()
}

// periodWords names a period for people: "tháng 10/2025", "quý 3/2025", "01/10/2025 – 15/10/2025".
func periodWords(p models.Period, lang string) string {
	f := p.From
	switch p.Kind {
	case models.PeriodDay:
		return pick(lang, "ngày "+f.Format("02/01/2006"), f.Format("2 Jan 2006"))
	case models.PeriodWeek:
		_, w := f.ISOWeek()
		return pick(lang, fmt.Sprintf("tuần %d (%s – %s)", w, f.Format("02/01"), p.LastDay().Format("02/01/2006")),
			fmt.Sprintf("week %d (%s – %s)", w, f.Format("2 Jan"), p.LastDay().Format("2 Jan 2006")))
	case models.PeriodMonth:
		return pick(lang, "tháng "+f.Format("1/2006"), f.Format("January 2006"))
	case models.PeriodQuarter:
		q := int(f.Month()-1)/3 + 1
		return pick(lang, fmt.Sprintf("quý %d/%d", q, f.Year()), fmt.Sprintf("Q%d %d", q, f.Year()))
	case models.PeriodYear:
		return pick(lang, "năm "+f.Format("2006"), f.Format("2006"))
	}
	return pick(lang, f.Format("02/01/2006")+" – "+p.LastDay().Format("02/01/2006"), f.Format("2 Jan 2006")+" – "+p.LastDay().Format("2 Jan 2006"))
}
