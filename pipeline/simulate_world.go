package pipeline

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// simWorld is everything fixed for a run: the city's wards and units with their static traits
// (size, flooding, lateness), the catalogue bound to the dimension rows, the daily base rates and
// the planted incidents. It is read-only once built, so days can be generated in any order.

// Yearly volumes of Ho Chi Minh City at scale 1 (DOMAIN §2).
const (
	simDossiersPerYear  = 1_200_000
	simPetitionsPerYear = 176_000
	simPostsPerYear     = 500_000
)

// The least extra rows a day of a petition spike and of a burst of negative posts.
const (
	simMinSpikePetitions = 3
	simMinBurstPosts     = 3
)

// Share of posts that name a ward, and of those whose platform also tags it (ward_code sent).
const (
	simPostWardMention = 0.5
	simPostWardTagged  = 0.3
	simPostTopicTagged = 0.7
	simPostNegative    = 0.28
	simPostPositive    = 0.25
)

type simWard struct {
	models.Ward
	unit     int     // index of its people's committee in simWorld.units
	size     float64 // relative population: dossiers, petitions and posts scale with it
	lowLying bool    // floods after heavy rain
}

type simUnit struct {
	models.Unit
	dept    string // department key ("STP"), "" for a ward's people's committee
	ward    int    // index in simWorld.wards, -1 for a department
	late    float64
	petLate float64 // share of petitions answered after the deadline
	chronic bool    // chronically late (a few per city)
	online  float64 // multiplier of the city's online share
	rate    float64 // expected dossiers per day of weight 1 (for incident planning)
}

// simOverdue raises a unit's late share for dossiers due in [from, to).
type simOverdue struct {
	from, to simDay
	late     float64
}

type simWorld struct {
	seed     uint64
	province string
	optScale float64
	scale    float64 // optScale × the city's size relative to Ho Chi Minh City
	first    simDay
	end      simDay // exclusive
	now      time.Time

	wards  []simWard
	units  []simUnit
	prefix string // the city prefix of unit codes, "H29"

	procs      []simProcedure
	procUnit   []int // unit index of a department procedure, -1 for a ward procedure
	procCum    []float64
	procCumEdu []float64 // during the enrolment season
	wardCum    []float64 // by size: dossiers and petitions of a ward
	wardFlood  []float64 // by size, low-lying wards ×8: flooding petitions
	cats       []simCategory
	catUnit    []int // department unit index per category, -1 when none
	categoryOK map[string]bool

	dossierBase, petitionBase, postBase float64 // expected rows on a day of weight 1
	onlineNorm                          float64 // divides simLevelOnline to average 1 over the mix

	incidents []Incident
	byDay     map[simDay][]int           // incidents active on a day
	drops     map[simDay]map[int]float64 // intake drops: unit index -> share kept
	overdue   map[int][]simOverdue
	wardIndex map[string]int
	catIndex  map[string]int
	catSLA    map[string]int // answer deadline in days by category code
}

// The random streams of a run: the static traits (per seed only), the incident plan (per seed
// and start), and one stream per generated day and kind of row.
const (
	simStreamStatic = 1 + iota
	simStreamIncidents
	simStreamDossiers
	simStreamPetitions
	simStreamPosts
)

// rng is the random stream of one purpose and day.
func (w *simWorld) rng(stream uint64, d simDay) *rand.Rand {
	return rand.New(rand.NewPCG(w.seed^0x9e3779b97f4a7c15, stream<<40^uint64(d)))
}

func newSimWorld(opts SimOptions) (*simWorld, error) {
	if opts.Province == "" {
		opts.Province = "79"
	}
	switch {
	case opts.Start.IsZero():
		return nil, simOptionsError("start is required")
	case opts.Days <= 0 || opts.Days > 3660:
		return nil, simOptionsError("days must be between 1 and 3660, got %d", opts.Days)
	case !(opts.Scale > 0 && opts.Scale <= 1000):
		return nil, simOptionsError("scale must be in (0, 1000], got %g", opts.Scale)
	}
	w := &simWorld{seed: opts.Seed, province: opts.Province, optScale: opts.Scale, first: simDayOf(opts.Start)}
	w.end = w.first + simDay(opts.Days)
	w.now = opts.Now
	if w.now.IsZero() {
		w.now = w.end.start()
	}
	w.now = w.now.In(models.Location).Truncate(time.Second)
	if w.now.Before(w.first.start()) {
		return nil, simOptionsError("now %s is before start %s", w.now.Format(time.RFC3339), w.first.start().Format(time.DateOnly))
	}
	size := map[string]float64{"79": 1, "31": 0.35, "92": 0.3}[opts.Province]
	if size == 0 {
		size = 0.3
	}
	w.scale = opts.Scale * size
	if err := w.bindDimensions(opts); err != nil {
		return nil, err
	}
	w.traits()
	w.rates()
	w.planIncidents()
	return w, nil
}

// bindDimensions keeps the wards and units of the province and checks the catalogue codes
// against the dimension rows.
func (w *simWorld) bindDimensions(opts SimOptions) error {
	unitByWard := map[string]models.Unit{}
	for _, u := range opts.Units {
		if u.Type == string(models.UnitWard) && u.WardCode != "" && u.Active {
			if prev, ok := unitByWard[u.WardCode]; !ok || u.Code < prev.Code || (u.Code == prev.Code && u.Version > prev.Version) {
				unitByWard[u.WardCode] = u
			}
		}
	}
	for _, wd := range opts.Wards {
		if wd.ProvinceCode != opts.Province {
			continue
		}
		w.wards = append(w.wards, simWard{Ward: wd})
	}
	if len(w.wards) == 0 {
		return simOptionsError("no wards of province %q (seed migration 0007)", opts.Province)
	}
	// By code, the newest version first: a list read without FINAL still gives one answer.
	slices.SortFunc(w.wards, func(a, b simWard) int { return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(b.Version, a.Version)) })
	w.wards = slices.CompactFunc(w.wards, func(a, b simWard) bool { return a.Code == b.Code })
	for i := range w.wards {
		u, ok := unitByWard[w.wards[i].Code]
		if !ok {
			return simOptionsError("ward %s (%s) has no people's committee unit (seed migration 0009)", w.wards[i].Code, w.wards[i].FullName)
		}
		if p, _, ok := strings.Cut(u.Code, "."); ok && w.prefix == "" {
			w.prefix = p
		}
		if strings.Contains(u.Code, "-") {
			return simOptionsError("unit code %q holds '-', which dossier codes use as separator", u.Code)
		}
		w.wards[i].unit = len(w.units)
		w.units = append(w.units, simUnit{Unit: u, ward: i})
	}
	var depts []simUnit
	for _, u := range opts.Units {
		if u.Type != string(models.UnitDepartment) || !u.Active || w.prefix == "" || !strings.HasPrefix(u.Code, w.prefix+".") {
			continue
		}
		if strings.Contains(u.Code, "-") {
			return simOptionsError("unit code %q holds '-', which dossier codes use as separator", u.Code)
		}
		depts = append(depts, simUnit{Unit: u, dept: strings.TrimPrefix(u.Code, w.prefix+"."), ward: -1})
	}
	slices.SortFunc(depts, func(a, b simUnit) int { return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(b.Version, a.Version)) })
	depts = slices.CompactFunc(depts, func(a, b simUnit) bool { return a.Code == b.Code })
	deptUnit := map[string]int{}
	for _, d := range depts {
		deptUnit[d.dept] = len(w.units)
		w.units = append(w.units, d)
	}

	fields := map[string]bool{}
	for _, f := range opts.Fields {
		fields[f.Code] = true
	}
	for _, p := range simProcedures {
		if !fields[p.field] {
			return simOptionsError("field %q of procedure %s is not in the fields table (seed migration 0008)", p.field, p.code)
		}
		unit := -1
		if p.at != "W" {
			u, ok := deptUnit[p.at]
			if !ok {
				continue // the city has no such department: its procedures are not simulated
			}
			unit = u
		}
		w.procs = append(w.procs, p)
		w.procUnit = append(w.procUnit, unit)
	}

	w.categoryOK = map[string]bool{}
	w.catSLA = map[string]int{}
	for _, c := range opts.Categories {
		w.categoryOK[c.Code] = true
		w.catSLA[c.Code] = int(c.SLADays)
	}
	w.catIndex = map[string]int{}
	for _, c := range simCategories {
		if !w.categoryOK[c.code] {
			return simOptionsError("petition category %q is not in the petition_categories table (seed migration 0008)", c.code)
		}
		c.subs = slices.DeleteFunc(slices.Clone(c.subs), func(s string) bool { return !w.categoryOK[s] })
		u := -1
		if d, ok := deptUnit[c.dept]; ok {
			u = d
		}
		w.catIndex[c.code] = len(w.cats)
		w.cats = append(w.cats, c)
		w.catUnit = append(w.catUnit, u)
	}
	w.wardIndex = map[string]int{}
	for i, wd := range w.wards {
		w.wardIndex[wd.Code] = i
	}
	for _, t := range simTopics {
		if !w.categoryOK[t.code] {
			return simOptionsError("post topic %q is not a petition category (seed migration 0008)", t.code)
		}
	}
	return nil
}

// traits draws the static traits of wards and units from the seed.
func (w *simWorld) traits() {
	r := w.rng(simStreamStatic, 0)
	low := map[string]bool{}
	for _, n := range simLowLyingNames {
		low[n] = true
	}
	for i := range w.wards {
		wd := &w.wards[i]
		f := map[string]float64{string(models.WardPhuong): 1.3, string(models.WardXa): 0.6, string(models.WardDacKhu): 0.25}[wd.UnitType]
		if f == 0 {
			f = 1
		}
		wd.size = f * math.Exp(0.6*r.NormFloat64())
		wd.lowLying = (w.province == "79" && low[wd.Name]) || r.Float64() < 0.1
	}
	lateScale := 1.0
	if w.province == "31" {
		lateScale = 0.25 // Hải Phòng reports >99% on time (DOMAIN §2)
	}
	for i := range w.units {
		u := &w.units[i]
		u.late = min(0.12, max(0.004, 0.035*math.Exp(0.55*r.NormFloat64()))) * lateScale
		u.petLate = min(0.15, max(0.005, 0.04*math.Exp(0.5*r.NormFloat64())))
		u.online = math.Exp(0.2 * r.NormFloat64())
	}
	// A few chronically late units: two wards and one department where there are departments.
	var wardIdx, deptIdx []int
	for i, u := range w.units {
		if u.ward >= 0 {
			wardIdx = append(wardIdx, i)
		} else if u.dept != "VP" && u.dept != "TTTP" {
			deptIdx = append(deptIdx, i)
		}
	}
	pickChronic := func(from []int, n int) {
		for k := 0; k < n && len(from) > 0; k++ {
			j := r.IntN(len(from))
			u := &w.units[from[j]]
			u.chronic = true
			u.late = (0.15 + 0.08*r.Float64()) * math.Sqrt(lateScale)
			u.petLate = 0.2 + 0.1*r.Float64()
			from = slices.Delete(from, j, j+1)
		}
	}
	pickChronic(wardIdx, 2)
	pickChronic(deptIdx, 1)

	w.wardCum = make([]float64, len(w.wards))
	w.wardFlood = make([]float64, len(w.wards))
	var s, sf float64
	for i, wd := range w.wards {
		s += wd.size
		sf += wd.size * simIf(wd.lowLying, 8, 1)
		w.wardCum[i], w.wardFlood[i] = s, sf
	}
	// Normalise the online multipliers of the procedure levels over the mix, so that the city's
	// online share follows simOnlineTarget.
	var lw, ls float64
	for _, p := range w.procs {
		lw += p.weight
		ls += p.weight * simLevelOnline[p.level]
	}
	w.onlineNorm = lw / ls
	w.procCum = make([]float64, len(w.procs))
	w.procCumEdu = make([]float64, len(w.procs))
	var sp, se float64
	for i, p := range w.procs {
		sp += p.weight
		se += p.weight * simIf(p.school, 3.5, 1)
		w.procCum[i], w.procCumEdu[i] = sp, se
	}
}

// rates sets the base rates so that the 365 days from the first one carry the yearly volumes at
// scale 1, and each unit's expected daily intake.
func (w *simWorld) rates() {
	var dw, pw, sw float64
	for d := w.first; d < w.first+365; d++ {
		dw += simDossierDayWeight(d)
		pw += simPetitionDayWeight(d) * w.categorySum(d)
		sw += simPostDayWeight(d)
	}
	// Without departments (cities other than Ho Chi Minh City) the wards' procedures keep their
	// own share only.
	var kept, all float64
	for _, p := range w.procs {
		kept += p.weight
	}
	for _, p := range simProcedures {
		all += p.weight
	}
	w.dossierBase = simDossiersPerYear * w.scale * kept / all / dw
	w.petitionBase = simPetitionsPerYear * w.scale / pw
	w.postBase = simPostsPerYear * w.scale / sw
	sizes := w.wardCum[len(w.wardCum)-1]
	for i, p := range w.procs {
		share := p.weight / kept * w.dossierBase
		if u := w.procUnit[i]; u >= 0 {
			w.units[u].rate += share
			continue
		}
		for _, wd := range w.wards {
			w.units[wd.unit].rate += share * wd.size / sizes
		}
	}
}

// simCategoryWeight is a category's share of petitions on d (before normalisation): flooding follows
// the rainy season, education the enrolment season.
func simCategoryWeight(c simCategory, d simDay) float64 {
	switch c.code {
	case "ngap_nuoc":
		return c.weight * (0.25 + 2.2*simRainy(d))
	case "giao_duc":
		return c.weight * simSchoolSeason(d)
	case "ha_tang_do_thi":
		return c.weight * (1 + 0.3*simRainy(d))
	}
	return c.weight
}

func (w *simWorld) categorySum(d simDay) float64 {
	var s float64
	for _, c := range w.cats {
		s += simCategoryWeight(c, d)
	}
	return s / 100
}

// petitionRate is the expected number of petitions of category c from ward wi on d, without
// incidents.
func (w *simWorld) petitionRate(d simDay, c int, wi int) float64 {
	total := w.petitionBase * simPetitionDayWeight(d) * w.categorySum(d)
	share := simCategoryWeight(w.cats[c], d) / 100 / w.categorySum(d)
	cum := w.wardCum
	if w.cats[c].code == "ngap_nuoc" {
		cum = w.wardFlood
	}
	return total * share * simShare(cum, wi)
}

// negativePostRate is the expected number of negative posts naming ward wi on d, without
// incidents.
func (w *simWorld) negativePostRate(d simDay, wi int) float64 {
	m := simPostMixOn(d)
	var share float64 // of all posts: negative and naming ward wi
	prev := 0.0
	for i, t := range simTopics {
		cum := w.wardCum
		if t.code == "ngap_nuoc" {
			cum = w.wardFlood
		}
		share += (m.topicCum[i] - prev) * m.neg[i] * simShare(cum, wi)
		prev = m.topicCum[i]
	}
	return w.postBase * simPostDayWeight(d) * simPostWardMention * share / prev
}

// simShare is element i's share of a cumulative weight array.
func simShare(cum []float64, i int) float64 {
	v := cum[i]
	if i > 0 {
		v -= cum[i-1]
	}
	return v / cum[len(cum)-1]
}

func simPick(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}

// simPlanted is the number of rows an incident adds for an expected mean: the mean rounded at
// random, so that the planted volume is what the manifest says, with little noise.
func simPlanted(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	return int(mean + r.Float64())
}

// simPoisson draws a Poisson count (normal approximation above a mean of 50).
func simPoisson(r *rand.Rand, mean float64) int {
	switch {
	case mean <= 0:
		return 0
	case mean > 50:
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// planIncidents places the incidents of the run: per month about one petition spike, one burst
// of negative posts, half an overdue unit and half an intake drop, and a flood storm in most
// rainy-season months. Windows avoid Tết and do not overlap on the same ward or unit.
func (w *simWorld) planIncidents() {
	r := w.rng(simStreamIncidents, w.first)
	days := int(w.end - w.first)
	months := float64(days) / 30.44
	count := func(perMonth float64) int {
		n := int(math.Round(months * perMonth))
		if n == 0 && days >= 10 {
			n = 1
		}
		return n
	}
	busy := map[string][]simDay{} // ward or unit code -> days already taken
	free := func(key string, from, to simDay) bool {
		for _, d := range busy[key] {
			if d >= from-2 && d < to+2 {
				return false
			}
		}
		return true
	}
	take := func(key string, from, to simDay) {
		for d := from; d < to; d++ {
			busy[key] = append(busy[key], d)
		}
	}
	nearTet := func(from, to simDay) bool {
		for d := from - 7; d < to+10; d++ {
			if off, ok := simTetOffset(d); ok && off == 0 {
				return true
			}
		}
		return false
	}
	// window picks a window of length days starting in the k-th of n equal segments of the run,
	// so that the incidents of a kind are spread over the whole period.
	window := func(length int, workdaysOnly bool, k, n int) (simDay, simDay, bool) {
		if days < length+2 {
			return 0, 0, false
		}
		lo := 1 + k*(days-1)/n
		hi := min(days-length, 1+(k+1)*(days-1)/n) // exclusive bound of the start
		if hi <= lo {
			lo, hi = 1, days-length
		}
		for try := 0; try < 50; try++ {
			from := w.first + simDay(lo+r.IntN(hi-lo))
			to := from + simDay(length)
			if nearTet(from, to) {
				continue
			}
			if workdaysOnly {
				ok := true
				for d := from; d < to; d++ {
					ok = ok && simWorkday(d)
				}
				if !ok {
					continue
				}
			}
			return from, to, true
		}
		return 0, 0, false
	}
	plural := func(n simDay, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	// Candidates: the bigger wards and units, so that an incident stands out of the noise.
	bigWards := make([]int, len(w.wards))
	for i := range bigWards {
		bigWards[i] = i
	}
	slices.SortStableFunc(bigWards, func(a, b int) int { return cmp.Compare(w.wards[b].size, w.wards[a].size) })
	bigWards = bigWards[:max(1, len(bigWards)/4)]
	var bigUnits []int
	for i := range w.units {
		if !w.units[i].chronic && w.units[i].rate > 0 {
			bigUnits = append(bigUnits, i)
		}
	}
	slices.SortStableFunc(bigUnits, func(a, b int) int { return cmp.Compare(w.units[b].rate, w.units[a].rate) })
	bigUnits = bigUnits[:min(len(bigUnits), 25)]

	bigWardCum := make([]float64, len(bigWards))
	var sw float64
	for i, wi := range bigWards {
		sw += w.wards[wi].size
		bigWardCum[i] = sw
	}
	// Categories handled in the wards, the common ones more often (but not in proportion, so
	// that spikes are not all about public administration).
	var spikeCats []int
	var spikeCatCum []float64
	var sc float64
	for i, c := range w.cats {
		if c.deptShare < 0.5 && c.code != "khac" {
			sc += math.Sqrt(c.weight)
			spikeCats = append(spikeCats, i)
			spikeCatCum = append(spikeCatCum, sc)
		}
	}
	// magnitude draws a multiplier in [4, 10], raised so that the incident adds at least min
	// rows a day: a planted incident must stand out even where the usual rate is a fraction of
	// one a day. The manifest records the multiplier actually applied.
	magnitude := func(base, min float64) float64 {
		m := 4 + 6*r.Float64()
		if base > 0 && (m-1)*base < min {
			m = 1 + min/base
		}
		return m
	}
	meanOver := func(from, to simDay, f func(simDay) float64) float64 {
		var s float64
		for d := from; d < to; d++ {
			s += f(d)
		}
		return s / float64(to-from)
	}

	var out []Incident
	var lowWardCum []float64 // the big low-lying wards, for flooding spikes
	var lowWards []int
	var sl float64
	for _, wi := range bigWards {
		if w.wards[wi].lowLying {
			sl += w.wards[wi].size
			lowWards = append(lowWards, wi)
			lowWardCum = append(lowWardCum, sl)
		}
	}
	spike := func(k, n int) {
		from, to, ok := window(2+r.IntN(4), false, k, n)
		if !ok {
			return
		}
		ci := spikeCats[simPick(r, spikeCatCum)]
		flood := w.cats[ci].code == "ngap_nuoc"
		if flood && (simRainy(from) == 0 || len(lowWards) == 0) {
			ci, flood = spikeCats[0], false
		}
		wi := -1
		for try := 0; try < 5 && wi < 0; try++ {
			c := bigWards[simPick(r, bigWardCum)]
			if flood {
				c = lowWards[simPick(r, lowWardCum)]
			}
			if free("w"+w.wards[c].Code, from, to) {
				wi = c
			}
		}
		if wi < 0 {
			return
		}
		take("w"+w.wards[wi].Code, from, to)
		base := meanOver(from, to, func(d simDay) float64 { return w.petitionRate(d, ci, wi) })
		mag := magnitude(base, simMinSpikePetitions)
		out = append(out, Incident{Kind: IncidentPetitionSpike, WardCode: w.wards[wi].Code, UnitCode: w.units[w.wards[wi].unit].Code,
			Category: w.cats[ci].code, Start: from.start(), End: to.start(), Magnitude: simRound2(mag), Baseline: simRound2(base),
			Description: fmt.Sprintf("Petitions about %s from %s at %.1f× their usual rate (%.2f a day) for %s", w.cats[ci].code, w.wards[wi].FullName, mag, base, plural(to-from, "day"))})
	}
	burst := func(k, n int) {
		from, to, ok := window(1+r.IntN(3), false, k, n)
		if !ok {
			return
		}
		topic := simTopics[r.IntN(len(simTopics))].code
		if topic == "du_lich" || (topic == "ngap_nuoc" && simRainy(from) == 0) {
			topic = "giao_thong"
		}
		wi := -1
		for try := 0; try < 5 && wi < 0; try++ {
			if c := bigWards[simPick(r, bigWardCum)]; free("p"+w.wards[c].Code, from, to) {
				wi = c
			}
		}
		if wi < 0 {
			return
		}
		take("p"+w.wards[wi].Code, from, to)
		base := meanOver(from, to, func(d simDay) float64 { return w.negativePostRate(d, wi) })
		mag := magnitude(base, simMinBurstPosts)
		out = append(out, Incident{Kind: IncidentNegativePosts, WardCode: w.wards[wi].Code, Topic: topic,
			Start: from.start(), End: to.start(), Magnitude: simRound2(mag), Baseline: simRound2(base),
			Description: fmt.Sprintf("Burst of negative posts about %s naming %s: the ward's negative posts at %.1f× their usual rate (%.2f a day) for %s", topic, w.wards[wi].FullName, mag, base, plural(to-from, "day"))})
	}
	pickUnit := func(from, to simDay) int {
		for try := 0; try < 5 && len(bigUnits) > 0; try++ {
			if ui := bigUnits[r.IntN(len(bigUnits))]; free("u"+w.units[ui].Code, from, to) {
				return ui
			}
		}
		return -1
	}
	overdue := func(k, n int) {
		from, to, ok := window(7, false, k, n)
		if !ok {
			return
		}
		ui := pickUnit(from, to)
		if ui < 0 {
			return
		}
		u := w.units[ui]
		take("u"+u.Code, from, to)
		lateWin := 0.35 + 0.25*r.Float64()
		base := meanOver(from, to, func(d simDay) float64 { return simDossierDayWeight(d) * u.rate })
		out = append(out, Incident{Kind: IncidentOverdueUnit, UnitCode: u.Code, WardCode: u.WardCode,
			Start: from.start(), End: to.start(), Magnitude: simRound2(lateWin / u.late), Baseline: simRound2(base),
			Description: fmt.Sprintf("%s: %.0f%% of the dossiers due in the week end late (usually %.1f%%)", u.Name, 100*lateWin, 100*u.late)})
	}
	drop := func(k, n int) {
		from, to, ok := window(1+r.IntN(2), true, k, n)
		if !ok {
			return
		}
		ui := pickUnit(from, to)
		if ui < 0 {
			return
		}
		u := w.units[ui]
		take("u"+u.Code, from, to)
		keep := 0.1 * r.Float64()
		base := meanOver(from, to, func(d simDay) float64 { return simDossierDayWeight(d) * u.rate })
		out = append(out, Incident{Kind: IncidentIntakeDrop, UnitCode: u.Code, WardCode: u.WardCode,
			Start: from.start(), End: to.start(), Magnitude: simRound2(keep), Baseline: simRound2(base),
			Description: fmt.Sprintf("%s: one-stop system outage, intake at %.0f%% of normal for %s", u.Name, 100*keep, plural(to-from, "working day"))})
	}
	// Every incident gets a slot of its own along the run, the kinds interleaved in proportion to
	// their counts, so that every month has a mix.
	place := []func(k, n int){spike, burst, overdue, drop}
	counts := []int{count(1.0), count(0.8), count(0.5), count(0.5)}
	if len(bigUnits) == 0 {
		counts[2], counts[3] = 0, 0
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	placed := make([]int, len(counts))
	for k := range total {
		best, bestLag := 0, math.Inf(-1)
		for i, c := range counts {
			if lag := float64(c*(k+1))/float64(total) - float64(placed[i]); placed[i] < c && lag > bestLag {
				best, bestLag = i, lag
			}
		}
		placed[best]++
		place[best](k, total)
	}
	// Flood storms: in each rainy-season month of the run, with a chance that follows the rains.
	lastStorm := w.first - 100
	for d := w.first; d < w.end; {
		y, m, _ := d.date()
		next := simDayOf(time.Date(y, m+1, 1, 12, 0, 0, 0, models.Location))
		from := max(d, w.first)
		to := min(next, w.end)
		if rn := simRainy(from); rn > 0 && r.Float64() < 0.5+0.5*rn && to-from >= 3 {
			day := from + 1 + simDay(r.IntN(int(to-from-1)))
			if day < lastStorm+7 {
				day = lastStorm + 7 // storms a week apart at least
			}
			if day < to && !nearTet(day, day+1) {
				lastStorm = day
				mag := 4 + 4*r.Float64()
				ci := slices.IndexFunc(w.cats, func(c simCategory) bool { return c.code == "ngap_nuoc" })
				var base float64
				var names []string
				for wi, wd := range w.wards {
					if wd.lowLying {
						base += w.petitionRate(day, ci, wi)
						names = append(names, wd.Code)
					}
				}
				out = append(out, Incident{Kind: IncidentFloodStorm, Category: "ngap_nuoc", Topic: "ngap_nuoc",
					Start: day.start(), End: (day + 1).start(), Magnitude: simRound2(mag), Baseline: simRound2(base),
					Description: fmt.Sprintf("Heavy rain: flooding petitions and negative flooding posts at %.1f× in the low-lying wards %s", mag, strings.Join(names, ", "))})
			}
		}
		d = next
	}
	slices.SortStableFunc(out, func(a, b Incident) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.WardCode+a.UnitCode, b.WardCode+b.UnitCode))
	})
	w.byDay = map[simDay][]int{}
	w.drops = map[simDay]map[int]float64{}
	w.overdue = map[int][]simOverdue{}
	unitIndex := map[string]int{}
	for i, u := range w.units {
		unitIndex[u.Code] = i
	}
	for i := range out {
		inc := &out[i]
		inc.ID = fmt.Sprintf("INC-%03d", i+1)
		from, to := simDayOf(inc.Start), simDayOf(inc.End)
		for d := from; d < to; d++ {
			w.byDay[d] = append(w.byDay[d], i)
		}
		switch ui := unitIndex[inc.UnitCode]; inc.Kind {
		case IncidentIntakeDrop:
			for d := from; d < to; d++ {
				if w.drops[d] == nil {
					w.drops[d] = map[int]float64{}
				}
				w.drops[d][ui] = inc.Magnitude
			}
		case IncidentOverdueUnit:
			w.overdue[ui] = append(w.overdue[ui], simOverdue{from, to, min(0.95, inc.Magnitude*w.units[ui].late)})
		}
	}
	w.incidents = out
}

func simRound2(x float64) float64 { return math.Round(x*100) / 100 }

func (w *simWorld) manifest() Manifest {
	return Manifest{Province: w.province, Start: w.first.start(), Days: int(w.end - w.first), Scale: w.optScale,
		Seed: w.seed, Now: w.now, Wards: len(w.wards), Units: len(w.units), Incidents: slices.Clone(w.incidents)}
}
