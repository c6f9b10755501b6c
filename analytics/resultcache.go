package analytics

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// The exact result cache of the ranking, KPI and series queries. The ranking (most of its time
// is rank_dossiers.sql reading dossiers FINAL, twice: the period and the previous one) keeps the
// rows of each rank_* query — before any index configuration is applied —, the KPIs and series
// those of each kpi_* query (kpi.go: the cubes and rollups, and the latest-state reads that no
// rollup can replace: ratings, the dossiers still open). They are kept in memory and reused
// while they are provably the same:
//
//   - the fingerprint of the table partitions the query reads is unchanged (rank_state.sql: the
//     active parts of every partition, which any insert, delete, mutation, merge, truncation or
//     re-creation changes; a merge only costs a miss). A period's dossiers live in the partitions
//     of its months, so data arriving for another month leaves it cached. The fingerprints are
//     read before the data: data newer than its fingerprint only causes a miss later, never a
//     stale hit;
//   - for rank_dossiers, the judgement moment (the period end, or now for a period still
//     running) has not passed the next moment an open dossier of the period turns overdue or an
//     end time is reached (next_due and next_end): until then every count is the same.
//
// Where the fingerprints cannot be read or do not cover the sources (a cluster, whose queries
// read Distributed tables), nothing is cached. The cache is per Querier (a handle that is not
// comparable is not cached) and holds at most resultCacheSize results.

// rankSources are the tables the rank_* queries read.
var rankSources = []string{"dossiers", "petitions", "procedures", "units",
	"dossier_intake_daily", "dossier_outcome_daily", "petition_outcome_daily"}

// kpiSources are the tables of the cached kpi_* queries of each stream (kpi.go, kpiReads);
// a KPI or series call fingerprints only its stream's, which keeps the read of system.parts
// short.
var kpiSources = map[models.Stream][]string{
	models.StreamDossiers:  {"dossiers", "dossier_kpi_cube", "dossier_outcome_daily", "dossier_processing_daily"},
	models.StreamPetitions: {"petitions", "petition_kpi_cube", "petition_handling_cube"},
	models.StreamPosts:     {"post_kpi_cube"},
}

const resultCacheSize = 1024

// rankStateRow is one row of rank_state.sql.
type rankStateRow struct {
	Kind      string `ch:"kind"`
	Table     string `ch:"table"`
	Partition string `ch:"partition"`
	Parts     uint64 `ch:"parts"`
	State     uint64 `ch:"state"`
}

// watermarks are the fingerprints of the sources: per table, and per table and partition.
type watermarks struct {
	tables     map[string]uint64
	partitions map[string]map[string]uint64
}

// tableRead is what a query reads of a table: the partitions listed, or all of them (nil).
type tableRead struct {
	table      string
	partitions []string
}

// rankWatermark reads the fingerprints of rankSources; nil when the ranking of q cannot be
// cached.
func rankWatermark(ctx context.Context, q Querier) *watermarks {
	return readWatermarks(ctx, q, rankSources)
}

// readWatermarks reads the fingerprints of the tables sources; nil when the results of q cannot
// be cached.
func readWatermarks(ctx context.Context, q Querier, sources []string) *watermarks {
	if q == nil || !reflect.ValueOf(q).Comparable() {
		return nil
	}
	var rows []rankStateRow
	if err := queryRows(ctx, q, "rank_state", store.Params{"tables": sources}, &rows); err != nil {
		return nil
	}
	w := &watermarks{tables: map[string]uint64{}, partitions: map[string]map[string]uint64{}}
	for _, r := range rows {
		switch r.Kind {
		case "table":
			w.tables[r.Table] = r.State
		case "part":
			if w.partitions[r.Table] == nil {
				w.partitions[r.Table] = map[string]uint64{}
			}
			w.partitions[r.Table][r.Partition] = r.State ^ r.Parts<<1
		}
	}
	if len(w.tables) != len(sources) {
		return nil
	}
	return w
}

// fingerprint hashes what reads cover: each table's identity and the state of its partitions
// read (a partition without parts counts as such, so one appearing changes the hash).
func (w *watermarks) fingerprint(reads []tableRead) uint64 {
	h := fnv.New64a()
	num := func(v uint64) { h.Write(binary.LittleEndian.AppendUint64(nil, v)) }
	str := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	for _, r := range reads {
		str(r.table)
		num(w.tables[r.table])
		parts := r.partitions
		if parts == nil {
			for p := range w.partitions[r.table] {
				parts = append(parts, p)
			}
			slices.Sort(parts)
			num(uint64(len(parts)))
		}
		for _, p := range parts {
			str(p)
			num(w.partitions[r.table][p])
		}
	}
	return h.Sum64()
}

// months are the partitions (toYYYYMM, local time) of the instants of p; years those of its
// days (toYear).
func months(p models.Period) []string {
	var out []string
	from := p.From.In(models.Location)
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, models.Location); m.Before(p.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("200601"))
	}
	return out
}

func years(p models.Period) []string {
	var out []string
	last := p.To.In(models.Location).Add(-time.Second).Year()
	for y := p.From.In(models.Location).Year(); y <= last; y++ {
		out = append(out, time.Date(y, 1, 1, 0, 0, 0, 0, models.Location).Format("2006"))
	}
	return out
}

// cacheKey names one query's result: the handle, the query, the ranking level, the period and,
// for KPIs, the scope and grain bound; for alert detections, the scope and calendar.
type cacheKey struct {
	q        any
	query    string
	level    string
	from, to int64
	scope    Scope
	grain    Grain
	cal      *models.Calendar // DetectAlerts: the holiday calendar of its baselines
}

// cacheEntry is one query's rows under fingerprint fp, judged at judged and valid for any
// judgement moment from judged to next (zero: any later moment; queries that do not depend on
// the judgement moment have both zero).
type cacheEntry struct {
	fp           uint64
	judged, next time.Time
	rows         any
}

type resultCache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

var results = &resultCache{}

// ResetRankingCache forgets every cached result (ranking and KPI alike), so that the next
// Rankings reads the engine (the benchmark's cold measurement). It is ResetResultCache.
func ResetRankingCache() { ResetResultCache() }

// ResetResultCache forgets every cached result, so that the next Rankings or KPIs read the
// engine (the benchmark's cold measurement).
func ResetResultCache() {
	results.mu.Lock()
	defer results.mu.Unlock()
	results.entries = nil
}

func (c *resultCache) get(k cacheKey, fp uint64, judged time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.fp != fp || judged.Before(e.judged) || (!e.next.IsZero() && judged.After(e.next)) {
		return nil, false
	}
	return e.rows, true
}

func (c *resultCache) put(k cacheKey, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[cacheKey]cacheEntry{}
	}
	if _, ok := c.entries[k]; !ok && len(c.entries) >= resultCacheSize {
		for old := range c.entries { // drop any one entry
			delete(c.entries, old)
			break
		}
	}
	c.entries[k] = e
}

// cachedRows returns the rows of run through the cache when w is set: key names the query and
// its parameters, reads what it reads, judged its judgement moment (zero when it has none); run
// returns the rows and the latest judgement moment they hold for (zero: any).
func cachedRows[T any](w *watermarks, k cacheKey, reads []tableRead, judged time.Time, run func() ([]T, time.Time, error)) ([]T, error) {
	if w == nil {
		rows, _, err := run()
		return rows, err
	}
	fp := w.fingerprint(reads)
	if rows, ok := results.get(k, fp, judged); ok {
		return rows.([]T), nil
	}
	rows, next, err := run()
	if err == nil {
		results.put(k, cacheEntry{fp: fp, judged: judged, next: next, rows: rows})
	}
	return rows, err
}
