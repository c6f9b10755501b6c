package models

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// periodSeeds are periods as users, the CLI, the assistant and the dashboard's period picker
// write them, and near misses.
var periodSeeds = []string{
	"2025", "2025-Q3", " 2025-q4 ", "2025-10", "2025-12", "2025-W40", "2025-W01", "2020-W53", "2026-W53",
	"2025-10-01", "2024-02-29", "2025-10-01..2025-10-31", "2024-12-30..2025-01-02", "2025-10-01 .. 2025-10-31",
	"1970", "1970-01-01", "2105", "2105-12-31", "1975-06-12", "1975-06-13", "1970-01-01..2105-12-31",
	"2025-02-29", "2025-13", "2025-W00", "2021-W53", "2025-10-31..2025-10-01", "2025-10-01..", "..",
	"1969", "2106", "2025/10", "Q3-2025", "2025-10-01T00:00:00Z", "last month", "tháng 10", "2025-10-01..2025-10-02..2025-10-03",
	"+2025", "2025-1", "2025-10-1", "２０２５", "2025\x00", "\xff",
}

// checkPeriod checks the invariants every Period from ParsePeriod or DateRange keeps.
func checkPeriod(t *testing.T, in string, p Period) {
	t.Helper()
	if p.IsZero() || p.Kind < PeriodDay || p.Kind > PeriodRange {
		t.Fatalf("%q: period %+v has no kind", in, p)
	}
	for _, b := range []time.Time{p.From, p.To} {
		if b.Location() != Location {
			t.Fatalf("%q: bound %v is in %v, want %s", in, b, b.Location(), TimeZone)
		}
		if h, m, s := b.Clock(); h != 0 || m != 0 || s != 0 || b.Nanosecond() != 0 {
			t.Fatalf("%q: bound %v is not a local midnight", in, b)
		}
	}
	if !p.From.Before(p.To) {
		t.Fatalf("%q: From %v is not before To %v", in, p.From, p.To)
	}
	if y := p.From.Year(); y < minPeriodYear || y > maxPeriodYear {
		t.Fatalf("%q: starts in %d, outside %d–%d", in, y, minPeriodYear, maxPeriodYear)
	}
	if !p.Contains(p.From) || p.Contains(p.To) || !p.Contains(p.To.Add(-time.Nanosecond)) {
		t.Fatalf("%q: Contains is not half-open on [%v, %v)", in, p.From, p.To)
	}
	// Days counts the calendar days: stepping LastDay back Days()-1 days lands on From.
	n := p.Days()
	if n < 1 || !p.LastDay().AddDate(0, 0, -(n-1)).Equal(p.From) {
		t.Fatalf("%q: Days() = %d does not count [%v, %v)", in, n, p.From, p.To)
	}
	switch p.Kind {
	case PeriodDay:
		if n != 1 {
			t.Fatalf("%q: a day of %d days", in, n)
		}
	case PeriodWeek:
		if n != 7 || p.From.Weekday() != time.Monday {
			t.Fatalf("%q: a week of %d days from a %v", in, n, p.From.Weekday())
		}
	case PeriodMonth:
		if p.From.Day() != 1 || !p.To.Equal(p.From.AddDate(0, 1, 0)) {
			t.Fatalf("%q: month [%v, %v)", in, p.From, p.To)
		}
	case PeriodQuarter:
		if p.From.Day() != 1 || (p.From.Month()-1)%3 != 0 || !p.To.Equal(p.From.AddDate(0, 3, 0)) {
			t.Fatalf("%q: quarter [%v, %v)", in, p.From, p.To)
		}
	case PeriodYear:
		if p.From.YearDay() != 1 || !p.To.Equal(p.From.AddDate(1, 0, 0)) {
			t.Fatalf("%q: year [%v, %v)", in, p.From, p.To)
		}
	}
}

// FuzzParsePeriod: ParsePeriod never panics; it refuses with a FieldError naming "period" (valid
// UTF-8, matching ErrInvalid) or returns a period of whole local days, From < To, both midnight in
// Asia/Ho_Chi_Minh, whose String (and MarshalText) parses back to the same period, whose
// Previous ends where it starts and whose SameLastYear is the same kind about a year earlier.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range periodSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParsePeriod(in)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "period" || !errors.Is(err, ErrInvalid) || fe.Message == "" {
				t.Fatalf("%q: err = %#v, want a FieldError for period", in, err)
			}
			if !utf8.ValidString(fe.Message) && utf8.ValidString(in) {
				t.Fatalf("%q: message is not UTF-8: %q", in, fe.Message)
			}
			if len(fe.Message) > 400 {
				t.Fatalf("%q: a %d-byte message quotes too much of the input", in, len(fe.Message))
			}
			return
		}
		checkPeriod(t, in, p)
		text := p.String()
		again, err := ParsePeriod(text)
		if err != nil || again != p {
			t.Fatalf("%q: String() = %q parses to %+v, %v; want %+v", in, text, again, err, p)
		}
		if other, err := ParsePeriod(strings.ToLower(in)); err != nil || other != p {
			t.Fatalf("%q: lower case %+v, %v; want %+v", in, other, err, p)
		}
		b, _ := p.MarshalText()
		var u Period
		if err := u.UnmarshalText(b); err != nil || u != p || string(b) != text {
			t.Fatalf("%q: text round trip %q → %+v, %v", in, b, u, err)
		}

		// The comparison periods: still whole local days of the same kind. They may start before
		// 1970 (the previous year of 1970), which ParsePeriod would refuse, so only their shape
		// is checked here.
		prev := p.Previous()
		if prev.Kind != p.Kind || !prev.To.Equal(p.From) || !prev.From.Before(prev.To) {
			t.Fatalf("%q: Previous() = [%v, %v) %v, want the same kind ending at %v", in, prev.From, prev.To, prev.Kind, p.From)
		}
		if p.Kind == PeriodDay || p.Kind == PeriodWeek || p.Kind == PeriodRange {
			if prev.Days() != p.Days() {
				t.Fatalf("%q: Previous() has %d days, want %d", in, prev.Days(), p.Days())
			}
		}
		ly := p.SameLastYear()
		if ly.Kind != p.Kind || !ly.From.Before(ly.To) {
			t.Fatalf("%q: SameLastYear() = [%v, %v) %v", in, ly.From, ly.To, ly.Kind)
		}
		if d := p.From.Sub(ly.From); d < 358*24*time.Hour || d > 373*24*time.Hour {
			t.Fatalf("%q: SameLastYear() starts %v earlier, want about a year", in, d)
		}
		for _, q := range []Period{prev, ly} {
			if q.From.Year() >= minPeriodYear {
				checkPeriod(t, in+" (comparison "+q.String()+")", q)
				if again, err := ParsePeriod(q.String()); err != nil || again != q {
					t.Fatalf("%q: comparison %q does not parse back: %+v, %v", in, q.String(), again, err)
				}
			}
		}
	})
}

// FuzzParseFromTo is the dashboard's from/to pair (?from=…&to=…, both days included), which it
// reads as ParsePeriod(from + ".." + to): a pair is accepted only when from and to are each a day
// by themselves, and then the period runs from the from day to the end of the to day; anything
// else is a FieldError naming the period. Neither half can smuggle a second range or a time.
func FuzzParseFromTo(f *testing.F) {
	for _, p := range [][2]string{
		{"2025-10-01", "2025-10-31"}, {"2025-10-01", "2025-10-01"}, {"2024-12-30", "2025-01-02"}, {"2025-10-31", "2025-10-01"},
		{"2025-10-01..2025-10-05", "2025-10-06"}, {"2025-10-01", "..2025-10-06"}, {"2025-10", "2025-11"}, {"", "2025-10-01"},
		{"2025-10-01", ""}, {"1970-01-01", "2105-12-31"}, {"2025-10-01T08:00:00+07:00", "2025-10-02"}, {" 2025-10-01", "2025-10-02 "},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		p, err := ParsePeriod(from + ".." + to)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "period" || !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q..%q: err = %#v, want a FieldError for period", from, to, err)
			}
			return
		}
		checkPeriod(t, from+".."+to, p)
		first, err1 := ParsePeriod(from)
		last, err2 := ParsePeriod(to)
		if err1 != nil || err2 != nil || first.Kind != PeriodDay || last.Kind != PeriodDay {
			t.Fatalf("%q..%q accepted as %s, but the halves are %v (%v) and %v (%v), not two days", from, to, p, first.Kind, err1, last.Kind, err2)
		}
		if p.Kind != PeriodRange || !p.From.Equal(first.From) || !p.To.Equal(last.To) || first.From.After(last.From) {
			t.Fatalf("%q..%q = [%v, %v) %v, want [%v, %v)", from, to, p.From, p.To, p.Kind, first.From, last.To)
		}
	})
}
