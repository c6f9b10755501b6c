package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// specFields are the FieldError fields Layer.Validate may name.
var specFields = []string{"spec.metrics", "spec.dimensions", "spec.filters", "spec.period", "spec.compare", "spec.order_by", "spec.limit"}

// cutRuneRe is a quoted byte of a multi-byte character.
var cutRuneRe = regexp.MustCompile(`\\x[89a-f][0-9a-f]`)

// seedCodes are a value of each dictionary dimension in the seeded database.
var seedCodes = map[string]string{"ward": "26743", "unit": "H29.26743", "field": "ho_tich", "category": "ngap_nuoc",
	"topic": "an_ninh_trat_tu", "channel": "online", "online_level": "full", "platform": "facebook"}

// specSeeds are query_spec tool arguments: the golden compile cases, one spec per metric (by turns
// broken down by each dimension its table has, filtered, compared), and the mistakes a model
// makes (unknown keys and fields, wrong types, values with quotes, limits, periods at the edges).
func specSeeds(l *Layer) []string {
	var out []string
	add := func(s Spec) {
		b, err := json.Marshal(s)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	for _, c := range compileCases {
		add(c.spec)
	}
	periods := []string{"2025-10", "2025-Q3", "2025-W40", "2025-10-01..2025-10-31", "2024", "2025-10-05"}
	compares := []string{"", "previous", "last_year"}
	for i, m := range l.Metrics {
		src := l.Sources[m.Source]
		s := Spec{Metrics: []string{m.Key}, Period: SpecPeriod{Text: periods[i%len(periods)]}, Compare: compares[i%len(compares)]}
		if d := src.Dimensions[i%len(src.Dimensions)]; i%2 == 0 {
			s.Dimensions, s.OrderBy, s.Desc, s.Limit = []string{d}, m.Key, true, 5
			if code := seedCodes[d]; code != "" {
				s.Filters = []Filter{{Dimension: d, Values: []string{code}}}
			}
		}
		add(s)
	}
	return append(out,
		`{"metrics":["dossiers_received"],"dimensions":["month"],"period":{"text":"2025-01-01..2025-11-20","words":"năm nay"}}`,
		`{"metrics":["dossiers_received"],"period":{"text":"1970"},"compare":"previous"}`,
		`{"metrics":["petitions_received"],"period":{"text":"1970-01-01"},"compare":"last_year"}`,
		`{"metrics":["post_count"],"period":{"text":"2105-12-31"},"compare":"previous"}`,
		`{"metrics":["late_rate"],"dimensions":["ward"],"period":{"text":"2025-09"},"order_by":"late_rate","desc":true,"limit":100}`,
		`{"metrics":["dossiers_received"],"dimensions":["day"],"period":{"text":"2021-01-01..2025-12-31"}}`,
		`{"metrics":["dossiers_received"],"filters":[{"dimension":"ward","values":["26743'); DROP TABLE users; --"]}],"period":{"text":"2025-10"}}`,
		`{"metrics":["dossiers_received"],"filters":[{"dimension":"ward","values":["{from:Date}"]}],"period":{"text":"2025-10"}}`,
		`{"metrics":["dossiers_received","petitions_received"],"period":{"text":"2025-10"}}`,
		`{"metrics":["dossiers_received"],"dimensions":["week"],"compare":"last_year","period":{"text":"2025-10"}}`,
		`{"metrics":["dossiers_received"],"period":{"text":"last month"}}`,
		`{"metrics":["dossiers_received"],"period":{"text":"2025-10"},"limit":-1}`,
		`{"metrics":["dossiers_received"],"period":{"text":"2025-10"},"order_by":"ward"}`,
		`{"metrics":["số hồ sơ tiếp nhận trong tháng mười năm hai nghìn không trăm hai mươi lăm"],"period":{"text":"2025-10"}}`,
		// Cut at 40 bytes, this key once split the ố at bytes 39–41 in the error message.
		`{"metrics":["xxốốốốốốốốốốốốốốốốốốốố"],"period":{"text":"2025-10"}}`,
		`{"metric":"dossiers_received","period":"2025-10"}`,
		"{\"metriCs\":[\"\x7f\"]}",
		`{"metrics":"dossiers_received","period":{"text":"2025-10"}}`,
		`{"metrics":["dossiers_received"],"period":{"text":"2025-10"},"limit":1e3}`,
		`{"metrics":["dossiers_received"],"period":{"text":"2025-10"}} {"metrics":[]}`,
		`{"metrics":[],"period":{"text":""}}`,
		`null`, `[]`, ``,
	)
}

// FuzzQuerySpec follows a model's query_spec tool call from its JSON arguments: strict decoding,
// Layer.Validate, Compile, the SQL guard and a read-only run on a seeded database. It never
// panics; Validate and Compile agree; a refused spec is a FieldError naming a spec field, in
// valid UTF-8; an accepted one compiles to one SELECT that CheckSQL leaves as it is and the
// engine-backed Guard accepts, with every value of the spec a bound parameter (the SQL text does
// not change when the period, the limit or the filter codes do) and runs without an engine error.
func FuzzQuerySpec(f *testing.F) {
	if fuzzCoordinator() {
		// The coordinator of `go test -fuzz` only hands the seeds to its worker, which runs them:
		// it needs no engine of its own.
		l, err := DefaultLayer()
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range specSeeds(l) {
			f.Add(s)
		}
		f.Fuzz(func(t *testing.T, args string) { t.Fatal("the coordinator runs no input") })
		return
	}
	db := seededDB(f)
	a := newTestAssistant(f, db)
	l := a.layer
	for _, s := range specSeeds(l) {
		f.Add(s)
	}
	guard := Guard{DB: db}
	f.Fuzz(func(t *testing.T, args string) {
		if len(args) > 1<<14 {
			return
		}
		var s Spec
		if err := strictUnmarshal(args, &s); err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty decoding error", args)
			}
			return
		}
		verr := l.Validate(s)
		q, params, cerr := l.Compile(s)
		if (verr == nil) != (cerr == nil) {
			t.Fatalf("%s: Validate says %v, Compile says %v", args, verr, cerr)
		}
		if verr != nil {
			var fe *models.FieldError
			if !errors.As(verr, &fe) || !errors.Is(verr, models.ErrInvalid) || !slices.Contains(specFields, fe.Field) || fe.Message == "" {
				t.Fatalf("%s: Validate: %#v, want a FieldError naming one of %v", args, verr, specFields)
			}
			// Decoded JSON strings are valid UTF-8, and a key quoted back must stay readable: no
			// escaped byte of a character cut in half (\xe1 …; a control character is quoted as
			// \x7f, and an input with backslashes may spell such escapes itself).
			if !utf8.ValidString(fe.Message) || (cutRuneRe.MatchString(fe.Message) && !strings.Contains(args, `\`)) {
				t.Fatalf("%s: message is not readable UTF-8: %q", args, fe.Message)
			}
			return
		}

		// One SELECT that the static guard leaves untouched.
		if got, err := CheckSQL(q); err != nil || got != q {
			t.Fatalf("%s: CheckSQL refuses the compiled SQL (%v) or changes it:\n%s", args, err, q)
		}
		// Every value is a parameter: the period's bounds and each filter's codes.
		p, _ := models.ParsePeriod(s.Period.Text)
		if params["from"] != p.From.Format(time.DateOnly) || params["to"] != p.To.Format(time.DateOnly) {
			t.Fatalf("%s: period bound as %v..%v, want %s", args, params["from"], params["to"], p)
		}
		for i, fl := range s.Filters {
			name := fmt.Sprintf("f%d", i)
			if !reflect.DeepEqual(params[name], fl.Values) || !strings.Contains(q, "{"+name+":Array(String)}") {
				t.Fatalf("%s: filter %d bound as %v (%q in SQL)", args, i, params[name], "{"+name+":Array(String)}")
			}
		}
		// ... so the SQL text does not depend on them.
		other := s
		other.Period.Text = "2024-02-01..2024-03-15"
		if other.Limit > 0 {
			other.Limit = 1
		}
		other.Filters = nil
		for _, fl := range s.Filters {
			codes := make([]string, len(fl.Values))
			for j := range codes {
				codes[j] = "x"
				if dict := l.dicts[l.Dimensions[fl.Dimension].Values]; dict != nil && len(dict.entries) > 0 {
					codes[j] = dict.entries[len(dict.entries)-1].Code
				}
			}
			other.Filters = append(other.Filters, Filter{Dimension: fl.Dimension, Values: codes})
		}
		if q2, _, err := l.Compile(other); err != nil || q2 != q {
			t.Fatalf("%s: the SQL changes with the values (%v):\n%s\n---\n%s", args, err, q, q2)
		}

		// The engine: the guard's syntax-tree and query-tree checks, then the run itself.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := guardWithParams(ctx, guard, q, params); err != nil {
			t.Fatalf("%s: the guard refuses the compiled SQL: %v\n%s", args, err, q)
		}
		ans, err := a.Run(ctx, s, "fuzz", "en")
		if err != nil {
			t.Fatalf("%s: run: %v\n%s\nparams %v", args, err, q, params)
		}
		if ans.SQL != q || (len(ans.Rows) > 0 && len(ans.Columns) == 0) {
			t.Fatalf("%s: answer SQL %q, %d rows of %d columns", args, ans.SQL, len(ans.Rows), len(ans.Columns))
		}
	})
}

// guardWithParams runs the guard's engine checks (syntax tree, then query tree) on compiled SQL
// with its parameters bound: Guard.Check takes free SQL, which has none, and the engine cannot
// analyse a query whose parameters are unset.
func guardWithParams(ctx context.Context, g Guard, q string, params store.Params) error {
	explain := func(kind string) (string, error) {
		tab, err := g.DB.QueryReadOnly(ctx, kind+q, params)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		for _, r := range tab.Rows {
			for _, c := range r {
				fmt.Fprint(&b, c)
			}
			b.WriteByte('\n')
		}
		return b.String(), nil
	}
	ast, err := explain("EXPLAIN AST ")
	if err != nil {
		return err
	}
	if err := g.checkAST(ast, cteNames(q)); err != nil {
		return err
	}
	tree, err := explain("EXPLAIN QUERY TREE ")
	if err != nil {
		return err
	}
	return g.checkTree(tree)
}

// fuzzCoordinator reports whether this process coordinates `go test -fuzz` (its workers, started
// with -test.fuzzworker, run the inputs; without -fuzz the test itself runs the seeds).
func fuzzCoordinator() bool {
	fz, w := flag.Lookup("test.fuzz"), flag.Lookup("test.fuzzworker")
	return fz != nil && fz.Value.String() != "" && (w == nil || w.Value.String() != "true")
}
