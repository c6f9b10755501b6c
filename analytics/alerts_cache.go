package analytics

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// The result cache of DetectAlerts. A leader's overview asks for the alerts of the same week
// several times (the alerts panel, the hotspots, the briefing), and the detection reads 14 months
// of daily rollups for its day factors and seasons. The alerts of a period and scope are kept in
// memory and reused while they are provably the same: the fingerprint of every table the
// detection reads (alert_state.sql: their identities and active parts, which any insert,
// mutation, merge or truncation changes) is unchanged, and so is the local date (the late
// dossiers count the days before today). The fingerprint is read before the data: data newer
// than it only causes a miss later, never a stale hit. Where it cannot be read or does not cover
// the sources (a cluster), nothing is cached.

// alertSources are the tables the alert_*.sql and dimension queries of DetectAlerts read.
var alertSources = []string{"petition_intake_daily", "post_daily", "dossier_intake_daily", "dossier_late_daily",
	"dossier_events", "wards", "units", "petition_categories"}

const alertCacheSize = 64

type alertCacheKey struct {
	from, to time.Time
	scope    Scope
	cal      *models.Calendar
	today    string
}

type alertCacheEntry struct {
	state  uint64
	alerts []Alert
}

var alertCache struct {
	mu      sync.Mutex
	entries map[alertCacheKey]alertCacheEntry
}

// ResetAlertCache forgets every cached detection, so that the next DetectAlerts reads the engine.
func ResetAlertCache() {
	alertCache.mu.Lock()
	defer alertCache.mu.Unlock()
	alertCache.entries = nil
}

// alertState reads the fingerprint of alertSources; ok is false when the results of q cannot be
// cached.
func alertState(ctx context.Context, q Querier) (uint64, bool) {
	if q == nil || !reflect.ValueOf(q).Comparable() {
		return 0, false
	}
	var rows []struct {
		Tables uint64 `ch:"tables"`
		State  uint64 `ch:"state"`
	}
	text, err := sqlfiles.Query("alert_state")
	if err != nil {
		return 0, false
	}
	if err := q.Query(ctx, &rows, text, store.Params{"tables": alertSources}); err != nil || len(rows) != 1 {
		return 0, false
	}
	return rows[0].State, rows[0].Tables == uint64(len(alertSources))
}

func cachedAlerts(k alertCacheKey, state uint64) ([]Alert, bool) {
	alertCache.mu.Lock()
	defer alertCache.mu.Unlock()
	e, ok := alertCache.entries[k]
	if !ok || e.state != state {
		return nil, false
	}
	return cloneAlerts(e.alerts), true
}

func cacheAlerts(k alertCacheKey, state uint64, alerts []Alert) {
	alertCache.mu.Lock()
	defer alertCache.mu.Unlock()
	// Full: start again (the entries are a few periods and scopes a dashboard asks for; an old
	// period's entry is stale once new data arrives anyway).
	if alertCache.entries == nil || len(alertCache.entries) >= alertCacheSize {
		alertCache.entries = make(map[alertCacheKey]alertCacheEntry, alertCacheSize)
	}
	alertCache.entries[k] = alertCacheEntry{state: state, alerts: cloneAlerts(alerts)}
}

// cloneAlerts copies alerts and their drivers: callers may change what they get.
func cloneAlerts(alerts []Alert) []Alert {
	out := slices.Clone(alerts)
	for i := range out {
		out[i].Drivers = slices.Clone(out[i].Drivers)
	}
	return out
}
