package pipeline

import (
	"slices"
	"time"
)

// simDayBatch is everything received or published on one day, as lifecycles.
type simDayBatch struct {
	day       simDay
	dossiers  []simDossier
	petitions []simPetition
	posts     []simPost
}

// Streams of generateDay.
const (
	simGenDossiers = 1 << iota
	simGenPetitions
	simGenPosts
	simGenAll = simGenDossiers | simGenPetitions | simGenPosts
)

// generateDay generates the chosen streams of day d. Each stream has its own random stream, so
// a stream's rows do not depend on which others are generated.
func (w *simWorld) generateDay(d simDay, streams int) simDayBatch {
	b := simDayBatch{day: d}
	if streams&simGenDossiers != 0 {
		b.dossiers = w.dossiersOn(d)
	}
	if streams&simGenPetitions != 0 {
		b.petitions = w.petitionsOn(d)
	}
	if streams&simGenPosts != 0 {
		b.posts = w.postsOn(d)
	}
	return b
}

// appendHistory appends the day's rows received (published) at or before now, each in its state
// as of now; a post as of min(now, published + simPostSettle).
func (b *simDayBatch) appendHistory(c *SimChunk, now time.Time) {
	c.Dossiers = slices.Grow(c.Dossiers, len(b.dossiers))
	c.Petitions, c.Citizens = slices.Grow(c.Petitions, len(b.petitions)), slices.Grow(c.Citizens, len(b.petitions))
	c.Posts, c.Authors = slices.Grow(c.Posts, len(b.posts)), slices.Grow(c.Authors, len(b.posts))
	for i := range b.dossiers {
		if l := &b.dossiers[i]; !l.row.ReceivedAt.After(now) {
			c.Dossiers = append(c.Dossiers, l.snapshot(now))
		}
	}
	for i := range b.petitions {
		if l := &b.petitions[i]; !l.row.ReceivedAt.After(now) {
			c.Petitions = append(c.Petitions, l.snapshot(now))
			c.Citizens = append(c.Citizens, l.citizen)
		}
	}
	for i := range b.posts {
		if l := &b.posts[i]; !l.row.PublishedAt.After(now) {
			at := l.row.PublishedAt.Add(simPostSettle)
			if at.After(now) {
				at = now
			}
			c.Posts = append(c.Posts, l.snapshot(at))
			c.Authors = append(c.Authors, l.author)
		}
	}
}
