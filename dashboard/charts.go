package dashboard

import (
	"math"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/govpulse/govpulse/analytics"
)

// Chart builders: pure functions from analytics results to ECharts options (go-echarts), as the
// JSON map the browser passes to echarts.setOption. They are golden-tested in charts_test.go.
// Text comes from the catalogue; nothing here runs a query.

// chartOptions is an ECharts option object.
type chartOptions = map[string]any

// palette is shared by every chart so a stream keeps its colour across pages.
var palette = opts.Colors{"#1f6feb", "#d9480f", "#2b8a3e", "#ae3ec9", "#f08c00", "#0c8599"}

// defaultGrid leaves room for the title and the axis names.
var defaultGrid = opts.Grid{Left: "48", Right: "16", Top: "40", Bottom: "28", ContainLabel: opts.Bool(true)}

func base(tr Translator, title string, grid opts.Grid) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTitleOpts(opts.Title{Title: title, Left: "left", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithColorsOpts(palette),
		charts.WithAnimation(false),
		charts.WithGridOpts(grid),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
	}
}

// pointValue is a series point as the chart plots it: counts as they are, rates in percent,
// scores as they are; "-" (ECharts' empty value) for N/A, so the line breaks there.
func pointValue(unit string, v analytics.Value) any {
	f := number(v)
	if f == nil {
		return "-"
	}
	if unit == "ratio" {
		return math.Round(*f*10000) / 100
	}
	return math.Round(*f*10000) / 10000
}

func axisName(tr Translator, unit string) string {
	switch unit {
	case "ratio":
		return "%"
	case "score":
		return tr.T("unit.score")
	}
	return tr.T("unit." + unit)
}

// seriesChart is a KPI series as a line chart over its buckets; clicking a bucket narrows the
// page to that bucket (cross-filter, done by static/app.js from the item's name, a date).
func seriesChart(tr Translator, s analytics.Series) chartOptions {
	line := charts.NewLine()
	line.SetGlobalOptions(append(base(tr, tr.T("kpi."+s.Metric), defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: axisName(tr, s.Unit)}),
	)...)
	x := make([]string, 0, len(s.Points))
	data := make([]opts.LineData, 0, len(s.Points))
	for _, pt := range s.Points {
		day := pt.Start.Format(time.DateOnly)
		x = append(x, day)
		data = append(data, opts.LineData{Name: day, Value: pointValue(s.Unit, pt.Value)})
	}
	line.SetXAxis(x).AddSeries(tr.T("kpi."+s.Metric), data,
		charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(false), ShowSymbol: opts.Bool(len(data) <= 40), ConnectNulls: opts.Bool(false)}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.08)}))
	line.Validate() // fills the category axis
	return line.JSON()
}

// forecastChart is the intake history with the forecast mean and its interval after it.
func forecastChart(tr Translator, f analytics.Forecast) chartOptions {
	line := charts.NewLine()
	line.SetGlobalOptions(append(base(tr, tr.T("chart.forecast."+string(f.Stream)), defaultGrid),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: tr.T("unit." + string(f.Stream))}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "0"}),
	)...)
	var x []string
	hist := make([]opts.LineData, 0, len(f.History)+len(f.Points))
	mean := make([]opts.LineData, 0, len(f.History)+len(f.Points))
	low := make([]opts.LineData, 0, len(f.History)+len(f.Points))
	band := make([]opts.LineData, 0, len(f.History)+len(f.Points))
	for _, h := range f.History {
		x = append(x, h.Start.Format(time.DateOnly))
		hist = append(hist, opts.LineData{Value: pointValue("count", h.Value)})
		mean = append(mean, opts.LineData{Value: "-"})
		low = append(low, opts.LineData{Value: "-"})
		band = append(band, opts.LineData{Value: "-"})
	}
	for _, p := range f.Points {
		x = append(x, p.Day.Format(time.DateOnly))
		hist = append(hist, opts.LineData{Value: "-"})
		mean = append(mean, opts.LineData{Value: round2(p.Mean)})
		low = append(low, opts.LineData{Value: round2(p.Low)})
		band = append(band, opts.LineData{Value: round2(p.High - p.Low)})
	}
	line.SetXAxis(x).
		AddSeries(tr.T("chart.actual"), hist, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})).
		AddSeries(tr.T("chart.forecast"), mean, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed"})).
		AddSeries(tr.T("chart.interval_low"), low, charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)})).
		AddSeries(tr.T("chart.interval"), band, charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}), charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.2)}))
	line.Validate() // fills the category axis
	o := line.JSON()
	// The band's invisible lower edge stays out of the legend (go-echarts has no legend.data).
	o["legend"] = map[string]any{"show": true, "right": "0", "data": []string{tr.T("chart.actual"), tr.T("chart.forecast"), tr.T("chart.interval")}}
	return o
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// rankingChart is a horizontal bar chart of the 766 totals of rows (in the given order); each
// bar's name is the unit or ward code, so a click drills into it.
func rankingChart(tr Translator, title string, rows []analytics.RankingRow) chartOptions {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(base(tr, title, opts.Grid{Left: "8", Right: "40", Top: "36", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Max: 100, Name: tr.T("unit.points")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)...)
	names := make([]string, 0, len(rows))
	data := make([]opts.BarData, 0, len(rows))
	for _, r := range rows {
		names = append(names, r.Name)
		data = append(data, opts.BarData{Name: r.Code, Value: round2(r.Score.Total)})
	}
	bar.SetXAxis(names).AddSeries(tr.T("rank.total"), data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}))
	bar.XYReversal()
	bar.Validate() // fills the category axis
	return bar.JSON()
}

// wardValue is one ward's value on the map; Value nil leaves the ward grey (no data).
type wardValue struct {
	Code  string
	Value *float64
}

// wardMapChart is the choropleth of one province's wards: the map named "wards-<province>" is
// registered by static/app.js from /static/geo/<province>.json, whose features are keyed by the
// ward code (series nameProperty "code"). lowIsBad colours low values red (scores), otherwise
// high values are red (alert counts).
func wardMapChart(tr Translator, province, metric string, values []wardValue, lowIsBad bool) chartOptions {
	m := charts.NewMap()
	m.RegisterMapType("wards-" + province)
	lo, hi := math.Inf(1), math.Inf(-1)
	data := make([]opts.MapData, 0, len(values))
	for _, v := range values {
		if v.Value == nil {
			continue
		}
		lo, hi = math.Min(lo, *v.Value), math.Max(hi, *v.Value)
		data = append(data, opts.MapData{Name: v.Code, Value: round2(*v.Value)})
	}
	empty := len(data) == 0
	if empty {
		lo, hi = 0, 1
	}
	if hi <= lo {
		hi = lo + 1
	}
	colours := []string{"#fff5eb", "#fd8d3c", "#a50f15"}
	if lowIsBad {
		colours = []string{"#a50f15", "#fd8d3c", "#fff5eb"}
	}
	m.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: tr.T("map.metric." + metric), Left: "left", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(palette),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithVisualMapOpts(opts.VisualMap{
			Type: "continuous", Calculable: opts.Bool(true), Min: float32(math.Floor(lo)), Max: float32(math.Ceil(hi)),
			Left: "left", Bottom: "8", InRange: &opts.VisualMapInRange{Color: colours}, Show: opts.Bool(!empty),
		}),
	)
	m.AddSeries(tr.T("map.metric."+metric), data)
	m.Validate()
	return m.JSON()
}

// breakdownChart is one KPI (metric) across the values of a dimension ("category", "channel",
// "topic", "field", "platform"), as horizontal bars named by code, largest first as given.
// codes[i] is the value of kpis[i] (the KPIs of that value, as analytics breakdowns return
// them); names turns codes into labels (a missing name shows the code). When the dimension is a
// page filter, a click on a bar filters the page by it (data-click="filter-<dimension>").
func breakdownChart(tr Translator, dimension, metric string, codes []string, kpis [][]analytics.KPI, names map[string]string) chartOptions {
	bar := charts.NewBar()
	unit := ""
	labels := make([]string, 0, len(codes))
	data := make([]opts.BarData, 0, len(codes))
	for i, code := range codes {
		for _, k := range kpis[i] {
			if k.Key != metric {
				continue
			}
			unit = k.Unit
			label := names[code]
			if label == "" {
				label = code
			}
			if code == "" {
				label = tr.T("breakdown.unknown")
			}
			labels = append(labels, label)
			data = append(data, opts.BarData{Name: code, Value: pointValue(k.Unit, k.Current)})
		}
	}
	title := tr.T("kpi."+metric) + " · " + tr.T("breakdown."+dimension)
	bar.SetGlobalOptions(append(base(tr, title, opts.Grid{Left: "8", Right: "40", Top: "36", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: axisName(tr, unit)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)...)
	bar.SetXAxis(labels).AddSeries(tr.T("kpi."+metric), data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}))
	bar.XYReversal()
	bar.Validate()
	return bar.JSON()
}

// breakdownFilters are the dimensions whose bars filter the page when clicked (they are page
// filters); the others (channel, topic) only show.
var breakdownFilters = map[string]bool{"category": true, "field": true, "platform": true}
