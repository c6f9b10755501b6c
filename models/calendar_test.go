package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func calDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, Location)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCalendarTypes(t *testing.T) {
	cal := DefaultCalendar()
	tests := []struct {
		date string
		want DayType
	}{
		// Tết 2025: first day 29/1; the official break 25/1–2/2.
		{"2025-01-03", DayOrdinary},
		{"2025-01-04", DayPreTetRamp}, // 21 days before the break
		{"2025-01-17", DayPreTetRamp},
		{"2025-01-18", DayPreTet}, // the week before the break
		{"2025-01-24", DayPreTet},
		{"2025-01-25", DayTetBreak},
		{"2025-01-29", DayTetBreak},
		{"2025-02-02", DayTetBreak},
		{"2025-02-03", DayPostTet},
		{"2025-02-12", DayPostTet},
		{"2025-02-13", DayOrdinary},
		// Tết 2026: the official break 14/2–22/2 (Tết on 17/2).
		{"2026-02-13", DayPreTet}, {"2026-02-14", DayTetBreak}, {"2026-02-22", DayTetBreak}, {"2026-02-23", DayPostTet},
		// Solar holidays, the Hùng Kings' day (10/3 lunar) and the extra National Day day.
		{"2025-01-01", DayHoliday},
		{"2025-04-07", DayHoliday},
		{"2025-04-30", DayHoliday},
		{"2025-05-01", DayHoliday},
		{"2025-09-01", DayHoliday},
		{"2025-09-02", DayHoliday},
		{"2025-09-03", DayOrdinary},
		{"2024-09-03", DayHoliday},
		{"2024-09-01", DayOrdinary},
		{"2023-01-01", DayHoliday}, // in the weeks before the 2023 break, still a day off
		{"2022-12-31", DayPreTetRamp},
		// Tết of every year of the calendar, on its first day.
		{"2020-01-25", DayTetBreak}, {"2021-02-12", DayTetBreak}, {"2022-02-01", DayTetBreak},
		{"2023-01-22", DayTetBreak}, {"2024-02-10", DayTetBreak}, {"2026-02-17", DayTetBreak},
		{"2027-02-06", DayTetBreak}, {"2028-01-26", DayTetBreak}, {"2029-02-13", DayTetBreak},
		{"2030-02-03", DayTetBreak},
		// Without an announced break: 29 Tết to 4 Tết (2027: 4/2–10/2).
		{"2027-02-03", DayPreTet}, {"2027-02-04", DayTetBreak}, {"2027-02-10", DayTetBreak}, {"2027-02-11", DayPostTet},
		{"2030-04-12", DayHoliday},
		// Outside the calendar's years nothing is known.
		{"2031-01-01", DayOrdinary},
	}
	for _, tt := range tests {
		if got := cal.TypeOf(calDay(t, tt.date)); got != tt.want {
			t.Errorf("TypeOf(%s) = %s, want %s", tt.date, got, tt.want)
		}
		// The type is the local date's, whatever the zone of the time given.
		if got := cal.TypeOf(calDay(t, tt.date).Add(23 * time.Hour).UTC()); got != tt.want {
			t.Errorf("TypeOf(%s 23:00 as UTC) = %s, want %s", tt.date, got, tt.want)
		}
	}
	if !cal.Covers(calDay(t, "2030-12-31")) || cal.Covers(calDay(t, "2031-01-01")) || cal.Covers(calDay(t, "2019-12-31")) {
		t.Error("Covers: want 2020–2030")
	}
}

func TestCalendarIsHoliday(t *testing.T) {
	cal := DefaultCalendar()
	for day, want := range map[string]bool{
		"2025-01-01": true, "2025-01-27": true, "2025-01-29": true, "2025-02-02": true, "2025-02-03": false,
		"2025-04-07": true, "2025-04-30": true, "2025-09-02": true, "2025-10-01": false, "2026-02-15": true,
		"2026-02-14": true, "2026-02-22": true, "2026-02-23": false, "2026-02-13": false,
	} {
		if got := cal.IsHoliday(calDay(t, day)); got != want {
			t.Errorf("IsHoliday(%s) = %v, want %v", day, got, want)
		}
	}
}

func TestCalendarTetNear(t *testing.T) {
	cal := DefaultCalendar()
	tet, ok := cal.TetNear(calDay(t, "2026-01-20"), 60)
	if !ok || !tet.NewYear.Equal(calDay(t, "2026-02-17")) || !tet.BreakFirst.Equal(calDay(t, "2026-02-14")) || !tet.BreakLast.Equal(calDay(t, "2026-02-22")) {
		t.Errorf("TetNear(2026-01-20) = %+v, %v; want Tết 17/2/2026, break 14/2–22/2", tet, ok)
	}
	if _, ok := cal.TetNear(calDay(t, "2026-06-01"), 60); ok {
		t.Error("TetNear(2026-06-01, 60) found a Tết")
	}
	if _, ok := cal.TetNear(calDay(t, "2026-02-07"), 10); !ok {
		t.Error("TetNear(2026-02-07, 10): 17/2 is ten days away")
	}
	if _, ok := cal.TetNear(calDay(t, "2026-02-06"), 10); ok {
		t.Error("TetNear(2026-02-06, 10): 17/2 is eleven days away")
	}
}

func TestParseCalendarRefusesBadData(t *testing.T) {
	good := string(HolidaysYAML())
	tests := []struct{ name, src, field string }{
		{"not yaml", "years: [", "holidays"},
		{"no year", "fixed: [\"01-01\"]", "holidays.years"},
		{"bad date", strings.Replace(good, "lunar_new_year: 2025-01-29", "lunar_new_year: 2025-01-32", 1), "holidays.years[5].lunar_new_year"},
		{"tết in march", strings.Replace(good, "lunar_new_year: 2025-01-29", "lunar_new_year: 2025-03-01", 1), "holidays.years[5].lunar_new_year"},
		{"break without tết", strings.Replace(good, "tet_break: [2025-01-25, 2025-02-02]", "tet_break: [2025-01-20, 2025-01-24]", 1), "holidays.years[5].tet_break"},
		{"gap in years", strings.Replace(good, "year: 2025", "year: 2035", 1), "holidays.years[5]"},
		{"hùng kings in another year", strings.Replace(good, "hung_kings: 2025-04-07", "hung_kings: 2026-04-07", 1), "holidays.years[5].hung_kings"},
		{"bad fixed day", strings.Replace(good, `"05-01"`, `"05-32"`, 1), "holidays.fixed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCalendar([]byte(tt.src))
			var fe *FieldError
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}
