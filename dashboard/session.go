package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// sessionRecheck is how long a looked-up session is trusted before the engine is asked again.
// Logout and disabling through this server take effect at once; a change made elsewhere (the
// CLI against a ClickHouse server, another replica) within this time.
const sessionRecheck = 30 * time.Second

// sessionStale is how long after its last check a session is still trusted while the engine
// cannot be asked, so an outage shows the degraded banner on working pages instead of a 503
// page for everyone after sessionRecheck.
const sessionStale = 10 * time.Minute

// sessionCacheMax bounds the cache; past it, stale entries are dropped.
const sessionCacheMax = 10000

// sessionCache finds the user of a session cookie, keeping recent answers so that a page's
// requests do not each query the engine. Safe for concurrent use.
type sessionCache struct {
	sessions store.Sessions
	users    store.Users
	now      func() time.Time

	mu sync.Mutex
	m  map[string]cachedSession // by token hash
}

type cachedSession struct {
	user    *models.User
	expires time.Time
	checked time.Time
}

func newSessionCache(s store.Sessions, u store.Users, now func() time.Time) *sessionCache {
	return &sessionCache{sessions: s, users: u, now: now, m: map[string]cachedSession{}}
}

// errNoSession reports a missing, unknown, revoked or expired session, or a disabled user.
var errNoSession = errors.New("no live session")

// user returns the user of a cookie value, or errNoSession, or an engine error.
func (sc *sessionCache) user(ctx context.Context, cookie string) (*models.User, error) {
	hash := store.HashToken(cookie)
	now := sc.now()
	sc.mu.Lock()
	e, ok := sc.m[hash]
	sc.mu.Unlock()
	if ok && now.Before(e.expires) && now.Sub(e.checked) < sessionRecheck {
		return e.user, nil
	}
	sess, err := sc.sessions.Lookup(ctx, hash, now)
	if errors.Is(err, models.ErrNotFound) {
		sc.forget(hash)
		return nil, errNoSession
	}
	if err != nil {
		if ok && now.Before(e.expires) && now.Sub(e.checked) < sessionStale {
			return e.user, nil // the engine is away: the last answer stands a while
		}
		return nil, err
	}
	u, err := sc.users.Get(ctx, sess.Username)
	if errors.Is(err, models.ErrNotFound) || (err == nil && u.Disabled) {
		sc.forget(hash)
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	if len(sc.m) >= sessionCacheMax {
		for k, v := range sc.m {
			if now.Sub(v.checked) >= sessionRecheck || !now.Before(v.expires) {
				delete(sc.m, k)
			}
		}
	}
	if len(sc.m) < sessionCacheMax {
		sc.m[hash] = cachedSession{user: &u, expires: sess.ExpiresAt, checked: now}
	}
	sc.mu.Unlock()
	return &u, nil
}

// forget drops one session from the cache (logout).
func (sc *sessionCache) forget(hash string) {
	sc.mu.Lock()
	delete(sc.m, hash)
	sc.mu.Unlock()
}

// forgetUser drops every cached session of username (disabled, password changed).
func (sc *sessionCache) forgetUser(username string) {
	sc.mu.Lock()
	for k, v := range sc.m {
		if v.user.Username == username {
			delete(sc.m, k)
		}
	}
	sc.mu.Unlock()
}

// currentUser returns the user of the request's session cookie. ok is false without a live
// session; an engine failure is logged and treated as no session.
func (s *Server) currentUser(c *gin.Context) (*models.User, bool) {
	u, err := s.sessionUser(c)
	return u, err == nil
}

// sessionUser returns the user of the request's session cookie, errNoSession, or the engine's
// error (logged).
func (s *Server) sessionUser(c *gin.Context) (*models.User, error) {
	if u := userOf(c); u != nil {
		return u, nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck == "" {
		return nil, errNoSession
	}
	u, err := s.sessions.user(c.Request.Context(), ck)
	if err != nil && !errors.Is(err, errNoSession) {
		s.log.Warn("session lookup failed", "err", err)
	}
	return u, err
}

// startSession creates a session for u, replacing (and revoking) any session the request
// already carried, and sets the cookie and a fresh CSRF token: a new identifier at every login,
// so a session id planted before login is worthless.
func (s *Server) startSession(c *gin.Context, u models.User) error {
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		s.endSession(c.Request.Context(), old)
	}
	token := randomToken()
	expires := s.opts.Now().Add(s.opts.SessionTTL)
	if _, err := s.sessions.sessions.Create(c.Request.Context(), store.HashToken(token), u.Username, expires); err != nil {
		return err
	}
	secure := secureCookies(c, s)
	if secure && c.Request.TLS == nil && c.GetHeader("X-Forwarded-Proto") != "https" {
		// Browsers keep a Secure cookie received over plain HTTP only from localhost: elsewhere
		// the login would seem to do nothing. Say why in the log.
		s.plainHTTPWarning.Do(func() {
			s.log.Warn("session cookie is Secure but the login came over plain HTTP; browsers other than on localhost drop it: serve over HTTPS (or behind a proxy sending X-Forwarded-Proto: https) or set GOVPULSE_COOKIE_SECURE=false on a trusted network",
				"host", c.Request.Host)
		})
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		MaxAge: int(s.opts.SessionTTL.Seconds()), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	newCSRF(c)
	return nil
}

// endSession revokes a session by its cookie value.
func (s *Server) endSession(ctx context.Context, cookie string) {
	hash := store.HashToken(cookie)
	s.sessions.forget(hash)
	if err := s.sessions.sessions.Revoke(ctx, hash); err != nil {
		s.log.Warn("session revoke failed", "err", err)
	}
}

// clearSessionCookie tells the browser to drop the session cookie.
func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secureCookies(c, s), SameSite: http.SameSiteLaxMode})
}
