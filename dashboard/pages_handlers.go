package dashboard

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

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
		breakdown := func(dim, metric string, bs []analytics.Breakdown, err error) {
			codes, kpis := make([]string, len(bs)), make([][]analytics.KPI, len(bs))
			for i, b := range bs {
				codes[i], kpis[i] = b.Value, b.KPIs
			}
			d.Breakdowns = append(d.Breakdowns, p.breakdownPanel(r, dim, metric, codes, kpis, err))
		}
		switch st {
		case models.StreamPetitions:
			for _, by := range []string{"category", "channel"} {
				bs, err := p.petitionBreakdownOf(r.ctx, r.f.P, only(r.f.Scope, st), by)
				breakdown(by, analytics.KeyPetitionsReceived, bs, err)
			}
		case models.StreamPosts:
			bs, err := p.postTopicsOf(r.ctx, r.f.P, only(r.f.Scope, st))
			breakdown("topic", analytics.KeyPostsVolume, bs, err)
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
	}
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
		for _, code := range []string{"facebook", "zalo", "tiktok", "youtube", "news", "forum", "hotline", "app", "web", "email", "social"} {
			if k := dimension + "." + code; catalogue[r.tr.Lang][k] != "" || catalogue[languages[0]][k] != "" {
				names[code] = r.tr.T(k)
			}
		}
	}
	return names
}
