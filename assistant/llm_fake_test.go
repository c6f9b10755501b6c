package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/prompts"
	"github.com/govpulse/govpulse/store"
)

// The LLM tests talk to fakeLLM, an OpenAI-compatible server (httptest) that checks every
// request it receives and answers from a script. No test touches the network.

const (
	fakeModel  = "gpt-4o-mini"
	fakeKey    = "test-key"
	fakeWindow = 6000
)

// personal data planted in questions; none of it may reach the model.
var planted = []string{"Nguyễn Văn A", "0903 123 456", "0903123456", "nguyen.van.a@example.com", "079201001234"}

var phoneLike = regexp.MustCompile(`\b0\d{2}[ .]?\d{3}[ .]?\d{3,4}\b`)

type step func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest)

type fakeLLM struct {
	t       *testing.T
	layer   *Layer
	mu      sync.Mutex
	script  []step
	reqs    []openai.ChatCompletionRequest
	headers []string // prompt versions seen
	srv     *httptest.Server
}

func newFake(t *testing.T, layer *Layer, script ...step) *fakeLLM {
	f := &fakeLLM{t: t, layer: layer, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

var knownVersions = []string{prompts.Ask.Version, prompts.Version(prompts.Ask.Version, prompts.Repair.Version), prompts.Answer.Version, prompts.Brief.Version}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if r.URL.Path != "/v1/chat/completions" {
		t.Errorf("request to %s", r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+fakeKey {
		t.Errorf("Authorization = %q", got)
	}
	v := r.Header.Get(PromptVersionHeader)
	if !slices.Contains(knownVersions, v) {
		t.Errorf("prompt version header %q is not a known prompt version", v)
	}
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		t.Errorf("request body: %v", err)
	}
	if req.Model != fakeModel {
		t.Errorf("model = %q, want %q", req.Model, fakeModel)
	}
	b, _ := NewBudget(fakeModel, fakeWindow, 0)
	tokens := 0
	for i, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleSystem && i != 0 {
			t.Errorf("system message at position %d: one system message, first", i)
		}
		tokens += b.Count(m.Content) + perMessage
		for _, p := range planted {
			if strings.Contains(m.Content, p) {
				t.Errorf("personal data %q reached the model in a %s message", p, m.Role)
			}
		}
		if s := phoneLike.FindString(m.Content); s != "" {
			t.Errorf("phone-like number %q reached the model", s)
		}
	}
	if tokens > fakeWindow-b.Reply {
		t.Errorf("prompt of %d tokens exceeds the budget %d", tokens, fakeWindow-b.Reply)
	}
	if req.MaxTokens <= 0 || req.MaxTokens > b.Reply || req.MaxCompletionTokens != 0 {
		t.Errorf("max_tokens = %d, max_completion_tokens = %d; want max_tokens within the reply budget %d", req.MaxTokens, req.MaxCompletionTokens, b.Reply)
	}
	if len(req.Tools) > 0 {
		f.checkTools(req.Tools)
	}
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, req)
	f.headers = append(f.headers, v)
	f.mu.Unlock()
	if n >= len(f.script) {
		t.Errorf("request %d beyond the script of %d", n+1, len(f.script))
		http.Error(w, `{"error":{"message":"unscripted"}}`, http.StatusInternalServerError)
		return
	}
	f.script[n](w, r, req)
}

// checkTools checks the query_spec schema against the layer: every metric key and only those.
func (f *fakeLLM) checkTools(tools []openai.Tool) {
	raw, _ := json.Marshal(tools)
	var parsed []struct {
		Function struct {
			Name       string `json:"name"`
			Parameters struct {
				Properties struct {
					Metrics struct {
						Items struct {
							Enum []string `json:"enum"`
						} `json:"items"`
					} `json:"metrics"`
				} `json:"properties"`
			} `json:"parameters"`
		} `json:"function"`
	}
	if err := json.Unmarshal(raw, &parsed); err != nil {
		f.t.Fatal(err)
	}
	var want []string
	for _, m := range f.layer.Describe("vi").Metrics {
		want = append(want, m.Key)
	}
	found := false
	for _, p := range parsed {
		if p.Function.Name == ToolQuerySpec {
			found = true
			if !slices.Equal(p.Function.Parameters.Properties.Metrics.Items.Enum, want) {
				f.t.Errorf("query_spec metric enum = %v, want the layer's %v", p.Function.Parameters.Properties.Metrics.Items.Enum, want)
			}
		}
	}
	if !found {
		f.t.Error("no query_spec tool")
	}
}

func (f *fakeLLM) requests() []openai.ChatCompletionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func reply(w http.ResponseWriter, msg openai.ChatCompletionMessage) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(openai.ChatCompletionResponse{ID: "x", Object: "chat.completion", Model: fakeModel,
		Choices: []openai.ChatCompletionChoice{{Message: msg, FinishReason: "stop"}},
		Usage:   openai.Usage{PromptTokens: 100, CompletionTokens: 20}})
}

func toolCall(name, args string) step {
	return func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
		reply(w, openai.ChatCompletionMessage{Role: "assistant", ToolCalls: []openai.ToolCall{{ID: "call_1", Type: "function",
			Function: openai.FunctionCall{Name: name, Arguments: args}}}})
	}
}

func text(s string) step {
	return func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
		reply(w, openai.ChatCompletionMessage{Role: "assistant", Content: s})
	}
}

func status(code int) step {
	return func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"message":"status %d","type":"server_error"}}`, code)
	}
}

// slow answers only after the client gave up.
func slow() step {
	return func(w http.ResponseWriter, r *http.Request, _ openai.ChatCompletionRequest) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		reply(w, openai.ChatCompletionMessage{Role: "assistant", Content: "too late"})
	}
}

// expectLastContains checks the last message of a request, e.g. the repair prompt.
func expectLastContains(want string, next step) step {
	return func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) {
		last := req.Messages[len(req.Messages)-1]
		if !strings.Contains(last.Content, want) {
			panic(fmt.Sprintf("last message %q does not contain %q", last.Content, want))
		}
		next(w, r, req)
	}
}

// Fixture (hand-computed): October 2025 dossiers received in wards of HCMC: Thủ Dầu Một 7 (4 on
// 5 Oct, 3 on 20 Oct), Phú Lợi 5, Bình Dương 100 (26 Oct). The briefing day, Sunday 2 Nov 2025:
// 120 dossiers received (100 on Sunday 26 Oct: +20%); 90 of 100 ended on time in 27 Oct–2 Nov
// (90%) against 80 of 100 in 20–26 Oct (80%: +10 points); petitions 30 flooding + 10 lighting =
// 40 (50 on 26 Oct: −20%); posts on 2 Nov 40, 20 negative about flooding; 1 negative a day on
// 26 Oct–1 Nov (mean 1), 10 posts each of those days.
func seedFixture(t testing.TB, db store.DB) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{
		`INSERT INTO dossier_intake_daily (day, unit_code, ward_code, field, channel, online_level, received) VALUES
			('2025-10-05', 'U1', '25747', 'f1', 'online', 'full', 4), ('2025-10-20', 'U1', '25747', 'f1', 'online', 'full', 3),
			('2025-10-11', 'U2', '25750', 'f1', 'in_person', 'none', 5),
			('2025-10-26', 'U3', '25760', 'f1', 'online', 'full', 100), ('2025-11-02', 'U1', '25747', 'f1', 'online', 'full', 120)`,
		`INSERT INTO dossier_outcome_daily (day, unit_code, ward_code, field, channel, online_level, status, ended, on_time) VALUES
			('2025-10-30', 'U1', '25747', 'f1', 'online', 'full', 'completed', 100, 90),
			('2025-10-22', 'U1', '25747', 'f1', 'online', 'full', 'completed', 100, 80)`,
		`INSERT INTO petition_intake_daily (day, ward_code, unit_code, category, subcategory, channel, received) VALUES
			('2025-11-02', '25747', '', 'ngap_nuoc', '', 'hotline', 30), ('2025-11-02', '25750', '', 'chieu_sang', '', 'app', 10),
			('2025-10-26', '25747', '', 'ngap_nuoc', '', 'hotline', 50)`,
		`INSERT INTO post_daily (day, ward_code, topic, platform, posts, negative, neutral, positive) VALUES
			('2025-11-02', '25747', 'ngap_nuoc', 'facebook', 40, 20, 15, 5),
			('2025-10-26', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0), ('2025-10-27', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0),
			('2025-10-28', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0), ('2025-10-29', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0),
			('2025-10-30', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0), ('2025-10-31', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0),
			('2025-11-01', '25747', 'ngap_nuoc', 'facebook', 10, 1, 9, 0)`,
		// The same figures in the KPI cubes (0014) the briefing's facts read: every combination
		// of the cube's dimensions (grouping bit masks 0–7) from the rollup rows above. Posts
		// weigh 1 each (no engagement in this fixture), with sentiment +1 / −1.
		`INSERT INTO dossier_kpi_cube (grouping, unit_code, ward_code, field, day, received, online, ended, ended_after_due, ended_done)
			SELECT g, if(bitTest(g, 0), unit_code, ''), if(bitTest(g, 1), ward_code, ''), if(bitTest(g, 2), field, ''), day,
				received, if(channel = 'online', received, 0), 0, 0, 0
			FROM dossier_intake_daily ARRAY JOIN range(toUInt8(8)) AS g`,
		`INSERT INTO petition_kpi_cube (grouping, ward_code, unit_code, category, day, received, due, closed, on_time, end_due, reopened)
			SELECT g, if(bitTest(g, 0), ward_code, ''), if(bitTest(g, 1), unit_code, ''), if(bitTest(g, 2), category, ''), day,
				received, 0, 0, 0, 0, 0
			FROM petition_intake_daily ARRAY JOIN range(toUInt8(8)) AS g`,
		`INSERT INTO post_kpi_cube (grouping, ward_code, platform, topic, day, posts, negative, positive, weight, weighted_sentiment)
			SELECT g, if(bitTest(g, 0), ward_code, ''), if(bitTest(g, 1), toString(platform), ''), if(bitTest(g, 2), topic, ''), day,
				posts, negative, positive, posts, toFloat64(positive) - toFloat64(negative)
			FROM post_daily ARRAY JOIN range(toUInt8(8)) AS g`,
	}
	for _, s := range stmts {
		if err := db.Exec(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
}

var fixtureNow = time.Date(2025, 11, 3, 9, 0, 0, 0, models.Location)

// setup returns an Assistant on a seeded database whose LLM talks to a fake with script.
func setup(t *testing.T, db store.DB, opts LLMOptions, script ...step) (*Assistant, *fakeLLM) {
	t.Helper()
	ctx := context.Background()
	plain, err := New(ctx, Options{DB: db, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, plain.Layer(), script...)
	opts.BaseURL, opts.APIKey, opts.Model, opts.Window, opts.DB = f.srv.URL+"/v1", fakeKey, fakeModel, fakeWindow, db
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	llm, err := NewLLM(opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(ctx, Options{DB: db, Layer: plain.Layer(), Now: func() time.Time { return fixtureNow }, LLM: llm})
	if err != nil {
		t.Fatal(err)
	}
	return a, f
}

const goodSpec = `{"metrics":["dossiers_received"],"dimensions":["ward"],"period":{"text":"2025-10","words":"tháng 10"},"order_by":"dossiers_received","desc":true}`

// question carries personal data that must be masked before any prompt.
const piiQuestion = "Số hồ sơ tiếp nhận theo phường tháng 10/2025? (tôi là Nguyễn Văn A, gọi 0903 123 456, nguyen.van.a@example.com, CCCD 079201001234)"

func TestAskLLM(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	wardRows := func(t *testing.T, ans Answer) {
		t.Helper()
		var got []string
		for _, r := range ans.Rows {
			got = append(got, fmt.Sprint(r...))
		}
		j := strings.Join(got, "|")
		if !strings.Contains(j, "25747") || !strings.Contains(j, "7") || !strings.Contains(j, "25750") {
			t.Errorf("rows %q: want Thủ Dầu Một 7 and Phú Lợi 5", j)
		}
	}
	tests := []struct {
		name     string
		opts     LLMOptions
		script   []step
		mode     string // "llm", or "offline" for a fall-back
		requests int
		stages   string // stages reported, when checked
		check    func(t *testing.T, ans Answer, f *fakeLLM)
	}{
		{name: "good spec", mode: "llm", requests: 2, stages: "understanding running writing",
			script: []step{toolCall(ToolQuerySpec, goodSpec), text("Phường Thủ Dầu Một dẫn đầu với 7 hồ sơ, Phú Lợi có 5 hồ sơ.")},
			check: func(t *testing.T, ans Answer, f *fakeLLM) {
				wardRows(t, ans)
				if ans.Text != "Phường Thủ Dầu Một dẫn đầu với 7 hồ sơ, Phú Lợi có 5 hồ sơ." {
					t.Errorf("Text = %q, want the model's sentence", ans.Text)
				}
				if ans.Spec == nil || ans.SQL == "" || ans.Interpretation == "" {
					t.Errorf("answer lacks spec, SQL or interpretation: %+v", ans)
				}
			}},
		{name: "answer sentence with an invented number keeps the template sentence", mode: "llm", requests: 2,
			script: []step{toolCall(ToolQuerySpec, goodSpec), text("Có 13 hồ sơ.")},
			check: func(t *testing.T, ans Answer, f *fakeLLM) {
				if strings.Contains(ans.Text, "13") || ans.Text == "" {
					t.Errorf("Text = %q: the invented 13 was kept or the sentence lost", ans.Text)
				}
			}},
		{name: "hallucinated metric is repaired", mode: "llm", requests: 3,
			script: []step{toolCall(ToolQuerySpec, `{"metrics":["dossier_count"],"period":{"text":"2025-10"}}`),
				expectLastContains("dossier_count", toolCall(ToolQuerySpec, goodSpec)), text("Thủ Dầu Một: 7 hồ sơ.")},
			check: func(t *testing.T, ans Answer, f *fakeLLM) { wardRows(t, ans) }},
		{name: "hallucinated column is repaired from the engine's error", mode: "llm", requests: 3, stages: "understanding running repairing running writing",
			script: []step{toolCall(ToolRunSQL, `{"sql":"SELECT sum(received) AS n FROM dossier_intake_daily WHERE wardd = '25747'"}`),
				expectLastContains("wardd", toolCall(ToolRunSQL, `{"sql":"SELECT sum(received) AS n FROM dossier_intake_daily WHERE ward_code = '25747' AND day < '2025-11-01'"}`)),
				text("Phường Thủ Dầu Một tiếp nhận 7 hồ sơ.")},
			check: func(t *testing.T, ans Answer, f *fakeLLM) {
				if len(ans.Rows) != 1 || fmt.Sprint(ans.Rows[0][0]) != "7" {
					t.Errorf("rows = %v, want [[7]]", ans.Rows)
				}
				if !strings.Contains(ans.SQL, "ward_code") {
					t.Errorf("SQL = %q, want the repaired query", ans.SQL)
				}
				if f.headers[1] != prompts.Version(prompts.Ask.Version, prompts.Repair.Version) {
					t.Errorf("repair call version %q", f.headers[1])
				}
			}},
		{name: "write statement is refused", mode: "offline", requests: 1,
			script: []step{toolCall(ToolRunSQL, `{"sql":"INSERT INTO wards SELECT * FROM wards"}`)},
			check: func(t *testing.T, ans Answer, f *fakeLLM) {
				var n []uint64
				if err := db.Query(ctx, &n, "SELECT count() FROM assistant_log WHERE outcome = 'guard_rejected' AND duration_ms < 60000 AND prompt LIKE 'INSERT INTO wards%'", nil); err != nil || n[0] == 0 {
					t.Errorf("guard_rejected rows = %v, %v; want one", n, err)
				}
			}},
		{name: "malformed JSON is sent back", mode: "llm", requests: 3,
			script: []step{toolCall(ToolQuerySpec, `{"metrics": ["dossiers_received"], "period": {"text": "2025-10"`),
				expectLastContains("not valid JSON", toolCall(ToolQuerySpec, goodSpec)), text("Thủ Dầu Một có 7 hồ sơ.")}},
		{name: "malformed JSON three times falls back", mode: "offline", requests: 3,
			script: []step{toolCall(ToolQuerySpec, `{`), toolCall(ToolQuerySpec, `{"metrics":`), toolCall(ToolQuerySpec, `nonsense`)}},
		{name: "429 then success", mode: "llm", requests: 3,
			script: []step{status(http.StatusTooManyRequests), toolCall(ToolQuerySpec, goodSpec), text("Thủ Dầu Một có 7 hồ sơ.")}},
		{name: "server without tool_choice required", mode: "llm", requests: 3,
			script: []step{status(http.StatusBadRequest), func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) {
				if req.ToolChoice != "auto" {
					panic(fmt.Sprintf("tool_choice %v after a 400, want auto", req.ToolChoice))
				}
				toolCall(ToolQuerySpec, goodSpec)(w, r, req)
			}, text("Thủ Dầu Một có 7 hồ sơ.")}},
		{name: "500 forever falls back", mode: "offline", requests: 3, opts: LLMOptions{Retries: 2},
			script: []step{status(500), status(500), status(500)}},
		{name: "slow reply past the timeout falls back", mode: "offline", requests: 1, opts: LLMOptions{Timeout: 100 * time.Millisecond, Retries: -1},
			script: []step{slow()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, f := setup(t, db, tt.opts, tt.script...)
			var stages []string
			ans, err := a.Ask(WithProgress(ctx, func(s string) { stages = append(stages, s) }), piiQuestion, "vi")
			if got := strings.Join(stages, " "); tt.stages != "" && got != tt.stages {
				t.Errorf("stages %q, want %q", got, tt.stages)
			}
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if ans.Mode != tt.mode {
				t.Errorf("Mode = %q (notice %q), want %q", ans.Mode, ans.Notice, tt.mode)
			}
			if tt.mode == "offline" && ans.Notice == "" {
				t.Error("fall-back without a visible notice")
			}
			if got := len(f.requests()); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.check != nil {
				tt.check(t, ans, f)
			}
		})
	}
	var wards []uint64
	if err := db.Query(ctx, &wards, "SELECT count() FROM wards", nil); err != nil || wards[0] != 385 {
		t.Errorf("wards = %v, %v; the refused INSERT must not have run", wards, err)
	}
	var logged []uint64
	if err := db.Query(ctx, &logged, "SELECT count() FROM assistant_log WHERE prompt_version != '' AND mode = 'llm'", nil); err != nil || logged[0] < 10 {
		t.Errorf("assistant_log llm rows with a prompt version = %v, %v", logged, err)
	}
	var leaked []uint64
	if err := db.Query(ctx, &leaked, "SELECT count() FROM assistant_log WHERE prompt LIKE '%0903%' OR prompt LIKE '%example.com%' OR reply LIKE '%0903%'", nil); err != nil || leaked[0] != 0 {
		t.Errorf("assistant_log rows with personal data = %v, %v", leaked, err)
	}
}

func TestAskLLMBudgetTrimsDictionaries(t *testing.T) {
	db := migrated(t)
	a, f := setup(t, db, LLMOptions{}, toolCall(ToolQuerySpec, goodSpec), text("7 hồ sơ."))
	if _, err := a.Ask(context.Background(), "Hồ sơ tiếp nhận theo phường tháng 10/2025", "vi"); err != nil {
		t.Fatal(err)
	}
	// The ward dictionary (385 wards) does not fit a 6000-token window beside the rules; the
	// fake checked the budget, and the dictionary blocks that fit are there.
	req := f.requests()[0]
	all := ""
	for _, m := range req.Messages {
		all += m.Content
	}
	if strings.Contains(all, "Value codes of dimension ward") {
		t.Error("the ward dictionary was sent despite the budget")
	}
}

func TestAskLLMSendsTheValuesTheQuestionNames(t *testing.T) {
	db := migrated(t)
	a, f := setup(t, db, LLMOptions{}, toolCall(ToolQuerySpec, goodSpec), text("7 hồ sơ."))
	if _, err := a.Ask(context.Background(), "Hồ sơ tiếp nhận của phường Thủ Dầu Một tháng 10/2025", "vi"); err != nil {
		t.Fatal(err)
	}
	sys := f.requests()[0].Messages[0].Content
	// The whole ward list does not fit 6000 tokens, the matching ward does.
	if strings.Contains(sys, "Value codes of dimension ward") || !strings.Contains(sys, "best first (code: name):\n25747: Phường Thủ Dầu Một\n") {
		t.Errorf("system prompt lacks the named ward or carries the whole list:\n%s", sys)
	}
	if strings.Contains(sys, "25750: Phú Lợi") {
		t.Error("a ward the question does not name was listed among the matches")
	}
}

func TestBriefLLM(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	day := time.Date(2025, 11, 2, 0, 0, 0, 0, models.Location)
	src := BriefSources{
		Alerts: func(context.Context, analytics.Querier, models.Period, analytics.Scope) ([]analytics.Alert, error) {
			return nil, errors.New("not built")
		},
	}
	good := "Số bài đăng tiêu cực về ngập nước tăng vọt lên 20 bài [F1]. Các cơ quan tiếp nhận 120 hồ sơ, tăng 20% [F2]."
	tests := []struct {
		name     string
		script   []step
		mode     string
		requests int
	}{
		{"cited text is kept", []step{text(good)}, "llm", 1},
		{"invented number then good", []step{text("Có 97 hồ sơ trễ hạn [F2]."), expectLastContains("97", text(good))}, "llm", 2},
		{"invented numbers twice fall back", []step{text("Có 97 hồ sơ [F2]."), text("Có 1.234 hồ sơ [F2].")}, "offline", 2},
		{"unknown fact id falls back", []step{text("Có 120 hồ sơ [F99]."), text("Có 120 hồ sơ [F98].")}, "offline", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, f := setup(t, db, LLMOptions{}, tt.script...)
			b, err := a.Brief(ctx, day, "vi", BriefOptions{Sources: src, Actor: "lead"})
			if err != nil {
				t.Fatal(err)
			}
			if b.Mode != tt.mode {
				t.Errorf("Mode = %q, want %q", b.Mode, tt.mode)
			}
			if got := len(f.requests()); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.mode == "llm" && (b.Text != good || b.Model != fakeModel || b.PromptVersion != prompts.Brief.Version || b.TokensIn == 0) {
				t.Errorf("briefing = %+v", b)
			}
			if tt.mode == "offline" && (b.Notice == "" || b.PromptVersion != OfflinePromptVersion) {
				t.Errorf("fall-back without notice or with version %q", b.PromptVersion)
			}
			if bad, err := CheckBriefing(b.Facts, b.Text); err != nil || len(bad) > 0 {
				t.Errorf("stored text fails the checker: %v %v", bad, err)
			}
			var rows []models.Briefing
			if err := db.Query(ctx, &rows, "SELECT * FROM briefings WHERE id = {id:String}", store.Params{"id": b.ID}); err != nil || len(rows) != 1 {
				t.Fatalf("stored briefing: %v, %d rows", err, len(rows))
			}
			if rows[0].Mode != tt.mode || !strings.Contains(rows[0].FactsJSON, `"F1"`) || rows[0].CreatedBy != "lead" {
				t.Errorf("stored row = %+v", rows[0])
			}
		})
	}
}
