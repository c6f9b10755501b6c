package dashboard

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// authEnv is a server on a real, migrated test database with a movable clock.
type authEnv struct {
	t   *testing.T
	db  store.DB
	s   *Server
	r   *gin.Engine
	srv *httptest.Server

	mu  sync.Mutex
	now time.Time
}

func newAuthEnv(t *testing.T, opts Options) *authEnv {
	t.Helper()
	db := storetest.Open(t)
	if _, err := store.Migrate(context.Background(), db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	e := &authEnv{t: t, db: db, now: time.Now()}
	opts.DB = db
	opts.Now = e.clock
	e.s, e.r = newServer(opts)
	e.srv = httptest.NewServer(e.r)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *authEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *authEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// addUser creates an account and returns its password.
func (e *authEnv) addUser(name, role, scopeUnit, scopeWard string) string {
	e.t.Helper()
	pw := GeneratePassword()
	h, err := HashPassword(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.users.Create(context.Background(), models.User{Username: name, Role: role, ScopeUnit: scopeUnit,
		ScopeWard: scopeWard, PasswordHash: h}); err != nil {
		e.t.Fatal(err)
	}
	return pw
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e   *authEnv
	jar *cookiejar.Jar
	c   *http.Client
}

func (e *authEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

type reply struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) reply {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{resp, string(body)}
}

func (b *browser) get(path string) reply {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form, adding the CSRF cookie's token unless form already has csrf_token
// (an empty value sends none).
func (b *browser) post(path string, form url.Values) reply {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form[csrfField]; !set {
		if ck := b.cookie(csrfCookie); ck != nil {
			form.Set(csrfField, ck.Value)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login opens the login page and posts the form.
func (b *browser) login(user, password, next string) reply {
	b.e.t.Helper()
	if r := b.get("/login"); r.StatusCode != http.StatusOK {
		b.e.t.Fatalf("GET /login: %d", r.StatusCode)
	}
	return b.post("/login", url.Values{"username": {user}, "password": {password}, "next": {next}})
}

// loggedIn returns a browser with a live session of user.
func (e *authEnv) loggedIn(user, password string) *browser {
	e.t.Helper()
	b := e.browser()
	if r := b.login(user, password, "/"); r.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", user, r.StatusCode, r.body)
	}
	return b
}

func (e *authEnv) auditActions() []string {
	e.t.Helper()
	entries, err := e.s.audit.Recent(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Action+":"+entries[i].Object)
	}
	return out
}

func TestLoginLogout(t *testing.T) {
	e := newAuthEnv(t, Options{})
	pw := e.addUser("lan", RoleLeader, "", "")
	b := e.browser()

	// Anonymous: pages redirect to the login page, APIs answer 401.
	if r := b.get("/rankings?period=2025-Q3"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Frankings%3Fperiod%3D2025-Q3" {
		t.Errorf("anonymous page: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/api/v1/kpis"); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "log in") {
		t.Errorf("anonymous API: %d %s", r.StatusCode, r.body)
	}

	page := b.get("/login?next=/rankings")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `name="csrf_token"`) || !strings.Contains(page.body, "Đăng nhập") {
		t.Fatalf("login page: %d %s", page.StatusCode, page.body)
	}
	csrf1 := cookieIn(page.Response, csrfCookie)
	if csrf1 == nil || !csrf1.HttpOnly || csrf1.SameSite != http.SameSiteLaxMode || csrf1.Secure {
		t.Errorf("CSRF cookie = %+v; want HttpOnly, SameSite=Lax, not Secure on loopback HTTP", csrf1)
	}

	// A form without the token is refused before the password is looked at.
	if r := b.post("/login", url.Values{"username": {"lan"}, "password": {pw}, csrfField: {""}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("login without CSRF token: %d", r.StatusCode)
	}
	if r := b.post("/login", url.Values{"username": {"lan"}, "password": {pw}, csrfField: {strings.Repeat("x", 43)}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged CSRF token: %d", r.StatusCode)
	}
	wrong := b.post("/login", url.Values{"username": {"lan"}, "password": {"not the password"}})
	unknown := b.post("/login", url.Values{"username": {"nobody"}, "password": {"not the password"}})
	for _, r := range []reply{wrong, unknown} {
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "Sai tên đăng nhập hoặc mật khẩu.") {
			t.Errorf("bad login: %d, body without the one message", r.StatusCode)
		}
		if cookieIn(r.Response, sessionCookie) != nil {
			t.Error("a bad login set a session cookie")
		}
	}

	ok := b.post("/login", url.Values{"username": {"Lan "}, "password": {pw}, "next": {"/rankings?period=2025-Q3"}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/rankings?period=2025-Q3" {
		t.Fatalf("login: %d Location %q %s", ok.StatusCode, ok.Header.Get("Location"), ok.body)
	}
	sess := cookieIn(ok.Response, sessionCookie)
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.MaxAge != 12*3600 || len(sess.Value) < 43 {
		t.Fatalf("session cookie = %+v", sess)
	}
	if csrf2 := cookieIn(ok.Response, csrfCookie); csrf2 == nil || csrf2.Value == csrf1.Value {
		t.Error("the CSRF token was not renewed at login")
	}
	if r := b.get("/login"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("login page when logged in: %d, want a redirect", r.StatusCode)
	}
	if r := b.get("/admin"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "Không được phép") {
		t.Errorf("leader on /admin: %d", r.StatusCode)
	}

	// Logging in again replaces the session: the old cookie is dead.
	old := sess.Value
	again := b.post("/login", url.Values{"username": {"lan"}, "password": {pw}})
	if again.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", again.StatusCode)
	}
	if u, err := e.s.sessions.user(context.Background(), old); err == nil {
		t.Errorf("the session of the first login still opens as %s", u.Username)
	}

	// Logout needs the CSRF token, then ends the session.
	if r := b.post("/logout", url.Values{csrfField: {""}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("logout without CSRF token: %d", r.StatusCode)
	}
	cur := b.cookie(sessionCookie).Value
	if r := b.post("/logout", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("logout: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if b.cookie(sessionCookie) != nil {
		t.Error("logout left the session cookie in the browser")
	}
	stolen := e.browser()
	u, _ := url.Parse(e.srv.URL)
	stolen.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: cur}})
	if r := stolen.get("/api/v1/alerts"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a logged-out session still works: %d", r.StatusCode)
	}

	got := e.auditActions()
	want := []string{"login_failed:lan", "login_failed:nobody", "login:lan", "login:lan", "logout:lan"}
	if !slices.Equal(got, want) {
		t.Errorf("audit trail = %v, want %v", got, want)
	}
}

func cookieIn(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionExpiresAndDisabledUsersAreOut(t *testing.T) {
	e := newAuthEnv(t, Options{SessionTTL: time.Hour})
	pw := e.addUser("lan", RoleLeader, "", "")
	adminPW := e.addUser("root", RoleAdmin, "", "")
	b := e.loggedIn("lan", pw)
	if r := b.get("/api/v1/alerts"); r.StatusCode == http.StatusUnauthorized {
		t.Fatalf("fresh session refused")
	}
	e.advance(time.Hour + time.Second)
	if r := b.get("/api/v1/alerts"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("after the TTL: %d, want 401", r.StatusCode)
	}

	// An admin disabling an account ends its sessions at once (no cache delay).
	b = e.loggedIn("lan", pw)
	if r := b.get("/api/v1/alerts"); r.StatusCode == http.StatusUnauthorized {
		t.Fatal("session refused")
	}
	admin := e.loggedIn("root", adminPW)
	if r := admin.post("/admin/users/lan/disable", nil); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Đã khóa tài khoản lan.") {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := b.get("/api/v1/alerts"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's session: %d, want 401", r.StatusCode)
	}
	if r := e.browser().login("lan", pw, "/"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user logs in: %d", r.StatusCode)
	}
	if r := admin.post("/admin/users/root/disable", nil); r.StatusCode != http.StatusBadRequest {
		t.Errorf("self-disable: %d, want 400", r.StatusCode)
	}
}

func TestLoginThrottling(t *testing.T) {
	e := newAuthEnv(t, Options{})
	pw := e.addUser("lan", RoleLeader, "", "")
	b := e.browser()
	b.get("/login")
	for i := range loginFailuresPerUser {
		if r := b.post("/login", url.Values{"username": {"lan"}, "password": {"guess-" + string(rune('a'+i))}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.StatusCode)
		}
	}
	r := b.post("/login", url.Values{"username": {"lan"}, "password": {pw}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.body, "15 phút") {
		t.Errorf("6th try with the right password: %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	e.advance(loginWindow)
	if r := b.post("/login", url.Values{"username": {"lan"}, "password": {pw}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.StatusCode)
	}
	if a := e.auditActions(); !slices.Contains(a, "login_throttled:lan") {
		t.Errorf("audit trail %v lacks the throttled try", a)
	}
}

func TestCookieSecureModes(t *testing.T) {
	var r *gin.Engine
	cases := []struct {
		name   string
		mode   CookieSecure
		host   string
		remote string
		want   bool
	}{
		{"auto, loopback http", CookieSecureAuto, "localhost:8080", "127.0.0.1:5000", false},
		{"auto, loopback behind a TLS proxy", CookieSecureAuto, "127.0.0.1:8080", "127.0.0.1:5000", true},
		{"auto, LAN host", CookieSecureAuto, "govpulse.hcm.gov.vn", "10.1.2.3:5000", true},
		{"auto, loopback name from afar", CookieSecureAuto, "localhost:8080", "10.1.2.3:5000", true},
		{"always", CookieSecureAlways, "localhost:8080", "127.0.0.1:5000", true},
		{"never", CookieSecureNever, "govpulse.hcm.gov.vn", "10.1.2.3:5000", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, r = newServer(Options{DB: fakeDB{}, CookieSecure: c.mode})
			req := httptest.NewRequest(http.MethodGet, "/login", nil)
			req.Host, req.RemoteAddr = c.host, c.remote
			if strings.Contains(c.name, "TLS proxy") {
				req.Header.Set("X-Forwarded-Proto", "https")
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			ck := cookieIn(w.Result(), csrfCookie)
			if ck == nil || ck.Secure != c.want {
				t.Errorf("CSRF cookie %+v; want Secure=%v", ck, c.want)
			}
		})
	}
	if _, err := ParseCookieSecure("sometimes"); err == nil {
		t.Error("ParseCookieSecure accepted nonsense")
	}
}

func TestMetricsForAdmins(t *testing.T) {
	e := newAuthEnv(t, Options{MetricsToken: "scrape-secret"})
	adminPW := e.addUser("root", RoleAdmin, "", "")
	leaderPW := e.addUser("lan", RoleLeader, "", "")
	if r := e.browser().get("/metrics"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous /metrics with a token configured: %d", r.StatusCode)
	}
	if r := e.loggedIn("lan", leaderPW).get("/metrics"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("leader /metrics: %d", r.StatusCode)
	}
	if r := e.loggedIn("root", adminPW).get("/metrics"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "govpulse_http_request_seconds") {
		t.Errorf("admin /metrics: %d", r.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer scrape-secret")
	if r := e.browser().do(req); r.StatusCode != http.StatusOK {
		t.Errorf("Prometheus with the token: %d", r.StatusCode)
	}
}

func TestAdminPage(t *testing.T) {
	e := newAuthEnv(t, Options{})
	adminPW := e.addUser("root", RoleAdmin, "", "")
	ctx := context.Background()
	if err := e.db.Insert(ctx, "dead_letters", []models.DeadLetter{{ReceivedAt: time.Now().In(models.Location).Truncate(time.Second),
		Stream: "petitions", Source: "api:tok_x", Line: 3, Field: "status", Reason: "unknown value \"closed\"", Raw: `{"id":"P1","status":"closed"}`}}); err != nil {
		t.Fatal(err)
	}
	a := e.loggedIn("root", adminPW)
	page := a.get("/admin")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("/admin: %d", page.StatusCode)
	}
	for _, want := range []string{`data-username="root"`, "unknown value &#34;closed&#34;", "api:tok_x", "login"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("/admin lacks %q", want)
		}
	}

	// Add an account with a generated password, shown once, that then logs in.
	r := a.post("/admin/users", url.Values{"username": {"chi.tran"}, "display_name": {"Trần Minh Chí"}, "role": {RolePlanner}, "scope_ward": {"26734"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Đã thêm tài khoản chi.tran.") {
		t.Fatalf("add user: %d %s", r.StatusCode, r.body)
	}
	secret := between(r.body, `<code id="admin-secret">`, "</code>")
	if len(secret) != 20 {
		t.Fatalf("generated password %q", secret)
	}
	e.loggedIn("chi.tran", secret)
	if u, _ := e.s.users.Get(ctx, "chi.tran"); u.ScopeWard != "26734" || u.Role != RolePlanner || u.DisplayName != "Trần Minh Chí" {
		t.Errorf("stored account %+v", u)
	}
	for _, bad := range []url.Values{
		{"username": {"chi.tran"}, "role": {RolePlanner}},
		{"username": {"Bad Name"}, "role": {RolePlanner}},
		{"username": {"dung"}, "role": {"mayor"}},
		{"username": {"dung"}, "role": {RolePlanner}, "password": {"short"}},
	} {
		if r := a.post("/admin/users", bad); r.StatusCode < 400 || !strings.Contains(r.body, `id="admin-error"`) {
			t.Errorf("add %v: %d, want an error", bad, r.StatusCode)
		}
	}

	// Tokens: created (shown once, valid for its stream), then revoked.
	r = a.post("/admin/tokens", url.Values{"stream": {"petitions"}, "name": {"Cổng 1022"}})
	token := between(r.body, `<code id="admin-secret">`, "</code>")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(token, "gpi_") {
		t.Fatalf("add token: %d %q", r.StatusCode, token)
	}
	rec, err := store.Tokens{DB: e.db}.Lookup(ctx, token)
	if err != nil || rec.Stream != "petitions" || rec.CreatedBy != "root" {
		t.Fatalf("token lookup: %+v %v", rec, err)
	}
	if r := a.post("/admin/tokens", url.Values{"stream": {"votes"}, "name": {"x"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("token for an unknown stream: %d", r.StatusCode)
	}
	if r := a.post("/admin/tokens/"+rec.ID+"/revoke", nil); r.StatusCode != http.StatusOK {
		t.Errorf("revoke: %d", r.StatusCode)
	}
	if _, err := (store.Tokens{DB: e.db}).Lookup(ctx, token); err == nil {
		t.Error("revoked token still valid")
	}
	if r := a.post("/admin/tokens/tok_nope/revoke", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("revoke unknown: %d", r.StatusCode)
	}
	// The secret never reaches the audit trail.
	entries, _ := e.s.audit.Recent(ctx, 100)
	for _, en := range entries {
		if strings.Contains(en.Detail+en.Object, token) || strings.Contains(en.Detail+en.Object, secret) {
			t.Errorf("audit entry leaks a secret: %+v", en)
		}
	}
	got := e.auditActions()
	for _, want := range []string{"user_add:chi.tran", "token_add:" + rec.ID, "token_revoke:" + rec.ID} {
		if !slices.Contains(got, want) {
			t.Errorf("audit trail %v lacks %s", got, want)
		}
	}
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

func TestCSRFOrigin(t *testing.T) {
	e := newAuthEnv(t, Options{})
	pw := e.addUser("lan", RoleLeader, "", "")
	b := e.browser()
	b.get("/login")
	form := func() url.Values {
		return url.Values{"username": {"lan"}, "password": {pw}, csrfField: {b.cookie(csrfCookie).Value}}
	}
	post := func(origin, fwdHost string) int {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		if fwdHost != "" {
			req.Header.Set("X-Forwarded-Host", fwdHost)
		}
		return b.do(req).StatusCode
	}
	if code := post("https://evil.example", ""); code != http.StatusForbidden {
		t.Errorf("cross-site origin with a valid token: %d, want 403", code)
	}
	if code := post("https://govpulse.hcm.gov.vn", "govpulse.hcm.gov.vn"); code != http.StatusSeeOther {
		t.Errorf("origin of the proxy's public host: %d, want 303", code)
	}
	if code := post(e.srv.URL, ""); code != http.StatusSeeOther {
		t.Errorf("same origin: %d, want 303", code)
	}
}

// brokenDB fails every query, like an engine that went away.
type brokenDB struct{ fakeDB }

func (brokenDB) Query(context.Context, any, string, store.Params) error {
	return errors.New("connection refused")
}

func TestEngineDownIsNotALogout(t *testing.T) {
	_, r := newServer(Options{DB: brokenDB{}})
	for _, c := range []struct {
		path   string
		cookie bool
		code   int
	}{
		{"/api/v1/alerts", true, http.StatusServiceUnavailable},
		{"/rankings", true, http.StatusServiceUnavailable},
		{"/api/v1/alerts", false, http.StatusUnauthorized},
		{"/rankings", false, http.StatusSeeOther},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.cookie {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "some-session"})
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != c.code || strings.Contains(w.Body.String(), "refused") {
			t.Errorf("%s (cookie %v): %d %s; want %d without internals", c.path, c.cookie, w.Code, w.Body.String(), c.code)
		}
	}
}
