package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/store"
)

// Pinger is what readiness needs of the engine.
type Pinger interface {
	Ping(ctx context.Context) error
	Info() store.Info
}

// Options configure the web server.
type Options struct {
	DB      Pinger
	Version string
	Logger  *slog.Logger
	Ingest  Ingester    // the ingest API; nil leaves it out
	Tokens  TokenLookup // checks the ingest API's bearer tokens
	// Metrics are served on /metrics (nil: a fresh set without pipeline measurements).
	Metrics      *Metrics
	MetricsToken string    // bearer token for /metrics; empty: loopback clients only
	Assistant    Assistant // the ask and briefing API (ask.go); nil leaves it out
}

// New returns the HTTP handler with every route of govpulse.
func New(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	gin.SetMode(gin.ReleaseMode)
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	r := gin.New()
	r.Use(gin.Recovery(), opts.Metrics.observe)
	routes(r, opts)
	return r
}

// routes registers every route; it is the one place to read the URL space.
func routes(r *gin.Engine, opts Options) {
	r.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": opts.Version})
	})
	r.GET("/readyz", readyz(opts))
	r.GET("/metrics", opts.Metrics.handler(opts.MetricsToken))
	if opts.Ingest != nil {
		r.POST("/api/v1/ingest/:stream", ingestHandler(opts.Ingest, opts.Tokens, opts.Logger))
	}
	if opts.Assistant != nil {
		askRoutes(r.Group("/api/v1"), opts.Assistant, opts.Logger)
	}
}

// readyz answers 200 when the engine answers a ping within two seconds, else 503.
func readyz(opts Options) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		info := opts.DB.Info()
		if err := opts.DB.Ping(ctx); err != nil {
			opts.Logger.Warn("not ready", "engine", info.Engine, "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "engine": info.Engine})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready", "engine": info.Engine, "engine_version": info.Version, "version": opts.Version})
	}
}
