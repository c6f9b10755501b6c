package models

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PeriodKind says how a Period was named, which decides what its previous period is.
type PeriodKind uint8

// The kinds of Period. The zero PeriodKind belongs to the zero Period.
const (
	PeriodDay     PeriodKind = iota + 1 // 2025-10-01
	PeriodWeek                          // 2025-W40, an ISO week from Monday
	PeriodMonth                         // 2025-10
	PeriodQuarter                       // 2025-Q3
	PeriodYear                          // 2025
	PeriodRange                         // 2025-10-01..2025-10-31, any run of whole days
)

// String names the kind: "day", "week", "month", "quarter", "year" or "range".
func (k PeriodKind) String() string {
	switch k {
	case PeriodDay:
		return "day"
	case PeriodWeek:
		return "week"
	case PeriodMonth:
		return "month"
	case PeriodQuarter:
		return "quarter"
	case PeriodYear:
		return "year"
	case PeriodRange:
		return "range"
	}
	return "none"
}

// Period is a run of whole local days, half-open: it holds every instant t with From ≤ t < To.
// From and To are midnights in Asia/Ho_Chi_Minh (Location), so a query binds them directly to a
// DateTime filter (received_at >= {from} AND received_at < {to}) or, as dates, to a rollup's day.
// The zero Period is empty and reports IsZero. Periods are values, safe to copy and share.
type Period struct {
	From time.Time
	To   time.Time
	Kind PeriodKind
}

// Years a Period may start in: ClickHouse's DateTime ends in 2106.
const (
	minPeriodYear = 1970
	maxPeriodYear = 2105
)

var (
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	weekRe    = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
	dayRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ParsePeriod reads a period as written in URLs, the CLI and the assistant: "2025" (a year),
// "2025-Q3" (a quarter), "2025-10" (a month), "2025-W40" (an ISO week), "2025-10-01" (a day) or
// "2025-10-01..2025-10-31" (a range of days, both ends included). Letters may be lower case and
// surrounding spaces are ignored. A malformed text yields a *FieldError for field "period".
func ParsePeriod(s string) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := func(why string) (Period, error) {
		return Period{}, invalid("period", "cannot read %s (%s); write 2025, 2025-Q3, 2025-10, 2025-W40, 2025-10-01 or 2025-10-01..2025-10-31", quoteShort(s), why)
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		first, err := parseDay(a)
		if err != nil {
			return bad("first day is not a date")
		}
		last, err := parseDay(b)
		if err != nil {
			return bad("last day is not a date")
		}
		p, err := DateRange(first, last)
		if err != nil {
			return bad("last day is before the first")
		}
		return p, nil
	}
	if m := yearRe.FindStringSubmatch(s); m != nil {
		y, ok := periodYear(m[1])
		if !ok {
			return bad("year out of range")
		}
		return yearPeriod(y), nil
	}
	if m := quarterRe.FindStringSubmatch(s); m != nil {
		y, ok := periodYear(m[1])
		if !ok {
			return bad("year out of range")
		}
		q, _ := strconv.Atoi(m[2])
		return quarterPeriod(y, q), nil
	}
	if m := monthRe.FindStringSubmatch(s); m != nil {
		y, ok := periodYear(m[1])
		mo, _ := strconv.Atoi(m[2])
		if !ok || mo < 1 || mo > 12 {
			return bad("no such month")
		}
		return monthPeriod(y, time.Month(mo)), nil
	}
	if m := weekRe.FindStringSubmatch(s); m != nil {
		y, ok := periodYear(m[1])
		w, _ := strconv.Atoi(m[2])
		if !ok || w < 1 || w > isoWeeksIn(y) {
			return bad("no such ISO week")
		}
		return weekPeriod(y, w), nil
	}
	if dayRe.MatchString(s) {
		d, err := parseDay(s)
		if err != nil {
			return bad("no such day")
		}
		return Period{From: d, To: d.AddDate(0, 0, 1), Kind: PeriodDay}, nil
	}
	return bad("unknown form")
}

// DateRange is the Period of whole days from the local date of first to the local date of last,
// both included. It fails with ErrInvalid when last is before first.
func DateRange(first, last time.Time) (Period, error) {
	from, to := localMidnight(first), localMidnight(last)
	if to.Before(from) {
		return Period{}, invalid("period", "last day %s is before first day %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	if y := from.Year(); y < minPeriodYear || to.Year() > maxPeriodYear {
		return Period{}, invalid("period", "years must lie between %d and %d", minPeriodYear, maxPeriodYear)
	}
	return Period{From: from, To: to.AddDate(0, 0, 1), Kind: PeriodRange}, nil
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Kind == 0 && p.From.IsZero() && p.To.IsZero() }

// Contains reports whether t falls in p (From ≤ t < To).
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Days is the number of days in p.
func (p Period) Days() int {
	return int(p.To.Sub(p.From).Round(24*time.Hour) / (24 * time.Hour))
}

// LastDay is the midnight starting the last day of p (the "to" date a user would write).
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Previous is the period just before p, of the same kind: the previous day, week, month, quarter
// or year, or for a range the same number of days ending where p starts.
func (p Period) Previous() Period {
	switch p.Kind {
	case PeriodDay, PeriodWeek, PeriodRange:
		n := p.Days()
		return Period{From: p.From.AddDate(0, 0, -n), To: p.From, Kind: p.Kind}
	case PeriodMonth:
		f := p.From.AddDate(0, -1, 0)
		return monthPeriod(f.Year(), f.Month())
	case PeriodQuarter:
		f := p.From.AddDate(0, -3, 0)
		return quarterPeriod(f.Year(), int(f.Month()-1)/3+1)
	case PeriodYear:
		return yearPeriod(p.From.Year() - 1)
	}
	return Period{}
}

// SameLastYear is p one year earlier: the same day (29 February becomes the 28th), the same ISO
// week number (week 53 becomes 52 when the earlier year has none), month, quarter or year, or for
// a range the same dates.
func (p Period) SameLastYear() Period {
	switch p.Kind {
	case PeriodDay:
		f := minusYearClamped(p.From)
		return Period{From: f, To: f.AddDate(0, 0, 1), Kind: PeriodDay}
	case PeriodWeek:
		y, w := p.From.ISOWeek()
		return weekPeriod(y-1, min(w, isoWeeksIn(y-1)))
	case PeriodMonth:
		return monthPeriod(p.From.Year()-1, p.From.Month())
	case PeriodQuarter:
		return quarterPeriod(p.From.Year()-1, int(p.From.Month()-1)/3+1)
	case PeriodYear:
		return yearPeriod(p.From.Year() - 1)
	case PeriodRange:
		// The exclusive end moves by calendar (29 Feb → 1 Mar), the start clamps (29 Feb → 28
		// Feb): the earlier range then covers the same dates, never less.
		return Period{From: minusYearClamped(p.From), To: p.To.AddDate(-1, 0, 0), Kind: PeriodRange}
	}
	return Period{}
}

// String writes p the way ParsePeriod reads it; "" for the zero Period.
func (p Period) String() string {
	switch p.Kind {
	case PeriodDay:
		return p.From.Format(time.DateOnly)
	case PeriodWeek:
		y, w := p.From.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return p.From.Format("2006-01")
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.From.Year(), int(p.From.Month()-1)/3+1)
	case PeriodYear:
		return p.From.Format("2006")
	case PeriodRange:
		return p.From.Format(time.DateOnly) + ".." + p.LastDay().Format(time.DateOnly)
	}
	return ""
}

// MarshalText writes p as String does, so a Period reads and writes as text in JSON and config.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses text with ParsePeriod.
func (p *Period) UnmarshalText(text []byte) error {
	v, err := ParsePeriod(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func yearPeriod(y int) Period {
	f := time.Date(y, time.January, 1, 0, 0, 0, 0, Location)
	return Period{From: f, To: f.AddDate(1, 0, 0), Kind: PeriodYear}
}

func quarterPeriod(y, q int) Period {
	f := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, Location)
	return Period{From: f, To: f.AddDate(0, 3, 0), Kind: PeriodQuarter}
}

func monthPeriod(y int, m time.Month) Period {
	f := time.Date(y, m, 1, 0, 0, 0, 0, Location)
	return Period{From: f, To: f.AddDate(0, 1, 0), Kind: PeriodMonth}
}

// weekPeriod is ISO week w of ISO year y: from the Monday of the week holding 4 January.
func weekPeriod(y, w int) Period {
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, Location)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	return Period{From: monday, To: monday.AddDate(0, 0, 7), Kind: PeriodWeek}
}

// isoWeeksIn is 53 for ISO years with a week 53, else 52 (28 December is always in the last week).
func isoWeeksIn(y int) int {
	_, w := time.Date(y, time.December, 28, 0, 0, 0, 0, Location).ISOWeek()
	return w
}

func periodYear(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= minPeriodYear && y <= maxPeriodYear
}

func parseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), Location)
	if err != nil {
		return time.Time{}, err
	}
	if d.Year() < minPeriodYear || d.Year() > maxPeriodYear {
		return time.Time{}, fmt.Errorf("year %d out of range", d.Year())
	}
	return d, nil
}

func localMidnight(t time.Time) time.Time {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}

// minusYearClamped is t one year earlier, with 29 February becoming 28 February.
func minusYearClamped(t time.Time) time.Time {
	y, m, d := t.Date()
	if m == time.February && d == 29 {
		d = 28
	}
	return time.Date(y-1, m, d, 0, 0, 0, 0, Location)
}
