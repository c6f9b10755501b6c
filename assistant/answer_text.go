package assistant

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// sentence writes the one-sentence answer from the result: the value (and its change) for a
// single number, the top row of a ranking, the peak of a series.
func (l *Layer) sentence(spec Spec, ans *Answer, lang string) string {
	m := l.metricByKey[spec.Metrics[0]]
	name := m.Names.Get(lang)
	period := ""
	if p, err := models.ParsePeriod(spec.Period.Text); err == nil {
		period = periodWords(p, lang)
	}
	col := func(key string) int {
		for i, c := range ans.Columns {
			if c.Key == key {
				return i
			}
		}
		return -1
	}
	mi := col(m.Key)
	if len(ans.Rows) == 0 || mi < 0 {
		return pick(lang, "Không có dữ liệu về "+lowerFirst(name)+" trong "+period+".",
			"No data on "+lowerFirst(name)+" in "+period+".")
	}
	val := func(r []any, i int) (float64, bool) {
		if i < 0 {
			return 0, false
		}
		switch x := r[i].(type) {
		case float64:
			return x, true
		case int64:
			return float64(x), true
		}
		return 0, false
	}
	if len(spec.Dimensions) == 0 {
		v, ok := val(ans.Rows[0], mi)
		if !ok {
			return pick(lang, name+" trong "+period+" không tính được (không có số liệu).",
				name+" in "+period+" cannot be computed (no data).")
		}
		s := pick(lang, name+" trong "+period+" là "+FormatValue(v, m.Unit, lang),
			name+" in "+period+" was "+FormatValue(v, m.Unit, lang))
		if c, ok := val(ans.Rows[0], col(m.Key+"_compare")); ok {
			s += pick(lang, ", so với "+FormatValue(c, m.Unit, lang)+" "+compareWords(spec.Compare, lang),
				", against "+FormatValue(c, m.Unit, lang)+" in the "+compareWords(spec.Compare, lang))
			s += " (" + changeWords(v, c, m.Unit, lang) + ")"
		}
		return s + "."
	}
	d0 := spec.Dimensions[0]
	label := func(r []any) string {
		if i := col(d0 + "_name"); i >= 0 {
			return toString(r[i])
		}
		return toString(r[col(d0)])
	}
	if l.Dimensions[d0].Time {
		best, bi := math.Inf(-1), -1
		for i, r := range ans.Rows {
			if v, ok := val(r, mi); ok && v > best {
				best, bi = v, i
			}
		}
		if bi < 0 {
			return pick(lang, "Không có số liệu trong "+period+".", "No data in "+period+".")
		}
		when := timeLabel(d0, label(ans.Rows[bi]), lang)
		return pick(lang, name+" trong "+period+" cao nhất vào "+when+" ("+FormatValue(best, m.Unit, lang)+"), trên "+strconv.Itoa(len(ans.Rows))+" mốc thời gian.",
			name+" in "+period+" peaked in "+when+" ("+FormatValue(best, m.Unit, lang)+"), over "+strconv.Itoa(len(ans.Rows))+" points.")
	}
	first := ans.Rows[0]
	v, ok := val(first, mi)
	if !ok {
		return pick(lang, "Không tính được "+lowerFirst(name)+" trong "+period+".", "No value of "+lowerFirst(name)+" in "+period+".")
	}
	desc := spec.OrderBy == "" || spec.Desc
	rank := pick(lang, "cao nhất", "highest")
	if !desc {
		rank = pick(lang, "thấp nhất", "lowest")
	}
	if spec.OrderBy != "" && spec.OrderBy != m.Key {
		rank = pick(lang, "đứng đầu", "first")
	}
	s := pick(lang, "Trong "+period+", "+lowerFirst(name)+" "+rank+" là "+label(first)+" ("+FormatValue(v, m.Unit, lang)+")",
		"In "+period+", "+label(first)+" ranked "+rank+" on "+lowerFirst(name)+" ("+FormatValue(v, m.Unit, lang)+")")
	if len(ans.Rows) > 1 {
		if v2, ok := val(ans.Rows[1], mi); ok {
			s += pick(lang, "; tiếp theo là "+label(ans.Rows[1])+" ("+FormatValue(v2, m.Unit, lang)+")",
				"; next came "+label(ans.Rows[1])+" ("+FormatValue(v2, m.Unit, lang)+")")
		}
	}
	return s + "."
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// Keep proper names and acronyms: only lower a capital followed by a lower-case letter.
	if len(r) > 1 && strings.ToLower(string(r[1])) == string(r[1]) {
		r[0] = []rune(strings.ToLower(string(r[0])))[0]
	}
	return string(r)
}

// changeWords describes v against c: percentage points for a percent, else the relative change.
func changeWords(v, c float64, unit, lang string) string {
	if unit == "percent" || unit == "days" {
		// Compare what the reader sees: the values as shown, to one decimal.
		v, c = math.Round(v*10)/10, math.Round(c*10)/10
	}
	d := v - c
	up := d >= 0
	var amount string
	if unit == "percent" {
		amount = FormatNumber(math.Abs(d), 1, lang) + pick(lang, " điểm phần trăm", " percentage points")
	} else if c != 0 {
		amount = FormatNumber(math.Abs(d)/math.Abs(c)*100, 1, lang) + "%"
	} else {
		amount = FormatValue(math.Abs(d), unit, lang)
	}
	if d == 0 {
		return pick(lang, "không đổi", "unchanged")
	}
	if up {
		return pick(lang, "tăng ", "up ") + amount
	}
	return pick(lang, "giảm ", "down ") + amount
}

// FormatValue formats a metric value of unit for lang: Vietnamese uses '.' between thousands
// and ',' before decimals (1.234,5), English the reverse. Percent and days carry one decimal,
// scores two, counts and đồng none.
func FormatValue(v float64, unit, lang string) string {
	switch unit {
	case "percent":
		return FormatNumber(v, 1, lang) + "%"
	case "days":
		return FormatNumber(v, 1, lang) + pick(lang, " ngày", " days")
	case "vnd":
		return FormatNumber(v, 0, lang) + pick(lang, " đồng", " VND")
	case "score":
		return FormatNumber(v, 2, lang)
	}
	return FormatNumber(v, 0, lang)
}

// FormatNumber writes v with decimals places and the thousands and decimal marks of lang.
func FormatNumber(v float64, decimals int, lang string) string {
	// Half away from zero, as people round (strconv would give 2,2 for 2,25).
	scale := math.Pow(10, float64(decimals))
	s := strconv.FormatFloat(math.Round(math.Abs(v)*scale)/scale, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	thou, dec := ".", ","
	if lang == "en" {
		thou, dec = ",", "."
	}
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thou)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// timeLabel names the start day of a time dimension's row (YYYY-MM-DD) for a sentence: "ngày
// 03/10/2025", "tuần từ 06/10/2025", "tháng 10/2025", "quý 3/2025".
func timeLabel(dim, day, lang string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, models.Location)
	if err != nil {
		return day
	}
	switch dim {
	case "week":
		return pick(lang, "tuần từ "+t.Format("02/01/2006"), "the week of "+t.Format("2 Jan 2006"))
	case "month":
		return pick(lang, "tháng "+t.Format("1/2006"), t.Format("January 2006"))
	case "quarter":
		return pick(lang, "quý "+strconv.Itoa(int(t.Month()-1)/3+1)+"/"+t.Format("2006"), "Q"+strconv.Itoa(int(t.Month()-1)/3+1)+" "+t.Format("2006"))
	}
	return pick(lang, "ngày "+t.Format("02/01/2006"), t.Format("2 Jan 2006"))
}
