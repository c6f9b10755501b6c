package dashboard

import (
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govpulse/govpulse/pipeline"
)

// Metrics are govpulse's Prometheus metrics. It implements pipeline.Observer; all methods are
// safe for concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	accepted     *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	batchRows    *prometheus.HistogramVec
	batchSeconds *prometheus.HistogramVec
	flushErrors  prometheus.Counter
	requests     *prometheus.HistogramVec
}

var _ pipeline.Observer = (*Metrics)(nil)

// SpoolStats reports the ingest spool's size; pipeline.Spool implements it.
type SpoolStats interface {
	Stats() pipeline.SpoolStats
}

// NewMetrics registers govpulse's metrics, plus the Go runtime's and the process's. spool may be
// nil (no ingest).
func NewMetrics(spool SpoolStats) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govpulse_ingest_accepted_lines_total", Help: "Lines accepted into the spool, by stream.",
		}, []string{"stream"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govpulse_ingest_rejected_lines_total", Help: "Lines rejected, by stream and the field at fault (\"\" for a whole line).",
		}, []string{"stream", "field"}),
		batchRows: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "govpulse_store_batch_rows", Help: "Rows per batch written to a table.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}, []string{"table"}),
		batchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "govpulse_store_batch_seconds", Help: "Time to write one batch to a table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"table"}),
		flushErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govpulse_spool_delivery_errors_total", Help: "Failed deliveries of spool segments (each is retried).",
		}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "govpulse_http_request_seconds", Help: "HTTP requests by route and status class.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
	}
	m.reg.MustRegister(m.accepted, m.rejected, m.batchRows, m.batchSeconds, m.flushErrors, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if spool != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govpulse_spool_bytes", Help: "Bytes in the ingest spool, not yet stored."},
				func() float64 { return float64(spool.Stats().Bytes) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govpulse_spool_max_bytes", Help: "Bytes the spool may hold before ingest answers 503."},
				func() float64 { return float64(spool.Stats().MaxBytes) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govpulse_spool_segments", Help: "Sealed spool segments waiting for delivery."},
				func() float64 { return float64(spool.Stats().Segments) }),
		)
	}
	return m
}

// Accepted implements pipeline.Observer.
func (m *Metrics) Accepted(stream string, lines int) {
	m.accepted.WithLabelValues(stream).Add(float64(lines))
}

// Rejected implements pipeline.Observer.
func (m *Metrics) Rejected(stream, field string, lines int) {
	m.rejected.WithLabelValues(stream, field).Add(float64(lines))
}

// Stored implements pipeline.Observer.
func (m *Metrics) Stored(table string, rows int, took time.Duration) {
	m.batchRows.WithLabelValues(table).Observe(float64(rows))
	m.batchSeconds.WithLabelValues(table).Observe(took.Seconds())
}

// DeliveryFailed counts one failed spool delivery.
func (m *Metrics) DeliveryFailed() { m.flushErrors.Inc() }

// observe is the middleware timing every request by its route pattern (never the raw path, so
// label values stay bounded).
func (m *Metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, statusClass(c.Writer.Status())).Observe(time.Since(start).Seconds())
}

func statusClass(code int) string { return string(rune('0'+code/100)) + "xx" }

// handler serves /metrics. With a token configured it requires "Authorization: Bearer <token>";
// without one it answers loopback clients only, so a default installation never exposes it.
func (m *Metrics) handler(token string) gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) {
		if token != "" {
			if c.GetHeader("Authorization") != "Bearer "+token {
				c.JSON(http.StatusUnauthorized, gin.H{"error": "metrics need the bearer metrics token"})
				return
			}
		} else if ip := net.ParseIP(c.RemoteIP()); ip == nil || !ip.IsLoopback() {
			c.JSON(http.StatusForbidden, gin.H{"error": "metrics are served to loopback only unless GOVPULSE_METRICS_TOKEN is set"})
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
	}
}
