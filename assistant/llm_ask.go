package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/prompts"
	"github.com/govpulse/govpulse/store"
)

// Tool names the model may call.
const (
	ToolQuerySpec = "query_spec"
	ToolRunSQL    = "run_sql"
)

// maxRepairs is how many times a model may correct its spec or SQL after an error.
const maxRepairs = 2

// maxPromptRows bounds the result rows shown to the model for the answer sentence.
const maxPromptRows = 30

// jsonName is the JSON name of a Spec field, so that the tool schema follows spec.go.
func jsonName(t reflect.Type, field string) string {
	f, ok := t.FieldByName(field)
	if !ok {
		panic("assistant: no field " + field)
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// SpecSchema is the JSON schema of the query_spec tool: the fields of Spec (names from its JSON
// tags) with the layer's metric and dimension keys as enums, so a model cannot name anything
// the layer does not have.
func SpecSchema(d LayerDescription) map[string]any {
	var metrics, dims, filterDims, orderKeys []string
	for _, m := range d.Metrics {
		metrics = append(metrics, m.Key)
		orderKeys = append(orderKeys, m.Key)
	}
	for _, x := range d.Dimensions {
		dims = append(dims, x.Key)
		orderKeys = append(orderKeys, x.Key)
		if !x.Time {
			filterDims = append(filterDims, x.Key)
		}
	}
	spec, filter, period := reflect.TypeFor[Spec](), reflect.TypeFor[Filter](), reflect.TypeFor[SpecPeriod]()
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	enum := func(keys []string) map[string]any { return map[string]any{"type": "string", "enum": keys} }
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			jsonName(spec, "Metrics"):    map[string]any{"type": "array", "items": enum(metrics), "minItems": 1, "description": "metric keys"},
			jsonName(spec, "Dimensions"): map[string]any{"type": "array", "items": enum(dims), "description": "group-by dimension keys"},
			jsonName(spec, "Filters"): map[string]any{"type": "array", "items": map[string]any{
				"type": "object",
				"properties": map[string]any{
					jsonName(filter, "Dimension"): enum(filterDims),
					jsonName(filter, "Values"):    map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "value codes of the dimension"},
				},
				"required": []string{jsonName(filter, "Dimension"), jsonName(filter, "Values")},
			}},
			jsonName(spec, "Period"): map[string]any{
				"type": "object",
				"properties": map[string]any{
					jsonName(period, "Text"):  str("one of the forms " + strings.Join(d.PeriodForms, ", ")),
					jsonName(period, "Words"): str("the words of the question that named the period"),
				},
				"required": []string{jsonName(period, "Text")},
			},
			jsonName(spec, "Compare"): map[string]any{"type": "string", "enum": append([]string{""}, d.Compare...)},
			jsonName(spec, "OrderBy"): enum(orderKeys),
			jsonName(spec, "Desc"):    map[string]any{"type": "boolean"},
			jsonName(spec, "Limit"):   map[string]any{"type": "integer", "minimum": 0, "maximum": d.MaxLimit},
		},
		"required": []string{jsonName(spec, "Metrics"), jsonName(spec, "Period")},
	}
}

func sqlSchema() map[string]any {
	return map[string]any{
		"type":       "object",
		"properties": map[string]any{"sql": map[string]any{"type": "string", "description": "one read-only ClickHouse SELECT"}},
		"required":   []string{"sql"},
	}
}

func (l *LLM) tools(d LayerDescription) []openai.Tool {
	return []openai.Tool{
		{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{Name: ToolQuerySpec,
			Description: "Answer with a query spec over the semantic layer.", Parameters: SpecSchema(d)}},
		{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{Name: ToolRunSQL,
			Description: "Only when the layer cannot express the question: one read-only SELECT over the allowed tables.", Parameters: sqlSchema()}},
	}
}

// dictionaryBlocks lists the value codes of each non-time dimension, one block per dimension,
// for the budget to keep or drop. For long dictionaries (wards, units) a short block of the
// values whose names share a word with the question comes first, so that a small window still
// carries the codes the question needs when the whole list does not fit.
func dictionaryBlocks(d LayerDescription, question string) []Part {
	qw := wordSet(question)
	for w := range qw {
		if len(w) < 3 || dictStopWords[w] {
			delete(qw, w)
		}
	}
	var parts []Part
	for i, dim := range d.Dimensions {
		if len(dim.Values) == 0 {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Value codes of dimension %s (code: name):\n", dim.Key)
		for _, v := range dim.Values {
			fmt.Fprintf(&b, "%s: %s\n", v.Code, v.Name)
		}
		parts = append(parts, Part{Name: "values:" + dim.Key, Text: b.String(), Priority: 20 + i})
		if len(dim.Values) <= maxShortDictionary {
			continue
		}
		type match struct {
			v     ValueInfo
			score int
		}
		var ms []match
		for _, v := range dim.Values {
			if n := overlap(qw, wordSet(v.Name)); n > 0 {
				ms = append(ms, match{v, n})
			}
		}
		if len(ms) == 0 {
			continue
		}
		sort.SliceStable(ms, func(a, b int) bool { return ms[a].score > ms[b].score })
		var m strings.Builder
		fmt.Fprintf(&m, "Values of dimension %s whose names appear in the question, best first (code: name):\n", dim.Key)
		for j, x := range ms {
			if j >= maxMatches {
				break
			}
			fmt.Fprintf(&m, "%s: %s\n", x.v.Code, x.v.Name)
		}
		parts = append(parts, Part{Name: "matches:" + dim.Key, Text: m.String(), Priority: 1 + i})
	}
	return parts
}

// maxShortDictionary is the size up to which a dictionary is only sent whole; maxMatches bounds
// the matching values listed for a longer one.
const (
	maxShortDictionary = 40
	maxMatches         = 20
)

// dictStopWords are words of ward and unit names that say nothing about which one is meant.
var dictStopWords = map[string]bool{"phuong": true, "xa": true, "ubnd": true, "uy": true, "ban": true, "nhan": true, "dan": true,
	"so": true, "phong": true, "quan": true, "huyen": true, "thi": true, "tran": true, "dac": true, "khu": true, "cong": true,
	"trung": true, "tam": true, "hanh": true, "chinh": true, "the": true, "and": true, "of": true, "ward": true, "commune": true,
	"department": true, "people": true, "committee": true, "center": true, "centre": true, "city": true, "thanh": true, "pho": true,
	"nao": true, "bao": true, "nhieu": true, "nhat": true, "thang": true, "nam": true, "tuan": true, "quy": true, "co": true, "cua": true}

// overlap counts the words of b that are in a.
func overlap(a, b map[string]bool) int {
	n := 0
	for w := range b {
		if a[w] {
			n++
		}
	}
	return n
}

// AskLLM implements LLMAsker: the model fills a Spec through the query_spec tool (or writes SQL
// through run_sql, which the Guard checks); a spec the layer refuses, malformed arguments and
// SQL the engine cannot run are sent back for correction at most maxRepairs times. The answer
// sentence is then written by the model from the masked result rows. An error means the
// caller should fall back to offline mode.
func (l *LLM) AskLLM(ctx context.Context, a *Assistant, question, lang string) (Answer, error) {
	desc := a.Layer().Describe(lang)
	masked := l.opts.Mask(question)
	examples := l.examples(ctx, a.db, masked, lang)
	in := prompts.AskInput{Lang: lang, Today: a.Now().Format("2006-01-02"), Tables: AllowedTables, Examples: examples}
	for _, m := range desc.Metrics {
		in.Metrics = append(in.Metrics, prompts.NamedKey{Key: m.Key, Description: fmt.Sprintf("%s (%s; by %s)", m.Name, m.Unit, strings.Join(m.Dimensions, ", "))})
	}
	for _, d := range desc.Dimensions {
		in.Dimensions = append(in.Dimensions, prompts.NamedKey{Key: d.Key, Description: d.Name})
	}
	system, err := prompts.Ask.Render(in)
	if err != nil {
		return Answer{}, err
	}
	// Context by priority: the rules and the question always; then the values of long
	// dictionaries named in the question; then the value dictionaries (categories, fields, …,
	// wards, units) as far as the window allows. Examples were chosen by similarity, and
	// are dropped first when even the rules do not fit with them.
	parts := append([]Part{{Name: "system", Text: system, Required: true}, {Name: "question", Text: prompts.Data(masked), Required: true}}, dictionaryBlocks(desc, masked)...)
	kept, _, err := l.budget.Fit(parts)
	if errors.Is(err, ErrBudgetExceeded) && len(in.Examples) > 0 {
		in.Examples = nil
		if parts[0].Text, err = prompts.Ask.Render(in); err != nil {
			return Answer{}, err
		}
		kept, _, err = l.budget.Fit(parts)
	}
	if err != nil {
		return Answer{}, err
	}
	// One system message: several confuse the chat templates of some local models. A list of
	// matching values is left out when its whole dictionary fits.
	whole := map[string]bool{}
	for _, p := range kept {
		if dim, ok := strings.CutPrefix(p.Name, "values:"); ok {
			whole[dim] = true
		}
	}
	var sys []string
	for _, p := range kept {
		if dim, ok := strings.CutPrefix(p.Name, "matches:"); p.Name == "question" || ok && whole[dim] {
			continue
		}
		sys = append(sys, p.Text)
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: strings.Join(sys, "\n")},
		{Role: openai.ChatMessageRoleUser, Content: prompts.Data(masked)},
	}
	tools := l.tools(desc)
	scoped := !ScopeOf(ctx).CityWide()
	if scoped {
		tools = tools[:1] // spec mode only: free SQL cannot be confined to a unit or ward (scope.go)
	}
	version := prompts.Ask.Version
	kind := "ask"
	var ans Answer
	toolChoice := "required"
	for attempt := 0; ; attempt++ {
		if attempt == 0 {
			Progress(ctx, StageUnderstanding)
		} else {
			Progress(ctx, StageRepairing)
		}
		res, err := l.chat(ctx, call{kind: kind, version: version, req: openai.ChatCompletionRequest{Messages: msgs, Tools: tools, ToolChoice: toolChoice}})
		if err != nil && toolChoice == "required" && badRequest(err) {
			// Some OpenAI-compatible servers know only tool_choice "auto".
			toolChoice = "auto"
			res, err = l.chat(ctx, call{kind: kind, version: version, req: openai.ChatCompletionRequest{Messages: msgs, Tools: tools, ToolChoice: toolChoice}})
		}
		if err != nil {
			return Answer{}, err
		}
		if len(res.msg.ToolCalls) == 0 {
			return Answer{}, fmt.Errorf("%w: the model called no tool", ErrLLM)
		}
		res.msg.ToolCalls = res.msg.ToolCalls[:1]
		if res.msg.ToolCalls[0].ID == "" { // some servers leave it out; the tool reply needs one
			res.msg.ToolCalls[0].ID = fmt.Sprintf("call_%d", attempt)
		}
		tc := res.msg.ToolCalls[0]
		msgs = append(msgs, res.msg)
		var fix string // what to tell the model when it must correct itself
		switch tc.Function.Name {
		case ToolQuerySpec:
			var s Spec
			if err := strictUnmarshal(tc.Function.Arguments, &s); err != nil {
				fix = "The arguments are not valid JSON for the schema: " + err.Error()
				break
			}
			Progress(ctx, StageRunning)
			ans, err = a.Run(ctx, s, question, lang)
			if err != nil {
				if !errors.Is(err, models.ErrInvalid) {
					return Answer{}, err
				}
				fix = "The layer refused the spec: " + err.Error() + ". Use only the listed keys."
			}
		case ToolRunSQL:
			if scoped {
				l.record(ctx, models.AssistantCall{Kind: "sql_guard", Mode: "llm", Model: l.opts.Model, PromptVersion: version, Prompt: cutText(tc.Function.Arguments, maxErrorBytes)}, time.Now(), "scope_refused", "", nil)
				fix = fmt.Sprintf("The tool %s is not available for this account; call %s.", ToolRunSQL, ToolQuerySpec)
				break
			}
			var args struct {
				SQL string `json:"sql"`
			}
			if err := strictUnmarshal(tc.Function.Arguments, &args); err != nil {
				fix = "The arguments are not valid JSON: " + err.Error()
				break
			}
			Progress(ctx, StageRunning)
			ans, err = l.runSQL(ctx, a, args.SQL, question, lang)
			var ee *store.EngineError
			switch {
			case errors.Is(err, ErrGuard):
				l.record(ctx, models.AssistantCall{Kind: "sql_guard", Mode: "llm", Model: l.opts.Model, PromptVersion: version, Prompt: args.SQL}, time.Now(), "guard_rejected", "", err)
				return Answer{}, err
			case errors.As(err, &ee):
				if attempt >= maxRepairs {
					return Answer{}, fmt.Errorf("%w: sql still fails after %d repairs: %w", ErrLLM, maxRepairs, err)
				}
				text, rerr := prompts.Repair.Render(prompts.RepairInput{Question: masked, SQL: args.SQL, Error: cutText(ee.Message, maxErrorBytes)})
				if rerr != nil {
					return Answer{}, rerr
				}
				fix, kind, version = text, "sql_repair", prompts.Version(prompts.Ask.Version, prompts.Repair.Version)
			case err != nil:
				return Answer{}, err
			}
		default:
			fix = fmt.Sprintf("There is no tool %q; call %s or %s.", tc.Function.Name, ToolQuerySpec, ToolRunSQL)
		}
		if fix == "" {
			break
		}
		if attempt >= maxRepairs {
			return Answer{}, fmt.Errorf("%w: no usable answer after %d repairs: %s", ErrLLM, maxRepairs, fix)
		}
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: tc.ID, Content: fix})
	}
	ans.Mode = "llm"
	if ans.Clarify == nil && len(ans.Rows) > 0 {
		Progress(ctx, StageWriting)
		if text, err := l.sentence(ctx, ans, masked, lang); err == nil {
			ans.Text = text
		} else {
			l.log.Warn("llm answer sentence rejected; keeping the template sentence", "error", err)
		}
	}
	return ans, nil
}

// maxErrorBytes bounds the engine error quoted to the model.
const maxErrorBytes = 2000

// cutText cuts s to at most n bytes on a rune boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// badRequest is true for a 400 from the server (a request it does not understand).
func badRequest(err error) bool {
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode == 400
	}
	var re *openai.RequestError
	return errors.As(err, &re) && re.HTTPStatusCode == 400
}

// strictUnmarshal decodes JSON refusing unknown fields (a hallucinated field is an error the
// model can correct) and trailing data.
func strictUnmarshal(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// runSQL runs free SQL through the Guard and turns the table into an Answer.
func (l *LLM) runSQL(ctx context.Context, a *Assistant, sql, question, lang string) (Answer, error) {
	g := Guard{DB: a.db}
	stmt, tab, err := g.Run(ctx, sql)
	if err != nil {
		return Answer{}, err
	}
	ans := Answer{Question: question, SQL: stmt, Rows: tab.Rows,
		Interpretation: pick(lang, "Câu hỏi nằm ngoài lớp ngữ nghĩa; mô hình đã viết truy vấn SQL (đã qua kiểm tra, chỉ đọc) dưới đây.",
			"The question is outside the semantic layer; the model wrote the SQL below (checked, read-only)."),
		Chart: &Chart{Type: "table"}}
	for _, c := range tab.Columns {
		ans.Columns = append(ans.Columns, AnswerColumn{Key: c.Name, Label: c.Name})
	}
	if len(tab.Rows) == 1 && len(tab.Columns) == 1 {
		ans.Chart = &Chart{Type: "number", Y: []string{tab.Columns[0].Name}}
	}
	ans.Text = pick(lang, fmt.Sprintf("Truy vấn trả về %d dòng.", len(tab.Rows)), fmt.Sprintf("The query returned %d rows.", len(tab.Rows)))
	return ans, nil
}

// sentence asks the model for the answer sentence from the masked rows, and keeps it only when
// every number in it appears in the rows.
func (l *LLM) sentence(ctx context.Context, ans Answer, question, lang string) (string, error) {
	in := prompts.AnswerInput{Lang: lang, Question: question, Interpretation: ans.Interpretation}
	for _, c := range ans.Columns {
		in.Columns = append(in.Columns, c.Label)
	}
	allowed := newNumberSet()
	for i, r := range ans.Rows {
		if i >= maxPromptRows {
			in.Truncated = true
			break
		}
		row := make([]string, len(r))
		for j, v := range r {
			row[j] = l.opts.Mask(formatCell(v, lang))
			allowed.addText(row[j])
			allowed.addValue(v)
		}
		in.Rows = append(in.Rows, row)
	}
	allowed.addText(question)
	allowed.addText(ans.Interpretation)
	allowed.add(float64(len(ans.Rows)))
	text, err := prompts.Answer.Render(in)
	if err != nil {
		return "", err
	}
	res, err := l.chat(ctx, call{kind: "answer", version: prompts.Answer.Version, req: openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}}})
	if err != nil {
		return "", err
	}
	out := strings.TrimSpace(res.msg.Content)
	if out == "" {
		return "", fmt.Errorf("%w: empty answer", ErrLLM)
	}
	if bad := allowed.unknown(out); len(bad) > 0 {
		return "", fmt.Errorf("%w: answer has numbers not in the result: %s", ErrLLM, strings.Join(bad, ", "))
	}
	if sqlInProse.MatchString(out) {
		// The rows may carry citizens' text that tells the model what to write (prompt
		// injection); an answer sentence never needs a statement.
		return "", fmt.Errorf("%w: answer sentence holds an SQL statement", ErrLLM)
	}
	return out, nil
}

// sqlInProse finds an SQL statement in an answer sentence.
var sqlInProse = regexp.MustCompile(`(?i)\b(DROP|TRUNCATE|ALTER|CREATE|RENAME)\s+(TABLE|DATABASE|VIEW|USER)\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bUPDATE\s+\S+\s+SET\b|\bSELECT\b[^.;]{0,200}?\bFROM\b|\bGRANT\b[^;]{0,80}?\bON\b`)
