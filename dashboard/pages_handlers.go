package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// overviewData is the Tổng quan page.
type overviewData struct {
	KPIs    []kpiGroup
	Trends  []chartPanel
	Alerts  panel
	Top     panel // []analytics.RankingRow, best first
	Bottom  panel // worst last
	Map     chartPanel
	MapNote string
	Options map[string][]option
}

func (p *pages) overview(c *gin.Context) {
	r, v, ok := p.page(c, "overview", "nav.overview")
	if !ok {
		return
	}
	d := overviewData{
		KPIs:    p.kpiGroupsOf(r, overviewKPIs, models.Streams()...),
		Alerts:  p.alertsPanel(r, nil),
		Options: p.filterOptions(r),
	}
	for _, m := range []string{analytics.KeyDossiersReceived, analytics.KeyPetitionsReceived, analytics.KeyPostNegativeShare} {
		d.Trends = append(d.Trends, p.seriesPanel(r, m))
	}
	rk, err := p.ranking(r, analytics.LevelUnit)
	d.Top = p.panelOf("ranking", nil, err, len(rk.Rows) == 0)
	d.Bottom = d.Top
	if d.Top.State == statusOK {
		n := min(5, len(rk.Rows))
		d.Top.Data = rk.Rows[:n]
		d.Bottom.Data = rk.Rows[len(rk.Rows)-n:]
	}
	d.Map = p.wardMap(r, r.f.Map)
	v.Data, v.Options = d, d.Options
	p.render(c, http.StatusOK, "overview", v)
}

// wardMap is the ward choropleth of metric: "score" (766 total of the ward level) or "alerts"
// (alerts of the last 7 days per ward). The polygons are always drawn; wards without a value
// stay grey, and the panel's state says why values are missing.
func (p *pages) wardMap(r *request, metric string) chartPanel {
	values, err := p.wardValues(r, metric)
	state := classify(err)
	if err != nil {
		p.log.Warn("ward map values not available", "metric", metric, "err", err)
	} else if len(values) == 0 {
		state = statusNoData
	}
	return chartPanel{State: state, Options: toJSON(wardMapChart(r.tr, p.province, metric, values, metric == "score")), Click: "ward", Map: p.province}
}

func (p *pages) wardValues(r *request, metric string) ([]wardValue, error) {
	var out []wardValue
	switch metric {
	case "alerts":
		alerts, err := p.alertsOf(r.ctx, alertWindow(r.now), r.f.Scope)
		if err != nil {
			return nil, err
		}
		n := map[string]float64{}
		for _, a := range alerts {
			if a.Ward != "" {
				n[a.Ward]++
			}
		}
		for code, c := range n {
			out = append(out, wardValue{Code: code, Value: &c})
		}
	default:
		rk, err := p.ranking(r, analytics.LevelWard)
		if err != nil {
			return nil, err
		}
		wardOf := p.wardOfRow(r.ctx)
		for _, row := range rk.Rows {
			if w := wardOf(row.Code); w != "" {
				t := row.Score.Total
				out = append(out, wardValue{Code: w, Value: &t})
			}
		}
	}
	return out, nil
}

// apiWardMap serves GET /api/v1/wardmap?map=score|alerts: the ward map's chart options.
func (p *pages) apiWardMap(c *gin.Context) {
	r, err := p.begin(c)
	if err != nil {
		p.apiError(c, err)
		return
	}
	m := p.wardMap(r, r.f.Map)
	c.JSON(http.StatusOK, gin.H{"state": m.State, "province": m.Map, "chart": json.RawMessage(m.Options)})
}

// rankingsData is the Xếp hạng page.
type rankingsData struct {
	Ranking panel             // analytics.Ranking
	Links   map[string]string // row code → the page it drills into
	Groups  []analytics.IndexGroup
	Chart   chartPanel
	Bands   []analytics.Band
}

func (p *pages) rankings(c *gin.Context) {
	r, v, ok := p.page(c, "rankings", "nav.rankings")
	if !ok {
		return
	}
	rk, err := p.ranking(r, r.f.Level)
	d := rankingsData{Ranking: p.panelOf("ranking", rk, err, len(rk.Rows) == 0)}
	ver := p.index.VersionAt(r.f.P.LastDay())
	d.Groups, d.Bands = ver.Groups, ver.Bands
	if d.Ranking.State == statusOK {
		d.Links = map[string]string{}
		bars := rk.Rows
		click := "unit"
		if r.f.Level == analytics.LevelWard {
			// Ward committees drill into their ward's page; the bars carry ward codes.
			wardOf := p.wardOfRow(r.ctx)
			bars = slices.Clone(rk.Rows)
			click = "ward"
			for i, row := range bars {
				if w := wardOf(row.Code); w != "" {
					d.Links[row.Code] = "/wards/" + w
					bars[i].Code = w
				}
			}
		}
		for _, row := range rk.Rows {
			if d.Links[row.Code] == "" {
				d.Links[row.Code] = "/units/" + row.Code
			}
		}
		d.Chart = chartPanel{State: statusOK, Options: toJSON(rankingChart(r.tr, r.tr.T("rank.chart"), bars)), Click: click, Rows: len(bars)}
	} else {
		d.Chart = chartPanel{State: d.Ranking.State}
	}
	v.Data = d
	p.render(c, http.StatusOK, "rankings", v)
}

// streamData is the Hồ sơ, Phản ánh or Mạng xã hội page.
type streamData struct {
	Stream   models.Stream
	KPIs     []kpiGroup
	Series   []chartPanel
	Forecast chartPanel
	// Breakdowns are KPIs by category, channel, topic, field or platform (breakdownChart).
	Breakdowns []chartPanel
	Alerts     panel
	Hotspots   panel
	Options    map[string][]option
	// Overdue is the overdue list (overdueView) of the dossiers or petitions page; Posts the most
	// engaged negative posts ([]postView) of the sentiment page.
	Overdue panel
	Posts   panel
}

var streamSeries = map[models.Stream][]string{
	models.StreamDossiers:  {analytics.KeyDossiersReceived, analytics.KeyDossierOnTimeRate, analytics.KeyDossierOnlineShare},
	models.StreamPetitions: {analytics.KeyPetitionsReceived, analytics.KeyPetitionOnTimeRate},
	models.StreamPosts:     {analytics.KeyPostsVolume, analytics.KeyPostNegativeShare, analytics.KeyPostNetSentiment},
}

var streamNav = map[models.Stream]string{models.StreamDossiers: "dossiers", models.StreamPetitions: "petitions", models.StreamPosts: "sentiment"}

func (p *pages) streamPage(st models.Stream) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, v, ok := p.page(c, streamNav[st], "nav."+streamNav[st])
		if !ok {
			return
		}
		d := streamData{Stream: st, KPIs: p.kpiGroups(r, st), Options: p.filterOptions(r)}
		for _, m := range streamSeries[st] {
			d.Series = append(d.Series, p.seriesPanel(r, m))
		}
		if st != models.StreamPosts {
			d.Forecast = p.forecastPanel(r, st)
		}
		breakdown := func(by, metric string) {
			bs, err := p.breakdownOf(r.ctx, st, r.f.P, only(r.f.Scope, st), by)
			codes, kpis := make([]string, len(bs)), make([][]analytics.KPI, len(bs))
			for i, b := range bs {
				codes[i], kpis[i] = b.Value, b.KPIs
			}
			d.Breakdowns = append(d.Breakdowns, p.breakdownPanel(r, by, metric, codes, kpis, err))
		}
		switch st {
		case models.StreamDossiers:
			breakdown("field", analytics.KeyDossiersReceived)
			breakdown("channel", analytics.KeyDossiersReceived)
			d.Overdue = p.overduePanel(r, st)
		case models.StreamPetitions:
			breakdown("category", analytics.KeyPetitionsReceived)
			breakdown("channel", analytics.KeyPetitionsReceived)
			d.Overdue = p.overduePanel(r, st)
		case models.StreamPosts:
			breakdown("topic", analytics.KeyPostsVolume)
			if r.f.Scope.Platform == "" { // one platform's breakdown by platform is one bar
				breakdown("platform", analytics.KeyPostsVolume)
			}
			d.Posts = p.negativePostsPanel(r)
		}
		d.Alerts = p.alertsPanel(r, func(a analytics.Alert) bool { return a.Stream == st })
		d.Hotspots = p.hotspotsPanel(r, func(h analytics.Hotspot) bool {
			for _, s := range h.Streams {
				if s == st {
					return true
				}
			}
			return false
		})
		v.Data, v.Options = d, d.Options
		p.render(c, http.StatusOK, "stream", v)
	}
}

// placeData is the Unit or Ward page: everything about one place.
type placeData struct {
	Kind     string // "unit" or "ward"
	Code     string
	Name     string
	KPIs     []kpiGroup
	Series   []chartPanel
	Ranking  panel // analytics.RankingRow
	Alerts   panel
	Hotspots panel
	Map      chartPanel
	Overdue  panel // overdueView of the place's dossiers
	Posts    panel // []postView: the ward's most engaged negative posts (ward pages)
}

func (p *pages) unit(c *gin.Context) { p.place(c, "unit") }
func (p *pages) ward(c *gin.Context) { p.place(c, "ward") }

// place renders /units/:code or /wards/:code; the path's code becomes the scope filter, so the
// user's scope rules apply exactly as for ?unit= or ?ward=.
func (p *pages) place(c *gin.Context, kind string) {
	code := c.Param("code")
	q := c.Request.URL.Query()
	q.Set(kind, code)
	c.Request.URL.RawQuery = q.Encode()
	r, v, ok := p.page(c, "", "nav."+kind)
	if !ok {
		return
	}
	v.FilterKeys, v.Options = pageFilters[kind], p.filterOptions(r)
	v.Query.Del(kind)
	name, known := p.placeName(r, kind, code)
	if !known {
		v.Status, v.Message = statusNoData, r.tr.T("place.unknown", code)
		p.render(c, http.StatusNotFound, "error", v)
		return
	}
	v.Title = name
	d := placeData{Kind: kind, Code: code, Name: name}
	if kind == "unit" {
		d.KPIs = p.kpiGroups(r, models.StreamDossiers, models.StreamPetitions)
		for _, m := range []string{analytics.KeyDossiersReceived, analytics.KeyDossierOnTimeRate, analytics.KeyPetitionOnTimeRate} {
			d.Series = append(d.Series, p.seriesPanel(r, m))
		}
	} else {
		d.KPIs = p.kpiGroups(r, models.Streams()...)
		for _, m := range []string{analytics.KeyDossiersReceived, analytics.KeyPetitionsReceived, analytics.KeyPostNegativeShare} {
			d.Series = append(d.Series, p.seriesPanel(r, m))
		}
		d.Map = p.wardMap(r, "score")
		d.Map.Focus = code
		d.Hotspots = p.hotspotsPanel(r, func(h analytics.Hotspot) bool { return h.Ward == code })
		d.Posts = p.negativePostsPanel(r)
	}
	d.Overdue = p.overduePanel(r, models.StreamDossiers)
	level := analytics.Level(kind)
	rk, err := p.ranking(r, level)
	var row *analytics.RankingRow
	wardOf := p.wardOfRow(r.ctx)
	for i := range rk.Rows {
		if rk.Rows[i].Code == code || (kind == "ward" && wardOf(rk.Rows[i].Code) == code) {
			row = &rk.Rows[i]
		}
	}
	d.Ranking = p.panelOf("ranking", row, err, row == nil)
	d.Alerts = p.alertsPanel(r, func(a analytics.Alert) bool {
		if kind == "unit" {
			return a.Unit == code
		}
		return a.Ward == code
	})
	v.Data = d
	p.render(c, http.StatusOK, "place", v)
}

func (p *pages) placeName(r *request, kind, code string) (string, bool) {
	d := p.dimensions(r.ctx)
	if kind == "unit" {
		for _, u := range d.Units {
			if u.Code == code {
				return r.tr.Pick(u.Name, u.NameEN), true
			}
		}
		return "", false
	}
	for _, w := range d.Wards {
		if w.Code == code {
			return r.tr.Pick(w.FullName, strings.TrimSpace(w.NameEN)), true
		}
	}
	return "", false
}

func (p *pages) ask(c *gin.Context) {
	_, v, ok := p.page(c, "ask", "nav.ask")
	if !ok {
		return
	}
	p.render(c, http.StatusOK, "ask", v)
}

// breakdownPanel draws metric across the values of dimension: codes[i] is a value and kpis[i]
// its KPIs (an analytics breakdown), err the breakdown's error.
func (p *pages) breakdownPanel(r *request, dimension, metric string, codes []string, kpis [][]analytics.KPI, err error) chartPanel {
	if err != nil {
		p.log.Warn("breakdown not available", "dimension", dimension, "err", err)
		return chartPanel{State: classify(err)}
	}
	if len(codes) == 0 {
		return chartPanel{State: statusNoData}
	}
	click := ""
	if breakdownFilters[dimension] {
		click = "filter-" + dimension
	}
	return chartPanel{State: statusOK, Options: toJSON(breakdownChart(r.tr, dimension, metric, codes, kpis, p.dimensionNames(r, dimension))), Click: click, Rows: len(codes)}
}

// dimensionNames are the labels of a dimension's codes in the request's language.
func (p *pages) dimensionNames(r *request, dimension string) map[string]string {
	names := map[string]string{}
	d := p.dimensions(r.ctx)
	switch dimension {
	case "category":
		for _, c := range d.Categories {
			names[c.Code] = r.tr.Pick(c.NameVI, c.NameEN)
		}
	case "field":
		for _, f := range d.Fields {
			names[f.Code] = r.tr.Pick(f.NameVI, f.NameEN)
		}
	case "platform", "channel":
		for _, code := range []string{"facebook", "zalo", "tiktok", "youtube", "news", "forum", "hotline", "app", "web", "email", "social", "online", "in_person", "postal"} {
			if k := dimension + "." + code; catalogue[r.tr.Lang][k] != "" || catalogue[languages[0]][k] != "" {
				names[code] = r.tr.T(k)
			}
		}
	}
	return names
}

// listRows is how many rows the overdue and negative-post panels show; the APIs take ?limit=.
const listRows = 20

// listMoment is the moment an overdue list is judged at: now while the period runs, else the
// period's end (as the open-overdue KPI of the period).
func listMoment(r *request) time.Time {
	if end := r.f.P.To; end.Before(r.now) {
		return end
	}
	return r.now
}

// overdueView is an overdue list as a page shows it.
type overdueView struct {
	Kind  string // "dossiers" or "petitions"
	At    string
	Total uint64
	Shown int
	// Lookback is the look-back window in days (analytics.OverdueLookbackDays).
	Lookback int
	Rows     []overdueRow
}

// overdueRow is one overdue dossier or petition, its texts in the request's language.
type overdueRow struct {
	ID       string
	What     string // the procedure (dossiers) or the masked title (petitions)
	Unit     string // the receiving (dossiers) or handling (petitions) unit's name
	UnitCode string
	Category string // petitions
	Channel  string // petitions
	Ward     string
	WardCode string
	Status   string
	Received string
	Due      string
	Days     string
}

func (p *pages) stamp(tr Translator, t time.Time) string {
	return tr.Date(t.In(models.Location)) + " " + t.In(models.Location).Format("15:04")
}

// wardNames are the ward names of the gazetteer in the request's language, by code.
func (p *pages) wardNames(r *request) map[string]string {
	out := map[string]string{}
	for _, w := range p.dimensions(r.ctx).Wards {
		out[w.Code] = r.tr.Pick(w.FullName, strings.TrimSpace(w.NameEN))
	}
	return out
}

// unitNames are the unit names of the catalogue in the request's language, by code.
func (p *pages) unitNames(r *request) map[string]string {
	out := map[string]string{}
	for _, u := range p.dimensions(r.ctx).Units {
		out[u.Code] = r.tr.Pick(u.Name, u.NameEN)
	}
	return out
}

// nameOr is names[code], else the code itself ("" stays "").
func nameOr(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

// overduePanel is the overdue list of stream (dossiers or petitions) within the request's
// filters (narrowed to what the stream carries), judged at listMoment.
func (p *pages) overduePanel(r *request, st models.Stream) panel {
	at, s := listMoment(r), only(r.f.Scope, st)
	wards, units := p.wardNames(r), p.unitNames(r)
	v := overdueView{Kind: string(st), At: p.stamp(r.tr, at), Lookback: analytics.OverdueLookbackDays}
	var err error
	switch st {
	case models.StreamDossiers:
		var l analytics.OverdueList[analytics.OverdueDossier]
		l, err = memoOf(r.ctx, p, ttlLive, func(ctx context.Context) (analytics.OverdueList[analytics.OverdueDossier], error) {
			return analytics.OverdueDossiers(ctx, p.db, at, s, listRows)
		}, "overdue-dossiers", r.f.P, s, listRows)
		v.Total = l.Total
		for _, d := range l.Rows {
			if units[d.UnitCode] == "" && d.UnitName != "" {
				units[d.UnitCode] = d.UnitName // a unit the catalogue does not know yet: the dossier's own name
			}
			v.Rows = append(v.Rows, overdueRow{ID: d.ID, What: d.ProcedureName, Unit: nameOr(units, d.UnitCode), UnitCode: d.UnitCode,
				Ward: nameOr(wards, d.WardCode), WardCode: d.WardCode, Status: r.tr.T("status." + d.Status),
				Received: p.stamp(r.tr, d.ReceivedAt), Due: p.stamp(r.tr, d.DueAt), Days: r.tr.Number(d.DaysOverdue, 1)})
		}
	case models.StreamPetitions:
		var l analytics.OverdueList[analytics.OverduePetition]
		l, err = memoOf(r.ctx, p, ttlLive, func(ctx context.Context) (analytics.OverdueList[analytics.OverduePetition], error) {
			return analytics.OverduePetitions(ctx, p.db, at, s, listRows)
		}, "overdue-petitions", r.f.P, s, listRows)
		v.Total = l.Total
		categories := p.dimensionNames(r, "category")
		for _, x := range l.Rows {
			v.Rows = append(v.Rows, overdueRow{ID: x.ID, What: x.Title, Unit: nameOr(units, x.UnitCode), UnitCode: x.UnitCode, Category: nameOr(categories, x.Category),
				Ward: nameOr(wards, x.WardCode), WardCode: x.WardCode, Status: r.tr.T("status." + x.Status), Channel: r.tr.T("channel." + x.Channel),
				Received: p.stamp(r.tr, x.ReceivedAt), Due: p.stamp(r.tr, x.DueAt), Days: r.tr.Number(x.DaysOverdue, 1)})
		}
	default:
		err = &models.FieldError{Field: "stream", Message: "overdue lists are of dossiers or petitions"}
	}
	v.Shown = len(v.Rows)
	return p.panelOf("overdue", v, err, v.Shown == 0)
}

// postView is one negative post as a page shows it (no author: none is stored in the clear, and
// none is shown).
type postView struct {
	analytics.PostItem
	PlatformName, Published, Ward, TopicName, Score string
}

// negativePostsPanel is the most engaged negative posts of the period within the filters.
func (p *pages) negativePostsPanel(r *request) panel {
	posts, err := memoOf(r.ctx, p, ttlLive, func(ctx context.Context) ([]analytics.PostItem, error) {
		return analytics.TopNegativePosts(ctx, p.db, r.f.P, only(r.f.Scope, models.StreamPosts), listRows/2)
	}, "negative-posts", r.f.P, only(r.f.Scope, models.StreamPosts), listRows/2)
	wards := p.wardNames(r)
	out := make([]postView, 0, len(posts))
	for _, x := range posts {
		topic := x.Topic
		if topic == "" {
			topic = r.tr.T("breakdown.unknown")
		}
		out = append(out, postView{PostItem: x, PlatformName: r.tr.T("platform." + x.Platform), Published: p.stamp(r.tr, x.PublishedAt),
			Ward: nameOr(wards, x.WardCode), TopicName: topic, Score: r.tr.Number(float64(x.Sentiment), 2)})
	}
	return p.panelOf("negative posts", out, err, len(out) == 0)
}

// beginList starts a list API: the filters and scope (begin) and ?limit=; on bad input it has
// answered the error and returns ok=false.
func (p *pages) beginList(c *gin.Context) (*request, int, bool) {
	r, err := p.begin(c)
	if err == nil {
		var limit int
		if limit, err = listLimit(c); err == nil {
			return r, limit, true
		}
	}
	p.apiError(c, err)
	return nil, 0, false
}

// listLimit reads ?limit= of the list APIs (default 50).
func listLimit(c *gin.Context) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > analytics.MaxListRows {
		return 0, &models.FieldError{Field: "limit", Message: "a number from 1 to " + strconv.Itoa(analytics.MaxListRows)}
	}
	return n, nil
}

// apiOverdue serves GET /api/v1/overdue?stream=dossiers|petitions (default dossiers): the
// overdue list of the filters, judged now while the period runs, else at its end, most overdue
// first, ?limit= rows (default 50) with the total.
func (p *pages) apiOverdue(c *gin.Context) {
	r, limit, ok := p.beginList(c)
	if !ok {
		return
	}
	at, st := listMoment(r), models.Stream(c.DefaultQuery("stream", string(models.StreamDossiers)))
	s := only(r.f.Scope, st)
	var out any
	var err error
	switch st {
	case models.StreamDossiers:
		out, err = analytics.OverdueDossiers(r.ctx, p.db, at, s, limit)
	case models.StreamPetitions:
		out, err = analytics.OverduePetitions(r.ctx, p.db, at, s, limit)
	default:
		err = &models.FieldError{Field: "stream", Message: "use dossiers or petitions"}
	}
	if err != nil {
		p.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"scope": s, "as_of": r.now, "list": out})
}

// apiNegativePosts serves GET /api/v1/posts/negative: the most engaged negative posts of the
// period within the filters (ward, platform), ?limit= of them (default 50), without authors.
func (p *pages) apiNegativePosts(c *gin.Context) {
	r, limit, ok := p.beginList(c)
	if !ok {
		return
	}
	posts, err := analytics.TopNegativePosts(r.ctx, p.db, r.f.P, only(r.f.Scope, models.StreamPosts), limit)
	if err != nil {
		p.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"period": r.f.P, "scope": only(r.f.Scope, models.StreamPosts), "as_of": r.now, "posts": posts})
}
