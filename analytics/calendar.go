package analytics

import (
	_ "embed"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
)

// The holiday calendar of the anomaly baselines: which local dates are public holidays, the Tết
// break and the weeks around it, as dated data (holidays.yaml, embedded) rather than computed at
// run time: the lunar new year and the official breaks are announced, not derived.

//go:embed holidays.yaml
var holidaysYAML []byte

// DayType classifies a local date for the baselines.
type DayType uint8

// The day types. DayOrdinary days follow the weekday pattern; the others get a factor of their
// own (HolidayFactors).
const (
	DayOrdinary   DayType = iota
	DayHoliday            // a public holiday outside the Tết period
	DayTetBreak           // the official Tết break
	DayPreTet             // the week before the break
	DayPreTetRamp         // the two weeks before that
	DayPostTet            // the ten days after the break
	numDayTypes
)

var dayTypeNames = [numDayTypes]string{"ordinary", "holiday", "tet_break", "pre_tet", "pre_tet_ramp", "post_tet"}

// String is the day type's key in holidays.yaml.
func (t DayType) String() string {
	if t < numDayTypes {
		return dayTypeNames[t]
	}
	return fmt.Sprintf("DayType(%d)", uint8(t))
}

// HolidayFactors are the default factors of the special day types for one stream, relative to
// an ordinary day's level.
type HolidayFactors struct {
	Holiday    float64 `yaml:"holiday"`
	TetBreak   float64 `yaml:"tet_break"`
	PreTet     float64 `yaml:"pre_tet"`
	PreTetRamp float64 `yaml:"pre_tet_ramp"`
	PostTet    float64 `yaml:"post_tet"`
}

func (f HolidayFactors) of(t DayType) float64 {
	switch t {
	case DayHoliday:
		return f.Holiday
	case DayTetBreak:
		return f.TetBreak
	case DayPreTet:
		return f.PreTet
	case DayPreTetRamp:
		return f.PreTetRamp
	case DayPostTet:
		return f.PostTet
	}
	return 1
}

// Calendar knows the holidays of the years it was given. The zero Calendar knows none; use
// DefaultCalendar or ParseCalendar. It is read-only once built and safe for concurrent use.
type Calendar struct {
	types    map[civilDate]DayType
	first    int // first and last years covered
	last     int
	defaults map[string]HolidayFactors
}

// civilDate is a local date.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.In(models.Location).Date()
	return civilDate{y, m, d}
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
	Fixed    []string                  `yaml:"fixed"`
	Defaults map[string]HolidayFactors `yaml:"defaults"`
}

// DefaultCalendar is the embedded calendar (holidays.yaml, 2020–2030).
func DefaultCalendar() *Calendar { return defaultCalendar }

var defaultCalendar = mustCalendar(holidaysYAML)

func mustCalendar(src []byte) *Calendar {
	c, err := ParseCalendar(src)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCalendar reads a calendar in the format of holidays.yaml. Errors match models.ErrInvalid
// and name the entry at fault.
func ParseCalendar(src []byte) (*Calendar, error) {
	var f calendarFile
	if err := yaml.Unmarshal(src, &f); err != nil {
		return nil, &models.FieldError{Field: "holidays", Message: "cannot read the holiday calendar: " + err.Error()}
	}
	bad := func(field, format string, args ...any) error {
		return &models.FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	parse := func(field, s string) (civilDate, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, models.Location)
		if err != nil {
			return civilDate{}, bad(field, "date %q is not YYYY-MM-DD", s)
		}
		return dateOf(t), nil
	}
	if len(f.Years) == 0 {
		return nil, bad("holidays.years", "the calendar lists no year")
	}
	if f.DefaultTetBreak[0] > 0 || f.DefaultTetBreak[1] < 0 {
		return nil, bad("holidays.default_tet_break", "offsets %v must surround the first day of the lunar year", f.DefaultTetBreak)
	}
	c := &Calendar{types: map[civilDate]DayType{}, first: f.Years[0].Year, last: f.Years[0].Year, defaults: f.Defaults}
	for _, stream := range []string{seriesDossierIntake, seriesDossierLate, seriesPetitions, seriesNegativePosts} {
		d, ok := f.Defaults[stream]
		if !ok {
			return nil, bad("holidays.defaults", "no default factors for %s", stream)
		}
		for _, v := range []float64{d.Holiday, d.TetBreak, d.PreTet, d.PreTetRamp, d.PostTet} {
			if v <= 0 {
				return nil, bad("holidays.defaults."+stream, "factors must be positive")
			}
		}
	}
	set := func(d civilDate, t DayType) {
		// The break wins over the weeks around it, and Tết over a solar holiday.
		if old, ok := c.types[d]; !ok || t == DayTetBreak || (old == DayHoliday && t != DayHoliday) {
			c.types[d] = t
		}
	}
	addDays := func(d civilDate, n int) civilDate {
		return dateOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, models.Location))
	}
	for i, y := range f.Years {
		field := fmt.Sprintf("holidays.years[%d]", i)
		if i > 0 && y.Year != f.Years[i-1].Year+1 {
			return nil, bad(field, "year %d does not follow %d", y.Year, f.Years[i-1].Year)
		}
		c.last = y.Year
		tet, err := parse(field+".lunar_new_year", y.LunarNewYear)
		if err != nil {
			return nil, err
		}
		if tet.y != y.Year || tet.m > time.February {
			return nil, bad(field+".lunar_new_year", "%s is not in January or February %d", y.LunarNewYear, y.Year)
		}
		from, to := addDays(tet, f.DefaultTetBreak[0]), addDays(tet, f.DefaultTetBreak[1])
		if len(y.TetBreak) > 0 {
			if len(y.TetBreak) != 2 {
				return nil, bad(field+".tet_break", "want [first, last] day of the break")
			}
			if from, err = parse(field+".tet_break", y.TetBreak[0]); err != nil {
				return nil, err
			}
			if to, err = parse(field+".tet_break", y.TetBreak[1]); err != nil {
				return nil, err
			}
		}
		first, last := civilTime(from), civilTime(to)
		if last.Before(first) || civilTime(tet).Before(first) || civilTime(tet).After(last) {
			return nil, bad(field+".tet_break", "the break %v must contain the lunar new year %s", y.TetBreak, y.LunarNewYear)
		}
		for d := first.AddDate(0, 0, -21); d.Before(first); d = d.AddDate(0, 0, 1) {
			t := DayPreTetRamp
			if first.Sub(d) <= 7*24*time.Hour {
				t = DayPreTet
			}
			set(dateOf(d), t)
		}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			set(dateOf(d), DayTetBreak)
		}
		for k := 1; k <= 10; k++ {
			set(dateOf(last.AddDate(0, 0, k)), DayPostTet)
		}
		for _, h := range []struct{ name, s string }{{"hung_kings", y.HungKings}, {"national_day_extra", y.NationalDayExtra}} {
			if h.s == "" {
				continue
			}
			d, err := parse(field+"."+h.name, h.s)
			if err != nil {
				return nil, err
			}
			if d.y != y.Year {
				return nil, bad(field+"."+h.name, "%s is not in %d", h.s, y.Year)
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

func civilTime(d civilDate) time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, models.Location) }

// TypeOf is the day type of the local date of t. Dates outside the calendar's years are
// ordinary.
func (c *Calendar) TypeOf(t time.Time) DayType {
	if c == nil {
		return DayOrdinary
	}
	return c.types[dateOf(t)]
}

// Covers reports whether the calendar knows the holidays of t's year.
func (c *Calendar) Covers(t time.Time) bool {
	y := t.In(models.Location).Year()
	return c != nil && y >= c.first && y <= c.last
}

// Defaults are the default factors of the special day types for a series kind
// ("dossier_intake", "dossier_late", "petitions", "negative_posts").
func (c *Calendar) Defaults(series string) HolidayFactors {
	if c == nil {
		return HolidayFactors{1, 1, 1, 1, 1}
	}
	if d, ok := c.defaults[series]; ok {
		return d
	}
	return HolidayFactors{1, 1, 1, 1, 1}
}

// monthEnd reports the last four days of a month, when reporting rushes dossiers.
func monthEnd(t time.Time) bool {
	y, m, d := t.In(models.Location).Date()
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, models.Location).Day()
	return last-d < 4
}
