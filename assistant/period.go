package assistant

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/govpulse/govpulse/models"
)

// relativePeriods are the period words of the layer (periods: in semantic.yaml), each read
// against now (local time).
var relativePeriods = map[string]func(now time.Time) models.Period{
	"today":        func(n time.Time) models.Period { return dayP(n) },
	"yesterday":    func(n time.Time) models.Period { return dayP(n.AddDate(0, 0, -1)) },
	"this_week":    func(n time.Time) models.Period { return weekP(n) },
	"last_week":    func(n time.Time) models.Period { return weekP(n).Previous() },
	"this_month":   func(n time.Time) models.Period { return monthP(n.Year(), n.Month()) },
	"last_month":   func(n time.Time) models.Period { return monthP(n.Year(), n.Month()).Previous() },
	"this_quarter": func(n time.Time) models.Period { return quarterP(n.Year(), quarterOf(n.Month())) },
	"last_quarter": func(n time.Time) models.Period { return quarterP(n.Year(), quarterOf(n.Month())).Previous() },
	"this_year":    func(n time.Time) models.Period { return yearP(n.Year()) },
	"last_year":    func(n time.Time) models.Period { return yearP(n.Year() - 1) },
	"year_to_date": func(n time.Time) models.Period {
		return rangeP(time.Date(n.Year(), 1, 1, 0, 0, 0, 0, models.Location), n)
	},
	"last_7_days":  func(n time.Time) models.Period { return rangeP(n.AddDate(0, 0, -6), n) },
	"last_30_days": func(n time.Time) models.Period { return rangeP(n.AddDate(0, 0, -29), n) },
	"last_90_days": func(n time.Time) models.Period { return rangeP(n.AddDate(0, 0, -89), n) },
}

func mustPeriod(s string) models.Period {
	p, err := models.ParsePeriod(s)
	if err != nil {
		return models.Period{}
	}
	return p
}

func dayP(t time.Time) models.Period { return mustPeriod(t.Format(time.DateOnly)) }
func weekP(t time.Time) models.Period {
	y, w := t.ISOWeek()
	return mustPeriod(fmt.Sprintf("%04d-W%02d", y, w))
}
func monthP(y int, m time.Month) models.Period {
	return mustPeriod(fmt.Sprintf("%04d-%02d", y, int(m)))
}
func quarterP(y, q int) models.Period { return mustPeriod(fmt.Sprintf("%04d-Q%d", y, q)) }
func yearP(y int) models.Period       { return mustPeriod(fmt.Sprintf("%04d", y)) }
func rangeP(a, b time.Time) models.Period {
	p, err := models.DateRange(a, b)
	if err != nil {
		return models.Period{}
	}
	return p
}
func quarterOf(m time.Month) int { return int(m-1)/3 + 1 }

// periodMatch is a period found in the question's tokens [start, end).
type periodMatch struct {
	start, end int
	period     models.Period
}

var (
	yearTokRe     = regexp.MustCompile(`^(19[7-9]\d|20\d\d|210[0-5])$`)
	monthYearRe   = regexp.MustCompile(`^(\d{1,2})[/\-.](\d{4})$`)                // 10/2025
	dmyRe         = regexp.MustCompile(`^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$`) // 5/10/2025
	dmRe          = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})$`)                   // 5/10
	isoDayRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	isoMonthRe    = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	isoQuarterRe  = regexp.MustCompile(`^(\d{4})-q([1-4])$`)
	isoWeekRe     = regexp.MustCompile(`^(\d{4})-w(\d{2})$`)
	qTokRe        = regexp.MustCompile(`^q([1-4])$`)              // q3
	qYearTokRe    = regexp.MustCompile(`^q([1-4])[/\-.](\d{4})$`) // q3/2025
	numTokRe      = regexp.MustCompile(`^\d{1,2}$`)
	quarterNumRe  = regexp.MustCompile(`^([1-4])[/\-.](\d{4})$`) // 3/2025 after "quý"
	romanQuarters = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4}
	monthNames    = map[string]time.Month{
		"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
		"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
		"sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}
	ordinalQuarters = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4}
)

// absolutePeriods finds the periods written with numbers or month names in toks (folded),
// skipping used tokens and marking the ones it takes. A month or quarter without a year is the
// latest one that has begun by now.
func absolutePeriods(toks []string, used []bool, now time.Time) []periodMatch {
	var out []periodMatch
	free := func(i int) bool { return i >= 0 && i < len(toks) && !used[i] }
	tok := func(i int) string {
		if free(i) {
			return toks[i]
		}
		return ""
	}
	take := func(start, end int, p models.Period) {
		if p.IsZero() {
			return
		}
		for k := start; k < end; k++ {
			used[k] = true
		}
		out = append(out, periodMatch{start, end, p})
	}
	// A following year: "2025", "nam 2025", "year 2025", "of 2025".
	yearAfter := func(i int) (int, int) {
		if yearTokRe.MatchString(tok(i)) {
			y, _ := strconv.Atoi(tok(i))
			return y, 1
		}
		if (tok(i) == "nam" || tok(i) == "year" || tok(i) == "of" || tok(i) == "in") && yearTokRe.MatchString(tok(i+1)) {
			y, _ := strconv.Atoi(tok(i + 1))
			return y, 2
		}
		// "tháng 10 năm ngoái", "October last year", "quý 1 năm nay".
		switch tok(i) + " " + tok(i+1) {
		case "nam ngoai", "nam truoc", "last year":
			return now.Year() - 1, 2
		case "nam nay", "this year":
			return now.Year(), 2
		}
		return 0, 0
	}
	latestMonth := func(m time.Month) int {
		if m <= now.Month() {
			return now.Year()
		}
		return now.Year() - 1
	}
	latestQuarter := func(q int) int {
		if q <= quarterOf(now.Month()) {
			return now.Year()
		}
		return now.Year() - 1
	}
	date := func(s string, defYear int) (time.Time, bool) {
		if isoDayRe.MatchString(s) {
			t, err := time.ParseInLocation(time.DateOnly, s, models.Location)
			return t, err == nil
		}
		if m := dmyRe.FindStringSubmatch(s); m != nil {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			return validDate(y, mo, d)
		}
		if m := dmRe.FindStringSubmatch(s); m != nil && defYear > 0 {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			return validDate(defYear, mo, d)
		}
		return time.Time{}, false
	}

	// Ranges first: "từ 1/10 đến 15/10/2025", "from 2025-10-01 to 2025-10-15".
	for i := range toks {
		if !free(i) || (toks[i] != "tu" && toks[i] != "from" && toks[i] != "between") {
			continue
		}
		for j := i + 2; j <= i+3 && j+1 < len(toks); j++ {
			sep := tok(j)
			if sep != "den" && sep != "toi" && sep != "to" && sep != "until" && sep != "and" && sep != "-" {
				continue
			}
			endTok := tok(j + 1)
			if endTok == "ngay" && free(j+2) {
				endTok = tok(j + 2)
			}
			last, ok := date(endTok, now.Year())
			if !ok {
				continue
			}
			startTok := tok(i + 1)
			if startTok == "ngay" {
				startTok = tok(i + 2)
			}
			first, ok := date(startTok, last.Year())
			if !ok {
				continue
			}
			endIdx := j + 2
			if tok(j+1) == "ngay" {
				endIdx = j + 3
			}
			p, err := models.DateRange(first, last)
			if err == nil {
				take(i, endIdx, p)
			}
			break
		}
	}
	for i := 0; i < len(toks); i++ {
		if !free(i) {
			continue
		}
		t := toks[i]
		switch {
		case isoDayRe.MatchString(t) || dmyRe.MatchString(t):
			if d, ok := date(t, 0); ok {
				start := i
				if tok(i-1) == "ngay" || tok(i-1) == "on" {
					start = i - 1
				}
				take(start, i+1, dayP(d))
			}
		case isoMonthRe.MatchString(t):
			m := isoMonthRe.FindStringSubmatch(t)
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				take(i, i+1, monthP(y, time.Month(mo)))
			}
		case isoQuarterRe.MatchString(t):
			m := isoQuarterRe.FindStringSubmatch(t)
			y, _ := strconv.Atoi(m[1])
			q, _ := strconv.Atoi(m[2])
			take(i, i+1, quarterP(y, q))
		case isoWeekRe.MatchString(t):
			take(i, i+1, mustPeriod(t))
		case t == "thang" || t == "month":
			n := tok(i + 1)
			if m := monthYearRe.FindStringSubmatch(n); m != nil {
				mo, _ := strconv.Atoi(m[1])
				y, _ := strconv.Atoi(m[2])
				if mo >= 1 && mo <= 12 {
					take(i, i+2, monthP(y, time.Month(mo)))
				}
			} else if numTokRe.MatchString(n) {
				mo, _ := strconv.Atoi(n)
				if mo < 1 || mo > 12 {
					continue
				}
				if y, k := yearAfter(i + 2); k > 0 {
					take(i, i+2+k, monthP(y, time.Month(mo)))
				} else {
					take(i, i+2, monthP(latestMonth(time.Month(mo)), time.Month(mo)))
				}
			}
		case t == "quy" || t == "quarter":
			n := tok(i + 1)
			if m := quarterNumRe.FindStringSubmatch(n); m != nil {
				q, _ := strconv.Atoi(m[1])
				y, _ := strconv.Atoi(m[2])
				take(i, i+2, quarterP(y, q))
				continue
			}
			q := romanQuarters[n]
			if q == 0 && len(n) == 1 && n[0] >= '1' && n[0] <= '4' {
				q = int(n[0] - '0')
			}
			if q == 0 {
				continue
			}
			if y, k := yearAfter(i + 2); k > 0 {
				take(i, i+2+k, quarterP(y, q))
			} else {
				take(i, i+2, quarterP(latestQuarter(q), q))
			}
		case qYearTokRe.MatchString(t):
			m := qYearTokRe.FindStringSubmatch(t)
			q, _ := strconv.Atoi(m[1])
			y, _ := strconv.Atoi(m[2])
			take(i, i+1, quarterP(y, q))
		case qTokRe.MatchString(t):
			q := int(t[1] - '0')
			if y, k := yearAfter(i + 1); k > 0 {
				take(i, i+1+k, quarterP(y, q))
			} else {
				take(i, i+1, quarterP(latestQuarter(q), q))
			}
		case ordinalQuarters[t] > 0 && tok(i+1) == "quarter":
			q := ordinalQuarters[t]
			if y, k := yearAfter(i + 2); k > 0 {
				take(i, i+2+k, quarterP(y, q))
			} else {
				take(i, i+2, quarterP(latestQuarter(q), q))
			}
		case monthNames[t] > 0 && (t != "may" && t != "mar" || yearTokRe.MatchString(tok(i+1))):
			mo := monthNames[t]
			if y, k := yearAfter(i + 1); k > 0 {
				take(i, i+1+k, monthP(y, mo))
			} else {
				take(i, i+1, monthP(latestMonth(mo), mo))
			}
		case yearTokRe.MatchString(t):
			y, _ := strconv.Atoi(t)
			start := i
			if tok(i-1) == "nam" || tok(i-1) == "year" || tok(i-1) == "in" {
				start = i - 1
			}
			take(start, i+1, yearP(y))
		}
	}
	return out
}

func validDate(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 2105 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, models.Location)
	return t, t.Day() == d
}
