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
	// Stored counts rows written, by table (for metrics and tests).
	Stored map[string]int
}

// NewDeliverer returns a Deliverer writing to st, caching up to maxCache states per stream
// (0 means 500,000).
func NewDeliverer(st Store, maxCache int) *Deliverer {
	if maxCache <= 0 {
		maxCache = 500_000
	}
	return &Deliverer{store: st, maxCache: maxCache, Stored: map[string]int{},
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
	n := lenOf(rows)
	d.Stored[table] += n
	if d.Observer != nil {
		d.Observer.Stored(table, n, time.Since(start))
	}
	return nil
}

func lenOf(rows any) int { return reflect.ValueOf(rows).Len() }

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

func (d *Deliverer) deliverDossiers(ctx context.Context, rows []models.Dossier, token func(string) string) error {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	from, to := timeRange(rows, func(r models.Dossier) time.Time { return r.ReceivedAt })
	prev, err := d.known(ctx, string(StreamDossiers), ids, from, to, d.store.DossierStates)
	if err != nil {
		return err
	}
	next := map[string]models.LastState{}
	var events []models.DossierEvent
	var latest []models.Dossier
	for _, r := range rows {
		st, ok := next[r.ID]
		if !ok {
			st, ok = prev[r.ID]
		}
		if ok && r.Version <= st.Version {
			continue // a re-send or an older snapshot: nothing new
		}
		status := models.DossierStatus(r.Status)
		switch {
		case !ok:
			events = append(events, r.Event(models.DossierReceived, r.ReceivedAt))
			if status != models.DossierReceived {
				events = append(events, r.Event(status, r.UpdatedAt))
			}
			st = models.LastState{ID: r.ID, Ended: status.Terminal()}
		case r.Status != st.Status && !st.Ended:
			events = append(events, r.Event(status, r.UpdatedAt))
			st.Ended = status.Terminal()
		}
		// Terminal statuses are absorbing for the event log: a later snapshot that leaves one
		// updates the latest state only, and the dossier still counts as ended.
		st.Ended = st.Ended || status.Terminal()
		st.Version, st.Status = r.Version, r.Status
		next[r.ID] = st
		latest = append(latest, r)
	}
	if len(events) > 0 {
		if err := d.insert(ctx, "dossier_events", events, token("dossier_events")); err != nil {
			return err
		}
	}
	if len(latest) > 0 {
		if err := d.insert(ctx, "dossiers", latest, token("dossiers")); err != nil {
			return err
		}
	}
	d.remember(string(StreamDossiers), next)
	return nil
}

func (d *Deliverer) deliverPetitions(ctx context.Context, rows []models.Petition, token func(string) string) error {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	from, to := timeRange(rows, func(r models.Petition) time.Time { return r.ReceivedAt })
	prev, err := d.known(ctx, string(StreamPetitions), ids, from, to, d.store.PetitionStates)
	if err != nil {
		return err
	}
	next := map[string]models.LastState{}
	var events []models.PetitionEvent
	var latest []models.Petition
	for _, r := range rows {
		st, ok := next[r.ID]
		if !ok {
			st, ok = prev[r.ID]
		}
		if ok && r.Version <= st.Version {
			continue
		}
		status := models.PetitionStatus(r.Status)
		switch {
		case !ok:
			st = models.LastState{ID: r.ID, ReopenCount: r.ReopenCount}
			events = append(events, r.Event(models.PetitionNew, r.ReceivedAt))
			if status != models.PetitionNew {
				events = append(events, r.Event(status, r.UpdatedAt))
			}
		case r.Status != st.Status:
			was := models.PetitionStatus(st.Status)
			if was.Closed() && !status.Closed() {
				// Leaving a closed status reopens the petition; keep the source's count when it
				// sends a higher one.
				st.ReopenCount = max(st.ReopenCount+1, r.ReopenCount)
			}
			r.ReopenCount = max(r.ReopenCount, st.ReopenCount)
			if !(was.Closed() && status.Closed()) { // closed to closed is a correction
				events = append(events, r.Event(status, r.UpdatedAt))
			}
		default:
			r.ReopenCount = max(r.ReopenCount, st.ReopenCount)
		}
		st.Version, st.Status, st.ReopenCount = r.Version, r.Status, r.ReopenCount
		next[r.ID] = st
		latest = append(latest, r)
	}
	if len(events) > 0 {
		if err := d.insert(ctx, "petition_events", events, token("petition_events")); err != nil {
			return err
		}
	}
	if len(latest) > 0 {
		if err := d.insert(ctx, "petitions", latest, token("petitions")); err != nil {
			return err
		}
	}
	d.remember(string(StreamPetitions), next)
	return nil
}

func (d *Deliverer) deliverPosts(ctx context.Context, rows []models.Post, token func(string) string) error {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Platform + "/" + r.ID
	}
	from, to := timeRange(rows, func(r models.Post) time.Time { return r.PublishedAt })
	prev, err := d.known(ctx, string(StreamPosts), keys, from, to, d.store.PostStates)
	if err != nil {
		return err
	}
	next := map[string]models.LastState{}
	var latest []models.Post
	for i, r := range rows {
		st, ok := next[keys[i]]
		if !ok {
			st, ok = prev[keys[i]]
		}
		if ok && r.Version <= st.Version {
			continue
		}
		r.FirstSeen = !ok
		next[keys[i]] = models.LastState{ID: keys[i], Version: r.Version}
		latest = append(latest, r)
	}
	if len(latest) > 0 {
		if err := d.insert(ctx, "posts", latest, token("posts")); err != nil {
			return err
		}
	}
	d.remember(string(StreamPosts), next)
	return nil
}
