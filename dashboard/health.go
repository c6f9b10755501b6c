package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// Degraded-state thresholds: delivery counts as failing after this many failed attempts in a row
// (a single retried hiccup shows no banner), as behind when the oldest segment waiting has been
// sealed this long, and the spool as nearly full past this share of its bytes.
const (
	degradedFailures  = 3
	degradedBacklog   = 2 * time.Minute
	degradedSpoolFull = 0.9
	// healthTTL is how long an engine ping result is reused by pages and the banner (/readyz
	// always pings afresh); healthPingTimeout bounds one ping.
	healthTTL         = 2 * time.Second
	healthPingTimeout = time.Second
)

// Reasons for a degraded state, as /readyz lists them; the banner shows health.<reason>.
const (
	reasonEngineUnreachable = "engine_unreachable"
	reasonDeliveryFailing   = "delivery_failing"
	reasonDeliveryBehind    = "delivery_behind"
	reasonSpoolWriteFailing = "spool_write_failing"
	reasonSpoolNearlyFull   = "spool_nearly_full"
)

// healthState is the service's state as /readyz and the banner report it. It carries numbers and
// reason codes only: /readyz is public, so error texts stay in the log.
type healthState struct {
	Degraded bool         `json:"degraded"`
	Reasons  []string     `json:"reasons"`
	EngineUp bool         `json:"engine_up"`
	Spool    *spoolHealth `json:"spool,omitempty"`
}

// spoolHealth is the ingest spool's part of healthState.
type spoolHealth struct {
	Bytes          int64      `json:"bytes"`
	MaxBytes       int64      `json:"max_bytes"`
	Segments       int        `json:"segments"`
	BacklogSeconds float64    `json:"backlog_seconds"` // age of the oldest segment waiting
	Failures       int        `json:"delivery_failures_in_row"`
	LastErrorAt    *time.Time `json:"last_delivery_error_at,omitempty"`
	LastDelivered  *time.Time `json:"last_delivered_at,omitempty"`
	WriteFailing   bool       `json:"write_failing"`
}

// health watches the engine and the spool. Safe for concurrent use.
type health struct {
	db    Pinger
	spool SpoolStats       // nil: no ingest
	now   func() time.Time // the server's clock, for reusing a ping result
	log   interface{ Warn(string, ...any) }
	// behind is the backlog age past which delivery counts as behind (degradedBacklog; tests
	// shorten it). The backlog is measured on the wall clock, as the spool stamps its segments.
	behind atomic.Int64 // nanoseconds

	mu        sync.Mutex // held during a ping, so concurrent pages wait for one ping
	checkedAt time.Time
	engineErr error
}

// newHealth watches db and spool (nil: no ingest).
func newHealth(db Pinger, spool SpoolStats, now func() time.Time, log interface{ Warn(string, ...any) }) *health {
	h := &health{db: db, spool: spool, now: now, log: log}
	h.behind.Store(int64(degradedBacklog))
	return h
}

// engine pings the engine, reusing a result younger than healthTTL unless fresh is set.
func (h *health) engine(ctx context.Context, fresh bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !fresh && !h.checkedAt.IsZero() && h.now().Sub(h.checkedAt) < healthTTL {
		return h.engineErr
	}
	ctx, cancel := context.WithTimeout(ctx, healthPingTimeout)
	defer cancel()
	err := h.db.Ping(ctx)
	switch {
	case err != nil && (h.engineErr == nil || h.checkedAt.IsZero()):
		h.log.Warn("engine unreachable; dashboard degraded", "engine", h.db.Info().Engine, "err", err)
	case err == nil && h.engineErr != nil:
		h.log.Warn("engine reachable again", "engine", h.db.Info().Engine)
	}
	h.checkedAt, h.engineErr = h.now(), err
	return err
}

// state is the current health; fresh forces a new ping.
func (h *health) state(ctx context.Context, fresh bool) healthState {
	st := healthState{Reasons: []string{}, EngineUp: h.engine(ctx, fresh) == nil}
	if !st.EngineUp {
		st.Reasons = append(st.Reasons, reasonEngineUnreachable)
	}
	if h.spool != nil {
		s := h.spool.Stats()
		sh := &spoolHealth{Bytes: s.Bytes, MaxBytes: s.MaxBytes, Segments: s.Segments, Failures: s.Failures,
			WriteFailing: s.WriteError != ""}
		if !s.OldestSealedAt.IsZero() {
			sh.BacklogSeconds = time.Since(s.OldestSealedAt).Seconds()
		}
		if !s.LastErrorAt.IsZero() {
			sh.LastErrorAt = &s.LastErrorAt
		}
		if !s.LastDeliveredAt.IsZero() {
			sh.LastDelivered = &s.LastDeliveredAt
		}
		st.Spool = sh
		if s.Failures >= degradedFailures && st.EngineUp {
			// With the engine down, "unreachable" already says why delivery fails.
			st.Reasons = append(st.Reasons, reasonDeliveryFailing)
		}
		if !s.OldestSealedAt.IsZero() && time.Since(s.OldestSealedAt) >= time.Duration(h.behind.Load()) {
			st.Reasons = append(st.Reasons, reasonDeliveryBehind)
		}
		if sh.WriteFailing {
			st.Reasons = append(st.Reasons, reasonSpoolWriteFailing)
		}
		if s.MaxBytes > 0 && float64(s.Bytes) >= degradedSpoolFull*float64(s.MaxBytes) {
			st.Reasons = append(st.Reasons, reasonSpoolNearlyFull)
		}
	}
	st.Degraded = len(st.Reasons) > 0
	return st
}

// banner is the degraded-state banner's lines in the page's language (nil when healthy).
func (h *health) banner(c *gin.Context) []string {
	st := h.state(c.Request.Context(), false)
	if !st.Degraded {
		return nil
	}
	tr := Translator{Lang: langOf(c)}
	lines := []string{tr.T("health.degraded")}
	for _, r := range st.Reasons {
		lines = append(lines, tr.T("health."+r))
	}
	return lines
}

// readyz answers 200 when the engine answers a ping within two seconds, else 503; either way the
// JSON says whether the service is degraded and why (reason codes, spool backlog).
func (h *health) readyz(version string) gin.HandlerFunc {
	return func(c *gin.Context) {
		info := h.db.Info()
		st := h.state(c.Request.Context(), true)
		body := gin.H{"engine": info.Engine, "degraded": st.Degraded, "reasons": st.Reasons, "engine_up": st.EngineUp}
		if st.Spool != nil {
			body["spool"] = st.Spool
		}
		if !st.EngineUp {
			body["status"] = "unavailable"
			c.JSON(http.StatusServiceUnavailable, body)
			return
		}
		body["status"], body["engine_version"], body["version"] = "ready", info.Version, version
		c.JSON(http.StatusOK, body)
	}
}

// register adds the health gauges to reg (once per registry: a second server on the same
// Metrics reuses the first one's).
func (h *health) register(reg *prometheus.Registry) {
	gauge := func(name, help string, f func(healthState) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return f(h.state(context.Background(), false)) })
	}
	cs := []prometheus.Collector{
		gauge("govpulse_degraded", "1 while the dashboard shows the degraded banner.", func(s healthState) float64 { return b2f(s.Degraded) }),
		gauge("govpulse_engine_up", "1 when the engine answered its last ping.", func(s healthState) float64 { return b2f(s.EngineUp) }),
	}
	if h.spool != nil {
		cs = append(cs,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govpulse_spool_delivery_failures_in_row", Help: "Spool deliveries failed in a row (0 after a success)."},
				func() float64 { return float64(h.spool.Stats().Failures) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govpulse_spool_backlog_seconds", Help: "Age of the oldest spool segment waiting for delivery (0: none)."},
				func() float64 {
					if at := h.spool.Stats().OldestSealedAt; !at.IsZero() {
						return time.Since(at).Seconds()
					}
					return 0
				}))
	}
	for _, c := range cs {
		var are prometheus.AlreadyRegisteredError
		if err := reg.Register(c); err != nil && !errors.As(err, &are) {
			panic(err)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
