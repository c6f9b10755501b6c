package pipeline

import (
	"sync"
	"time"
)

// Live continues a simulated history in real time, for `serve --demo`: each Next returns what
// happened since the previous call — new dossiers, petitions and posts, newer snapshots of open
// dossiers and petitions whose status changed, and re-sends of recent posts whose engagement grew
// — so that the dashboard moves within seconds.
//
// It regenerates the days around opts.Now from the same seeds as Simulate, so a Live built with
// the options of a history (Now = the moment the history was cut) continues it exactly: the items
// open at Now change state later, and the arrivals after Now are the ones Simulate left out. Rates
// are those of the history (at scale 1 about one dossier every 10 seconds in office hours); the
// incidents of the manifest are not planted after the simulated period. Live is safe for
// concurrent use.
//
// For a demo: opts with Start a year ago, Days 366 and Now = time.Now(); Simulate(opts, …) seeds
// the history, then NewLive(opts) and Next(time.Now()) every few seconds carry on from Now.
// NewLive regenerates the last 160 days of dossiers to find the open ones (about a second of CPU
// at scale 1).
type Live struct {
	mu   sync.Mutex
	w    *simWorld
	last time.Time   // everything up to last has been emitted
	cur  simDayBatch // the day of last, generated whole

	// Copies of the items received by last that will still change (a pointer into a day's batch
	// would keep the whole day in memory).
	dossiers  []simDossier
	petitions []simPetition
	posts     []simLivePost
}

// simLivePost is a recent post and the engagement last sent for it.
type simLivePost struct {
	p     simPost
	likes uint32
}

// Lookbacks of NewLive: the oldest items that can still change state. A dossier ends at most
// about 150 days after reception (30 working days of legal time, 20 days of supplement pause, 30
// days late plus 60 stuck, then a rating within 3 days); a petition within about 30 (a 5-day
// deadline, 15 days late, a reopening within 4 days and its answer within 4, a rating within 5).
const (
	liveDossierDays  = 160
	livePetitionDays = 40
	livePostAge      = 24 * time.Hour // re-sends stop after a day
)

// NewLive starts a live stream after the history of opts (its Now, else the end of its period).
func NewLive(opts SimOptions) (*Live, error) {
	w, err := newSimWorld(opts)
	if err != nil {
		return nil, err
	}
	l := &Live{w: w, last: w.now}
	today := simDayOf(w.now)
	// The items the history emitted (days from its start to its end or Now) that will still
	// change.
	for d := max(today-liveDossierDays, w.first); d <= today && d < w.end; d++ {
		streams := simGenDossiers
		if d >= today-livePetitionDays {
			streams |= simGenPetitions
		}
		if d >= today-1 {
			streams |= simGenPosts
		}
		if d == today {
			streams = simGenAll
		}
		b := w.generateDay(d, streams)
		l.adopt(&b, w.now)
		if d == today {
			l.cur = b
		}
	}
	return l, nil
}

// adopt keeps the items of b received by t that are still to change after t.
func (l *Live) adopt(b *simDayBatch, t time.Time) {
	for i := range b.dossiers {
		if d := &b.dossiers[i]; !d.row.ReceivedAt.After(t) && !d.settled(t) {
			l.dossiers = append(l.dossiers, *d)
		}
	}
	for i := range b.petitions {
		if p := &b.petitions[i]; !p.row.ReceivedAt.After(t) && !p.settled(t) {
			l.petitions = append(l.petitions, *p)
		}
	}
	for i := range b.posts {
		if p := &b.posts[i]; !p.row.PublishedAt.After(t) && t.Sub(p.row.PublishedAt) < livePostAge {
			l.posts = append(l.posts, simLivePost{p: *p, likes: p.snapshot(t).Likes})
		}
	}
}

// Next returns the rows that changed in (the previous call's now, now]: arrivals in their state
// at now, and a new snapshot of every earlier item whose state changed. A now not after the
// previous one returns an empty chunk.
func (l *Live) Next(now time.Time) SimChunk {
	l.mu.Lock()
	defer l.mu.Unlock()
	now = now.Truncate(time.Second)
	var c SimChunk
	if !now.After(l.last) {
		return c
	}
	// State changes of what was already sent.
	keepD := l.dossiers[:0]
	for i := range l.dossiers {
		d := &l.dossiers[i]
		if d.lastChange(now).After(l.last) {
			c.Dossiers = append(c.Dossiers, d.snapshot(now))
		}
		if !d.settled(now) {
			keepD = append(keepD, *d)
		}
	}
	clear(l.dossiers[len(keepD):])
	l.dossiers = keepD
	keepP := l.petitions[:0]
	for i := range l.petitions {
		p := &l.petitions[i]
		if p.lastChange(now).After(l.last) {
			c.Petitions = append(c.Petitions, p.snapshot(now))
			c.Citizens = append(c.Citizens, p.citizen)
		}
		if !p.settled(now) {
			keepP = append(keepP, *p)
		}
	}
	clear(l.petitions[len(keepP):])
	l.petitions = keepP
	keepS := l.posts[:0]
	for i := range l.posts {
		p := &l.posts[i]
		if now.Sub(p.p.row.PublishedAt) >= livePostAge {
			continue
		}
		if s := p.p.snapshot(now); s.Likes >= p.likes+max(5, p.likes/5) {
			c.Posts = append(c.Posts, s)
			c.Authors = append(c.Authors, p.p.author)
			p.likes = s.Likes
		}
		keepS = append(keepS, *p)
	}
	clear(l.posts[len(keepS):])
	l.posts = keepS

	// Arrivals, day by day.
	for d := simDayOf(l.last); d <= simDayOf(now); d++ {
		if l.cur.day != d {
			l.cur = l.w.generateDay(d, simGenAll)
		}
		b := &l.cur
		for i := range b.dossiers {
			if x := &b.dossiers[i]; x.row.ReceivedAt.After(l.last) && !x.row.ReceivedAt.After(now) {
				c.Dossiers = append(c.Dossiers, x.snapshot(now))
				if !x.settled(now) {
					l.dossiers = append(l.dossiers, *x)
				}
			}
		}
		for i := range b.petitions {
			if x := &b.petitions[i]; x.row.ReceivedAt.After(l.last) && !x.row.ReceivedAt.After(now) {
				c.Petitions = append(c.Petitions, x.snapshot(now))
				c.Citizens = append(c.Citizens, x.citizen)
				if !x.settled(now) {
					l.petitions = append(l.petitions, *x)
				}
			}
		}
		for i := range b.posts {
			if x := &b.posts[i]; x.row.PublishedAt.After(l.last) && !x.row.PublishedAt.After(now) {
				s := x.snapshot(now)
				c.Posts = append(c.Posts, s)
				c.Authors = append(c.Authors, x.author)
				l.posts = append(l.posts, simLivePost{p: *x, likes: s.Likes})
			}
		}
	}
	l.last = now
	return c
}
