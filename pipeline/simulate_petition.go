package pipeline

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govpulse/govpulse/models"
)

// Simulated petitions (PAKN): received on every channel, forwarded to a handling unit within
// minutes, answered within the category's deadline (5 days in HCMC) mostly, sometimes reopened.

type simPetition struct {
	row       models.Petition // the attributes fixed at reception
	citizen   Citizen
	unitCode  string // the handling unit, set when forwarded
	forwarded time.Time
	process   time.Time
	closed    time.Time
	closeAs   models.PetitionStatus
	reopened  time.Time // zero unless reopened
	reclosed  time.Time
	rated     time.Time
	rating    string
}

// snapshot is the petition as its source would send it at t (t ≥ ReceivedAt).
func (l *simPetition) snapshot(t time.Time) models.Petition {
	p := l.row
	p.Status = string(models.PetitionNew)
	upd := p.ReceivedAt
	if !t.Before(l.forwarded) {
		f := l.forwarded
		p.Status, p.ForwardedAt, p.UnitCode, upd = string(models.PetitionForwarded), &f, l.unitCode, f
	}
	if !t.Before(l.process) {
		p.Status, upd = string(models.PetitionProcessing), l.process
	}
	if !t.Before(l.closed) {
		c := l.closed
		p.Status, upd = string(l.closeAs), c
		if l.closeAs == models.PetitionResolved {
			p.ResolvedAt = &c
		}
	}
	if !l.reopened.IsZero() && !t.Before(l.reopened) {
		p.Status, p.ResolvedAt, upd = string(models.PetitionReopened), nil, l.reopened
		if !t.Before(l.reclosed) {
			c := l.reclosed
			p.Status, p.ResolvedAt, upd = string(models.PetitionResolved), &c, c
		}
	}
	if !l.rated.IsZero() && !t.Before(l.rated) {
		s := l.rating
		p.Satisfaction, upd = &s, simLater(upd, l.rated)
	}
	p.UpdatedAt = upd
	p.Version = uint64(upd.UnixMilli())
	return p
}

func (l *simPetition) lastChange(t time.Time) time.Time {
	last := l.row.ReceivedAt
	for _, c := range [...]time.Time{l.forwarded, l.process, l.closed, l.reopened, l.reclosed, l.rated} {
		if !c.IsZero() && !c.After(t) && c.After(last) {
			last = c
		}
	}
	return last
}

func (l *simPetition) settled(t time.Time) bool {
	for _, c := range [...]time.Time{l.closed, l.reopened, l.reclosed, l.rated} {
		if c.After(t) {
			return false
		}
	}
	return true
}

var simPetitionChannelCum = simCum([]float64{33, 30, 10, 15, 4, 8}) // hotline, app, web, zalo, email, social

var simPetitionChannelNames = [...]models.PetitionChannel{models.ChannelHotline, models.ChannelApp, models.ChannelWeb,
	models.ChannelZalo, models.ChannelEmail, models.ChannelSocial}

// petitionsOn generates the petitions received on d, planted ones included, sorted by reception.
func (w *simWorld) petitionsOn(d simDay) []simPetition {
	r := w.rng(simStreamPetitions, d)
	catCum := make([]float64, len(w.cats))
	var s float64
	for i, c := range w.cats {
		s += simCategoryWeight(c, d)
		catCum[i] = s
	}
	n := simPoisson(r, w.petitionBase*simPetitionDayWeight(d)*w.categorySum(d))
	lives := make([]simPetition, 0, n+n/4)
	for range n {
		ci := simPick(r, catCum)
		cum := w.wardCum
		if w.cats[ci].code == "ngap_nuoc" {
			cum = w.wardFlood
		}
		lives = append(lives, w.petition(r, d, ci, simPick(r, cum)))
	}
	for _, ii := range w.byDay[d] {
		inc := &w.incidents[ii]
		switch inc.Kind {
		case IncidentPetitionSpike:
			ci, wi := w.catIndex[inc.Category], w.wardIndex[inc.WardCode]
			for range simPlanted(r, (inc.Magnitude-1)*w.petitionRate(d, ci, wi)) {
				lives = append(lives, w.petition(r, d, ci, wi))
			}
		case IncidentFloodStorm:
			ci := w.catIndex[inc.Category]
			for wi := range w.wards {
				if w.wards[wi].lowLying {
					for range simPlanted(r, (inc.Magnitude-1)*w.petitionRate(d, ci, wi)) {
						lives = append(lives, w.petition(r, d, ci, wi))
					}
				}
			}
		}
	}
	lives = simSortByTime(lives, func(l *simPetition) time.Time { return l.row.ReceivedAt })
	ymd := d.yymmdd()
	var b strings.Builder
	for i := range lives {
		b.Reset()
		b.Grow(17)
		b.WriteString("PAKN-")
		b.WriteString(ymd)
		b.WriteByte('-')
		simPad(&b, i+1, 5)
		lives[i].row.ID = b.String()
	}
	return lives
}

// petition generates one petition of category ci about ward wi received on d.
func (w *simWorld) petition(r *rand.Rand, d simDay, ci, wi int) simPetition {
	c := &w.cats[ci]
	wd := &w.wards[wi]
	sub := ""
	if len(c.subs) > 0 && r.Float64() < 0.9 {
		sub = c.subs[r.IntN(len(c.subs))]
	}
	ch := simPetitionChannelNames[simPick(r, simPetitionChannelCum)]
	recv := simTimeInHours(r, d, simPetitionHours)
	unit := w.wards[wi].unit
	if u := w.catUnit[ci]; u >= 0 && r.Float64() < c.deptShare {
		unit = u
	}
	u := &w.units[unit]

	l := simPetition{unitCode: u.Code}
	// Forwarded within the 5 minutes of the rule mostly; some wait for an operator.
	fwd := time.Duration(30+r.IntN(240)) * time.Second
	if r.Float64() < 0.1 {
		fwd = time.Duration(5+r.ExpFloat64()*40) * time.Minute
	}
	l.forwarded = recv.Add(fwd).Truncate(time.Second)
	l.process = simNextOffice(l.forwarded.Add(time.Duration(20+r.IntN(600)) * time.Minute))
	sla := w.catSLA[c.code]
	if sla == 0 {
		sla = 5
	}
	due := recv.Add(time.Duration(sla) * 24 * time.Hour)
	if r.Float64() < u.petLate {
		l.closed = due.Add(time.Hour + time.Duration(min(15, r.ExpFloat64()*2)*24*float64(time.Hour)))
	} else {
		span := due.Sub(l.process)
		l.closed = l.process.Add(time.Duration(math.Pow(r.Float64(), 0.9) * 0.97 * float64(span)))
	}
	l.closed = simLater(l.closed, l.process.Add(10*time.Minute)).Truncate(time.Second)
	if c := simInOffice(r, l.closed); !c.After(due) || l.closed.After(due) {
		l.closed = c // answers leave in office hours, unless that would miss the deadline
	}
	l.closeAs = models.PetitionResolved
	if r.Float64() < 0.04 {
		l.closeAs = models.PetitionRejected // outside the city's competence, or a duplicate
	}
	late := l.closed.After(due)
	if l.closeAs == models.PetitionResolved && r.Float64() < 0.02 {
		l.reopened = l.closed.Add(time.Duration(1+r.IntN(96)) * time.Hour)
		l.reclosed = l.reopened.Add(time.Duration(4+r.IntN(90)) * time.Hour)
	}
	if r.Float64() < 0.45 {
		last := l.closed
		if !l.reclosed.IsZero() {
			last = l.reclosed
		}
		l.rated = last.Add(time.Duration((1 + min(120, r.ExpFloat64()*20)) * float64(time.Hour))).Truncate(time.Second)
		sat := 0.87
		switch {
		case late:
			sat = 0.55
		case l.closeAs == models.PetitionRejected || !l.reopened.IsZero():
			sat = 0.4
		}
		l.rating = string(models.PetitionDissatisfied)
		if r.Float64() < sat {
			l.rating = string(models.PetitionSatisfied)
		}
	}

	tc := simTextCtx{r: r, ward: simWardPhrase(wd), wardFull: wd.FullName}
	if c.code == "hanh_chinh_cong" {
		tc.procedure = w.someProcedureName(r)
	}
	key := sub
	if _, ok := simPetitionTemplates[key]; !ok {
		key = c.code
	}
	tpls := simPetitionTemplates[key]
	t := tpls[r.IntN(len(tpls))]
	var title, content strings.Builder
	title.Grow(2 * len(t.title))
	content.Grow(2*len(t.content) + 48)
	tc.render(&title, t.title)
	tc.render(&content, t.content)

	if r.Float64() >= 0.08 {
		pool := max(2000, int(60000*w.scale))
		l.citizen = simCitizen(int(float64(pool) * math.Pow(r.Float64(), 2.5)))
		if r.Float64() < 0.05 {
			content.WriteString(" Số điện thoại liên hệ: ")
			content.WriteString(l.citizen.Phone)
			content.WriteString(".")
		}
	}
	ward := wd.Code
	if r.Float64() < 0.05 {
		ward = "" // the pipeline infers it from the text
	}
	l.row = models.Petition{
		ReceivedAt: recv.Truncate(time.Second), Channel: string(ch), Category: c.code, Subcategory: sub,
		WardCode: ward, DueAt: due.Truncate(time.Second), Title: title.String(), Content: content.String(), Source: SimSource,
	}
	return l
}

// simWardPhrase names a ward inside a sentence: "phường Bến Thành", "xã Cần Giờ".
func simWardPhrase(wd *simWard) string {
	if wd.UnitType == "" {
		return wd.FullName
	}
	return wd.UnitType + " " + wd.Name
}

// someProcedureName is the name of a common ward procedure, lower-cased to sit in a sentence.
func (w *simWorld) someProcedureName(r *rand.Rand) string {
	for {
		p := &w.procs[simPick(r, w.procCum)]
		if p.at == "W" {
			return simLowerFirst(p.name)
		}
	}
}

func simLowerFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(c)) + s[n:]
}
