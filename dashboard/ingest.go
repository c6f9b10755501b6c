package dashboard

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
)

// Ingester accepts one ingest body; pipeline.Ingestor implements it.
type Ingester interface {
	Accept(ctx context.Context, stream pipeline.Stream, r io.Reader, opts pipeline.ParseOptions) (pipeline.Reply, error)
}

// TokenLookup finds the live ingest token matching a presented bearer token; store.Tokens
// implements it. It returns models.ErrNotFound for an unknown or revoked token.
type TokenLookup interface {
	Lookup(ctx context.Context, token string) (models.IngestToken, error)
}

// MaxIngestBodyBytes bounds one ingest request body (compressed size as sent).
const MaxIngestBodyBytes = 64 << 20

// tokenCache remembers recent token look-ups for a short time, so a busy sender does not cost a
// query per request; a revoked token stops working within tokenTTL.
type tokenCache struct {
	lookup TokenLookup
	mu     sync.Mutex
	seen   map[string]cachedToken
}

type cachedToken struct {
	tok models.IngestToken
	err error
	at  time.Time // when the store gave this answer
	// stale is when a failed look-up last fell back on this answer: the store is not asked
	// again before tokenTTL from then, so an outage costs one failed look-up per tokenTTL.
	stale time.Time
}

const tokenTTL = 30 * time.Second

// tokenStaleTTL is how long a token that was valid may still be accepted while the store cannot
// be asked (engine unreachable): ingest keeps spooling through an outage instead of refusing
// senders it knew a moment ago. A revocation made meanwhile takes effect once the store answers.
const tokenStaleTTL = time.Hour

func (c *tokenCache) get(ctx context.Context, token string) (models.IngestToken, error) {
	c.mu.Lock()
	e, ok := c.seen[token]
	c.mu.Unlock()
	if ok && (time.Since(e.at) < tokenTTL || time.Since(e.stale) < tokenTTL && time.Since(e.at) < tokenStaleTTL) {
		return e.tok, e.err
	}
	tok, err := c.lookup.Lookup(ctx, token)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		if ok && e.err == nil && time.Since(e.at) < tokenStaleTTL {
			// The store is away: the last good answer stands.
			e.stale = time.Now()
			c.mu.Lock()
			c.seen[token] = e
			c.mu.Unlock()
			return e.tok, nil
		}
		return tok, err // an engine failure is not cached
	}
	c.mu.Lock()
	if len(c.seen) > 10_000 {
		c.seen = map[string]cachedToken{}
	}
	c.seen[token] = cachedToken{tok: tok, err: err, at: time.Now()}
	c.mu.Unlock()
	return tok, err
}

// ingestHandler serves POST /api/v1/ingest/:stream (DESIGN.md §3).
func ingestHandler(in Ingester, tokens TokenLookup, log *slog.Logger) gin.HandlerFunc {
	cache := &tokenCache{lookup: tokens, seen: map[string]cachedToken{}}
	return func(c *gin.Context) {
		stream := pipeline.Stream(c.Param("stream"))
		if !stream.Valid() {
			c.JSON(http.StatusNotFound, gin.H{"error": "unknown stream; use dossiers, petitions or posts"})
			return
		}
		bearer, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || bearer == "" {
			c.Header("WWW-Authenticate", `Bearer realm="govpulse ingest"`)
			c.JSON(http.StatusUnauthorized, gin.H{"error": "missing bearer ingest token"})
			return
		}
		tok, err := cache.get(c.Request.Context(), strings.TrimSpace(bearer))
		switch {
		case errors.Is(err, models.ErrNotFound):
			c.Header("WWW-Authenticate", `Bearer realm="govpulse ingest", error="invalid_token"`)
			c.JSON(http.StatusUnauthorized, gin.H{"error": "unknown or revoked ingest token"})
			return
		case err != nil:
			log.Error("ingest token look-up failed and no earlier answer to fall back on", "err", err)
			c.Header("Retry-After", "5")
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "the store is unavailable; retry later"})
			return
		case tok.Stream != string(stream):
			c.JSON(http.StatusForbidden, gin.H{"error": "this token may only send " + tok.Stream})
			return
		}
		opts := pipeline.ParseOptions{Source: "api:" + tok.ID}
		if ct := c.ContentType(); ct == "text/csv" {
			opts.Format = "csv"
		}
		body := http.MaxBytesReader(c.Writer, c.Request.Body, MaxIngestBodyBytes)
		start := time.Now()
		reply, err := in.Accept(c.Request.Context(), stream, body, opts)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body larger than 64 MiB; split it into several requests (nothing was stored)"})
			return
		case errors.Is(err, pipeline.ErrSpoolFull):
			c.Header("Retry-After", "10")
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "ingest queue is full; retry later (nothing was stored)"})
			return
		case errors.Is(err, pipeline.ErrSpoolWrite):
			// Nothing of this body is durable, so nothing is acknowledged (DESIGN §3).
			log.Error("ingest refused: the spool cannot write", "stream", stream, "token", tok.ID, "err", err)
			c.Header("Retry-After", "30")
			if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
				c.JSON(http.StatusInsufficientStorage, gin.H{"error": "the ingest spool's disk is full; retry later (nothing was stored)"})
				return
			}
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "the ingest spool cannot write to disk; retry later (nothing was stored)"})
			return
		case err != nil:
			log.Error("ingest failed", "stream", stream, "token", tok.ID, "err", err)
			c.JSON(http.StatusInternalServerError, gin.H{"error": "ingest failed (nothing was stored)"})
			return
		}
		log.Info("ingest", "stream", stream, "token", tok.ID, "accepted", reply.Accepted, "rejected", reply.Rejected,
			"duration_ms", time.Since(start).Milliseconds())
		c.JSON(http.StatusOK, reply)
	}
}
