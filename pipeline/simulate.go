package pipeline

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govpulse/govpulse/models"
)

// The simulator: realistic, deterministic demo and benchmark data for one city (Ho Chi Minh City
// by default; Hải Phòng 31 and Cần Thơ 92 work too). It generates the three upstream streams of
// DESIGN §3 — dossiers, petitions and posts — with the seasonality and mixes of DOMAIN §2, plants
// incidents (spikes, bursts, outages) and records them in a Manifest so that anomaly detection can
// be scored against the truth.
//
// Determinism: everything is a function of SimOptions (the order of the dimension rows does not
// matter). Each local day and stream is generated from its own PCG stream seeded by Seed and the
// date, from traits fixed per run (ward sizes, late units, base rates calibrated on the 365 days
// from Start, the incident plan), never from the days before it: so days can be generated in
// parallel, and Live can regenerate recent days to continue a history without storing it.
//
// Volumes and shapes (DOMAIN §2; scale 1 = Ho Chi Minh City): 1.2M dossiers, 176k petitions and
// 500k posts a year; Monday–Tuesday peaks, near-empty Sundays and holidays (online submissions
// only), a pre-Tết rush and the Tết collapse (real dates 2023–2028), month- and quarter-end rushes;
// an online share rising from 40% (2024) to 60% (end of 2026); about 30% of procedures with a fee;
// 93–97% on time with a few chronically late units; 8% supplement requests; the Portal 1022
// category mix, flooding petitions and negative posts in the rainy season (May–November) in
// low-lying wards, enrolment peaks in June–August. Hải Phòng is about 0.35 and Cần Thơ 0.3 of
// Ho Chi Minh City, with ward units only (the seeds have no departments for them).
//
// The rows are upstream data in govpulse's row types: contract fields are filled, the fields the
// pipeline owns are left zero (IngestedAt, CitizenPhoneMasked, CitizenHash, sentiment and its label
// and source, inferred topic and ward flags, FirstSeen, ReopenCount). Version is UpdatedAt in unix
// milliseconds (a post's: its snapshot time) and Source is "simulator". The personal data of the
// contract that the row types never hold (citizen_phone, citizen_name, author_id) travels beside
// the rows in SimChunk. Dossiers and petitions pass their Validate as they are; posts pass it once
// the pipeline has scored their sentiment.

// SimSource is the Source of every simulated row.
const SimSource = "simulator"

// MaxSimChunkRows bounds the rows (all three streams together) of one SimChunk from Simulate.
const MaxSimChunkRows = 20000

// SimOptions configure a simulation. Start, Days, Scale, Seed, Province, the dimension rows and
// Now determine the output completely.
type SimOptions struct {
	// Start is the first day simulated (its local midnight in Asia/Ho_Chi_Minh is used).
	Start time.Time
	// Days is how many days are simulated from Start.
	Days int
	// Scale multiplies volumes: 1.0 is about a year of Ho Chi Minh City per 365 days (1.2M
	// dossiers, 176k petitions, 500k posts). Smaller cities get proportionally less.
	Scale float64
	// Seed picks one of many equally plausible histories.
	Seed uint64
	// Province is the GSO code of the city: "79" (the default), "31" or "92".
	Province string
	// The dimension rows, as read from the dimension tables. Wards of other provinces are
	// ignored; every ward of Province needs its people's committee in Units (ward_code set).
	// Departments are the Units of type department whose code has the prefix of the ward units'
	// codes ("H29." for Ho Chi Minh City, see sql/migrations/0009_seed_units.sql).
	Wards      []models.Ward
	Units      []models.Unit
	Fields     []models.Field
	Categories []models.PetitionCategory
	// Now is the snapshot time: every dossier and petition is emitted in its state as of Now
	// (those still open stay open), and nothing received after Now is emitted. The zero value
	// means the end of the simulated period (Start + Days).
	Now time.Time
}

// Citizen is the petitioner of a petition as the upstream system sends it (personal data: the
// pipeline masks and hashes it; it never reaches storage as is). Both are "" for an anonymous
// petition. The phones are fake (0900 0xx xxx).
type Citizen struct {
	Phone string `json:"citizen_phone"`
	Name  string `json:"citizen_name"`
}

// SimChunk is a batch of simulated rows in time order. Citizens[i] is the petitioner of
// Petitions[i], and Authors[i] the platform's author id of Posts[i].
type SimChunk struct {
	Dossiers  []models.Dossier
	Petitions []models.Petition
	Citizens  []Citizen
	Posts     []models.Post
	Authors   []string
}

// Len is the number of rows in c.
func (c SimChunk) Len() int { return len(c.Dossiers) + len(c.Petitions) + len(c.Posts) }

// Incident kinds planted by the simulator.
const (
	// IncidentPetitionSpike: petitions of one Category in one ward run at Magnitude times their
	// usual rate.
	IncidentPetitionSpike = "petition_spike"
	// IncidentNegativePosts: a burst of negative posts on one Topic mentioning one ward; the
	// ward's negative posts run at Magnitude times their usual rate.
	IncidentNegativePosts = "negative_posts"
	// IncidentOverdueUnit: dossiers of one unit due in the window end late at Magnitude times the
	// unit's usual late share.
	IncidentOverdueUnit = "overdue_unit"
	// IncidentIntakeDrop: a unit's one-stop system is down; its dossier intake falls to
	// Magnitude (a fraction) of normal.
	IncidentIntakeDrop = "intake_drop"
	// IncidentFloodStorm: a heavy-rain day: flooding petitions and negative flooding posts in the
	// low-lying wards (listed in the description) run at Magnitude times their usual rate.
	IncidentFloodStorm = "flood_storm"
)

// Incident is one planted anomaly with its exact window [Start, End) in Asia/Ho_Chi_Minh.
type Incident struct {
	ID       string `json:"id"`   // "INC-001", in order of Start
	Kind     string `json:"kind"` // an Incident* constant
	WardCode string `json:"ward_code,omitempty"`
	UnitCode string `json:"unit_code,omitempty"`
	Category string `json:"category,omitempty"` // a petition category code
	Topic    string `json:"topic,omitempty"`    // a post topic code
	// Start and End are local midnights: the incident covers whole days.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Magnitude is the multiplier of the affected rate (a fraction below 1 for an intake drop).
	Magnitude float64 `json:"magnitude"`
	// Baseline is the expected daily count of the affected series without the incident
	// (petitions of the ward and category, negative posts of the ward, dossiers due at the unit,
	// dossiers received by the unit), at the incident's start.
	Baseline    float64 `json:"baseline"`
	Description string  `json:"description"`
}

// SimCounts counts the rows of a run.
type SimCounts struct {
	Dossiers  int `json:"dossiers"`
	Petitions int `json:"petitions"`
	Posts     int `json:"posts"`
}

// Manifest records what a simulation was asked for and what it planted.
type Manifest struct {
	Province  string     `json:"province"`
	Start     time.Time  `json:"start"`
	Days      int        `json:"days"`
	Scale     float64    `json:"scale"`
	Seed      uint64     `json:"seed"`
	Now       time.Time  `json:"now"`
	Wards     int        `json:"wards"`
	Units     int        `json:"units"`
	Incidents []Incident `json:"incidents"`
	Counts    SimCounts  `json:"counts"`
}

// Simulate generates the history of opts day by day and calls fn with chunks of at most
// MaxSimChunkRows rows, in time order (by day; within a stream by received or published time),
// each row in its state as of opts.Now. fn is called from the calling goroutine and may keep the
// chunk; days are generated ahead on up to four goroutines meanwhile. Simulate stops at the first
// error of fn and returns it. The Manifest counts the rows delivered. An invalid option is an
// error matching models.ErrInvalid that names the option.
func Simulate(opts SimOptions, fn func(SimChunk) error) (Manifest, error) {
	w, err := newSimWorld(opts)
	if err != nil {
		return Manifest{}, err
	}
	man := w.manifest()
	// Room for a chunk and a day more, in the proportions of the streams, so that appends rarely
	// grow the slices.
	total := w.dossierBase + w.petitionBase + w.postBase
	room := func(base float64, day float64) int {
		return int(MaxSimChunkRows*base/total) + int(4*day) + 64
	}
	grow := func(c *SimChunk) {
		c.Dossiers = slices.Grow(c.Dossiers, room(w.dossierBase, w.dossierBase))
		n := room(w.petitionBase, w.petitionBase)
		c.Petitions, c.Citizens = slices.Grow(c.Petitions, n), slices.Grow(c.Citizens, n)
		n = room(w.postBase, w.postBase)
		c.Posts, c.Authors = slices.Grow(c.Posts, n), slices.Grow(c.Authors, n)
	}
	var pending SimChunk
	grow(&pending)
	flush := func(all bool) error {
		for pending.Len() >= MaxSimChunkRows || (all && pending.Len() > 0) {
			var c SimChunk
			c, pending = splitChunk(pending, MaxSimChunkRows)
			grow(&pending)
			man.Counts.Dossiers += len(c.Dossiers)
			man.Counts.Petitions += len(c.Petitions)
			man.Counts.Posts += len(c.Posts)
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}
	days := make([]simDay, 0, w.end-w.first)
	for d := w.first; d < w.end && d <= simDayOf(w.now); d++ {
		days = append(days, d)
	}
	err = w.eachDay(days, func(day SimChunk) error {
		pending.Dossiers = append(pending.Dossiers, day.Dossiers...)
		pending.Petitions = append(pending.Petitions, day.Petitions...)
		pending.Citizens = append(pending.Citizens, day.Citizens...)
		pending.Posts = append(pending.Posts, day.Posts...)
		pending.Authors = append(pending.Authors, day.Authors...)
		return flush(false)
	})
	if err != nil {
		return man, err
	}
	return man, flush(true)
}

// eachDay generates the history rows of each day (as of w.now) and calls fn with them in the
// order of days, from the calling goroutine. Days are generated ahead by up to GOMAXPROCS
// workers (at most 4), a bounded number of days in advance, while fn works.
func (w *simWorld) eachDay(days []simDay, fn func(SimChunk) error) error {
	gen := func(d simDay) SimChunk {
		b := w.generateDay(d, simGenAll)
		var c SimChunk
		b.appendHistory(&c, w.now)
		return c
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	if workers < 2 || len(days) < 2 {
		for _, d := range days {
			if err := fn(gen(d)); err != nil {
				return err
			}
		}
		return nil
	}
	// A worker takes a slot before it takes the next day, so the days in flight are always the
	// earliest ones not yet consumed and the consumer never waits on a day without a slot.
	results := make([]chan SimChunk, len(days))
	for i := range results {
		results[i] = make(chan SimChunk, 1)
	}
	slots := make(chan struct{}, 2*workers)
	done := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case slots <- struct{}{}:
				case <-done:
					return
				}
				i := next.Add(1) - 1
				if i >= int64(len(days)) {
					<-slots
					return
				}
				results[i] <- gen(days[i])
			}
		})
	}
	defer wg.Wait()
	defer close(done)
	for i := range days {
		c := <-results[i]
		<-slots
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// splitChunk takes up to n rows from the front of c (dossiers first, then petitions, then
// posts) and returns them and the rest. The rest reuses no backing array of the head.
func splitChunk(c SimChunk, n int) (head, rest SimChunk) {
	take := func(l int) int { k := min(l, n); n -= k; return k }
	k := take(len(c.Dossiers))
	head.Dossiers, rest.Dossiers = c.Dossiers[:k:k], slices.Clone(c.Dossiers[k:])
	k = take(len(c.Petitions))
	head.Petitions, rest.Petitions = c.Petitions[:k:k], slices.Clone(c.Petitions[k:])
	head.Citizens, rest.Citizens = c.Citizens[:k:k], slices.Clone(c.Citizens[k:])
	k = take(len(c.Posts))
	head.Posts, rest.Posts = c.Posts[:k:k], slices.Clone(c.Posts[k:])
	head.Authors, rest.Authors = c.Authors[:k:k], slices.Clone(c.Authors[k:])
	return head, rest
}

// simOptionsError reports invalid SimOptions; it matches models.ErrInvalid.
func simOptionsError(format string, args ...any) error {
	return fmt.Errorf("simulate: %w: %s", models.ErrInvalid, fmt.Sprintf(format, args...))
}
