package models

import (
	_ "embed"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// The holiday calendar of govpulse, the one the simulator, the intake forecast and the anomaly
// baselines all read: which local dates are public holidays, the official Tết break and the weeks
// around it, as dated data (holidays.yaml, embedded) rather than computed at run time: the lunar
// new year and the official breaks are announced, not derived.

//go:embed holidays.yaml
var holidaysYAML []byte

// HolidaysYAML is the source of DefaultCalendar (for tests that derive bad calendars from it).
func HolidaysYAML() []byte { return append([]byte(nil), holidaysYAML...) }

// DayType classifies a local date.
type DayType uint8

// The day types. DayOrdinary days follow the weekday pattern; the others are special.
const (
	DayOrdinary   DayType = iota
	DayHoliday            // a public holiday outside the Tết period
	DayTetBreak           // the official Tết break
	DayPreTet             // the week before the break
	DayPreTetRamp         // the two weeks before that
	DayPostTet            // the ten days after the break
	NumDayTypes
)

var dayTypeNames = [NumDayTypes]string{"ordinary", "holiday", "tet_break", "pre_tet", "pre_tet_ramp", "post_tet"}

// String is the day type's key (holiday, tet_break, …).
func (t DayType) String() string {
	if t < NumDayTypes {
		return dayTypeNames[t]
	}
	return fmt.Sprintf("DayType(%d)", uint8(t))
}

// Closed reports the day types on which offices are shut: public holidays and the Tết break.
func (t DayType) Closed() bool { return t == DayHoliday || t == DayTetBreak }

// The weeks around the break that the day types mark.
const (
	PreTetDays     = 7  // DayPreTet: the days just before the break
	PreTetRampDays = 14 // DayPreTetRamp: the days before those
	PostTetDays    = 10 // DayPostTet: the days after the break
)

// maxTetBreakDays bounds a Tết break (the longest announced so far was 9 days): a mistyped year
// in a break's last day would otherwise mark thousands of years day by day.
const maxTetBreakDays = 30

// Tet is one lunar new year: its first day and the official break around it (local midnights,
// both days of the break included).
type Tet struct {
	NewYear, BreakFirst, BreakLast time.Time
}

// Calendar knows the holidays of the years it was given. The zero Calendar knows none; use
// DefaultCalendar or ParseCalendar. It is read-only once built and safe for concurrent use.
type Calendar struct {
	types map[int64]DayType // by civil day number (days since 1970-01-01)
	tets  []Tet
	first int // first and last years covered
	last  int
}

// civilDay numbers the local date of t: days since 1970-01-01.
func civilDay(t time.Time) int64 {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

type calendarFile struct {
	DefaultTetBreak [2]int `yaml:"default_tet_break"`
	Years           []struct {
		Year             int      `yaml:"year"`
		LunarNewYear     string   `yaml:"lunar_new_year"`
		TetBreak         []string `yaml:"tet_break"`
		HungKings        string   `yaml:"hung_kings"`
		NationalDayExtra string   `yaml:"national_day_extra"`
	} `yaml:"years"`
	Fixed []string `yaml:"fixed"`
}

// DefaultCalendar is the embedded calendar (holidays.yaml, 2020–2030).
func DefaultCalendar() *Calendar { return defaultCalendar }

var defaultCalendar = mustCalendar(holidaysYAML)

func mustCalendar(src []byte) *Calendar {
	c, err := ParseCalendar(src)
	if err != nil {
		panic("models: the embedded holiday calendar: " + err.Error())
	}
	return c
}

// ParseCalendar reads a calendar in the format of holidays.yaml. Errors match ErrInvalid and name
// the entry at fault.
func ParseCalendar(src []byte) (*Calendar, error) {
	var f calendarFile
	if err := yaml.Unmarshal(src, &f); err != nil {
		return nil, invalid("holidays", "cannot read the holiday calendar: %s", err.Error())
	}
	parse := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, Location)
		if err != nil {
			return time.Time{}, invalid(field, "date %q is not YYYY-MM-DD", s)
		}
		return t, nil
	}
	if len(f.Years) == 0 {
		return nil, invalid("holidays.years", "the calendar lists no year")
	}
	if f.DefaultTetBreak[0] > 0 || f.DefaultTetBreak[1] < 0 {
		return nil, invalid("holidays.default_tet_break", "offsets %v must surround the first day of the lunar year", f.DefaultTetBreak)
	}
	if f.DefaultTetBreak[1]-f.DefaultTetBreak[0] >= maxTetBreakDays {
		return nil, invalid("holidays.default_tet_break", "offsets %v make a break longer than %d days", f.DefaultTetBreak, maxTetBreakDays)
	}
	c := &Calendar{types: map[int64]DayType{}, first: f.Years[0].Year, last: f.Years[0].Year}
	set := func(d time.Time, t DayType) {
		// The break wins over everything, a public holiday over the weeks around Tết (1/1/2023
		// falls three weeks before the break and is still a day off).
		k := civilDay(d)
		if old, ok := c.types[k]; !ok || t == DayTetBreak || (t == DayHoliday && old != DayTetBreak) {
			c.types[k] = t
		}
	}
	for i, y := range f.Years {
		field := fmt.Sprintf("holidays.years[%d]", i)
		if i > 0 && y.Year != f.Years[i-1].Year+1 {
			return nil, invalid(field, "year %d does not follow %d", y.Year, f.Years[i-1].Year)
		}
		c.last = y.Year
		tet, err := parse(field+".lunar_new_year", y.LunarNewYear)
		if err != nil {
			return nil, err
		}
		if tet.Year() != y.Year || tet.Month() > time.February {
			return nil, invalid(field+".lunar_new_year", "%s is not in January or February %d", y.LunarNewYear, y.Year)
		}
		first, last := tet.AddDate(0, 0, f.DefaultTetBreak[0]), tet.AddDate(0, 0, f.DefaultTetBreak[1])
		if len(y.TetBreak) > 0 {
			if len(y.TetBreak) != 2 {
				return nil, invalid(field+".tet_break", "want [first, last] day of the break")
			}
			if first, err = parse(field+".tet_break", y.TetBreak[0]); err != nil {
				return nil, err
			}
			if last, err = parse(field+".tet_break", y.TetBreak[1]); err != nil {
				return nil, err
			}
		}
		if last.Before(first) || tet.Before(first) || tet.After(last) {
			return nil, invalid(field+".tet_break", "the break %v must contain the lunar new year %s", y.TetBreak, y.LunarNewYear)
		}
		if last.Sub(first) >= maxTetBreakDays*24*time.Hour {
			return nil, invalid(field+".tet_break", "the break %v is longer than %d days", y.TetBreak, maxTetBreakDays)
		}
		c.tets = append(c.tets, Tet{NewYear: tet, BreakFirst: first, BreakLast: last})
		for k := PreTetDays + PreTetRampDays; k >= 1; k-- {
			t := DayPreTetRamp
			if k <= PreTetDays {
				t = DayPreTet
			}
			set(first.AddDate(0, 0, -k), t)
		}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			set(d, DayTetBreak)
		}
		for k := 1; k <= PostTetDays; k++ {
			set(last.AddDate(0, 0, k), DayPostTet)
		}
		for _, h := range []struct{ name, s string }{{"hung_kings", y.HungKings}, {"national_day_extra", y.NationalDayExtra}} {
			if h.s == "" {
				continue
			}
			d, err := parse(field+"."+h.name, h.s)
			if err != nil {
				return nil, err
			}
			if d.Year() != y.Year {
				return nil, invalid(field+"."+h.name, "%s is not in %d", h.s, y.Year)
			}
			set(d, DayHoliday)
		}
		for _, md := range f.Fixed {
			d, err := parse("holidays.fixed", fmt.Sprintf("%d-%s", y.Year, md))
			if err != nil {
				return nil, err
			}
			set(d, DayHoliday)
		}
	}
	return c, nil
}

// TypeOf is the day type of the local date of t. Dates outside the calendar's years are
// ordinary.
func (c *Calendar) TypeOf(t time.Time) DayType {
	if c == nil {
		return DayOrdinary
	}
	return c.types[civilDay(t)]
}

// IsHoliday reports whether offices are shut on the local date of t for a public holiday or the
// Tết break (weekends are not holidays).
func (c *Calendar) IsHoliday(t time.Time) bool { return c.TypeOf(t).Closed() }

// Covers reports whether the calendar knows the holidays of t's year.
func (c *Calendar) Covers(t time.Time) bool {
	y := t.In(Location).Year()
	return c != nil && y >= c.first && y <= c.last
}

// TetNear is the Tết whose first day is nearest to the local date of t, and false when none is
// within days days.
func (c *Calendar) TetNear(t time.Time, days int) (Tet, bool) {
	if c == nil {
		return Tet{}, false
	}
	d := civilDay(t)
	for _, tet := range c.tets {
		if off := d - civilDay(tet.NewYear); off >= -int64(days) && off <= int64(days) {
			return tet, true
		}
	}
	return Tet{}, false
}
