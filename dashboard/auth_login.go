package dashboard

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/models"
)

//go:embed templates/login.html templates/admin.html templates/forbidden.html
var authTemplateFiles embed.FS

// authTemplates are the login, admin and 403 pages. They stand alone (no layout) so that they
// render even when the analytics behind the other pages cannot.
var authTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"T": func(tr Translator, key string, args ...any) string { return tr.T(key, args...) },
}).ParseFS(authTemplateFiles, "templates/login.html", "templates/admin.html", "templates/forbidden.html"))

var forbiddenPage = authTemplates.Lookup("forbidden.html")

// loginView is the data of login.html.
type loginView struct {
	Tr       Translator
	Lang     string
	CSRF     string
	Next     string
	Username string
	Error    string
}

// loginPage shows the login form; a logged-in user goes straight on.
func (s *Server) loginPage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if _, ok := s.currentUser(c); ok {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	s.renderLogin(c, http.StatusOK, loginView{Next: next})
}

func (s *Server) renderLogin(c *gin.Context, code int, v loginView) {
	v.Lang = langOf(c)
	v.Tr = Translator{Lang: v.Lang}
	v.CSRF = csrfToken(c)
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(code)
	if err := authTemplates.ExecuteTemplate(c.Writer, "login.html", v); err != nil {
		s.log.Error("render login", "err", err)
	}
}

// login checks a username and password posted from the login form. Failures are throttled per
// username and address, audited, and answered with one message whatever went wrong, so the form
// does not reveal which usernames exist.
func (s *Server) login(c *gin.Context) {
	tr := Translator{Lang: langOf(c)}
	// Cut to the longest valid username: the name goes into the limiter and the audit log.
	username := cut(strings.ToLower(strings.TrimSpace(c.PostForm("username"))), 64)
	password := c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	view := loginView{Next: next, Username: username}
	if !csrfOK(c) {
		view.Error = tr.T("auth.form_expired")
		s.renderLogin(c, http.StatusForbidden, view)
		return
	}
	ip := c.ClientIP()
	if wait := s.limiter.retryAfter(username, ip); wait > 0 {
		minutes := int(wait.Round(time.Minute) / time.Minute)
		view.Error = tr.T("auth.throttled", max(1, minutes))
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.record(c.Request.Context(), models.AuditEntry{Actor: username, Action: "login_throttled", Object: username, IP: ip})
		s.renderLogin(c, http.StatusTooManyRequests, view)
		return
	}
	u, err := s.checkPassword(c.Request.Context(), username, password)
	if err != nil {
		if !errors.Is(err, errBadLogin) {
			s.log.Error("login failed on the engine", "err", err)
			view.Error = tr.T("auth.unavailable")
			s.renderLogin(c, http.StatusServiceUnavailable, view)
			return
		}
		s.limiter.fail(username, ip)
		s.record(c.Request.Context(), models.AuditEntry{Actor: username, Action: "login_failed", Object: username, IP: ip})
		view.Error = tr.T("auth.bad_login")
		s.renderLogin(c, http.StatusUnauthorized, view)
		return
	}
	s.limiter.succeed(username, ip)
	if err := s.startSession(c, u); err != nil {
		s.log.Error("session not created", "user", username, "err", err)
		view.Error = tr.T("auth.unavailable")
		s.renderLogin(c, http.StatusServiceUnavailable, view)
		return
	}
	s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "login", Object: u.Username, IP: ip})
	c.Redirect(http.StatusSeeOther, next)
}

// errBadLogin is any wrong username, password or disabled account.
var errBadLogin = errors.New("wrong username or password")

// checkPassword returns the enabled account whose password matches, errBadLogin, or an engine
// error. Unknown and disabled accounts cost the same hashing as real ones.
func (s *Server) checkPassword(ctx context.Context, username, password string) (models.User, error) {
	if username == "" || password == "" {
		return models.User{}, errBadLogin
	}
	u, err := s.users.Get(ctx, username)
	if errors.Is(err, models.ErrNotFound) {
		_, _ = VerifyPassword(dummyHash(), password)
		return models.User{}, errBadLogin
	}
	if err != nil {
		return models.User{}, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		s.log.Error("stored password hash unreadable", "user", username, "err", err)
		return models.User{}, errBadLogin
	}
	if !ok || u.Disabled {
		return models.User{}, errBadLogin
	}
	return u, nil
}

// logout ends the session and returns to the login page.
func (s *Server) logout(c *gin.Context) {
	u := userOf(c)
	if ck, err := c.Cookie(sessionCookie); err == nil && ck != "" {
		s.endSession(c.Request.Context(), ck)
	}
	s.clearSessionCookie(c)
	s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "logout", Object: u.Username, IP: c.ClientIP()})
	c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps a post-login destination on this site: a path starting with one "/", else "/".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/login") {
		return "/"
	}
	return next
}

// record appends to the audit trail; a failure is logged, never shown (the action itself has
// happened).
func (s *Server) record(ctx context.Context, e models.AuditEntry) {
	// The request may be over (a client gone); the entry is still written.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.audit.Record(ctx, e); err != nil {
		s.log.Error("audit entry lost", "action", e.Action, "actor", e.Actor, "err", err)
	}
}
