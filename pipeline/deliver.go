package pipeline

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Store is what delivery needs of the database. The store package's Ingest implements it.
type Store interface {
	// Insert writes rows to table; a batch carrying a token already stored is stored once.
	Insert(ctx context.Context, table string, rows any, dedupToken string) error
	// DossierStates returns the latest state of the given dossiers received in [from, to].
	DossierStates(ctx context.Context, ids []string, from, to time.Time) ([]models.LastState, error)
	// PetitionStates returns the latest state of the given petitions received in [from, to].
	PetitionStates(ctx context.Context, ids []string, from, to time.Time) ([]models.LastState, error)
	// PostStates returns the stored posts among keys ("<platform>/<id>") published in [from, to].
	PostStates(ctx context.Context, keys []string, from, to time.Time) ([]models.LastState, error)
}

// streamDeadLetters is the spool stream of rejected lines.
const streamDeadLetters = "dead_letters"

// encodeRows gob-encodes a slice of model rows as one spool payload. Gob keeps every exported
// field, including those hidden from JSON (citizen_hash, author_hash).
func encodeRows(rows any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rows); err != nil {
		return nil, fmt.Errorf("pipeline: encode spool payload: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeRows[T any](payload []byte) ([]T, error) {
	var rows []T
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&rows); err != nil {
		return nil, fmt.Errorf("pipeline: decode spool payload: %w", err)
	}
	return rows, nil
}

// Deliverer stores spool segments: it applies the ingest contracts' event rules (one
// received/new event per id, an event per later status change, first_seen per post) against
// what the store already holds, then writes events before latest states so that a segment
// delivered again after a crash derives the same rows and is deduplicated by its token.
// Recent states are cached (bounded) so steady streams rarely query the store. Safe for use by
// one goroutine at a time (the spool delivers segments one by one).
type Deliverer struct {
	store    Store
	mu       sync.Mutex
	cache    map[string]map[string]models.LastState // stream -> id -> state
	maxCache int
	// Observer, when set, is told about every batch written.
	Observer Observer
	// AssumeNew skips the store look-ups: every id not in the cache is taken as never seen. Only
	// for filling a store known to hold none of the ids (the demo seed into an empty store).
	AssumeNew bool
}

// NewDeliverer returns a Deliverer writing to st, caching up to maxCache states per stream
// (0 means 500,000).
func NewDeliverer(st Store, maxCache int) *Deliverer {
	if maxCache <= 0 {
		maxCache = 500_000
	}
	return &Deliverer{store: st, maxCache: maxCache,
		cache: map[string]map[string]models.LastState{
			string(StreamDossiers): {}, string(StreamPetitions): {}, string(StreamPosts): {},
		}}
}

// Batch is a set of rows to store together.
type Batch struct {
	Dossiers  []models.Dossier
	Petitions []models.Petition
	Posts     []models.Post
	Dead      []models.DeadLetter
}

// Deliver implements the spool's Deliver.
func (d *Deliverer) Deliver(ctx context.Context, seg Segment) error {
	var b Batch
	for _, r := range seg.Records {
		var err error
		switch r.Stream {
		case string(StreamDossiers):
			err = appendDecoded(&b.Dossiers, r.Payload)
		case string(StreamPetitions):
			err = appendDecoded(&b.Petitions, r.Payload)
		case string(StreamPosts):
			err = appendDecoded(&b.Posts, r.Payload)
		case streamDeadLetters:
			err = appendDecoded(&b.Dead, r.Payload)
		default:
			err = fmt.Errorf("pipeline: unknown stream %q in segment %s", r.Stream, seg.Name)
		}
		if err != nil {
			return err
		}
	}
	return d.Store(ctx, seg.Name, b)
}

func appendDecoded[T any](dst *[]T, payload []byte) error {
	rows, err := decodeRows[T](payload)
	*dst = append(*dst, rows...)
	return err
}

// Store writes a batch under a token: each table's insert carries "<token>:<table>", so storing
// the same batch under the same token again changes nothing.
func (d *Deliverer) Store(ctx context.Context, token string, b Batch) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	tok := func(table string) string { return token + ":" + table }
	if len(b.Dead) > 0 {
		if err := d.insert(ctx, "dead_letters", b.Dead, tok("dead_letters")); err != nil {
			return err
		}
	}
	if len(b.Dossiers) > 0 {
		if err := d.deliverDossiers(ctx, b.Dossiers, tok); err != nil {
			return err
		}
	}
	if len(b.Petitions) > 0 {
		if err := d.deliverPetitions(ctx, b.Petitions, tok); err != nil {
			return err
		}
	}
	if len(b.Posts) > 0 {
		if err := d.deliverPosts(ctx, b.Posts, tok); err != nil {
			return err
		}
	}
	return nil
}

func (d *Deliverer) insert(ctx context.Context, table string, rows any, token string) error {
	start := time.Now()
	if err := d.store.Insert(ctx, table, rows, token); err != nil {
		return err
	}
	if d.Observer != nil {
		d.Observer.Stored(table, reflect.ValueOf(rows).Len(), time.Since(start))
	}
	return nil
}

// known returns the states of ids, from the cache or, for the rest, from the store.
func (d *Deliverer) known(ctx context.Context, stream string, ids []string, from, to time.Time,
	lookup func(context.Context, []string, time.Time, time.Time) ([]models.LastState, error)) (map[string]models.LastState, error) {
	cache := d.cache[stream]
	out := make(map[string]models.LastState, len(ids))
	var missing []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if st, ok := cache[id]; ok {
			out[id] = st
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 && !d.AssumeNew {
		states, err := lookup(ctx, missing, from, to)
		if err != nil {
			return nil, fmt.Errorf("pipeline: look up %d %s: %w", len(missing), stream, err)
		}
		for _, st := range states {
			out[st.ID] = st
		}
	}
	return out, nil
}

// remember stores new states in the cache after a successful write, dropping the cache when it
// outgrows its bound (later lookups go to the store).
func (d *Deliverer) remember(stream string, states map[string]models.LastState) {
	cache := d.cache[stream]
	if len(cache)+len(states) > d.maxCache {
		cache = map[string]models.LastState{}
		d.cache[stream] = cache
	}
	for id, st := range states {
		cache[id] = st
	}
}

func timeRange[T any](rows []T, at func(T) time.Time) (from, to time.Time) {
	for i, r := range rows {
		t := at(r)
		if i == 0 || t.Before(from) {
			from = t
		}
		if i == 0 || t.After(to) {
			to = t
		}
	}
	return from, to
}

// streamRules describes how one stream's snapshots are delivered.
type streamRules[R, E any] struct {
	stream            string
	eventTable, table string
	key               func(R) string
	at                func(R) time.Time // the key time bounding the look-up
	version           func(R) uint64
	lookup            func(context.Context, []string, time.Time, time.Time) ([]models.LastState, error)
	// step applies the event rules to a newer snapshot r of an id whose last state is st (known
	// false for a first sight): it may adjust r, and returns the events and the new state.
	step func(r *R, st models.LastState, known bool) ([]E, models.LastState)
}

// deliverRows is the frame every stream shares: look up what the store holds, skip re-sends and
// older snapshots, apply the stream's rules in input order, write events before latest states
// (so a replay derives the same rows), and cache the new states only after both writes.
func deliverRows[R, E any](ctx context.Context, d *Deliverer, rows []R, rules streamRules[R, E], token func(string) string) error {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = rules.key(r)
	}
	from, to := timeRange(rows, rules.at)
	prev, err := d.known(ctx, rules.stream, keys, from, to, rules.lookup)
	if err != nil {
		return err
	}
	next := map[string]models.LastState{}
	var events []E
	var latest []R
	for i, r := range rows {
		st, ok := next[keys[i]]
		if !ok {
			st, ok = prev[keys[i]]
		}
		if ok && rules.version(r) <= st.Version {
			continue // a re-send or an older snapshot: nothing new
		}
		evs, st := rules.step(&r, st, ok)
		st.ID, st.Version = keys[i], rules.version(r)
		events = append(events, evs...)
		next[keys[i]] = st
		latest = append(latest, r)
	}
	if len(events) > 0 {
		if err := d.insert(ctx, rules.eventTable, events, token(rules.eventTable)); err != nil {
			return err
		}
	}
	if len(latest) > 0 {
		if err := d.insert(ctx, rules.table, latest, token(rules.table)); err != nil {
			return err
		}
	}
	d.remember(rules.stream, next)
	return nil
}

func (d *Deliverer) deliverDossiers(ctx context.Context, rows []models.Dossier, token func(string) string) error {
	return deliverRows(ctx, d, rows, streamRules[models.Dossier, models.DossierEvent]{
		stream: string(StreamDossiers), eventTable: "dossier_events", table: "dossiers",
		key:     func(r models.Dossier) string { return r.ID },
		at:      func(r models.Dossier) time.Time { return r.ReceivedAt },
		version: func(r models.Dossier) uint64 { return r.Version },
		lookup:  d.store.DossierStates,
		step: func(r *models.Dossier, st models.LastState, known bool) ([]models.DossierEvent, models.LastState) {
			status := models.DossierStatus(r.Status)
			var events []models.DossierEvent
			switch {
			case !known:
				events = append(events, r.Event(models.DossierReceived, r.ReceivedAt))
				if status != models.DossierReceived {
					events = append(events, r.Event(status, r.UpdatedAt))
				}
			case r.Status != st.Status && !st.Ended:
				events = append(events, r.Event(status, r.UpdatedAt))
			}
			// Terminal statuses are absorbing for the event log: a later snapshot that leaves one
			// updates the latest state only, and the dossier still counts as ended.
			st.Ended = st.Ended || status.Terminal()
			st.Status = r.Status
			return events, st
		},
	}, token)
}

func (d *Deliverer) deliverPetitions(ctx context.Context, rows []models.Petition, token func(string) string) error {
	return deliverRows(ctx, d, rows, streamRules[models.Petition, models.PetitionEvent]{
		stream: string(StreamPetitions), eventTable: "petition_events", table: "petitions",
		key:     func(r models.Petition) string { return r.ID },
		at:      func(r models.Petition) time.Time { return r.ReceivedAt },
		version: func(r models.Petition) uint64 { return r.Version },
		lookup:  d.store.PetitionStates,
		step: func(r *models.Petition, st models.LastState, known bool) ([]models.PetitionEvent, models.LastState) {
			status := models.PetitionStatus(r.Status)
			var events []models.PetitionEvent
			switch {
			case !known:
				st.ReopenCount = r.ReopenCount
				events = append(events, r.Event(models.PetitionNew, r.ReceivedAt))
				if status != models.PetitionNew {
					events = append(events, r.Event(status, r.UpdatedAt))
				}
			case r.Status != st.Status:
				was := models.PetitionStatus(st.Status)
				if was.Closed() && !status.Closed() {
					// Leaving a closed status reopens the petition; keep the source's count when
					// it sends a higher one.
					st.ReopenCount = max(st.ReopenCount+1, r.ReopenCount)
				}
				r.ReopenCount = max(r.ReopenCount, st.ReopenCount)
				if !(was.Closed() && status.Closed()) { // closed to closed is a correction
					events = append(events, r.Event(status, r.UpdatedAt))
				}
			default:
				r.ReopenCount = max(r.ReopenCount, st.ReopenCount)
			}
			st.Status, st.ReopenCount = r.Status, r.ReopenCount
			return events, st
		},
	}, token)
}

// deliverPosts has no events: a post's first delivery is marked first_seen, which the daily view
// counts.
func (d *Deliverer) deliverPosts(ctx context.Context, rows []models.Post, token func(string) string) error {
	return deliverRows(ctx, d, rows, streamRules[models.Post, struct{}]{
		stream: string(StreamPosts), table: "posts",
		key:     func(r models.Post) string { return r.Platform + "/" + r.ID },
		at:      func(r models.Post) time.Time { return r.PublishedAt },
		version: func(r models.Post) uint64 { return r.Version },
		lookup:  d.store.PostStates,
		step: func(r *models.Post, _ models.LastState, known bool) ([]struct{}, models.LastState) {
			r.FirstSeen = !known
			return nil, models.LastState{}
		},
	}, token)
}
