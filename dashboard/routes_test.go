package dashboard

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/models"
)

// access is who may call a route.
type access struct {
	public bool     // anyone, no login (health, login, static files)
	bearer bool     // an ingest token, never a session
	scrape bool     // /metrics: its bearer token, loopback, or a logged-in admin
	roles  []string // logged-in users of these roles; nil with none of the above: any role
	// elsewhere marks a route of DESIGN §4 that another branch registers (the assistant's);
	// the test checks it when present and does not require it.
	elsewhere bool
	// cityWide routes refuse unit- and ward-scoped accounts (briefings and verified examples,
	// ask.go cityWide). Asking is open to them, confined to their scope (assistant/scope.go).
	cityWide bool
}

var (
	anyRole   = access{}
	adminOnly = access{roles: []string{RoleAdmin}}
)

// routeTable is who may call every route. Every route the server registers must be here: a new
// route without an entry fails TestRouteTable, so nobody adds an endpoint without deciding who
// may call it.
var routeTable = map[string]access{
	"GET /healthz":                        {public: true},
	"GET /readyz":                         {public: true},
	"GET /metrics":                        {scrape: true},
	"POST /api/v1/ingest/:stream":         {bearer: true},
	"GET /login":                          {public: true},
	"POST /login":                         {public: true},
	"GET /static/*file":                   {public: true},
	"GET /favicon.ico":                    {public: true},
	"POST /logout":                        anyRole,
	"GET /":                               anyRole,
	"GET /rankings":                       anyRole,
	"GET /dossiers":                       anyRole,
	"GET /petitions":                      anyRole,
	"GET /sentiment":                      anyRole,
	"GET /ask":                            anyRole,
	"GET /units/:code":                    anyRole,
	"GET /wards/:code":                    anyRole,
	"GET /api/v1/kpis":                    anyRole,
	"GET /api/v1/series/:metric":          anyRole,
	"GET /api/v1/alerts":                  anyRole,
	"GET /api/v1/rankings":                anyRole,
	"GET /api/v1/wardmap":                 anyRole,
	"GET /api/v1/overdue":                 anyRole,
	"GET /api/v1/posts/negative":          anyRole,
	"GET /api/v1/rankings/export.csv":     anyRole,
	"GET /api/v1/rankings/export.xlsx":    anyRole,
	"GET /admin":                          adminOnly,
	"POST /admin/users":                   adminOnly,
	"POST /admin/users/:username/disable": adminOnly,
	"POST /admin/tokens":                  adminOnly,
	"POST /admin/tokens/:id/revoke":       adminOnly,
	"GET /admin/audit.csv":                adminOnly,
	"GET /api/v1/briefing":                {elsewhere: true, cityWide: true},
	"POST /api/v1/ask":                    {elsewhere: true},
	"POST /api/v1/ask/stream":             {elsewhere: true},
	"POST /api/v1/ask/verified":           {elsewhere: true, cityWide: true, roles: []string{RoleAnalyst, RoleAdmin}},
}

// concrete fills a route pattern's parameters with harmless values.
func concrete(path string) string {
	r := strings.NewReplacer(":stream", "dossiers", ":code", "H29.01", ":metric", "dossiers_received",
		":username", "nobody", ":id", "tok_none", "*file", "app.css")
	return r.Replace(path)
}

func TestRouteTable(t *testing.T) {
	e := newAuthEnv(t, Options{Ingest: &fakeIngester{}, Tokens: fakeTokens{"gpi_route_table": {ID: "tok_rt", Stream: "dossiers"}}, MetricsToken: "scrape-secret",
		Assistant: &stubAssistant{}})
	browsers := map[string]*browser{"": e.browser()}
	passwords := map[string]string{}
	roleOf := map[string]string{}
	for _, r := range models.Roles() {
		role := string(r)
		roleOf[role] = role
		passwords[role] = e.addUser("user-"+role, role, "", "")
		browsers[role] = e.loggedIn("user-"+role, passwords[role])
	}
	// A ward-scoped leader may call what a leader may (its scope narrows the data, checked by
	// TestWardScopeNeverLeaks).
	roleOf[whoWard] = RoleLeader
	passwords[whoWard] = e.addUser("user-"+whoWard, RoleLeader, "", "26734")
	browsers[whoWard] = e.loggedIn("user-"+whoWard, passwords[whoWard])
	// A client with a valid ingest token and no session: the token opens the ingest API only;
	// elsewhere it counts as anonymous.
	browsers[whoIngest] = e.browser()
	browsers[whoIngest].c.Transport = bearerTransport{token: "gpi_route_table"}
	checked := 0
	routes := e.r.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Method+routes[i].Path < routes[j].Method+routes[j].Path })
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		acc, ok := routeTable[key]
		if !ok {
			t.Errorf("route %s is not in routeTable: decide who may call it", key)
			continue
		}
		for who, b := range browsers {
			path := concrete(rt.Path)
			if who == whoWard {
				// Its own ward, and the ranking level its scope allows (another ward or the
				// unit ranking is refused: the TestRouteTable tail and TestWardScopeNeverLeaks).
				path = strings.Replace(path, "/wards/H29.01", "/wards/26734", 1)
				if path == "/api/v1/rankings" {
					path += "?level=ward"
				}
			}
			var r reply
			if rt.Method == http.MethodPost {
				r = b.post(path, url.Values{})
			} else {
				r = b.get(path)
			}
			denied := r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusForbidden ||
				(r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login?"))
			checked++
			if key == "POST /logout" && who != "" && who != whoIngest {
				// Logging out answers with the login page; log back in for the next routes.
				if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
					t.Errorf("logout as %s: %d %q", who, r.StatusCode, r.Header.Get("Location"))
				}
				browsers[who] = e.loggedIn("user-"+who, passwords[who])
				continue
			}
			name := who
			if name == "" {
				name = "anonymous"
			}
			switch {
			case acc.public:
				if denied && !(key == "POST /login") {
					t.Errorf("%s as %s: %d; a public route must answer", key, name, r.StatusCode)
				}
			case acc.bearer && who == whoIngest:
				if r.StatusCode != http.StatusOK {
					t.Errorf("%s with an ingest token: %d %s; want 200", key, r.StatusCode, r.body)
				}
			case acc.bearer:
				if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "bearer") {
					t.Errorf("%s as %s: %d %s; want 401 asking for a bearer token (sessions do not count)", key, name, r.StatusCode, r.body)
				}
			case acc.scrape:
				// The test client is on loopback, which /metrics serves only without a token.
				if wantOK := who == RoleAdmin; (r.StatusCode == http.StatusOK) != wantOK {
					t.Errorf("%s as %s: %d; want 200 only for an admin (token configured)", key, name, r.StatusCode)
				}
			case who == "" || who == whoIngest:
				wantCode := http.StatusSeeOther
				if strings.HasPrefix(rt.Path, "/api/") {
					wantCode = http.StatusUnauthorized
				}
				if r.StatusCode != wantCode || (wantCode == http.StatusSeeOther && !strings.HasPrefix(r.Header.Get("Location"), "/login?next=")) {
					t.Errorf("%s as %s: %d %q; want %d to the login page", key, name, r.StatusCode, r.Header.Get("Location"), wantCode)
				}
			case acc.cityWide && who == whoWard:
				if r.StatusCode != http.StatusForbidden {
					t.Errorf("%s as %s: %d %s; want 403 not_permitted (city-wide route)", key, name, r.StatusCode, r.body)
				}
			case acc.roles == nil || contains(acc.roles, roleOf[who]):
				if denied {
					t.Errorf("%s as %s: %d; the role may call it", key, who, r.StatusCode)
				}
			default:
				if r.StatusCode != http.StatusForbidden {
					t.Errorf("%s as %s: %d; want 403", key, who, r.StatusCode)
				}
			}
		}
	}
	t.Logf("%d routes × %d callers = %d checks", len(routes), len(browsers), checked)
	for key, acc := range routeTable {
		if !seen[key] && !acc.elsewhere {
			t.Errorf("routeTable lists %s, which is not registered", key)
		}
	}

	// A POST without the CSRF token is refused even for the right role.
	if r := browsers[RoleAdmin].post("/admin/tokens", url.Values{csrfField: {""}, "stream": {"posts"}, "name": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("admin POST without CSRF token: %d", r.StatusCode)
	}
	// A ward-scoped user asking for another ward is told so, not shown the data.
	wardUser := e.loggedIn("ward-leader", e.addUser("ward-leader", RoleLeader, "", "26734"))
	if r := wardUser.get("/api/v1/kpis?ward=26740"); r.StatusCode != http.StatusForbidden {
		t.Errorf("ward-scoped user asking for another ward: %d %s", r.StatusCode, r.body)
	}
}

// The callers of TestRouteTable besides anonymous and one user per role.
const (
	whoWard   = "ward-scoped"
	whoIngest = "ingest-token"
)

// bearerTransport sends every request with an ingest token.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(req)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
