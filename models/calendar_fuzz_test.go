package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParseCalendar feeds YAML to the holiday calendar reader, seeded with the embedded
// holidays.yaml and small edits of it. It never panics; it refuses with a FieldError whose field
// names the entry at fault (holidays, holidays.years[i].…), or returns a calendar that covers
// exactly the consecutive years it lists, in which every lunar new year falls inside its Tết
// break, every break day is closed and the days after a break are never ordinary.
func FuzzParseCalendar(f *testing.F) {
	src := string(HolidaysYAML())
	f.Add(src)
	f.Add(strings.Replace(src, "lunar_new_year: 2025-01-29", "lunar_new_year: 2025-03-29", 1))
	f.Add(strings.Replace(src, "tet_break: [2025-01-25, 2025-02-02]", "tet_break: [2025-02-02, 2025-01-25]", 1))
	f.Add(strings.Replace(src, "- year: 2022", "- year: 2023", 1))
	f.Add(strings.Replace(src, "default_tet_break: [-2, 4]", "default_tet_break: [1, 4]", 1))
	f.Add("default_tet_break: [-2, 4]\nyears:\n  - year: 2025\n    lunar_new_year: 2025-01-29\nfixed: [\"01-01\", \"04-30\", \"02-30\"]\n")
	f.Add("default_tet_break: [-2, 4]\nyears:\n  - year: 2024\n    lunar_new_year: 2024-02-10\n    hung_kings: 2025-04-18\n")
	// Breaks of millions of days, which the reader once marked day by day (minutes of work).
	f.Add(strings.Replace(src, "default_tet_break: [-2, 4]", "default_tet_break: [-2, 999999999]", 1))
	f.Add(strings.Replace(src, "tet_break: [2025-01-25, 2025-02-02]", "tet_break: [2025-01-25, 9999-02-02]", 1))
	f.Add("years: []\n")
	f.Add("years: {year: 1}\n")
	f.Add("\t")
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 1<<16 {
			return
		}
		c, err := ParseCalendar([]byte(doc))
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Message == "" ||
				(fe.Field != "holidays" && !strings.HasPrefix(fe.Field, "holidays.")) {
				t.Fatalf("err = %#v, want a FieldError naming a holidays entry", err)
			}
			return
		}
		if len(c.tets) == 0 || len(c.tets) != c.last-c.first+1 {
			t.Fatalf("calendar of %d–%d has %d Tết entries", c.first, c.last, len(c.tets))
		}
		if !c.Covers(time.Date(c.first, 1, 1, 0, 0, 0, 0, Location)) || !c.Covers(time.Date(c.last, 12, 31, 23, 0, 0, 0, Location)) ||
			c.Covers(time.Date(c.first-1, 12, 31, 0, 0, 0, 0, Location)) || c.Covers(time.Date(c.last+1, 1, 1, 0, 0, 0, 0, Location)) {
			t.Fatalf("Covers disagrees with years %d–%d", c.first, c.last)
		}
		for i, tet := range c.tets {
			if tet.NewYear.Year() != c.first+i || tet.NewYear.Month() > time.February {
				t.Fatalf("Tết %d: new year %v", i, tet.NewYear)
			}
			if tet.NewYear.Before(tet.BreakFirst) || tet.NewYear.After(tet.BreakLast) {
				t.Fatalf("Tết %v outside its break %v–%v", tet.NewYear, tet.BreakFirst, tet.BreakLast)
			}
			if got, ok := c.TetNear(tet.NewYear, 0); !ok || !got.NewYear.Equal(tet.NewYear) {
				t.Fatalf("TetNear(%v) = %v, %v", tet.NewYear, got, ok)
			}
			for d := tet.BreakFirst; !d.After(tet.BreakLast) && d.Sub(tet.BreakFirst) < 400*24*time.Hour; d = d.AddDate(0, 0, 1) {
				if c.TypeOf(d) != DayTetBreak || !c.IsHoliday(d) {
					t.Fatalf("%v in the break %v–%v is %v", d, tet.BreakFirst, tet.BreakLast, c.TypeOf(d))
				}
			}
			for k := 1; k <= PostTetDays; k++ {
				if c.TypeOf(tet.BreakLast.AddDate(0, 0, k)) == DayOrdinary {
					t.Fatalf("%d days after the break ending %v is ordinary", k, tet.BreakLast)
				}
			}
		}
		for k, typ := range c.types {
			if typ == DayOrdinary || typ >= NumDayTypes {
				t.Fatalf("day %d stored as %v", k, typ)
			}
		}
	})
}
