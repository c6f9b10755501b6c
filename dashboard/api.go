package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// filters are the common query parameters of pages and JSON APIs (DESIGN §4): period (any form
// models.ParsePeriod reads) or from/to (local dates, both included), unit, ward, field, category,
// platform and lang. Without a period the last 30 days up to today are shown, so today's live
// events are inside.
type filters struct {
	P     models.Period
	Scope analytics.Scope
	Level analytics.Level // rankings: unit (departments) or ward
	Map   string          // ward map metric
	Query url.Values      // the filters as given, for links that keep them
}

var codeRe = regexp.MustCompile(`^[\p{L}\p{N}_.\-]{1,64}$`)

// parseFilters reads the common parameters; a bad value is a *models.FieldError naming it.
func parseFilters(c *gin.Context, now time.Time) (filters, error) {
	f := filters{Query: url.Values{}, Level: analytics.LevelUnit}
	q := c.Request.URL.Query()
	switch per, from, to := strings.TrimSpace(q.Get("period")), strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to")); {
	case per != "":
		p, err := models.ParsePeriod(per)
		if err != nil {
			return f, err
		}
		f.P = p
		f.Query.Set("period", p.String())
	case from != "" || to != "":
		if from == "" || to == "" {
			return f, &models.FieldError{Field: "from", Message: "give both from and to (YYYY-MM-DD), or a period"}
		}
		p, err := models.ParsePeriod(from + ".." + to)
		if err != nil {
			return f, err
		}
		f.P = p
		f.Query.Set("from", from)
		f.Query.Set("to", to)
	default:
		today := now.In(models.Location)
		p, err := models.DateRange(today.AddDate(0, 0, -29), today)
		if err != nil {
			return f, err
		}
		f.P = p
	}
	for _, dim := range []struct {
		name string
		dst  *string
	}{{"unit", &f.Scope.Unit}, {"ward", &f.Scope.Ward}, {"field", &f.Scope.Field}, {"category", &f.Scope.Category}, {"platform", &f.Scope.Platform}} {
		v := strings.TrimSpace(q.Get(dim.name))
		if v == "" {
			continue
		}
		if !codeRe.MatchString(v) {
			return f, &models.FieldError{Field: dim.name, Message: "not a code (letters, digits, _ . - up to 64)"}
		}
		*dim.dst = v
		f.Query.Set(dim.name, v)
	}
	if l := q.Get("level"); l != "" {
		switch analytics.Level(l) {
		case analytics.LevelUnit, analytics.LevelWard:
			f.Level = analytics.Level(l)
			f.Query.Set("level", l)
		default:
			return f, &models.FieldError{Field: "level", Message: "use unit or ward"}
		}
	}
	f.Map = "score"
	if m := q.Get("map"); m != "" {
		if !mapMetrics[m] {
			return f, &models.FieldError{Field: "map", Message: "use score or alerts"}
		}
		f.Map = m
		f.Query.Set("map", m)
	}
	return f, nil
}

// mapMetrics are the metrics the ward map can colour wards by.
var mapMetrics = map[string]bool{"score": true, "alerts": true}

// only is s without the dimensions a source does not carry, so one set of page filters can feed
// the dossier, petition and post KPIs side by side.
func only(s analytics.Scope, source models.Stream) analytics.Scope {
	switch source {
	case models.StreamDossiers:
		s.Category, s.Platform = "", ""
	case models.StreamPetitions:
		s.Field, s.Platform = "", ""
	case models.StreamPosts:
		s.Unit, s.Field, s.Category = "", "", ""
	}
	return s
}

// status is the state of one panel: data, no data, not available (not built, failed) or not
// permitted. Pages show each differently (DESIGN §6).
type status string

const (
	statusOK        status = "ok"
	statusNoData    status = "no_data"
	statusNA        status = "not_available"
	statusForbidden status = "not_permitted"
	statusInvalid   status = "invalid"
	statusTooSlow   status = "too_slow" // the query ran past its time limit (engine or page budget)
)

// classify maps an error to the status a user sees; only ErrInvalid texts are shown verbatim.
func classify(err error) status {
	switch {
	case err == nil:
		return statusOK
	case errors.Is(err, errNotPermitted):
		return statusForbidden
	case errors.Is(err, models.ErrInvalid):
		return statusInvalid
	case errors.Is(err, models.ErrNotFound):
		return statusNoData
	case errors.Is(err, context.DeadlineExceeded): // also the engine's max_execution_time (store.ErrQueryTimeout)
		return statusTooSlow
	}
	return statusNA
}

// httpStatus is the one place that maps errors to HTTP status codes for the JSON APIs.
func httpStatus(err error) int {
	switch classify(err) {
	case statusForbidden:
		return http.StatusForbidden
	case statusInvalid:
		return http.StatusBadRequest
	case statusNoData:
		return http.StatusNotFound
	case statusNA:
		return http.StatusServiceUnavailable
	case statusTooSlow:
		return http.StatusGatewayTimeout
	}
	return http.StatusOK
}

// apiError answers a JSON error: {"error": code, "message": text}. Internals never reach the
// client; they are logged.
func (p *pages) apiError(c *gin.Context, err error) {
	st := classify(err)
	tr := Translator{Lang: langOf(c)}
	msg := tr.T("state." + string(st))
	var fe *models.FieldError
	if errors.As(err, &fe) {
		msg = fe.Error()
	}
	if st == statusNA || st == statusTooSlow {
		p.log.Warn("api not available", "path", c.FullPath(), "status", st, "err", err)
	}
	c.JSON(httpStatus(err), gin.H{"error": string(st), "message": msg})
}

// request is one page or API call with its filters, scope already narrowed by the user's rights.
// panelBudget bounds how long one page or API request waits for analytics.
const panelBudget = 8 * time.Second

type request struct {
	c   *gin.Context
	ctx context.Context
	tr  Translator
	f   filters
	now time.Time
}

// begin reads the filters and applies the user's scope; a bad filter or a forbidden scope is
// returned as an error for the caller to render.
func (p *pages) begin(c *gin.Context) (*request, error) {
	// A page waits at most panelBudget for its panels; a slower one shows as not available and
	// is ready for the next request (memo).
	ctx, cancel := context.WithTimeout(c.Request.Context(), panelBudget)
	context.AfterFunc(c.Request.Context(), cancel)
	r := &request{c: c, ctx: ctx, tr: Translator{Lang: langOf(c)}, now: p.now()}
	f, err := parseFilters(c, r.now)
	r.f = f
	if err != nil {
		return r, err
	}
	s, err := p.scope(c, f.Scope)
	if err != nil {
		if !errors.Is(err, errNotPermitted) {
			err = fmt.Errorf("%w: %v", errNotPermitted, err)
		}
		return r, err
	}
	r.f.Scope = s
	return r, nil
}

// kpiGroup is the KPIs of one stream as the page and the API show them.
type kpiGroup struct {
	Stream models.Stream `json:"stream"`
	Status status        `json:"status"`
	Cards  []kpiCard     `json:"cards"`
}

// overviewKPIs are the cards the overview shows of each stream (the stream pages show all).
var overviewKPIs = map[string]bool{
	analytics.KeyDossiersReceived: true, analytics.KeyDossierOnTimeRate: true, analytics.KeyDossiersEndedLate: true,
	analytics.KeyDossierOnlineShare: true, "dossiers_open_overdue": true,
	analytics.KeyPetitionsReceived: true, analytics.KeyPetitionOnTimeRate: true, "petitions_overdue": true, "petition_satisfaction_rate": true,
	analytics.KeyPostsVolume: true, analytics.KeyPostNegativeShare: true, analytics.KeyPostNetSentiment: true,
}

// kpiGroups computes the KPIs of the requested streams; a stream that fails shows its status
// rather than failing the page.
func (p *pages) kpiGroups(r *request, streams ...models.Stream) []kpiGroup {
	return p.kpiGroupsOf(r, nil, streams...)
}

// kpiGroupsOf is kpiGroups keeping only the KPIs in keep (nil: all).
func (p *pages) kpiGroupsOf(r *request, keep map[string]bool, streams ...models.Stream) []kpiGroup {
	out := make([]kpiGroup, 0, len(streams))
	for _, st := range streams {
		kpis, err := p.kpisOf(r.ctx, st, r.f.P, only(r.f.Scope, st))
		g := kpiGroup{Stream: st, Status: classify(err)}
		if err != nil {
			p.log.Warn("kpis not available", "stream", st, "err", err)
		} else {
			if keep != nil {
				kpis = slices.DeleteFunc(slices.Clone(kpis), func(k analytics.KPI) bool { return !keep[k.Key] }) // the memo's slice stays whole
			}
			g.Cards = cardsOf(r.tr, kpis)
			if allEmpty(kpis) {
				g.Status = statusNoData
			}
		}
		out = append(out, g)
	}
	return out
}

// allEmpty reports whether every KPI of the current period counts nothing (zero counts, N/A
// rates, scores and quantities).
func allEmpty(kpis []analytics.KPI) bool {
	for _, k := range kpis {
		n := number(k.Current)
		if n != nil && (k.Current.Count == nil || *n > 0) {
			return false
		}
	}
	return true
}

// apiKPIs serves GET /api/v1/kpis: the KPI cards of the filters (all streams, or ?stream=).
func (p *pages) apiKPIs(c *gin.Context) {
	r, err := p.begin(c)
	if err != nil {
		p.apiError(c, err)
		return
	}
	streams := models.Streams()
	if st := c.Query("stream"); st != "" {
		if !models.Stream(st).Valid() {
			p.apiError(c, &models.FieldError{Field: "stream", Message: "use dossiers, petitions or posts"})
			return
		}
		streams = []models.Stream{models.Stream(st)}
	}
	c.JSON(http.StatusOK, gin.H{
		"period": r.f.P, "previous": r.f.P.Previous(), "last_year": r.f.P.SameLastYear(),
		"scope": r.f.Scope, "as_of": r.now, "groups": p.kpiGroups(r, streams...),
	})
}

// grainFor picks the series grain that keeps a chart readable: days up to ~3 months, then weeks,
// then months.
func grainFor(p models.Period) analytics.Grain {
	switch d := p.Days(); {
	case d <= 92:
		return analytics.GrainDay
	case d <= 370:
		return analytics.GrainWeek
	}
	return analytics.GrainMonth
}

// seriesSource names the stream a series metric belongs to, by its key's prefix.
func seriesSource(metric string) models.Stream {
	switch {
	case strings.HasPrefix(metric, "dossier"):
		return models.StreamDossiers
	case strings.HasPrefix(metric, "petition"):
		return models.StreamPetitions
	}
	return models.StreamPosts
}

// apiSeries serves GET /api/v1/series/:metric: {"series": analytics.Series, "chart": options}.
func (p *pages) apiSeries(c *gin.Context) {
	r, err := p.begin(c)
	if err != nil {
		p.apiError(c, err)
		return
	}
	metric := c.Param("metric")
	if !codeRe.MatchString(metric) {
		p.apiError(c, &models.FieldError{Field: "metric", Message: "not a metric key"})
		return
	}
	g := grainFor(r.f.P)
	if v := c.Query("grain"); v != "" {
		switch analytics.Grain(v) {
		case analytics.GrainDay, analytics.GrainWeek, analytics.GrainMonth:
			g = analytics.Grain(v)
		default:
			p.apiError(c, &models.FieldError{Field: "grain", Message: "use day, week or month"})
			return
		}
	}
	s, err := p.seriesOf(r.ctx, metric, r.f.P, g, only(r.f.Scope, seriesSource(metric)))
	if err != nil {
		p.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"series": s, "chart": seriesChart(r.tr, s)})
}

// alertWindow is the window of "live" alerts: the last 7 local days up to and including today.
func alertWindow(now time.Time) models.Period {
	today := now.In(models.Location)
	p, _ := models.DateRange(today.AddDate(0, 0, -6), today)
	return p
}

// apiAlerts serves GET /api/v1/alerts: the alerts of the last 7 days (or of ?period=/from/to
// when given) within the filters, most severe first, with hotspots when ?hotspots=1.
func (p *pages) apiAlerts(c *gin.Context) {
	r, err := p.begin(c)
	if err != nil {
		p.apiError(c, err)
		return
	}
	per := alertWindow(r.now)
	if r.f.Query.Get("period") != "" || r.f.Query.Get("from") != "" {
		per = r.f.P
	}
	alerts, err := p.alertsOf(r.ctx, per, r.f.Scope)
	if err != nil {
		p.apiError(c, err)
		return
	}
	out := gin.H{"period": per, "as_of": r.now, "alerts": alertViews(r.tr, alerts)}
	if c.Query("hotspots") == "1" {
		hs, err := p.hotspotsOf(r.ctx, per, r.f.Scope)
		if err != nil {
			p.apiError(c, err)
			return
		}
		out["hotspots"] = hs
	}
	c.JSON(http.StatusOK, out)
}

// alertView is an alert with its title in the request's language, for the live list.
type alertView struct {
	analytics.Alert
	Title string `json:"title"`
	When  string `json:"when"`
}

func alertViews(tr Translator, alerts []analytics.Alert) []alertView {
	out := make([]alertView, 0, len(alerts))
	for _, a := range alerts {
		out = append(out, alertView{Alert: a, Title: tr.Pick(a.TitleVI, a.TitleEN),
			When: tr.Date(a.Start) + " – " + tr.Date(a.End.AddDate(0, 0, -1))})
	}
	return out
}

// apiRankings serves GET /api/v1/rankings: the 766 ranking of ?level= (unit|ward) for the
// period, rows ordered by rank; ?unit= or ?ward= keeps one row.
func (p *pages) apiRankings(c *gin.Context) {
	r, err := p.begin(c)
	if err != nil {
		p.apiError(c, err)
		return
	}
	rk, err := p.ranking(r, r.f.Level)
	if err != nil {
		p.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, rk)
}

// ranking computes the ranking of level for the request's period, limited to the rows the
// user's scope allows (a ward-scoped user sees their ward's row).
//
// A scoped account sees the level of its scope only, as the export allows (export_ranking.go):
// a unit account the department ranking (its row), a ward account the ward ranking (its ward's
// row), a ward committee's account also the ward ranking; other combinations are not permitted.
func (p *pages) ranking(r *request, level analytics.Level) (analytics.Ranking, error) {
	unit, ward := p.userScope(r.c)
	switch {
	case unit == "" && ward == "":
	case level == analytics.LevelUnit && unit != "":
	case level == analytics.LevelWard && (ward != "" || p.wardOfRow(r.ctx)(unit) != ""):
	default:
		return analytics.Ranking{}, fmt.Errorf("%w: a scoped account sees its own level's ranking only", errNotPermitted)
	}
	rk, err := p.rankingsOf(r.ctx, level, r.f.P)
	if err != nil {
		return rk, err
	}
	rk.Rows = slices.Clone(rk.Rows) // the memo's copy stays as computed
	keep := ""
	if level == analytics.LevelUnit {
		keep = r.f.Scope.Unit
	} else {
		keep = r.f.Scope.Ward
		if keep == "" && unit != "" {
			keep = unit // a ward committee's account: its own row
		}
	}
	if keep != "" {
		wardOf := p.wardOfRow(r.ctx)
		rows := rk.Rows[:0:0]
		for _, row := range rk.Rows {
			if row.Code == keep || (level == analytics.LevelWard && wardOf(row.Code) == keep) {
				rows = append(rows, row)
			}
		}
		rk.Rows = rows
	}
	sort.SliceStable(rk.Rows, func(i, j int) bool { return rk.Rows[i].Score.Rank < rk.Rows[j].Score.Rank })
	return rk, nil
}

// wardOfRow maps a ranking row's code to its ward code: ward-level rankings rank the ward
// people's committees, whose unit codes name their ward in the units table; a code that is
// already a ward code maps to itself; anything else maps to "".
func (p *pages) wardOfRow(ctx context.Context) func(code string) string {
	d := p.dimensions(ctx)
	m := make(map[string]string, len(d.Units)+len(d.Wards))
	for _, w := range d.Wards {
		m[w.Code] = w.Code
	}
	for _, u := range d.Units {
		if u.WardCode != "" {
			m[u.Code] = u.WardCode
		}
	}
	return func(code string) string { return m[code] }
}
