package dashboard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// memo shares analytics results between requests (callers must not modify a shared result:
// clone a slice before filtering it in place) for a short time: fifty leaders opening the
// same overview cost one set of queries, not fifty. Each key is computed once at a time (the
// others wait for it) and kept for its TTL; errors are shared with the waiters but not kept.
// Keys hold every input of the call, the user's scope included, so nothing crosses scopes. The
// TTLs are seconds, well inside the 10 s in which live events must show.
type memo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	done chan struct{}
	at   time.Time
	v    any
	err  error
	// refreshing is set while a background refresh of this (stale) entry runs.
	refreshing bool
}

// memoMaxKeys bounds the memo; past it the memo starts afresh.
const memoMaxKeys = 2000

// memoTimeout bounds one shared computation, which must not die with the request that started it.
const memoTimeout = 30 * time.Second

// memoStale is how many TTLs past its time a result may still be served while a fresh one is
// computed in the background (stale-while-revalidate): a page never waits for a recomputation
// of a panel it showed a moment ago, and what it shows is at most one computation behind.
const memoStale = 10

func memoGet[T any](ctx context.Context, m *memo, key string, ttl time.Duration, f func(context.Context) (T, error)) (T, error) {
	compute := func(e *memoEntry) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), memoTimeout)
		v, err := f(cctx)
		cancel()
		m.mu.Lock()
		e.v, e.err, e.at = v, err, time.Now()
		m.mu.Unlock()
		close(e.done)
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) > memoMaxKeys {
		m.m = map[string]*memoEntry{}
	}
	e, ok := m.m[key]
	if ok {
		select {
		case <-e.done:
			age := time.Since(e.at)
			switch {
			case e.err != nil || age > memoStale*ttl:
				ok = false
			case age > ttl:
				// Serve what we have; one refresh at a time replaces the entry when it is done.
				if !e.refreshing {
					e.refreshing = true
					next := &memoEntry{done: make(chan struct{})}
					go func() {
						compute(next)
						m.mu.Lock()
						if next.err == nil {
							m.m[key] = next
						} else {
							e.refreshing = false // keep the stale value; try again on a later request
						}
						m.mu.Unlock()
					}()
				}
			}
		default: // being computed: wait below
		}
	}
	if !ok {
		// Computed apart from the request: a caller whose time is up stops waiting (the page
		// shows the panel as not available yet) while the result is still made for the next one.
		e = &memoEntry{done: make(chan struct{})}
		m.m[key] = e
		go compute(e)
	}
	m.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	m.mu.Lock()
	v, err := e.v, e.err
	m.mu.Unlock()
	t, _ := v.(T)
	return t, err
}

// The analytics calls of the pages, through the memo. TTLs: KPIs and series a few seconds (live
// data); alerts and hotspots half a minute (they judge whole days against weeks of baseline, and
// cost the most); rankings and forecasts longer (heavier, and they move slowly).
const (
	ttlLive    = 2 * time.Second
	ttlAlerts  = 30 * time.Second
	ttlRanking = 15 * time.Second
	ttlModel   = time.Minute
)

func memoKey(parts ...any) string { return fmt.Sprint(parts...) }

func (p *pages) kpisOf(ctx context.Context, st models.Stream, per models.Period, s analytics.Scope) ([]analytics.KPI, error) {
	return memoGet(ctx, &p.memo, memoKey("kpis", st, per, s), ttlLive, func(ctx context.Context) ([]analytics.KPI, error) {
		switch st {
		case models.StreamDossiers:
			return analytics.DossierKPIs(ctx, p.db, per, s)
		case models.StreamPetitions:
			return analytics.PetitionKPIs(ctx, p.db, per, s)
		}
		return analytics.PostKPIs(ctx, p.db, per, s)
	})
}

func (p *pages) seriesOf(ctx context.Context, metric string, per models.Period, g analytics.Grain, s analytics.Scope) (analytics.Series, error) {
	return memoGet(ctx, &p.memo, memoKey("series", metric, per, g, s), ttlLive, func(ctx context.Context) (analytics.Series, error) {
		return analytics.SeriesOf(ctx, p.db, metric, per, g, s)
	})
}

func (p *pages) forecastOf(ctx context.Context, st models.Stream, asOf time.Time, horizon int, s analytics.Scope) (analytics.Forecast, error) {
	day := asOf.In(models.Location).Format(time.DateOnly)
	return memoGet(ctx, &p.memo, memoKey("forecast", st, day, horizon, s), ttlModel, func(ctx context.Context) (analytics.Forecast, error) {
		return analytics.ForecastIntake(ctx, p.db, st, asOf, horizon, s)
	})
}

func (p *pages) alertsOf(ctx context.Context, per models.Period, s analytics.Scope) ([]analytics.Alert, error) {
	return memoGet(ctx, &p.memo, memoKey("alerts", per, s), ttlAlerts, func(ctx context.Context) ([]analytics.Alert, error) {
		return analytics.DetectAlerts(ctx, p.db, per, s)
	})
}

func (p *pages) hotspotsOf(ctx context.Context, per models.Period, s analytics.Scope) ([]analytics.Hotspot, error) {
	// The hotspots join the alerts of the same period and scope: detection, the costly part, runs
	// once for both panels (alertsOf shares it; HotspotsOf only reads the dimension names).
	return memoGet(ctx, &p.memo, memoKey("hotspots", per, s), ttlAlerts, func(ctx context.Context) ([]analytics.Hotspot, error) {
		alerts, err := p.alertsOf(ctx, per, s)
		if err != nil {
			return nil, err
		}
		return analytics.HotspotsOf(ctx, p.db, alerts)
	})
}

// rankingsOf shares one computed ranking; callers must not modify its rows in place.
func (p *pages) rankingsOf(ctx context.Context, level analytics.Level, per models.Period) (analytics.Ranking, error) {
	return memoGet(ctx, &p.memo, memoKey("ranking", level, per), ttlRanking, func(ctx context.Context) (analytics.Ranking, error) {
		return analytics.Rankings(ctx, p.db, p.index, level, per)
	})
}

// breakdownOf is a stream's KPIs by one dimension (dossiers: field, channel; petitions:
// category, channel; posts: topic, platform).
func (p *pages) breakdownOf(ctx context.Context, st models.Stream, per models.Period, s analytics.Scope, by string) ([]analytics.Breakdown, error) {
	return memoGet(ctx, &p.memo, memoKey("breakdown", st, per, s, by), ttlLive, func(ctx context.Context) ([]analytics.Breakdown, error) {
		switch st {
		case models.StreamDossiers:
			return analytics.DossierBreakdown(ctx, p.db, per, s, by)
		case models.StreamPetitions:
			return analytics.PetitionBreakdown(ctx, p.db, per, s, by)
		}
		return analytics.PostBreakdown(ctx, p.db, per, s, by)
	})
}

// memoOf runs f through the memo under the key made of key: every input of f, a judgement
// moment ("now") replaced by the period it falls in, so that requests a moment apart share one
// result (at most a TTL old, as the other panels).
func memoOf[T any](ctx context.Context, p *pages, ttl time.Duration, f func(context.Context) (T, error), key ...any) (T, error) {
	return memoGet(ctx, &p.memo, memoKey(key...), ttl, f)
}
