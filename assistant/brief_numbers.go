package assistant

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Numbers in prose, Vietnamese and English: "1.234", "1.234,5", "93,8%", "1,234.5", "93.8%".
// The checker reads every number of a text both ways and accepts it when either reading is a
// number of the fact sheet (or result), so a model that writes 93.8% in a Vietnamese text about
// a fact of 93,8% is not rejected, and one that writes 94% is.

var (
	numberToken = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	// citation marks such as [F3] or [F1, F4] carry fact ids, not numbers.
	citation = regexp.MustCompile(`\[\s*F\d+(?:\s*[,;]\s*F\d+)*\s*\]`)
	citeID   = regexp.MustCompile(`\bF\d+\b`)
)

// numberSet holds the numbers a text may use, rounded to 6 decimals.
type numberSet map[int64]bool

func newNumberSet() numberSet { return numberSet{} }

func key(v float64) int64 { return int64(math.Round(math.Abs(v) * 1e6)) }

func (s numberSet) add(v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		s[key(v)] = true
	}
}

// addValue adds a result cell and the usual roundings of it (0–2 decimals, and as a percent when
// it is a ratio), which a model may fairly write.
func (s numberSet) addValue(v any) {
	var f float64
	switch x := v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		f, _ = strconv.ParseFloat(fmt.Sprint(x), 64)
	case float32:
		f = float64(x)
	case float64:
		f = x
	case *float64:
		if x == nil {
			return
		}
		f = *x
	case string:
		s.addText(x)
		return
	default:
		return
	}
	s.add(f)
	for d := 0; d <= 2; d++ {
		p := math.Pow(10, float64(d))
		s.add(math.Round(f*p) / p)
		if math.Abs(f) <= 1 {
			s.add(math.Round(f*100*p) / p)
		}
	}
}

// addText adds every number written in text, read both ways.
func (s numberSet) addText(text string) {
	for _, tok := range numberToken.FindAllString(citation.ReplaceAllString(text, " "), -1) {
		for _, v := range readings(tok) {
			s.add(v)
		}
	}
}

// addDate adds the numbers one may write of a day: day, month, year.
func (s numberSet) addDate(t time.Time) {
	s.add(float64(t.Day()))
	s.add(float64(t.Month()))
	s.add(float64(t.Year()))
}

// unknown returns the numbers of text that are in no reading in the set, as written.
func (s numberSet) unknown(text string) []string {
	var bad []string
	for _, tok := range numberToken.FindAllString(citation.ReplaceAllString(text, " "), -1) {
		ok := false
		for _, v := range readings(tok) {
			if s[key(v)] {
				ok = true
				break
			}
		}
		if !ok {
			bad = append(bad, tok)
		}
	}
	return bad
}

// readings are the values a number token may stand for: Vietnamese (. groups, , decimals) and
// English (, groups, . decimals).
func readings(tok string) []float64 {
	var out []float64
	vi := strings.ReplaceAll(strings.ReplaceAll(tok, ".", ""), ",", ".")
	en := strings.ReplaceAll(tok, ",", "")
	for _, t := range []string{vi, en} {
		if strings.Count(t, ".") > 1 {
			continue
		}
		if v, err := strconv.ParseFloat(t, 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// formatNumber writes v with decimals places (trailing zeros dropped) and grouped thousands,
// Vietnamese style (1.234,5) unless lang is "en" (1,234.5).
func formatNumber(v float64, decimals int, lang string) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	group, dec := ".", ","
	if lang == "en" {
		group, dec = ",", "."
	}
	var b strings.Builder
	if v < 0 && (intPart != "0" || frac != "") {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// formatPercent writes a ratio (0–1) as a percent with one decimal: "93,8%" / "93.8%".
func formatPercent(ratio float64, lang string) string { return formatNumber(ratio*100, 1, lang) + "%" }

// formatCell writes a result cell for a prompt: numbers in the language's format, the rest as
// text.
func formatCell(v any, lang string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return formatNumber(x, 2, lang)
	case float32:
		return formatNumber(float64(x), 2, lang)
	case *float64:
		if x == nil {
			return "N/A"
		}
		return formatNumber(*x, 2, lang)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(x), 64)
		return formatNumber(f, 0, lang)
	case time.Time:
		return x.Format("2006-01-02")
	}
	return fmt.Sprint(v)
}
