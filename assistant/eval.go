package assistant

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
)

// EvalSet is a question set for `govpulse eval nlq`: questions with the spec (or clarification)
// they must yield, read against a fixed clock so relative periods have one right answer.
type EvalSet struct {
	// Now is the moment relative periods are read against (RFC 3339); empty means the time of
	// the run.
	Now       string     `yaml:"now" json:"now"`
	Questions []EvalCase `yaml:"questions" json:"questions"`
}

// EvalCase is one question and what a correct answer is. Exactly one of Expect and
// ExpectClarify is set. A case with Expect is correct when the parsed spec matches every field
// of Expect (unset fields must be empty or default in the spec too), the compiled SQL matches
// SQL when given, and the query runs on the current data.
type EvalCase struct {
	Question string `yaml:"q" json:"q"`
	Lang     string `yaml:"lang" json:"lang"`
	Category string `yaml:"category" json:"category"`
	// Expect is the spec in short form.
	Expect *EvalSpec `yaml:"expect,omitempty" json:"expect,omitempty"`
	// SQL, when set, is the compiled SQL the spec must produce (compared with spaces folded).
	SQL string `yaml:"sql,omitempty" json:"sql,omitempty"`
	// Rows, when set, is the expected result table of the answer (its columns as Answer shows
	// them, numbers compared to 4 decimals): for a question set over fixed data.
	Rows [][]any `yaml:"rows,omitempty" json:"rows,omitempty"`
	// ExpectClarify: the question is ambiguous or outside the layer; the assistant must ask.
	ExpectClarify bool `yaml:"expect_clarify,omitempty" json:"expect_clarify,omitempty"`
}

// EvalSpec is a Spec written for people: filters as a map, order as "desc" or "asc".
type EvalSpec struct {
	Metrics    []string            `yaml:"metrics" json:"metrics"`
	Dimensions []string            `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	Filters    map[string][]string `yaml:"filters,omitempty" json:"filters,omitempty"`
	Period     string              `yaml:"period" json:"period"`
	Compare    string              `yaml:"compare,omitempty" json:"compare,omitempty"`
	Order      string              `yaml:"order,omitempty" json:"order,omitempty"`
	Limit      int                 `yaml:"limit,omitempty" json:"limit,omitempty"`
}

// EvalResult is the outcome of one case.
type EvalResult struct {
	Case    EvalCase `json:"case"`
	Variant string   `json:"variant"` // vi, vi_plain (no diacritics) or en
	OK      bool     `json:"ok"`
	Why     string   `json:"why,omitempty"`
	Got     *Spec    `json:"got,omitempty"`
}

// EvalReport sums up a run.
type EvalReport struct {
	Results []EvalResult `json:"results"`
}

// ReadEvalSet reads a question set: YAML (a mapping with now and questions) or JSONL (one case
// per line; a first line {"now": …} sets the clock).
func ReadEvalSet(r io.Reader) (EvalSet, error) {
	b, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return EvalSet{}, fmt.Errorf("assistant: read question set: %w", err)
	}
	var set EvalSet
	trimmed := bytes.TrimSpace(b)
	if bytes.HasPrefix(trimmed, []byte("{")) {
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			t := bytes.TrimSpace(sc.Bytes())
			if len(t) == 0 {
				continue
			}
			var c struct {
				EvalCase
				Now string `json:"now"`
			}
			dec := json.NewDecoder(bytes.NewReader(t))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c); err != nil {
				return EvalSet{}, &models.FieldError{Line: line, Message: err.Error()}
			}
			if c.Now != "" && c.Question == "" {
				set.Now = c.Now
				continue
			}
			set.Questions = append(set.Questions, c.EvalCase)
		}
		if err := sc.Err(); err != nil {
			return EvalSet{}, err
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&set); err != nil {
			return EvalSet{}, fmt.Errorf("assistant: question set: %w", err)
		}
	}
	for i, c := range set.Questions {
		switch {
		case strings.TrimSpace(c.Question) == "":
			return EvalSet{}, &models.FieldError{Line: i + 1, Field: "q", Message: "empty question"}
		case (c.Expect == nil) == !c.ExpectClarify:
			return EvalSet{}, &models.FieldError{Line: i + 1, Field: "expect", Message: "set exactly one of expect and expect_clarify: " + cut(c.Question)}
		}
		if _, err := normLang(c.Lang); err != nil {
			return EvalSet{}, &models.FieldError{Line: i + 1, Field: "lang", Message: err.Error()}
		}
	}
	if set.Now != "" {
		if _, err := time.Parse(time.RFC3339, set.Now); err != nil {
			return EvalSet{}, &models.FieldError{Field: "now", Message: "want RFC 3339, e.g. 2025-11-20T10:00:00+07:00"}
		}
	}
	return set, nil
}

// ReadEvalFile reads a question set from path.
func ReadEvalFile(path string) (EvalSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return EvalSet{}, err
	}
	defer f.Close()
	return ReadEvalSet(f)
}

// Eval runs every case offline against a's layer and database, with the set's clock.
func (a *Assistant) Eval(ctx context.Context, set EvalSet) (EvalReport, error) {
	now := a.Now()
	if set.Now != "" {
		t, err := time.Parse(time.RFC3339, set.Now)
		if err != nil {
			return EvalReport{}, err
		}
		now = t
	}
	var rep EvalReport
	for _, c := range set.Questions {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		lang, _ := normLang(c.Lang)
		r := EvalResult{Case: c, Variant: variant(c.Question, lang)}
		p := a.layer.Parse(c.Question, now, lang)
		switch {
		case c.ExpectClarify:
			r.OK = p.Clarify != nil
			if !r.OK {
				r.Why = "answered instead of asking"
				r.Got = &p.Spec
			}
		case p.Clarify != nil:
			r.Why = "asked to clarify: " + p.Clarify.Question
		default:
			r.Got = &p.Spec
			r.Why = c.Expect.diff(p.Spec)
			if r.Why == "" {
				q, params, err := a.layer.Compile(p.Spec)
				switch {
				case err != nil:
					r.Why = "compile: " + err.Error()
				case c.SQL != "" && strings.Join(strings.Fields(c.SQL), " ") != strings.Join(strings.Fields(q), " "):
					r.Why = "sql differs: " + q
				case c.Rows != nil:
					ans, err := a.Run(ctx, p.Spec, c.Question, lang)
					if err != nil {
						r.Why = "run: " + err.Error()
					} else if got, want := rowsText(ans.Rows), rowsText(c.Rows); got != want {
						r.Why = "rows " + got + ", want " + want
					}
				default:
					if _, err := a.db.QueryReadOnly(ctx, q, params); err != nil {
						r.Why = "run: " + err.Error()
					}
				}
			}
			r.OK = r.Why == ""
		}
		rep.Results = append(rep.Results, r)
	}
	return rep, nil
}

// rowsText writes rows for comparison: numbers to 4 decimals, whatever their Go type.
func rowsText(rows [][]any) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("[")
		for i, v := range r {
			if i > 0 {
				b.WriteString(" ")
			}
			switch x := v.(type) {
			case int64:
				fmt.Fprintf(&b, "%.4f", float64(x))
			case int:
				fmt.Fprintf(&b, "%.4f", float64(x))
			case uint64:
				fmt.Fprintf(&b, "%.4f", float64(x))
			case float64:
				fmt.Fprintf(&b, "%.4f", x)
			default:
				fmt.Fprint(&b, x)
			}
		}
		b.WriteString("]")
	}
	return b.String()
}

// variant names the language of a question: en, vi (with diacritics) or vi_plain.
func variant(q, lang string) string {
	if lang == "en" {
		return "en"
	}
	for _, r := range q {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return "vi"
		}
	}
	return "vi_plain"
}

// diff says how spec differs from e; "" when it matches.
func (e *EvalSpec) diff(s Spec) string {
	var why []string
	if !sameSet(e.Metrics, s.Metrics) {
		why = append(why, fmt.Sprintf("metrics %v, want %v", s.Metrics, e.Metrics))
	}
	if !slices.Equal(e.Dimensions, s.Dimensions) && !(len(e.Dimensions) == 0 && len(s.Dimensions) == 0) {
		why = append(why, fmt.Sprintf("dimensions %v, want %v", s.Dimensions, e.Dimensions))
	}
	got := map[string][]string{}
	for _, f := range s.Filters {
		got[f.Dimension] = append(got[f.Dimension], f.Values...)
	}
	if len(got) != len(e.Filters) {
		why = append(why, fmt.Sprintf("filters %v, want %v", got, e.Filters))
	} else {
		for d, vs := range e.Filters {
			if !sameSet(vs, got[d]) {
				why = append(why, fmt.Sprintf("filters %v, want %v", got, e.Filters))
				break
			}
		}
	}
	if want, err := models.ParsePeriod(e.Period); err != nil {
		why = append(why, "bad expected period "+e.Period)
	} else if gotP, err := models.ParsePeriod(s.Period.Text); err != nil || gotP != want {
		why = append(why, fmt.Sprintf("period %s, want %s", s.Period.Text, want))
	}
	if e.Compare != s.Compare {
		why = append(why, fmt.Sprintf("compare %q, want %q", s.Compare, e.Compare))
	}
	switch e.Order {
	case "":
	case "desc", "asc":
		if s.OrderBy == "" || s.Desc != (e.Order == "desc") {
			why = append(why, fmt.Sprintf("order %s desc=%v, want %s", s.OrderBy, s.Desc, e.Order))
		}
	default:
		why = append(why, "bad expected order "+e.Order)
	}
	if e.Order == "" && s.OrderBy != "" && !(s.Desc && s.OrderBy == s.Metrics[0]) {
		why = append(why, fmt.Sprintf("order %s desc=%v, want none", s.OrderBy, s.Desc))
	}
	if e.Limit != s.Limit {
		why = append(why, fmt.Sprintf("limit %d, want %d", s.Limit, e.Limit))
	}
	return strings.Join(why, "; ")
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(x, y)
}

// Tally is the count of correct cases of one group.
type Tally struct {
	Group   string  `json:"group"`
	Correct int     `json:"correct"`
	Total   int     `json:"total"`
	Share   float64 `json:"share"` // Correct / Total, 0 when empty
}

func tally(rs []EvalResult, key func(EvalResult) string) []Tally {
	m := map[string]*Tally{}
	var order []string
	for _, r := range rs {
		k := key(r)
		if m[k] == nil {
			m[k] = &Tally{Group: k}
			order = append(order, k)
		}
		m[k].Total++
		if r.OK {
			m[k].Correct++
		}
	}
	sort.Strings(order)
	out := make([]Tally, 0, len(order))
	for _, k := range order {
		t := *m[k]
		t.Share = float64(t.Correct) / float64(t.Total)
		out = append(out, t)
	}
	return out
}

// ByCategory, ByVariant, InLayer and Clarifications summarise the report: in-layer cases are
// those with an expected spec; clarifications those that must ask.
func (r EvalReport) ByCategory() []Tally {
	return tally(r.Results, func(x EvalResult) string { return x.Case.Category })
}

// ByVariant groups by language variant (en, vi, vi_plain).
func (r EvalReport) ByVariant() []Tally {
	return tally(r.Results, func(x EvalResult) string { return x.Variant })
}

// InLayer is the tally of the cases with an expected spec.
func (r EvalReport) InLayer() Tally {
	return r.only(func(x EvalResult) bool { return !x.Case.ExpectClarify }, "in layer")
}

// Clarifications is the tally of the cases that must ask to clarify.
func (r EvalReport) Clarifications() Tally {
	return r.only(func(x EvalResult) bool { return x.Case.ExpectClarify }, "clarify")
}

// Overall is the tally of every case.
func (r EvalReport) Overall() Tally { return r.only(func(EvalResult) bool { return true }, "all") }

func (r EvalReport) only(keep func(EvalResult) bool, name string) Tally {
	var rs []EvalResult
	for _, x := range r.Results {
		if keep(x) {
			rs = append(rs, x)
		}
	}
	t := tally(rs, func(EvalResult) string { return name })
	if len(t) == 0 {
		return Tally{Group: name}
	}
	return t[0]
}

// Write prints the report as text: failures first, then accuracy by category and language.
func (r EvalReport) Write(w io.Writer, verbose bool) error {
	var b strings.Builder
	for _, x := range r.Results {
		if !x.OK || verbose {
			status := "FAIL"
			if x.OK {
				status = "ok  "
			}
			fmt.Fprintf(&b, "%s [%s/%s] %s\n", status, x.Case.Category, x.Variant, x.Case.Question)
			if x.Why != "" {
				fmt.Fprintf(&b, "     %s\n", x.Why)
			}
		}
	}
	row := func(t Tally) {
		fmt.Fprintf(&b, "  %-22s %3d/%-3d %5.1f%%\n", t.Group, t.Correct, t.Total, 100*t.Share)
	}
	b.WriteString("\nby category:\n")
	for _, t := range r.ByCategory() {
		row(t)
	}
	b.WriteString("by language:\n")
	for _, t := range r.ByVariant() {
		row(t)
	}
	b.WriteString("summary:\n")
	row(r.InLayer())
	row(r.Clarifications())
	row(r.Overall())
	_, err := io.WriteString(w, b.String())
	return err
}
