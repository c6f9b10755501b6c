package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// The roles of models.Role as the strings authed takes.
const (
	RoleAdmin   = string(models.RoleAdmin)
	RoleLeader  = string(models.RoleLeader)
	RoleAnalyst = string(models.RoleAnalyst)
	RolePlanner = string(models.RolePlanner)
)

// Cookie names. The session cookie is HttpOnly; the CSRF cookie is too (pages read the token
// from the template, never from document.cookie).
const (
	sessionCookie = "govpulse_session"
	csrfCookie    = "govpulse_csrf"
	// csrfField is the form field, and csrfHeader the header (fetch calls), that must repeat
	// the CSRF cookie on every unsafe request.
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// ctxUser is the gin context key of the logged-in user.
const ctxUser = "govpulse.user"

// CookieSecure decides the Secure flag of govpulse's cookies (see Options.CookieSecure).
type CookieSecure string

const (
	CookieSecureAuto   CookieSecure = ""       // Secure except plain HTTP to a loopback address (no X-Forwarded-Proto: https)
	CookieSecureAlways CookieSecure = "always" // always Secure (HTTPS, or a TLS-terminating proxy)
	CookieSecureNever  CookieSecure = "never"  // never Secure (plain HTTP on a trusted network)
)

// ParseCookieSecure reads the --cookie-secure setting: auto, true or false.
func ParseCookieSecure(s string) (CookieSecure, error) {
	switch s {
	case "", "auto":
		return CookieSecureAuto, nil
	case "true", "always":
		return CookieSecureAlways, nil
	case "false", "never":
		return CookieSecureNever, nil
	}
	return "", fmt.Errorf("want auto, true or false, got %q", s)
}

// errNotPermitted is the error of a request for data outside the user's scope or role; it is
// answered 403 with the message, which is safe to show.
var errNotPermitted = errors.New("not permitted")

// authed is the middleware of every route behind a login. Without a live session an HTML
// request is redirected to /login?next=<path> and an /api/ request gets 401 JSON. A user whose
// role is not among roles gets 403 (a page, or JSON under /api/); no roles means any logged-in
// user. Unsafe methods (POST, PUT, PATCH, DELETE) must also carry the CSRF token (form field
// csrf_token or header X-CSRF-Token) matching the CSRF cookie, else 403. On success the user is
// in the context (userOf).
func (s *Server) authed(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, err := s.sessionUser(c)
		if err != nil && !errors.Is(err, errNoSession) {
			// The engine cannot say who this is: not a reason to send them to the login page.
			msg := "Hệ thống tạm thời không sẵn sàng, vui lòng thử lại sau / the system is not available right now; try again later"
			if isAPI(c) {
				c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": "not_available", "message": msg})
				return
			}
			c.Header("Content-Type", "text/html; charset=utf-8")
			c.Status(http.StatusServiceUnavailable)
			_ = forbiddenPage.Execute(c.Writer, map[string]string{"Title": "503 · Tạm thời không sẵn sàng / Not available", "Message": msg})
			c.Abort()
			return
		}
		if err != nil {
			if isAPI(c) {
				c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "đăng nhập để tiếp tục / log in to continue"})
				return
			}
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		if len(roles) > 0 && !slices.Contains(roles, u.Role) {
			s.deny(c, "Vai trò của bạn không được phép xem trang này / your role may not open this page")
			return
		}
		if unsafeMethod(c.Request.Method) && !csrfOK(c) {
			s.deny(c, "Phiên biểu mẫu đã hết hạn, hãy tải lại trang / the form has expired; reload the page")
			return
		}
		c.Set(ctxUser, u)
		c.Next()
	}
}

// userOf returns the user authed put in the context, or nil on a public route.
func userOf(c *gin.Context) *models.User {
	if v, ok := c.Get(ctxUser); ok {
		if u, ok := v.(*models.User); ok {
			return u
		}
	}
	return nil
}

// scopeOf applies the logged-in user's scope to a requested scope. A user scoped to a unit or
// ward gets that unit or ward forced into the scope; asking for another one is an error
// matching errNotPermitted, whose message is safe to show (answer 403). City-wide users get
// the requested scope unchanged.
func scopeOf(c *gin.Context, requested analytics.Scope) (analytics.Scope, error) {
	u := userOf(c)
	if u == nil {
		return analytics.Scope{}, fmt.Errorf("%w: đăng nhập để tiếp tục / log in to continue", errNotPermitted)
	}
	return applyScope(u, requested)
}

func applyScope(u *models.User, requested analytics.Scope) (analytics.Scope, error) {
	s := requested
	if u.ScopeUnit != "" {
		if s.Unit != "" && s.Unit != u.ScopeUnit {
			return analytics.Scope{}, fmt.Errorf("%w: tài khoản chỉ xem được đơn vị %s / your account sees unit %s only",
				errNotPermitted, u.ScopeUnit, u.ScopeUnit)
		}
		s.Unit = u.ScopeUnit
	}
	if u.ScopeWard != "" {
		if s.Ward != "" && s.Ward != u.ScopeWard {
			return analytics.Scope{}, fmt.Errorf("%w: tài khoản chỉ xem được phường/xã %s / your account sees ward %s only",
				errNotPermitted, u.ScopeWard, u.ScopeWard)
		}
		s.Ward = u.ScopeWard
	}
	return s, nil
}

// deny answers 403: JSON under /api/, else a short page.
func (s *Server) deny(c *gin.Context, msg string) {
	if isAPI(c) {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": msg})
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusForbidden)
	_ = forbiddenPage.Execute(c.Writer, map[string]string{"Title": "403 · Không được phép / Not permitted", "Message": msg})
	c.Abort()
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfToken returns the request's CSRF token for a form or a fetch call (put it in a hidden
// field csrf_token, or send it as X-CSRF-Token), setting the cookie when there is none yet.
func csrfToken(c *gin.Context) string {
	if v, ok := c.Get(csrfCookie); ok {
		return v.(string) // minted during this request (login): newer than the request's cookie
	}
	if v, err := c.Cookie(csrfCookie); err == nil && len(v) >= 32 {
		return v
	}
	return newCSRF(c)
}

// newCSRF mints a fresh CSRF token and sets its cookie (at login, so a token planted before
// login is not carried into the session).
func newCSRF(c *gin.Context) string {
	v := randomToken()
	c.Set(csrfCookie, v)
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: secureCookies(c, serverOf(c)), SameSite: http.SameSiteLaxMode})
	return v
}

// csrfOK checks the double-submit token: the cookie must be present and repeated exactly in
// the form field or the header. A cross-site page can make the browser send the cookie, but it
// can neither read it nor guess it. When the browser names the request's origin, it must be
// this host too (as the client addressed it: Host, or X-Forwarded-Host behind a proxy that
// rewrites Host; a cross-site form cannot set either).
func csrfOK(c *gin.Context) bool {
	ck, err := c.Cookie(csrfCookie)
	if err != nil || len(ck) < 32 {
		return false
	}
	if o := c.GetHeader("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || (u.Host != c.Request.Host && u.Host != c.GetHeader("X-Forwarded-Host")) {
			return false
		}
	}
	got := c.GetHeader(csrfHeader)
	if got == "" {
		got = c.PostForm(csrfField)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(ck)) == 1
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("dashboard: no randomness: " + err.Error()) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ctxServer is the gin context key of the Server (for helpers called without it).
const ctxServer = "govpulse.server"

func serverOf(c *gin.Context) *Server {
	if v, ok := c.Get(ctxServer); ok {
		return v.(*Server)
	}
	return nil
}

// secureCookies decides the Secure flag for this request (see Options.CookieSecure).
func secureCookies(c *gin.Context, s *Server) bool {
	mode := CookieSecureAuto
	if s != nil {
		mode = s.opts.CookieSecure
	}
	switch mode {
	case CookieSecureAlways:
		return true
	case CookieSecureNever:
		return false
	}
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		// HTTPS, or a TLS-terminating proxy on this machine (a client forging the header only
		// makes its own cookie stricter).
		return true
	}
	host, _, err := net.SplitHostPort(c.Request.Host)
	if err != nil {
		host = c.Request.Host
	}
	ip := net.ParseIP(c.RemoteIP())
	loopHost := host == "localhost" || (net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback())
	return !(loopHost && ip != nil && ip.IsLoopback())
}
