package pipeline

import (
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
)

// The simulator's calendar: which days are worked, how busy each day is, and the working-day
// arithmetic of legal processing times. Days are local dates in Asia/Ho_Chi_Minh, numbered from
// 1970-01-01 (simDay), so that a day's numbers never depend on where a run started.

// simDay is a local date: days since 1970-01-01 in Asia/Ho_Chi_Minh.
type simDay int64

func simDayOf(t time.Time) simDay {
	y, m, d := t.In(models.Location).Date()
	return simDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// start is the local midnight that opens the day.
func (d simDay) start() time.Time {
	u := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, models.Location)
}

func (d simDay) date() (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

func (d simDay) weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday((int64(d)%7 + 7 + 4) % 7)
}

// at is the moment sec seconds after the day's midnight (the zone has no DST: 86400 s a day).
func (d simDay) at(sec int) time.Time {
	return time.Unix(int64(d)*86400-7*3600+int64(sec), 0).In(models.Location)
}

func simDate(y int, m time.Month, d int) simDay {
	return simDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// The simulator reads govpulse's one holiday calendar (models.DefaultCalendar, 2020–2030): the
// official Tết breaks close the offices, the weeks before them carry the pre-Tết rush, the ten
// days after them the recovery. Outside the calendar's years there are no holidays in the data.

// simCalDay is what the calendar says of one simulated day: its type, and for the days around
// Tết how far they are from the break (ramp: days before the break; post: days after it) and
// from the first day of the lunar year (tetOff, with nearTet false when it is over 60 days away).
type simCalDay struct {
	typ     models.DayType
	before  int // days to the first day of the break (1 the day before); pre-Tết days only
	after   int // days since the last day of the break (1 the day after); post-Tết days only
	tetOff  int
	nearTet bool
}

// simCalFrom and simCalTo bound the tabulated days (2000–2049); days outside are ordinary.
var simCalFrom, simCalTo = simDate(2000, 1, 1), simDate(2050, 1, 1)

var simCalendar = sync.OnceValue(func() []simCalDay {
	cal := models.DefaultCalendar()
	t := make([]simCalDay, simCalTo-simCalFrom)
	for i := range t {
		d := simCalFrom + simDay(i)
		c := simCalDay{typ: cal.TypeOf(d.start())}
		if tet, ok := cal.TetNear(d.start(), 60); ok {
			c.tetOff, c.nearTet = int(d-simDayOf(tet.NewYear)), true
			switch c.typ {
			case models.DayPreTet, models.DayPreTetRamp:
				c.before = int(simDayOf(tet.BreakFirst) - d)
			case models.DayPostTet:
				c.after = int(d - simDayOf(tet.BreakLast))
			}
		}
		t[i] = c
	}
	return t
})

func simCalOf(d simDay) simCalDay {
	if d < simCalFrom || d >= simCalTo {
		return simCalDay{}
	}
	return simCalendar()[d-simCalFrom]
}

// simTetOffset is the distance in days from d to the nearest first day of the lunar year
// (negative before it), and false when no Tết is within 60 days.
func simTetOffset(d simDay) (int, bool) {
	c := simCalOf(d)
	return c.tetOff, c.nearTet
}

// simHoliday reports a day the offices are shut for: a public holiday or the official Tết break.
func simHoliday(d simDay) bool { return simCalOf(d).typ.Closed() }

// simWorkday reports whether offices receive dossiers in person on d (Monday to Friday, not a
// holiday). Saturday mornings are handled as a reduced day by the intake weights, but the legal
// clock does not count them.
func simWorkday(d simDay) bool {
	t := simWorkdays()
	if i := int(d - simWorkdayFrom); i >= 0 && i < len(t) {
		return t[i]
	}
	return simIsWorkday(d)
}

func simIsWorkday(d simDay) bool {
	wd := d.weekday()
	return wd != time.Saturday && wd != time.Sunday && !simHoliday(d)
}

// simWorkdays tabulates simIsWorkday for 2000–2049: the legal clock asks it for every day of
// every dossier.
var simWorkdayFrom = simDate(2000, 1, 1)

var simWorkdays = sync.OnceValue(func() []bool {
	t := make([]bool, simDate(2050, 1, 1)-simWorkdayFrom)
	for i := range t {
		t[i] = simIsWorkday(simWorkdayFrom + simDay(i))
	}
	return t
})

// simAddWorkdays returns the n-th working day after d (d itself when n is 0 and d is a working day,
// else the next one).
func simAddWorkdays(d simDay, n int) simDay {
	for !simWorkday(d) {
		d++
	}
	for n > 0 {
		d++
		if simWorkday(d) {
			n--
		}
	}
	return d
}

// simTetFactor scales activity around Tết: a rush rising over the two weeks (the calendar's
// pre-Tết ramp) before the week before the break, full in that week, a collapse to floor during
// the official break, and a recovery over the ten days after it. rush says how strong the rush is
// (dossiers rush, petitions barely).
func simTetFactor(d simDay, rush, floor float64) float64 {
	c := simCalOf(d)
	switch c.typ {
	case models.DayPreTetRamp:
		// before runs from 21 down to 8: 1/14 of the rush at the start, all of it at the end.
		return 1 + rush*float64(models.PreTetDays+models.PreTetRampDays+1-c.before)/models.PreTetRampDays
	case models.DayPreTet:
		return 1 + rush
	case models.DayTetBreak:
		return floor
	case models.DayPostTet:
		return floor + (1-floor)*float64(c.after)/models.PostTetDays
	}
	return 1
}

// simMonthEndFactor is the reporting rush of the last working days of a month, stronger at the end
// of a quarter.
func simMonthEndFactor(d simDay) float64 {
	y, m, dd := d.date()
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if last-dd >= 4 {
		return 1
	}
	if m%3 == 0 {
		return 1.3
	}
	return 1.15
}

// simDossierDayWeight is the relative intake of dossiers on d: Monday and Tuesday peaks, a small
// Saturday, near nothing on Sundays and holidays (online submissions only), Tết, month ends.
func simDossierDayWeight(d simDay) float64 {
	w := [7]float64{0.03, 1.28, 1.2, 1.05, 1.0, 0.95, 0.22}[d.weekday()]
	if simHoliday(d) {
		w = 0.03
	}
	return w * simTetFactor(d, 0.35, 1) * simMonthEndFactor(d)
}

// simPetitionDayWeight: petitions come every day (hotline and app run 24/7), fewer at weekends and
// during Tết.
func simPetitionDayWeight(d simDay) float64 {
	w := [7]float64{0.55, 1.2, 1.15, 1.05, 1.0, 0.95, 0.7}[d.weekday()]
	if simHoliday(d) {
		w *= 0.6
	}
	return w * simTetFactor(d, 0.05, 0.9)
}

// simPostDayWeight: social media are busier at weekends, calmer but not silent at Tết.
func simPostDayWeight(d simDay) float64 {
	w := [7]float64{1.1, 1.0, 0.97, 0.95, 0.95, 1.0, 1.08}[d.weekday()]
	return w * simTetFactor(d, 0.05, 0.8)
}

// simRainy reports the rainy season of the south (May to November), with its intensity: 0 outside,
// rising to 1 in September–October.
func simRainy(d simDay) float64 {
	_, m, _ := d.date()
	return [13]float64{0, 0, 0, 0, 0, 0.4, 0.6, 0.7, 0.8, 1, 1, 0.6, 0}[m]
}

// simSchoolSeason is the enrolment peak (June to August): the multiplier of education procedures
// and petitions.
func simSchoolSeason(d simDay) float64 {
	_, m, dd := d.date()
	switch {
	case m == time.June || m == time.July:
		return 3.5
	case m == time.August && dd <= 20:
		return 2.5
	}
	return 1
}

// simOnlineTarget is the city-wide share of dossiers submitted online on d: about 40% at the start
// of 2024 rising to 60% at the end of 2026 (DOMAIN §2), flat outside.
func simOnlineTarget(d simDay) float64 {
	from, to := simDate(2024, 1, 1), simDate(2026, 12, 31)
	f := float64(d-from) / float64(to-from)
	f = min(1, max(0, f))
	return 0.40 + 0.20*f
}
