package analytics

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/govpulse/govpulse/store"
)

// The ranking's result cache. Most of a ranking's time is rank_dossiers.sql reading dossiers
// FINAL (twice: the period and the previous one), which the rollups cannot replace: ratings and
// sync times arrive without an event and open dossiers are judged at the period end. Its inputs —
// the units of a level and each period's ratios, before any index configuration is applied — are
// kept in memory and reused while they are provably the same:
//
//   - the data watermark (rank_state.sql, a fingerprint of the active parts of every table the
//     rank_* queries read) is unchanged, so no insert, delete, mutation or merge touched them since
//     (a merge only costs a miss); it is read before the data, so data newer than its
//     watermark only causes a miss later, never a stale hit;
//   - the judgement moment (the period end, or now for a period still running) has not passed
//     the next moment an open dossier of the period turns overdue or an end time is reached
//     (next_due and next_end of rank_dossiers.sql): until then every count is the same.
//
// Where the watermark cannot be read or does not cover the sources (a cluster, whose queries read
// Distributed tables), nothing is cached. The cache is per Querier (a handle that is not
// comparable is not cached) and holds at most rankCacheSize periods.

// rankSources are the tables the rank_* queries read.
var rankSources = []string{"dossiers", "petitions", "procedures", "units",
	"dossier_intake_daily", "dossier_outcome_daily", "petition_outcome_daily"}

const rankCacheSize = 64

// rankState is the data watermark of rank_state.sql.
type rankState struct {
	Tables uint64 `ch:"tables"`
	Parts  uint64 `ch:"parts"`
	State  uint64 `ch:"state"`
}

type rankPeriodKey struct {
	q        any
	from, to int64
}

type rankUnitsKey struct {
	q     any
	level string
}

// rankPeriodEntry is one period's ratios as judged at judged, valid for any judgement moment
// from judged to next (zero: any later moment).
type rankPeriodEntry struct {
	state        rankState
	judged, next time.Time
	ratios       map[string]unitRatios
}

type rankUnitsEntry struct {
	state rankState
	units []rankUnit
}

type rankUnit struct {
	Code     string `ch:"code"`
	Name     string `ch:"name"`
	WardCode string `ch:"ward_code"`
}

type rankingCache struct {
	mu      sync.Mutex
	periods map[rankPeriodKey]rankPeriodEntry
	units   map[rankUnitsKey]rankUnitsEntry
}

var rankCache = &rankingCache{}

// ResetRankingCache forgets every cached ranking input, so that the next Rankings reads the
// engine (the benchmark's cold measurement).
func ResetRankingCache() {
	rankCache.mu.Lock()
	defer rankCache.mu.Unlock()
	rankCache.periods, rankCache.units = nil, nil
}

// rankWatermark reads the data watermark; ok is false when the ranking of q cannot be cached.
func rankWatermark(ctx context.Context, q Querier) (s rankState, ok bool) {
	if q == nil || !reflect.ValueOf(q).Comparable() {
		return rankState{}, false
	}
	var rows []rankState
	if err := queryRows(ctx, q, "rank_state", store.Params{"tables": rankSources}, &rows); err != nil || len(rows) != 1 {
		return rankState{}, false
	}
	return rows[0], rows[0].Tables == uint64(len(rankSources))
}

func (c *rankingCache) getUnits(q Querier, level string, s rankState) ([]rankUnit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.units[rankUnitsKey{q, level}]
	if !ok || e.state != s {
		return nil, false
	}
	return e.units, true
}

func (c *rankingCache) putUnits(q Querier, level string, s rankState, units []rankUnit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.units == nil || len(c.units) >= rankCacheSize {
		c.units = map[rankUnitsKey]rankUnitsEntry{}
	}
	c.units[rankUnitsKey{q, level}] = rankUnitsEntry{state: s, units: units}
}

// getPeriod returns the ratios of the period from..to judged at judged, if cached and still
// valid: same watermark, and judged within [entry.judged, entry.next].
func (c *rankingCache) getPeriod(q Querier, from, to, judged time.Time, s rankState) (map[string]unitRatios, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.periods[rankPeriodKey{q, from.Unix(), to.Unix()}]
	if !ok || e.state != s || judged.Before(e.judged) || (!e.next.IsZero() && judged.After(e.next)) {
		return nil, false
	}
	return e.ratios, true
}

func (c *rankingCache) putPeriod(q Querier, from, to time.Time, e rankPeriodEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.periods == nil {
		c.periods = map[rankPeriodKey]rankPeriodEntry{}
	}
	k := rankPeriodKey{q, from.Unix(), to.Unix()}
	if _, ok := c.periods[k]; !ok && len(c.periods) >= rankCacheSize {
		for old := range c.periods { // drop any one entry
			delete(c.periods, old)
			break
		}
	}
	c.periods[k] = e
}
