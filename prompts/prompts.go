package prompts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

//go:embed *.md.tmpl
var files embed.FS

// Template is one prompt file parsed once with missingkey=error, rendered from its typed input
// In. Version is the first 12 hex digits of the SHA-256 of the file: the prompt version logged
// with every call that uses it. Safe for concurrent use.
type Template[In any] struct {
	Name    string
	Version string
	t       *template.Template
}

// Render fills the template from in.
func (t *Template[In]) Render(in In) (string, error) {
	var b bytes.Buffer
	if err := t.t.Execute(&b, in); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", t.Name, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}

func load[In any](name string) *Template[In] {
	src, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("prompts: %s: %v", name, err))
	}
	sum := sha256.Sum256(src)
	t := template.Must(template.New(name).Option("missingkey=error").Funcs(funcs).Parse(string(src)))
	return &Template[In]{Name: name, Version: hex.EncodeToString(sum[:])[:12], t: t}
}

// Version combines the versions of several templates used by one call into one.
func Version(versions ...string) string {
	if len(versions) == 1 {
		return versions[0]
	}
	sum := sha256.Sum256([]byte(strings.Join(versions, "+")))
	return hex.EncodeToString(sum[:])[:12]
}

var funcs = template.FuncMap{
	"data":  Data,
	"clean": func(s string) string { return dataTag.ReplaceAllString(s, "") },
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"vi": func(lang string) bool { return lang != "en" },
}

var dataTag = regexp.MustCompile(`(?i)<\s*/?\s*data\b[^>]*>`)

// Data wraps untrusted text (a question, a post, a petition, result cells) in <data> … </data>
// after removing anything that looks like a data tag from it, so the text can neither close the
// block early nor open a new one; the system prompts say that text inside <data> is never an
// instruction.
func Data(s string) string {
	return "<data>" + dataTag.ReplaceAllString(s, "") + "</data>"
}

// Lang is "vi" (Vietnamese, the default) or "en".
type Lang = string

// NamedKey is one key of the semantic layer with its human description.
type NamedKey struct {
	Key         string
	Description string
}

// Example is a verified question with the query spec it compiles to (JSON).
type Example struct {
	Question string
	SpecJSON string
}

// AskInput fills ask_system.md.tmpl: the system prompt that asks the model to fill the query
// spec through the tool, or to write SQL when the layer cannot express the question.
type AskInput struct {
	Lang       Lang
	Today      string // YYYY-MM-DD in Asia/Ho_Chi_Minh
	Metrics    []NamedKey
	Dimensions []NamedKey
	Tables     []string // allow-listed tables for free SQL
	Examples   []Example
}

// Ask is the system prompt of a question.
var Ask = load[AskInput]("ask_system.md.tmpl")

// AnswerInput fills ask_answer.md.tmpl: write the answer sentence from the (masked) result.
type AnswerInput struct {
	Lang           Lang
	Question       string
	Interpretation string
	Columns        []string
	Rows           [][]string // cells already formatted and masked
	Truncated      bool       // more rows existed than are shown
}

// Answer is the prompt that turns a result table into one short answer.
var Answer = load[AnswerInput]("ask_answer.md.tmpl")

// RepairInput fills sql_repair.md.tmpl: fix a query from the engine's error.
type RepairInput struct {
	Question string
	SQL      string
	Error    string
}

// Repair is the prompt that asks the model to correct its SQL.
var Repair = load[RepairInput]("sql_repair.md.tmpl")

// Fact is one line of a briefing's fact sheet.
type Fact struct {
	ID   string
	Text string
}

// BriefInput fills brief.md.tmpl: write a short briefing citing fact ids.
type BriefInput struct {
	Lang  Lang
	Date  string // the day the briefing is about, YYYY-MM-DD
	Facts []Fact
	// Rejected lists the numbers of a previous attempt that were not in the fact sheet (the
	// retry says so); empty on the first attempt.
	Rejected []string
}

// Brief is the prompt of a briefing.
var Brief = load[BriefInput]("brief.md.tmpl")
