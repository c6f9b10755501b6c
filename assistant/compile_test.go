package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/models"
)

var update = flag.Bool("update", false, "rewrite golden files")

// compileCases are specs whose compiled SQL is golden-tested and run on the seeded database.
var compileCases = []struct {
	name string
	spec Spec
	rows int // rows on seededDB
}{
	{"single number", Spec{Metrics: []string{"dossiers_received"}, Period: SpecPeriod{Text: "2025-10"}}, 1},
	{"rate by ward with filters", Spec{Metrics: []string{"late_rate"}, Dimensions: []string{"ward"},
		Filters: []Filter{{Dimension: "ward", Values: []string{"26743", "26737"}}, {Dimension: "field", Values: []string{"ho_tich", "dat_dai"}}},
		Period:  SpecPeriod{Text: "2025-09"}, OrderBy: "late_rate", Desc: true, Limit: 5}, 1},
	{"same period last year", Spec{Metrics: []string{"dossiers_received", "online_share"}, Period: SpecPeriod{Text: "2025-10"}, Compare: "last_year"}, 1},
	{"series by week", Spec{Metrics: []string{"negative_posts"}, Dimensions: []string{"week"}, Period: SpecPeriod{Text: "2025-01-01..2025-11-20"}}, 1},
	{"category matches subcategories", Spec{Metrics: []string{"petitions_received"}, Dimensions: []string{"category"},
		Filters: []Filter{{Dimension: "category", Values: []string{"karaoke"}}}, Period: SpecPeriod{Text: "2025-Q4"}}, 1},
	{"previous period by channel, ascending", Spec{Metrics: []string{"petitions_received"}, Dimensions: []string{"channel"},
		Period: SpecPeriod{Text: "2025-10"}, Compare: "previous", OrderBy: "petitions_received"}, 3},
}

func TestCompileGolden(t *testing.T) {
	l := testLayer(t)
	var b strings.Builder
	for _, c := range compileCases {
		q, params, err := l.Compile(c.spec)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p, _ := json.Marshal(params)
		b.WriteString("-- " + c.name + "\n-- params: " + string(p) + "\n" + q + "\n\n")
	}
	const path = "testdata/compile.golden"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./assistant/ -run TestCompileGolden -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("compiled SQL differs from %s (run with -update after checking):\n%s", path, b.String())
	}
}

// TestCompileRunsOnEngine runs every golden spec on the seeded database: the layer's SQL is
// valid for the engine, and the read-only limits accept it.
func TestCompileRunsOnEngine(t *testing.T) {
	a := newTestAssistant(t, seededDB(t))
	for _, c := range compileCases {
		t.Run(c.name, func(t *testing.T) {
			ans, err := a.Run(context.Background(), c.spec, c.name, "vi")
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Rows) != c.rows {
				t.Errorf("%d rows, want %d: %v", len(ans.Rows), c.rows, ans.Rows)
			}
		})
	}
}

func TestLookupValues(t *testing.T) {
	l := testLayer(t)
	tests := []struct{ dim, text, want string }{
		{"ward", "Bến Thành", "26743"},
		{"ward", "p. ben thanh", "26743"},
		{"ward", "phuong ben thnah", "26743"},
		{"ward", "An Phú", "25975"}, // the deployment's province first
		{"unit", "Department of Justice", "H29.STP"},
		{"field", "dat dai", "dat_dai"},
		{"platform", "Facebook", "facebook"},
	}
	for _, tt := range tests {
		got := l.LookupValues(tt.dim, tt.text, "vi")
		if len(got) == 0 || got[0].Code != tt.want {
			t.Errorf("LookupValues(%s, %q) = %v, want %s first", tt.dim, tt.text, got, tt.want)
		}
	}
	if got := l.LookupValues("day", "monday", "vi"); got != nil {
		t.Errorf("time dimension: %v", got)
	}
	err := l.Validate(Spec{Metrics: []string{"dossiers_received"}, Filters: []Filter{{Dimension: "ward", Values: []string{"Bến Thành"}}}, Period: SpecPeriod{Text: "2025-10"}})
	if err == nil || !strings.Contains(err.Error(), "did you mean 26743") {
		t.Errorf("a name instead of a code: %v, want a suggestion", err)
	}
}

func TestValidateRefuses(t *testing.T) {
	l := testLayer(t)
	p := SpecPeriod{Text: "2025-10"}
	tests := []struct {
		name  string
		spec  Spec
		field string
	}{
		{"no metric", Spec{Period: p}, "spec.metrics"},
		{"unknown metric", Spec{Metrics: []string{"citizen_phone_masked"}, Period: p}, "spec.metrics"},
		{"two tables", Spec{Metrics: []string{"dossiers_received", "petitions_received"}, Period: p}, "spec.metrics"},
		{"dimension the table lacks", Spec{Metrics: []string{"post_count"}, Dimensions: []string{"unit"}, Period: p}, "spec.dimensions"},
		{"injection as a filter value", Spec{Metrics: []string{"dossiers_received"}, Filters: []Filter{{Dimension: "ward", Values: []string{"26743') OR 1=1 --"}}}, Period: p}, "spec.filters"},
		{"unknown ward code", Spec{Metrics: []string{"dossiers_received"}, Filters: []Filter{{Dimension: "ward", Values: []string{"99999"}}}, Period: p}, "spec.filters"},
		{"filter on time", Spec{Metrics: []string{"dossiers_received"}, Filters: []Filter{{Dimension: "day", Values: []string{"2025-10-01"}}}, Period: p}, "spec.filters"},
		{"no period", Spec{Metrics: []string{"dossiers_received"}}, "spec.period"},
		{"bad period", Spec{Metrics: []string{"dossiers_received"}, Period: SpecPeriod{Text: "last month"}}, "spec.period"},
		{"bad compare", Spec{Metrics: []string{"dossiers_received"}, Period: p, Compare: "yesterday"}, "spec.compare"},
		{"compare over time", Spec{Metrics: []string{"dossiers_received"}, Dimensions: []string{"day"}, Period: p, Compare: "previous"}, "spec.compare"},
		{"order by a foreign key", Spec{Metrics: []string{"dossiers_received"}, Dimensions: []string{"ward"}, Period: p, OrderBy: "received"}, "spec.order_by"},
		{"limit above the maximum", Spec{Metrics: []string{"dossiers_received"}, Dimensions: []string{"ward"}, Period: p, Limit: 101}, "spec.limit"},
		{"negative limit", Spec{Metrics: []string{"dossiers_received"}, Dimensions: []string{"ward"}, Period: p, Limit: -1}, "spec.limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Validate(tt.spec)
			var fe *models.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want a FieldError on %s", err, tt.field)
			}
			if !errors.Is(err, models.ErrInvalid) {
				t.Errorf("err does not match ErrInvalid")
			}
			if _, _, err := l.Compile(tt.spec); err == nil {
				t.Errorf("Compile accepted it")
			}
		})
	}
}

// TestLayerNamesNoPersonalData: the layer reads only rollups, which hold no text and no
// personal data; no SQL fragment names a column of the base tables that carries it.
func TestLayerNamesNoPersonalData(t *testing.T) {
	l := testLayer(t)
	for k, s := range l.Sources {
		if !strings.HasSuffix(s.Table, "_daily") {
			t.Errorf("source %s reads %s, not a rollup", k, s.Table)
		}
	}
	var frags []string
	for _, m := range l.Metrics {
		frags = append(frags, m.SQL)
	}
	for _, d := range l.Dimensions {
		frags = append(frags, d.SQL)
		frags = append(frags, d.FilterSQL...)
	}
	personal := regexp.MustCompile(`\b(citizen\w*|\w*phone\w*|title|content|text|author\w*|lat|lon|url)\b`)
	for _, f := range frags {
		if m := personal.FindString(f); m != "" {
			t.Errorf("layer SQL %q names %s", f, m)
		}
	}
}

func TestLoadLayerRefusesBadOverride(t *testing.T) {
	base, err := os.ReadFile("semantic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"subquery in a metric": strings.Replace(string(base), "sql: S(received)\n", "sql: S(received) + (SELECT count() FROM system.tables)\n", 1),
		"unknown source":       strings.Replace(string(base), "source: dossier_intake\n", "source: users\n", 1),
		"unknown field":        string(base) + "\nextra: 1\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			path := t.TempDir() + "/layer.yaml"
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadLayer(path); err == nil {
				t.Fatal("LoadLayer accepted it")
			}
		})
	}
	if _, err := LoadLayer(""); err != nil {
		t.Fatalf("default layer: %v", err)
	}
}
