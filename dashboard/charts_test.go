package dashboard

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/govpulse/govpulse/analytics"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/charts/*.golden")

// TestChartGolden pins the ECharts options each builder makes from hand-made analytics results.
func TestChartGolden(t *testing.T) {
	score := 72.5
	low := 41.0
	rk := pgRanking()
	cases := []struct {
		name string
		opts chartOptions
	}{
		{"series_count_vi", seriesChart(Translator{Lang: "vi"}, pgSeriesCount())},
		{"series_rate_en", seriesChart(Translator{Lang: "en"}, pgSeriesRate())},
		{"forecast_vi", forecastChart(Translator{Lang: "vi"}, pgForecast())},
		{"ranking_en", rankingChart(Translator{Lang: "en"}, "Top", rk.Rows)},
		{"wardmap_score_vi", wardMapChart(Translator{Lang: "vi"}, "79", "score", []wardValue{{"26740", &score}, {"26743", &low}, {"26734", nil}}, true)},
		{"wardmap_empty_en", wardMapChart(Translator{Lang: "en"}, "79", "alerts", nil, false)},
		{"breakdown_category_vi", breakdownChart(Translator{Lang: "vi"}, "category", "petition_on_time_rate", []string{"ngap_nuoc", "tieng_on", ""},
			[][]analytics.KPI{
				{{Key: "petitions_received", Unit: "petitions", Current: pgCount(40)}, {Key: "petition_on_time_rate", Unit: "ratio", HigherIsBetter: true, Current: pgRate(30, 40)}},
				{{Key: "petitions_received", Unit: "petitions", Current: pgCount(12)}, {Key: "petition_on_time_rate", Unit: "ratio", HigherIsBetter: true, Current: pgRate(0, 0)}},
				{{Key: "petitions_received", Unit: "petitions", Current: pgCount(3)}, {Key: "petition_on_time_rate", Unit: "ratio", HigherIsBetter: true, Current: pgRate(3, 3)}},
			}, map[string]string{"ngap_nuoc": "Ngập nước"})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := json.MarshalIndent(c.opts, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "charts", c.name+".golden")
			if *updateGolden {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./dashboard/ -run Golden -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s:\n%s", c.name, path, got)
			}
		})
	}
}

// TestChartValues checks by hand what the goldens hold: N/A is a gap, rates are percent, the
// bars carry the codes that a click drills into, the map's range covers the values.
func TestChartValues(t *testing.T) {
	get := func(o chartOptions) map[string]any {
		b, _ := json.Marshal(o)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	data := func(m map[string]any, series int) []any {
		return m["series"].([]any)[series].(map[string]any)["data"].([]any)
	}
	rate := data(get(seriesChart(Translator{}, pgSeriesRate())), 0)
	if v := rate[0].(map[string]any)["value"]; v != 90.0 {
		t.Errorf("90/100 plotted as %v, want 90 (percent)", v)
	}
	if v := rate[1].(map[string]any)["value"]; v != "-" {
		t.Errorf("0/0 plotted as %v, want the gap \"-\"", v)
	}
	if v := rate[2].(map[string]any)["value"]; v != 66.67 {
		t.Errorf("2/3 plotted as %v, want 66.67", v)
	}
	if v := data(get(seriesChart(Translator{}, pgSeriesCount())), 0)[1].(map[string]any)["value"]; v != 0.0 {
		t.Errorf("an empty day plotted as %v, want 0", v)
	}
	bars := data(get(rankingChart(Translator{}, "t", pgRanking().Rows)), 0)
	if n := bars[0].(map[string]any)["name"]; n != "H29.01" {
		t.Errorf("first bar named %v, want the unit code", n)
	}
	m := get(wardMapChart(Translator{}, "79", "score", []wardValue{{"a", pgPtr(10.2)}, {"b", pgPtr(87.9)}}, true))
	vm := m["visualMap"].([]any)[0].(map[string]any)
	if vm["min"] != 10.0 || vm["max"] != 88.0 {
		t.Errorf("visual map range %v..%v, want 10..88", vm["min"], vm["max"])
	}
	f := data(get(forecastChart(Translator{}, pgForecast())), 3)
	if v := f[3].(map[string]any)["value"]; v != 22.13 {
		t.Errorf("band height %v, want 50.125-28 = 22.13", v)
	}
}

func pgPtr(v float64) *float64 { return &v }
