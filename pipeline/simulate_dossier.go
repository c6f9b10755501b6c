package pipeline

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Simulated dossiers: each is generated whole on the day it is received, as a lifecycle (when it
// starts processing, waits for a supplement, ends, is rated); snapshot cuts it at any moment.

// Office hours: 7:30–11:30 and 13:00–17:00, seconds after midnight.
const (
	simAMOpen, simAMClose = 7*3600 + 1800, 11*3600 + 1800
	simPMOpen, simPMClose = 13 * 3600, 17 * 3600
)

type simDossier struct {
	row       models.Dossier // the attributes fixed at reception
	unit      int
	procStart time.Time
	suppAt    time.Time // zero without a supplement request
	suppBack  time.Time
	end       time.Time
	endStatus models.DossierStatus
	eResult   bool
	rated     time.Time // zero when never rated
	rating    string
	supp      uint8
}

// snapshot is the dossier as its source would send it at t (t ≥ ReceivedAt).
func (l *simDossier) snapshot(t time.Time) models.Dossier {
	d := l.row
	d.Status = string(models.DossierReceived)
	upd := d.ReceivedAt
	if !t.Before(l.procStart) {
		d.Status, upd = string(models.DossierProcessing), l.procStart
	}
	if l.supp > 0 && !t.Before(l.suppAt) {
		d.SupplementCount = l.supp
		if t.Before(l.suppBack) {
			d.Status, upd = string(models.DossierSupplementRequested), l.suppAt
		} else {
			d.Status, upd = string(models.DossierProcessing), l.suppBack
			d.SupplementPausedSeconds = uint32(l.suppBack.Sub(l.suppAt) / time.Second)
		}
	}
	if !t.Before(l.end) {
		end := l.end
		d.Status, upd, d.CompletedAt, d.EResult = string(l.endStatus), end, &end, l.eResult
	}
	if !l.rated.IsZero() && !t.Before(l.rated) {
		s := l.rating
		d.Satisfaction, upd = &s, l.rated
	}
	d.UpdatedAt = upd
	d.Version = uint64(upd.UnixMilli())
	return d
}

// lastChange is the time of the last transition at or before t.
func (l *simDossier) lastChange(t time.Time) time.Time {
	last := l.row.ReceivedAt
	for _, c := range [...]time.Time{l.procStart, l.suppAt, l.suppBack, l.end, l.rated} {
		if !c.IsZero() && !c.After(t) && c.After(last) {
			last = c
		}
	}
	return last
}

// settled reports whether nothing more happens to the dossier after t.
func (l *simDossier) settled(t time.Time) bool {
	return !l.end.After(t) && (l.rated.IsZero() || !l.rated.After(t))
}

// simSecOfDay is the local time of day of t in seconds.
func simSecOfDay(t time.Time) int {
	h, m, s := t.In(models.Location).Clock()
	return h*3600 + m*60 + s
}

// simNextOffice is the first moment at or after t when the offices work.
func simNextOffice(t time.Time) time.Time {
	d, sec := simDayOf(t), simSecOfDay(t)
	for {
		if simWorkday(d) {
			switch {
			case sec < simAMOpen:
				return d.at(simAMOpen)
			case sec < simAMClose:
				return t
			case sec < simPMOpen:
				return d.at(simPMOpen)
			case sec < simPMClose:
				return t
			}
		}
		d++
		sec = 0
	}
}

// simInOffice moves t into office hours: t itself when the offices work then, else a moment in
// the first 90 minutes of the next session.
func simInOffice(r *rand.Rand, t time.Time) time.Time {
	n := simNextOffice(t)
	if n.Equal(t) {
		return t
	}
	return n.Add(time.Duration(r.IntN(90*60)) * time.Second)
}

// Hour-of-day weights of online submissions, petitions and posts.
var (
	simOnlineHours   = simCum([]float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 0.8, 1.5, 2.5, 3, 3, 2.6, 1.8, 2, 2.6, 2.6, 2.3, 1.8, 1.4, 1.6, 1.9, 1.8, 1.2, 0.6})
	simPetitionHours = simCum([]float64{0.4, 0.3, 0.2, 0.2, 0.2, 0.5, 1.2, 2.2, 3, 3, 2.8, 2.2, 1.6, 1.8, 2.4, 2.4, 2.2, 1.9, 1.8, 2, 2.2, 2, 1.5, 0.8})
	simPostHours     = simCum([]float64{0.8, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 1.6, 1.8, 1.8, 1.9, 2.4, 2.6, 2, 1.7, 1.7, 1.8, 2, 2.4, 2.8, 3.2, 3.3, 2.8, 1.6})
)

func simCum(w []float64) []float64 {
	out := make([]float64, len(w))
	var s float64
	for i, x := range w {
		s += x
		out[i] = s
	}
	return out
}

// simTimeInHours is a moment of day d drawn from hour-of-day weights.
func simTimeInHours(r *rand.Rand, d simDay, hours []float64) time.Time {
	return d.at(simPick(r, hours)*3600 + r.IntN(3600))
}

// simOfficeTime is a moment of counter hours on d (mornings only on Saturday), busier early.
func simOfficeTime(r *rand.Rand, d simDay) time.Time {
	span := simAMClose - simAMOpen
	open := simAMOpen
	if d.weekday() != time.Saturday && r.Float64() < 0.42 {
		open = simPMOpen
	}
	return d.at(open + int(math.Pow(r.Float64(), 1.25)*float64(span)))
}

// The dossier channels by index, for compact drafts.
const (
	simOnline = iota
	simInPerson
	simPostal
)

var simDossierChannels = [...]models.DossierChannel{models.ChannelOnline, models.ChannelInPerson, models.ChannelPostal}

var simLevelOnline = map[models.OnlineLevel]float64{models.OnlineFull: 1.5, models.OnlinePartial: 0.95, models.OnlineNone: 0}

// dossiersOn generates the dossiers received on d, sorted by reception, with their codes.
func (w *simWorld) dossiersOn(d simDay) []simDossier {
	r := w.rng(simStreamDossiers, d)
	cum := w.procCum
	mean := w.dossierBase * simDossierDayWeight(d)
	if simSchoolSeason(d) > 1 {
		cum = w.procCumEdu
		mean *= w.procCumEdu[len(cum)-1] / w.procCum[len(cum)-1]
	}
	n := simPoisson(r, mean)
	onlineOnly := d.weekday() == time.Sunday || simHoliday(d) // counters shut
	target := simOnlineTarget(d)
	payShare := min(0.85, target+0.12)
	drops := w.drops[d]

	// First what arrives and when, then, in order of arrival, the rest of each dossier: so the
	// large rows are built once, in place, already sorted.
	type draft struct {
		recv    int64 // unix seconds
		pi, ui  int32
		wi      int32 // the ward, -1 when unknown
		channel uint8 // an index of simDossierChannels
	}
	drafts := make([]draft, 0, n)
	for range n {
		pi := simPick(r, cum)
		for try := 0; onlineOnly && w.procs[pi].level == models.OnlineNone && try < 8; try++ {
			pi = simPick(r, cum)
		}
		p := &w.procs[pi]
		ui, wi := w.procUnit[pi], -1
		if ui < 0 {
			wi = simPick(r, w.wardCum)
			ui = w.wards[wi].unit
		} else if r.Float64() < 0.9 {
			wi = simPick(r, w.wardCum)
		}
		if keep, ok := drops[ui]; ok && r.Float64() >= keep {
			continue
		}
		channel := uint8(simInPerson)
		pOnline := min(0.97, target*simLevelOnline[p.level]*w.onlineNorm*w.units[ui].online)
		switch {
		case onlineOnly && p.level != models.OnlineNone, r.Float64() < pOnline:
			channel = simOnline
		case r.Float64() < 0.03:
			channel = simPostal
		}
		var recv time.Time
		if channel == simOnline {
			recv = simTimeInHours(r, d, simOnlineHours)
		} else if onlineOnly {
			continue // a procedure only offered at the counter, on a day the counters are shut
		} else {
			recv = simOfficeTime(r, d)
		}
		drafts = append(drafts, draft{recv.Unix(), int32(pi), int32(ui), int32(wi), channel})
	}
	// Sort by time, ties in order of drawing: one uint64 key per draft (seconds after the day's
	// midnight in the high bits, the draw in the low 32).
	midnight := d.start().Unix()
	keys := make([]uint64, len(drafts))
	for i, dr := range drafts {
		keys[i] = uint64(dr.recv-midnight)<<32 | uint64(i)
	}
	slices.Sort(keys)

	lives := make([]simDossier, len(drafts))
	seq := make([]int, len(w.units))
	ymd := d.yymmdd()
	var b strings.Builder
	for i, key := range keys {
		dr := drafts[uint32(key)]
		p, ui, channel := &w.procs[dr.pi], int(dr.ui), simDossierChannels[dr.channel]
		u := &w.units[ui]
		recv := time.Unix(dr.recv, 0).In(models.Location)
		ward := ""
		if dr.wi >= 0 {
			ward = w.wards[dr.wi].Code
		}

		// Legal clock: working days from the day of reception (the next working day when received
		// after 16:30 or on a day off), due at the end of office hours.
		startDay := d
		if !simWorkday(d) || simSecOfDay(recv) >= 16*3600+1800 {
			startDay = simAddWorkdays(d+1, 0)
		}
		due := simAddWorkdays(startDay, p.days).at(simPMClose)

		l := &lives[i]
		l.unit = ui
		if channel == models.ChannelOnline {
			l.procStart = simNextOffice(recv.Add(time.Duration(10+r.IntN(170)) * time.Minute))
		} else {
			l.procStart = recv.Add(time.Duration(1+r.IntN(20)) * time.Minute)
		}
		if l.procStart.After(due.Add(-5 * time.Minute)) {
			l.procStart = simLater(recv, due.Add(-5*time.Minute))
		}

		lateP := u.late
		for _, o := range w.overdue[ui] {
			if dd := simDayOf(due); dd >= o.from && dd < o.to {
				lateP = o.late
			}
		}
		if x := r.Float64(); x < 0.08 {
			l.supp = 1
			if x < 0.01 {
				l.supp = 2
			}
		}
		x := r.Float64()
		l.endStatus = models.DossierCompleted
		switch {
		case x < 0.01:
			l.endStatus = models.DossierWithdrawn
		case x < 0.025:
			l.endStatus = models.DossierRejected
		case x < 0.05:
			l.endStatus = models.DossierReturned
		}
		span := due.Sub(l.procStart)
		late := false
		switch {
		case l.endStatus == models.DossierWithdrawn:
			l.end = l.procStart.Add(time.Duration(0.3 * r.Float64() * float64(span)))
		case r.Float64() < lateP:
			late = true
			over := time.Hour + time.Duration(min(30, r.ExpFloat64()*2.5)*24*float64(time.Hour))
			if r.Float64() < 0.03 {
				over += time.Duration(20+r.IntN(40)) * 24 * time.Hour // stuck for weeks
			}
			l.end = due.Add(over)
		default:
			l.end = l.procStart.Add(time.Duration(math.Pow(r.Float64(), 1.4) * float64(span)))
		}
		l.end = simLater(l.end, l.procStart.Add(5*time.Minute)).Truncate(time.Second)
		if l.supp > 0 && l.endStatus != models.DossierWithdrawn {
			l.suppAt = l.procStart.Add(l.end.Sub(l.procStart) * 2 / 5).Truncate(time.Second)
			pause := time.Duration(min(20*24, max(2, r.ExpFloat64()*72))) * time.Hour
			l.suppBack = l.suppAt.Add(pause)
			l.end = l.end.Add(pause)
		} else {
			l.supp = 0
		}
		// Officers end dossiers in office hours: move the end into the next session, unless that
		// would make an on-time dossier late (then it was settled after hours, as happens online).
		if l.endStatus != models.DossierWithdrawn {
			if e := simInOffice(r, l.end); late || !e.After(due.Add(l.suppBack.Sub(l.suppAt))) {
				l.end = e
			}
		}
		if l.endStatus == models.DossierCompleted {
			l.eResult = p.level != models.OnlineNone && r.Float64() < simIf(channel == models.ChannelOnline, 0.9, 0.6)
			if r.Float64() < simIf(channel == models.ChannelOnline, 0.45, 0.28) {
				l.rated = l.end.Add(10*time.Minute + time.Duration(min(72, r.ExpFloat64()*6)*float64(time.Hour))).Truncate(time.Second)
				l.rating = simDossierRating(r, l.end.After(due.Add(l.suppBack.Sub(l.suppAt))) || l.supp > 1, u.chronic)
			}
		}

		fee := p.fee
		if p.code == "2.000908" {
			fee *= uint64(1 + r.IntN(6)) // per page
		}
		seq[ui]++
		b.Reset()
		b.Grow(len(u.Code) + 12)
		b.WriteString(u.Code)
		b.WriteByte('-')
		b.WriteString(ymd)
		b.WriteByte('-')
		simPad(&b, seq[ui], 4)
		l.row = models.Dossier{
			ID:            b.String(),
			ProcedureCode: p.code, ProcedureName: p.name, Field: p.field,
			UnitCode: u.Code, UnitName: u.Name, WardCode: ward,
			Channel: string(channel), OnlineLevel: string(p.level),
			ReceivedAt: recv, DueAt: due, FeeVND: fee,
			PaidOnline: fee > 0 && channel == models.ChannelOnline && r.Float64() < payShare,
			Digitized:  r.Float64() < simIf(channel == models.ChannelOnline, 0.97, 0.6),
			Source:     SimSource,
		}
	}
	return lives
}

func simDossierRating(r *rand.Rand, late, chronic bool) string {
	sat, neu := 0.88, 0.09
	if late {
		sat, neu = 0.5, 0.22
	}
	if chronic {
		sat -= 0.1
	}
	switch x := r.Float64(); {
	case x < sat:
		return string(models.DossierSatisfied)
	case x < sat+neu:
		return string(models.DossierNeutral)
	}
	return string(models.DossierDissatisfied)
}

func simIf(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

func simLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// simSortByTime returns items in the order of their times, ties in their order in items. It
// sorts an index, not the (large) items, and copies each item once.
func simSortByTime[T any](items []T, at func(*T) time.Time) []T {
	if len(items) == 0 {
		return items
	}
	base := at(&items[0]).Unix()
	for i := range items {
		base = min(base, at(&items[i]).Unix())
	}
	keys := make([]uint64, len(items)) // seconds after the earliest in the high bits, index low
	for i := range items {
		keys[i] = uint64(at(&items[i]).Unix()-base)<<32 | uint64(i)
	}
	slices.Sort(keys)
	out := make([]T, len(items))
	for j, k := range keys {
		out[j] = items[uint32(k)]
	}
	return out
}

// yymmdd is the date as the six digits of dossier and petition codes.
func (d simDay) yymmdd() string {
	y, m, dd := d.date()
	var b strings.Builder
	simPad(&b, y%100, 2)
	simPad(&b, int(m), 2)
	simPad(&b, dd, 2)
	return b.String()
}

func simPad(b *strings.Builder, n, width int) {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}
