package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// testNow is the fixed clock of the handler tests: a Wednesday afternoon in Ho Chi Minh City.
var testNow = time.Date(2026, time.November, 18, 15, 0, 0, 0, models.Location)

// handlerDB is the seeded database TestHandlers shares with its subtests.
var handlerDB struct {
	db   store.DB
	dims store.Dimensions
}

// TestHandlers seeds one small database (45 days at scale 0.02) and runs the handler tests on it.
func TestHandlers(t *testing.T) {
	handlerDB.db, handlerDB.dims = seededDB(t, 45, 0.02, testNow)
	t.Cleanup(func() { handlerDB.db = nil })
	t.Run("pages render", testPagesRender)
	t.Run("not permitted", testNotPermitted)
	t.Run("kpi api", testKPIAPI)
	t.Run("not available", testNotAvailable)
	t.Run("static assets", testStaticAssets)
}

// pagesOver returns a router with the page routes over a seeded database and no login (the
// auth middleware is the auth helper's and tested by routes_test.go); scope plays the user's
// scope rule.
func pagesOver(t *testing.T, scope func(*gin.Context, analytics.Scope) (analytics.Scope, error)) (*gin.Engine, *pages) {
	t.Helper()
	if handlerDB.db == nil {
		t.Fatal("pagesOver runs inside TestHandlers")
	}
	p := newPages(handlerDB.db, nil, nil)
	p.now = func() time.Time { return testNow }
	if scope != nil {
		p.scope = scope
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	p.register(&r.RouterGroup, func(...string) gin.HandlerFunc { return func(c *gin.Context) { c.Next() } })
	return r, p
}

func pgGet(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func testPagesRender(t *testing.T) {
	r, _ := pagesOver(t, nil)
	ward := handlerDB.dims.Wards[0].Code
	for _, w := range handlerDB.dims.Wards {
		if w.ProvinceCode == "79" {
			ward = w.Code
			break
		}
	}
	unit := ""
	for _, u := range handlerDB.dims.Units {
		if u.WardCode == "" && strings.HasPrefix(u.Code, "H29.") {
			unit = u.Code
			break
		}
	}
	cases := []struct {
		name, path string
		code       int
		want       []string
	}{
		{"overview vi", "/", 200, []string{"Tổng quan", `data-kpi="dossiers_received"`, `data-map="79"`, "Hồ sơ tiếp nhận", `id="briefing"`}},
		{"overview en", "/?lang=en", 200, []string{"Overview", "Dossiers received", `lang="en"`}},
		{"overview alerts map", "/?map=alerts&lang=en", 200, []string{"Alerts in the last 7 days", `data-click="ward"`}},
		{"rankings", "/rankings?period=2026-10", 200, []string{`id="export-xlsx"`, "/api/v1/rankings/export.xlsx?period=2026-10"}},
		{"rankings wards", "/rankings?level=ward", 200, []string{"Phường/xã"}},
		{"dossiers", "/dossiers?field=ho_tich", 200, []string{`data-kpi="dossier_on_time_rate"`, "Dự báo"}},
		{"petitions", "/petitions", 200, []string{`data-kpi="petition_on_time_rate"`}},
		{"sentiment", "/sentiment?platform=facebook", 200, []string{`data-kpi="post_negative_share"`}},
		{"ask", "/ask", 200, []string{`id="ask-form"`, `data-src="/api/v1/ask"`}},
		{"ward", "/wards/" + ward, 200, []string{`data-kpi="posts_volume"`, "Mã phường/xã " + ward}},
		{"unit", "/units/" + unit, 200, []string{`data-kpi="dossiers_received"`, "Mã đơn vị " + unit}},
		{"unknown ward", "/wards/99999", 404, []string{"Không tìm thấy mã 99999"}},
		{"bad period", "/?period=2026-13", 400, []string{"period:", `data-state="invalid"`}},
		{"half range", "/dossiers?from=2026-10-01", 400, []string{"from"}},
		{"bad code", "/?ward=%3Cscript%3E", 400, []string{"ward: not a code"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := pgGet(t, r, c.path)
			body := rec.Body.String()
			if rec.Code != c.code {
				t.Fatalf("status %d, want %d: %.400s", rec.Code, c.code, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, bad := range []string{"[nav.", "[kpi.", "[state.", "<script>alert", "style=\"", "onclick"} {
				if strings.Contains(body, bad) {
					i := strings.Index(body, bad)
					t.Errorf("page contains %q: %s", bad, body[max(0, i-200):min(len(body), i+100)])
				}
			}
		})
	}
}

func testNotPermitted(t *testing.T) {
	deny := func(_ *gin.Context, s analytics.Scope) (analytics.Scope, error) {
		if s.Ward != "" && s.Ward != "26743" {
			return s, fmt.Errorf("%w: your account sees ward 26743 only", errNotPermitted)
		}
		s.Ward = "26743"
		return s, nil
	}
	r, p := pagesOver(t, deny)
	p.userScope = func(*gin.Context) (string, string) { return "", "26743" }
	// A ward account may not see the departments' ranking (as it may not export it).
	if rec := pgGet(t, r, "/api/v1/rankings?level=unit"); rec.Code != http.StatusForbidden {
		t.Errorf("ward account, unit ranking: %d %s", rec.Code, rec.Body.String())
	}
	for _, path := range []string{"/?ward=26740", "/wards/26740", "/api/v1/kpis?ward=26740", "/api/v1/alerts?ward=26740"} {
		rec := pgGet(t, r, path)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "not_permitted") {
			t.Errorf("%s: %d %.300s, want 403 not permitted", path, rec.Code, rec.Body.String())
		}
	}
	// The scope is applied: the KPIs of a ward-scoped user are the ward's.
	rec := pgGet(t, r, "/api/v1/kpis?stream=posts&from=2026-11-01&to=2026-11-18")
	var got struct {
		Scope analytics.Scope
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Scope.Ward != "26743" {
		t.Errorf("scope %+v (%v), want ward 26743 forced", got.Scope, err)
	}
}

// TestKPIAPI checks the API's figures against the analytics call it wraps and its period rules.
func testKPIAPI(t *testing.T) {
	r, p := pagesOver(t, nil)
	rec := pgGet(t, r, "/api/v1/kpis?from=2026-11-01&to=2026-11-18&stream=dossiers")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var got struct {
		Period string `json:"period"`
		Groups []kpiGroup
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Period != "2026-11-01..2026-11-18" || len(got.Groups) != 1 || got.Groups[0].Status != statusOK {
		t.Fatalf("got %+v", got)
	}
	per, _ := models.ParsePeriod("2026-11-01..2026-11-18")
	want, err := analytics.DossierKPIs(t.Context(), p.db, per, analytics.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range want {
		c := got.Groups[0].Cards[i]
		w := number(k.Current)
		if c.Key != k.Key || (w == nil) != (c.Raw == nil) || (w != nil && *w != *c.Raw) {
			t.Errorf("card %s = %v, want %s = %v", c.Key, c.Raw, k.Key, w)
		}
	}
	if *got.Groups[0].Cards[0].Raw == 0 {
		t.Error("no dossiers received in the seeded period")
	}
	for _, c := range []struct{ path, want string }{
		{"/api/v1/kpis?stream=votes", "stream"},
		{"/api/v1/kpis?period=Q5", "period"},
		{"/api/v1/series/dossiers_received?grain=hour", "grain"},
		{"/api/v1/rankings?level=city", "level"},
	} {
		rec := pgGet(t, r, c.path)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %s, want 400 about %s", c.path, rec.Code, rec.Body.String(), c.want)
		}
	}
}

// TestNotAvailable: an analytics API that fails answers 503 "not_available" without internals.
func testNotAvailable(t *testing.T) {
	r, _ := pagesOver(t, nil)
	for _, path := range []string{"/api/v1/series/dossiers_received", "/api/v1/alerts", "/api/v1/rankings"} {
		rec := pgGet(t, r, path)
		switch rec.Code {
		case http.StatusOK:
			// built by now (after the analytics branches merge): must be JSON
			if !json.Valid(rec.Body.Bytes()) {
				t.Errorf("%s: invalid JSON", path)
			}
		case http.StatusServiceUnavailable:
			if !strings.Contains(rec.Body.String(), `"not_available"`) || strings.Contains(rec.Body.String(), "analytics:") {
				t.Errorf("%s: %s", path, rec.Body.String())
			}
		default:
			t.Errorf("%s: status %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

func testStaticAssets(t *testing.T) {
	r, _ := pagesOver(t, nil)
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/static/app.js", 200, "use strict"},
		{"/static/app.css", 200, ":root"},
		{"/static/geo/79.json", 200, `"FeatureCollection"`},
		{"/static/vendor/nothing.js", 404, ""},
		{"/static/../pages.go", 404, ""},
	} {
		rec := pgGet(t, r, c.path)
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d, want %d with %q", c.path, rec.Code, c.code, c.want)
		}
	}
	rec := pgGet(t, r, "/static/vendor/echarts.min.js")
	if webModulesDir() == "" {
		if rec.Code != 503 || !strings.Contains(rec.Body.String(), "scripts/deps.sh web") {
			t.Errorf("missing ECharts: %d %s", rec.Code, rec.Body.String())
		}
	} else if rec.Code != 200 || !strings.Contains(rec.Body.String(), "echarts") {
		t.Errorf("ECharts: %d", rec.Code)
	}
}

// TestWardPolygons: the shipped map has every ward of the seeded gazetteer, keyed by code.
func TestWardPolygons(t *testing.T) {
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct{ Code, Name string }
			Geometry   struct {
				Type        string
				Coordinates [][][][2]float64
			}
		}
	}
	for _, prov := range []string{"79", "31", "92"} {
		b, err := staticFiles.ReadFile("static/geo/" + prov + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 400_000 {
			t.Errorf("%s.json is %d bytes; simplify more", prov, len(b))
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"79": 168, "31": 114, "92": 103}[prov]
		if len(fc.Features) != want {
			t.Errorf("%s: %d wards, want %d", prov, len(fc.Features), want)
		}
		for _, f := range fc.Features {
			if f.ID != f.Properties.Code || f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) == 0 || len(f.Geometry.Coordinates[0][0]) < 4 {
				t.Errorf("%s: bad feature %s", prov, f.ID)
			}
		}
	}
}
