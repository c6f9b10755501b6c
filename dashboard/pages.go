package dashboard

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// The pages of the dashboard (issue 5): server-rendered html/template pages with KPI cards,
// tables and chart options; static/app.js draws the charts with ECharts, keeps filters in the
// URL, cross-filters on chart clicks and refreshes the live parts every few seconds.

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds what the page and JSON handlers need. Handlers are methods on it, so tests can
// build one over a test database without the rest of the server.
type pages struct {
	db    store.DB
	index *analytics.IndexConfig
	log   *slog.Logger
	now   func() time.Time
	// scope narrows the requested scope to what the user may see, or fails (not permitted).
	scope func(c *gin.Context, requested analytics.Scope) (analytics.Scope, error)
	// user is the logged-in user's name and whether they may open the admin page.
	user func(c *gin.Context) (name string, admin bool)
	// userScope is the unit or ward the logged-in user is limited to ("" and "": the city).
	userScope func(c *gin.Context) (unit, ward string)
	// csrf is the token the logout form repeats.
	csrf func(c *gin.Context) string
	// degraded is the degraded-state banner's lines (nil when healthy; health.go).
	degraded func(c *gin.Context) []string
	// province is the province whose ward map is drawn (static/geo/<province>.json).
	province string

	tmpl map[string]*template.Template
	memo memo // analytics results shared between requests for a few seconds

	dimsMu sync.Mutex
	dims   store.Dimensions
	dimsAt time.Time
}

// defaultProvince is Ho Chi Minh City, the demo's city.
const defaultProvince = "79"

// newPages parses the templates once; a template error is a programming error caught by tests.
func newPages(db store.DB, index *analytics.IndexConfig, log *slog.Logger) *pages {
	if index == nil {
		index = analytics.DefaultIndexConfig()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &pages{db: db, index: index, log: log, now: time.Now, province: defaultProvince,
		scope:     func(_ *gin.Context, s analytics.Scope) (analytics.Scope, error) { return s, nil },
		user:      func(*gin.Context) (string, bool) { return "", false },
		csrf:      func(*gin.Context) string { return "" },
		degraded:  func(*gin.Context) []string { return nil },
		userScope: func(*gin.Context) (string, string) { return "", "" },
	}
	p.tmpl = mustParseTemplates()
	return p
}

// pageTemplates are the page templates; each defines "title" and "content" and is rendered
// inside templates/layout.html with the pieces of templates/parts.html. (login.html, admin.html
// and forbidden.html stand alone; auth_login.go renders them.)
var pageTemplates = []string{"overview", "rankings", "stream", "place", "ask", "error"}

func mustParseTemplates() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/parts.html"))
	out := map[string]*template.Template{}
	for _, n := range pageTemplates {
		out[n] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+n+".html"))
	}
	return out
}

// pageRoutes registers the dashboard's pages, its JSON APIs (except exports and ingest) and
// /static; routes() calls it. Every page and API requires a login; the user's unit or ward
// scope narrows every query (scopeOf).
func (s *Server) pageRoutes(g *gin.RouterGroup) {
	p := newPages(s.opts.DB, s.index, s.log)
	p.now = s.opts.Now
	p.scope = scopeOf
	p.csrf = csrfToken
	p.degraded = s.health.banner
	p.user = func(c *gin.Context) (string, bool) {
		u := userOf(c)
		if u == nil {
			return "", false
		}
		name := u.DisplayName
		if name == "" {
			name = u.Username
		}
		return name, u.Role == RoleAdmin
	}
	p.userScope = func(c *gin.Context) (string, string) {
		if u := userOf(c); u != nil {
			return u.ScopeUnit, u.ScopeWard
		}
		return "", ""
	}
	p.register(g, s.authed)
}

var templateFuncs = template.FuncMap{
	"pct": func(tr Translator, v *float64) string {
		if v == nil {
			return tr.T("value.na")
		}
		return tr.Number(*v*100, 2) + "%"
	},
	"num": func(tr Translator, v float64, decimals int) string { return tr.Number(v, decimals) },
	"pts": func(tr Translator, v *float64) string {
		if v == nil {
			return tr.T("value.na")
		}
		return tr.Number(*v, 2)
	},
	"deref": func(v *int) int {
		if v == nil {
			return 0
		}
		return *v
	},
	"neg":  func(v int) int { return -v },
	"inc":  func(v int) int { return v + 1 },
	"json": toJSON,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"jsMessages": jsMessages,
}

// jsMessages are the catalogue texts static/app.js needs (keys starting "js."), as JSON for the
// body's data-i18n attribute.
func jsMessages(tr Translator) string {
	lang := tr.Lang
	if _, ok := catalogue[lang]; !ok {
		lang = languages[0]
	}
	out := map[string]string{}
	for k, v := range catalogue[lang] {
		if rest, ok := strings.CutPrefix(k, "js."); ok {
			out[rest] = v
		}
	}
	return toJSON(out)
}

// view is what every page template receives.
type view struct {
	Tr        Translator
	Lang      string
	Page      string // the nav entry to highlight
	Title     string
	User      string
	Admin     bool
	Path      string
	Query     url.Values // the filters in force, to keep them in links
	Period    models.Period
	PeriodTxt string
	Scope     analytics.Scope
	Status    status // the page as a whole (not permitted, invalid filter)
	Message   string // the invalid filter's message
	AsOf      time.Time
	Data      any
	// FilterKeys are the dimension filters the filter bar offers, with their Options.
	FilterKeys []string
	Options    map[string][]option
	// CSRF is the logout form's token, when the auth layer uses one.
	CSRF string
	// PeriodChoices are the period picker's suggestions (value, label).
	PeriodChoices []option
	// Degraded is the degraded-state banner: a headline and one line per reason (nil: healthy).
	Degraded []string
}

// periodChoices suggests this and the previous week, month, quarter and year around now.
func periodChoices(tr Translator, now time.Time) []option {
	var out []option
	add := func(key, text string) {
		if p, err := models.ParsePeriod(text); err == nil {
			out = append(out, option{p.String(), tr.T(key) + " (" + p.String() + ")"})
		}
	}
	t := now.In(models.Location)
	y, w := t.ISOWeek()
	add("period.this_week", fmt.Sprintf("%04d-W%02d", y, w))
	add("period.this_month", t.Format("2006-01"))
	add("period.last_month", t.AddDate(0, 0, -t.Day()).Format("2006-01"))
	q := (int(t.Month())-1)/3 + 1
	add("period.this_quarter", fmt.Sprintf("%04d-Q%d", t.Year(), q))
	if q == 1 {
		add("period.last_quarter", fmt.Sprintf("%04d-Q4", t.Year()-1))
	} else {
		add("period.last_quarter", fmt.Sprintf("%04d-Q%d", t.Year(), q-1))
	}
	add("period.this_year", t.Format("2006"))
	add("period.last_year", fmt.Sprint(t.Year()-1))
	return out
}

// pageFilters are the dimension filters each page offers (a dimension a page's data cannot be
// cut by is not offered).
var pageFilters = map[string][]string{
	"overview":  {"ward", "unit"},
	"dossiers":  {"ward", "unit", "field"},
	"petitions": {"ward", "unit", "category"},
	"sentiment": {"ward", "platform"},
	"unit":      {"field"},
	"ward":      {"platform"},
}

// LangURL is the current page in the other language.
func (v view) LangURL(lang string) string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	q.Set("lang", lang)
	return v.Path + "?" + q.Encode()
}

// Link is path with the current filters plus the given key/value pairs ("" removes a key).
func (v view) Link(path string, kv ...string) string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// Filter is the value of one filter in force.
func (v view) Filter(key string) string { return v.Query.Get(key) }

// render writes page name with data; status is the HTTP status.
func (p *pages) render(c *gin.Context, code int, name string, v view) {
	t, ok := p.tmpl[name]
	if !ok {
		p.log.Error("no such template", "name", name)
		c.String(http.StatusInternalServerError, "template missing")
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Status(code)
	if err := t.ExecuteTemplate(c.Writer, "layout", v); err != nil {
		p.log.Error("render page", "page", name, "err", err)
	}
}

// page starts a page: filters, user, language. When the filters are bad or not permitted it
// renders the page's error state and returns ok=false.
func (p *pages) page(c *gin.Context, nav, title string) (*request, view, bool) {
	r, err := p.begin(c)
	name, admin := p.user(c)
	v := view{Tr: r.tr, Lang: r.tr.Lang, Page: nav, Title: r.tr.T(title), User: name, Admin: admin,
		Path: c.Request.URL.Path, Query: r.f.Query, Period: r.f.P, PeriodTxt: r.f.P.String(), Scope: r.f.Scope, AsOf: r.now,
		Status: statusOK, FilterKeys: pageFilters[nav], CSRF: p.csrf(c), PeriodChoices: periodChoices(r.tr, r.now),
		Degraded: p.degraded(c)}
	if err != nil {
		v.Status = classify(err)
		v.Message = r.tr.T("state." + string(v.Status))
		if v.Status == statusInvalid {
			v.Message = err.Error()
		}
		p.render(c, httpStatus(err), "error", v)
		return r, v, false
	}
	return r, v, true
}

// panel is one block of a page with its state; Data is set when State is ok.
type panel struct {
	State status
	Data  any
}

func (p *pages) panelOf(what string, data any, err error, empty bool) panel {
	if err != nil {
		p.log.Warn("panel not available", "panel", what, "err", err)
		return panel{State: classify(err)}
	}
	if empty {
		return panel{State: statusNoData}
	}
	return panel{State: statusOK, Data: data}
}

// chartPanel is a chart's options as JSON for the data-chart attribute.
type chartPanel struct {
	State   status
	Options string
	Click   string // what a click does: "day", "unit", "ward", "filter-unit", "filter-ward"
	Map     string // province of a ward map
	Focus   string // the ward a ward map highlights
	Rows    int    // bars of a ranking chart, to size it
}

func (p *pages) seriesPanel(r *request, metric string) chartPanel {
	s, err := p.seriesOf(r.ctx, metric, r.f.P, grainFor(r.f.P), only(r.f.Scope, seriesSource(metric)))
	if err != nil {
		p.log.Warn("series not available", "metric", metric, "err", err)
		return chartPanel{State: classify(err)}
	}
	if len(s.Points) == 0 {
		return chartPanel{State: statusNoData}
	}
	return chartPanel{State: statusOK, Options: toJSON(seriesChart(r.tr, s)), Click: "day"}
}

func (p *pages) forecastPanel(r *request, stream models.Stream) chartPanel {
	f, err := p.forecastOf(r.ctx, stream, r.now, 14, only(r.f.Scope, stream))
	if err != nil {
		p.log.Warn("forecast not available", "stream", stream, "err", err)
		return chartPanel{State: classify(err)}
	}
	if len(f.Points) == 0 {
		return chartPanel{State: statusNoData}
	}
	return chartPanel{State: statusOK, Options: toJSON(forecastChart(r.tr, f))}
}

// alertsPanel is the live alerts of the last 7 days within the filters, optionally of one stream.
func (p *pages) alertsPanel(r *request, keep func(analytics.Alert) bool) panel {
	alerts, err := p.alertsOf(r.ctx, alertWindow(r.now), r.f.Scope)
	if err == nil && keep != nil {
		alerts = slices.DeleteFunc(slices.Clone(alerts), func(a analytics.Alert) bool { return !keep(a) })
	}
	return p.panelOf("alerts", alertViews(r.tr, alerts), err, len(alerts) == 0)
}

func (p *pages) hotspotsPanel(r *request, keep func(analytics.Hotspot) bool) panel {
	hs, err := p.hotspotsOf(r.ctx, alertWindow(r.now), r.f.Scope)
	if err == nil && keep != nil {
		hs = slices.DeleteFunc(slices.Clone(hs), func(h analytics.Hotspot) bool { return !keep(h) })
	}
	type hv struct {
		analytics.Hotspot
		Summary string
		When    string
	}
	out := make([]hv, 0, len(hs))
	for _, h := range hs {
		out = append(out, hv{Hotspot: h, Summary: r.tr.Pick(h.SummaryVI, h.SummaryEN), When: r.tr.Date(h.Start) + " – " + r.tr.Date(h.End.AddDate(0, 0, -1))})
	}
	return p.panelOf("hotspots", out, err, len(out) == 0)
}

// dimensions are the gazetteer and catalogues, read at most once a minute.
func (p *pages) dimensions(ctx context.Context) store.Dimensions {
	p.dimsMu.Lock()
	defer p.dimsMu.Unlock()
	if time.Since(p.dimsAt) < time.Minute {
		return p.dims
	}
	d, err := store.LoadDimensions(ctx, p.db)
	if err != nil {
		p.log.Warn("dimensions not available", "err", err)
		return p.dims
	}
	p.dims, p.dimsAt = d, time.Now()
	return d
}

// options are the filter choices the filter bar offers.
type option struct{ Code, Name string }

func (p *pages) filterOptions(r *request) map[string][]option {
	d := p.dimensions(r.ctx)
	out := map[string][]option{}
	for _, w := range d.Wards {
		if w.ProvinceCode == p.province {
			out["ward"] = append(out["ward"], option{w.Code, r.tr.Pick(w.FullName, w.NameEN)})
		}
	}
	for _, u := range d.Units {
		if u.Active && u.WardCode == "" {
			out["unit"] = append(out["unit"], option{u.Code, r.tr.Pick(u.Name, u.NameEN)})
		}
	}
	for _, f := range d.Fields {
		out["field"] = append(out["field"], option{f.Code, r.tr.Pick(f.NameVI, f.NameEN)})
	}
	for _, c := range d.Categories {
		out["category"] = append(out["category"], option{c.Code, r.tr.Pick(c.NameVI, c.NameEN)})
	}
	for _, pl := range []string{"facebook", "zalo", "tiktok", "youtube", "news", "forum"} {
		out["platform"] = append(out["platform"], option{pl, r.tr.T("platform." + pl)})
	}
	return out
}

// register adds the static files (public) and every page and JSON route, each behind authed
// (any logged-in user; the user's scope is applied by p.scope).
func (p *pages) register(g *gin.RouterGroup, authed func(roles ...string) gin.HandlerFunc) {
	g.GET("/static/*file", staticHandler())
	g.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
	any := authed()
	g.GET("/", any, p.overview)
	g.GET("/rankings", any, p.rankings)
	g.GET("/dossiers", any, p.streamPage(models.StreamDossiers))
	g.GET("/petitions", any, p.streamPage(models.StreamPetitions))
	g.GET("/sentiment", any, p.streamPage(models.StreamPosts))
	g.GET("/ask", any, p.ask)
	g.GET("/units/:code", any, auditView("unit"), p.unit)
	g.GET("/wards/:code", any, auditView("ward"), p.ward)
	g.GET("/api/v1/kpis", any, p.apiKPIs)
	g.GET("/api/v1/series/:metric", any, p.apiSeries)
	g.GET("/api/v1/alerts", any, p.apiAlerts)
	g.GET("/api/v1/rankings", any, p.apiRankings)
	g.GET("/api/v1/wardmap", any, p.apiWardMap)
	g.GET("/api/v1/overdue", any, p.apiOverdue)
	g.GET("/api/v1/posts/negative", any, p.apiNegativePosts)
}
