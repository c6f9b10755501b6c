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

// simTetDays are the first days of the lunar new year (Tết Nguyên Đán) the simulator knows. Outside
// 2023–2028 there is no Tết in the data.
var simTetDays = []simDay{
	simDate(2023, 1, 22), simDate(2024, 2, 10), simDate(2025, 1, 29), simDate(2026, 2, 17),
	simDate(2027, 2, 6), simDate(2028, 1, 26),
}

// simHungKingsDays are the Hùng Kings' commemoration days (10/3 lunar), a public holiday.
var simHungKingsDays = []simDay{
	simDate(2023, 4, 29), simDate(2024, 4, 18), simDate(2025, 4, 7), simDate(2026, 4, 26),
	simDate(2027, 4, 16), simDate(2028, 4, 4),
}

// simTetOffset is the distance in days from d to the nearest Tết (negative before it), and false
// when no Tết is within 60 days.
func simTetOffset(d simDay) (int, bool) {
	for _, t := range simTetDays {
		if off := int(d - t); off >= -60 && off <= 60 {
			return off, true
		}
	}
	return 0, false
}

// simHoliday reports a public holiday: the Tết break (two days before to four days after the
// first day), 1/1, 30/4, 1/5, 2/9 (and 1/9), and the Hùng Kings' day.
func simHoliday(d simDay) bool {
	if off, ok := simTetOffset(d); ok && off >= -2 && off <= 4 {
		return true
	}
	_, m, dd := d.date()
	switch {
	case m == time.January && dd == 1, m == time.April && dd == 30, m == time.May && dd == 1,
		m == time.September && (dd == 1 || dd == 2):
		return true
	}
	for _, h := range simHungKingsDays {
		if h == d {
			return true
		}
	}
	return false
}

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

// simTetFactor scales activity around Tết: a rush over the three weeks before the break, a collapse
// during it, and a recovery over the ten days after. rush says how strong the rush is (dossiers
// rush, petitions barely).
func simTetFactor(d simDay, rush, floor float64) float64 {
	off, ok := simTetOffset(d)
	if !ok {
		return 1
	}
	switch {
	case off >= -21 && off <= -8:
		return 1 + rush*float64(off+22)/14 // rising towards the break
	case off >= -7 && off <= -3:
		return 1 + rush
	case off >= -2 && off <= 4:
		return floor
	case off >= 5 && off <= 14:
		return floor + (1-floor)*float64(off-4)/10
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
