package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// Pinger is what readiness needs of the engine.
type Pinger interface {
	Ping(ctx context.Context) error
	Info() store.Info
}

// Options configure the web server.
type Options struct {
	// DB is the engine: analytics read it (it is an analytics.Querier), and accounts, sessions,
	// the audit log, ingest tokens and dead letters live in it.
	DB store.DB
	// Index is the 766 indicator table (nil: analytics.DefaultIndexConfig()).
	Index   *analytics.IndexConfig
	Version string
	Logger  *slog.Logger
	Ingest  Ingester    // the ingest API; nil leaves it out
	Tokens  TokenLookup // checks the ingest API's bearer tokens
	// Spool is the ingest spool whose backlog and failures the degraded banner and /readyz
	// report (nil: engine health only).
	Spool SpoolStats
	// Metrics are served on /metrics (nil: a fresh set without pipeline measurements).
	Metrics      *Metrics
	Assistant    Assistant // the ask and briefing API (ask.go); nil leaves it out
	MetricsToken string    // bearer token for /metrics; empty: loopback clients (and admins) only
	// SessionTTL is how long a login lasts (0: 12 hours). A session never outlives it.
	SessionTTL time.Duration
	// CookieSecure decides the Secure flag of the session and CSRF cookies: CookieSecureAuto
	// (zero value) sets it except on plain HTTP to a loopback address (make run on localhost);
	// CookieSecureAlways and CookieSecureNever force it.
	CookieSecure CookieSecure
	// Now is the clock (nil: time.Now); tests move it to expire sessions.
	Now func() time.Time
}

// Server holds what handlers share: the options, the account and session stores, the login
// limiter. Its methods are safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	index    *analytics.IndexConfig
	users    store.Users
	sessions *sessionCache
	audit    store.Audit
	limiter  *loginLimiter
	health   *health // engine and spool state: /readyz and the degraded banner (health.go)
	// plainHTTPWarning logs once that Secure cookies are being set over plain HTTP.
	plainHTTPWarning sync.Once
	// rankings computes a 766 ranking (analytics.Rankings; tests substitute a fixed one).
	rankings func(ctx context.Context, q analytics.Querier, cfg *analytics.IndexConfig, level analytics.Level, p models.Period) (analytics.Ranking, error)
}

// New returns the HTTP handler with every route of govpulse.
func New(opts Options) http.Handler {
	_, r := newServer(opts)
	return r
}

// newServer builds the Server and its router; tests use the router's route table.
func newServer(opts Options) (*Server, *gin.Engine) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	if opts.Index == nil {
		opts.Index = analytics.DefaultIndexConfig()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		index:    opts.Index,
		users:    store.Users{DB: opts.DB},
		audit:    store.Audit{DB: opts.DB},
		limiter:  newLoginLimiter(opts.Now),
		rankings: analytics.Rankings,
		health:   newHealth(opts.DB, opts.Spool, opts.Now, opts.Logger),
	}
	s.health.register(opts.Metrics.reg)
	s.sessions = newSessionCache(store.Sessions{DB: opts.DB}, s.users, opts.Now)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Client addresses (login throttling, the audit log) come from the connection, never from
	// X-Forwarded-For, which any client can write.
	if err := r.SetTrustedProxies(nil); err != nil {
		panic(err)
	}
	r.Use(gin.Recovery(), opts.Metrics.observe, securityHeaders, func(c *gin.Context) { c.Set(ctxServer, s) })
	s.routes(r)
	return s, r
}

// routes registers every route; it is the one place to read the URL space. Who may call each
// route is checked by routes_test.go against its role table.
func (s *Server) routes(r *gin.Engine) {
	opts := s.opts
	r.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok", "version": opts.Version})
	})
	r.GET("/readyz", s.health.readyz(opts.Version))
	r.GET("/metrics", s.metrics(opts.Metrics.handler(opts.MetricsToken)))
	if opts.Ingest != nil {
		r.POST("/api/v1/ingest/:stream", ingestHandler(opts.Ingest, opts.Tokens, opts.Logger))
	}
	if opts.Assistant != nil {
		s.askRoutes(r.Group("/api/v1"))
	}

	// Accounts.
	r.GET("/login", s.loginPage)
	r.POST("/login", s.login)
	r.POST("/logout", s.authed(), s.logout)

	// Exports (planners first; every role may take away what it can see).
	r.GET("/api/v1/rankings/export.csv", s.authed(), s.exportRankings(FormatCSV))
	r.GET("/api/v1/rankings/export.xlsx", s.authed(), s.exportRankings(FormatXLSX))

	// Administration.
	admin := r.Group("/admin", s.authed(RoleAdmin))
	admin.GET("", s.adminPage)
	admin.POST("/users", s.adminAddUser)
	admin.POST("/users/:username/disable", s.adminDisableUser)
	admin.POST("/tokens", s.adminAddToken)
	admin.POST("/tokens/:id/revoke", s.adminRevokeToken)
	admin.GET("/audit.csv", s.exportAudit) // audit.go; the trail has no delete route

	// Pages and their JSON APIs (pages.go), each behind authed.
	s.pageRoutes(&r.RouterGroup)
}

// metrics serves /metrics to a logged-in admin, and otherwise as guarded decides (the bearer
// metrics token, or loopback clients when no token is set).
func (s *Server) metrics(guarded gin.HandlerFunc) gin.HandlerFunc {
	direct := promhttp.HandlerFor(s.opts.Metrics.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) {
		if u, ok := s.currentUser(c); ok && u.Role == RoleAdmin {
			direct.ServeHTTP(c.Writer, c.Request)
			return
		}
		guarded(c)
	}
}

// contentSecurityPolicy lets pages load scripts, styles, data and images from govpulse only
// (no CDN, no inline scripts, so an injected <script> does not run); inline styles are allowed
// for ECharts and the stand-alone login and admin pages.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders keeps pages out of frames, stops content sniffing and sets the content
// security policy.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	c.Next()
}
