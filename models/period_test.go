package models

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Location) }

func TestParsePeriod(t *testing.T) {
	cases := []struct {
		name, in string
		from, to time.Time
		kind     PeriodKind
		text     string // String() of the result
	}{
		{"year", "2025", day(2025, 1, 1), day(2026, 1, 1), PeriodYear, "2025"},
		{"quarter", "2025-Q3", day(2025, 7, 1), day(2025, 10, 1), PeriodQuarter, "2025-Q3"},
		{"quarter lower case and spaces", " 2025-q4 ", day(2025, 10, 1), day(2026, 1, 1), PeriodQuarter, "2025-Q4"},
		{"month", "2025-10", day(2025, 10, 1), day(2025, 11, 1), PeriodMonth, "2025-10"},
		{"december", "2025-12", day(2025, 12, 1), day(2026, 1, 1), PeriodMonth, "2025-12"},
		{"iso week", "2025-W40", day(2025, 9, 29), day(2025, 10, 6), PeriodWeek, "2025-W40"},
		{"iso week 1 starts in the previous year", "2025-W01", day(2024, 12, 30), day(2025, 1, 6), PeriodWeek, "2025-W01"},
		{"iso week 53", "2020-W53", day(2020, 12, 28), day(2021, 1, 4), PeriodWeek, "2020-W53"},
		{"day", "2025-10-01", day(2025, 10, 1), day(2025, 10, 2), PeriodDay, "2025-10-01"},
		{"leap day", "2024-02-29", day(2024, 2, 29), day(2024, 3, 1), PeriodDay, "2024-02-29"},
		{"range", "2025-10-01..2025-10-31", day(2025, 10, 1), day(2025, 11, 1), PeriodRange, "2025-10-01..2025-10-31"},
		{"one-day range", "2025-10-01..2025-10-01", day(2025, 10, 1), day(2025, 10, 2), PeriodRange, "2025-10-01..2025-10-01"},
		{"range across years", "2024-12-30..2025-01-02", day(2024, 12, 30), day(2025, 1, 3), PeriodRange, "2024-12-30..2025-01-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePeriod(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(c.from) || !p.To.Equal(c.to) || p.Kind != c.kind {
				t.Errorf("got [%v, %v) %v, want [%v, %v) %v", p.From, p.To, p.Kind, c.from, c.to, c.kind)
			}
			if p.From.Location() != Location || p.To.Location() != Location {
				t.Errorf("bounds in %v / %v, want %s", p.From.Location(), p.To.Location(), TimeZone)
			}
			if p.String() != c.text {
				t.Errorf("String() = %q, want %q", p.String(), c.text)
			}
			again, err := ParsePeriod(p.String())
			if err != nil || again != p {
				t.Errorf("String() does not parse back: %v, %v", again, err)
			}
		})
	}
}

func TestParsePeriodRejects(t *testing.T) {
	for _, in := range []string{
		"", "25", "2025-13", "2025-00", "2025-Q0", "2025-Q5", "2025-W00", "2025-W53", "2021-W53", "2025-02-29",
		"2025-10-31..2025-10-01", "2025-10-01..", "..2025-10-01", "1969", "2106", "2025/10", "Q3-2025",
		"2025-10-01T00:00:00Z", "last month",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePeriod(in)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "period" || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a FieldError for period matching ErrInvalid", err)
			}
		})
	}
}

func TestPeriodPreviousAndSameLastYear(t *testing.T) {
	cases := []struct {
		in, previous, lastYear string
	}{
		{"2025", "2024", "2024"},
		{"2025-Q1", "2024-Q4", "2024-Q1"},
		{"2025-Q3", "2025-Q2", "2024-Q3"},
		{"2025-01", "2024-12", "2024-01"},
		{"2025-03", "2025-02", "2024-03"},
		{"2025-W01", "2024-W52", "2024-W01"},
		{"2021-W01", "2020-W53", "2020-W01"},
		{"2020-W53", "2020-W52", "2019-W52"}, // 2019 has no week 53
		{"2025-10-01", "2025-09-30", "2024-10-01"},
		{"2025-03-01", "2025-02-28", "2024-03-01"},
		{"2024-02-29", "2024-02-28", "2023-02-28"},
		{"2025-10-01..2025-10-31", "2025-08-31..2025-09-30", "2024-10-01..2024-10-31"},
		{"2024-02-01..2024-02-29", "2024-01-03..2024-01-31", "2023-02-01..2023-02-28"},
		{"2024-02-29..2024-03-01", "2024-02-27..2024-02-28", "2023-02-28..2023-03-01"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			p, err := ParsePeriod(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Previous(); got.String() != c.previous || got.Kind != p.Kind || !got.To.Equal(p.From) {
				t.Errorf("Previous() = %s (%v, to %v), want %s ending at %v", got, got.Kind, got.To, c.previous, p.From)
			}
			if got := p.SameLastYear(); got.String() != c.lastYear || got.Kind != p.Kind {
				t.Errorf("SameLastYear() = %s (%v), want %s", got, got.Kind, c.lastYear)
			}
		})
	}
}

func TestPeriodHelpers(t *testing.T) {
	p, err := DateRange(time.Date(2025, 10, 1, 23, 0, 0, 0, time.UTC), day(2025, 10, 3)) // 06:00 on 2 Oct in HCMC
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != "2025-10-02..2025-10-03" || p.Days() != 2 {
		t.Errorf("DateRange = %s (%d days), want 2025-10-02..2025-10-03 (2 days) in local dates", p, p.Days())
	}
	if !p.Contains(day(2025, 10, 2)) || !p.Contains(day(2025, 10, 4).Add(-time.Second)) || p.Contains(day(2025, 10, 4)) {
		t.Error("Contains is not half-open [From, To)")
	}
	if !p.LastDay().Equal(day(2025, 10, 3)) {
		t.Errorf("LastDay = %v", p.LastDay())
	}
	if _, err := DateRange(day(2025, 10, 3), day(2025, 10, 2)); !errors.Is(err, ErrInvalid) {
		t.Errorf("reversed DateRange: err = %v, want ErrInvalid", err)
	}
	var zero Period
	if !zero.IsZero() || zero.String() != "" || !zero.Previous().IsZero() {
		t.Error("zero Period is not empty")
	}
	y, _ := ParsePeriod("2024")
	if y.Days() != 366 {
		t.Errorf("2024 has %d days, want 366", y.Days())
	}

	var v struct{ P Period }
	if err := json.Unmarshal([]byte(`{"P":"2025-Q3"}`), &v); err != nil || v.P.String() != "2025-Q3" {
		t.Fatalf("unmarshal: %v %v", v.P, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"P":"2025-Q3"}` {
		t.Errorf("marshal = %s", b)
	}
	if err := json.Unmarshal([]byte(`{"P":"2025-Q9"}`), &v); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad period in JSON: err = %v", err)
	}
}
