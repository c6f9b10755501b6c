package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// Completer is what the assistant needs of a chat model. go-openai's *openai.Client implements
// it against any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp).
type Completer interface {
	CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
}

var _ Completer = (*openai.Client)(nil)

// LLMOptions configure the LLM mode. Model and either Client or BaseURL are required.
type LLMOptions struct {
	BaseURL string // OpenAI-compatible API root, e.g. http://127.0.0.1:11434/v1
	APIKey  string // may be empty for local servers
	Model   string
	// Timeout bounds one model call (0: 60s); a call that times out is retried like a 5xx.
	Timeout time.Duration
	// Retries is how many times a call is repeated after a 429, a 5xx or a timeout (0: 2;
	// negative: none). Backoff is the first pause (0: 500ms), doubled each time.
	Retries int
	Backoff time.Duration
	// Window is the model's context window in tokens (0: a default by model name).
	Window int
	// Mask replaces personal data in any text before it enters a prompt (nil: MaskText). The
	// command wires pipeline.MaskPII here, the ingest pipeline's masker.
	Mask func(string) string
	// DB, when set, receives one assistant_log row per call and holds verified examples.
	DB store.DB
	// Client replaces the go-openai client built from BaseURL (tests, other transports).
	Client Completer
	Log    *slog.Logger
	// Actor is written to assistant_log (the dashboard passes the user per request through
	// WithActor; this is the default).
	Actor string
}

// LLM answers questions and writes briefings through a chat model. It implements LLMAsker.
// Safe for concurrent use.
type LLM struct {
	opts   LLMOptions
	client Completer
	budget *Budget
	log    *slog.Logger
	sleep  func(ctx context.Context, d time.Duration) error
}

var _ LLMAsker = (*LLM)(nil)

// NewLLM checks opts and builds the client and the token budget of the model.
func NewLLM(opts LLMOptions) (*LLM, error) {
	if opts.Model == "" {
		return nil, fmt.Errorf("assistant: LLM model is required (GOVPULSE_LLM_MODEL)")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 2
	} else if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.Mask == nil {
		opts.Mask = MaskText
	}
	l := &LLM{opts: opts, client: opts.Client, log: opts.Log, sleep: sleepCtx}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.client == nil {
		if opts.BaseURL == "" {
			return nil, fmt.Errorf("assistant: LLM base URL is required (GOVPULSE_LLM_BASE_URL)")
		}
		cfg := openai.DefaultConfig(opts.APIKey)
		cfg.BaseURL = strings.TrimRight(opts.BaseURL, "/")
		cfg.HTTPClient = &http.Client{Transport: versionTransport{http.DefaultTransport}}
		l.client = openai.NewClientWithConfig(cfg)
	}
	b, err := NewBudget(opts.Model, opts.Window, 0)
	if err != nil {
		return nil, err
	}
	l.budget = b
	return l, nil
}

// Model is the configured model name.
func (l *LLM) Model() string { return l.opts.Model }

// PromptVersionHeader carries the prompt version of every request, so that the server's logs
// (and the tests' fake server) can tie a call to its templates.
const PromptVersionHeader = "X-Govpulse-Prompt-Version"

type ctxKey int

const (
	versionKey ctxKey = iota
	actorKey
	progressKey
	scopeKey
)

// Stages of an LLM answer reported through WithProgress.
const (
	StageUnderstanding = "understanding" // the model is reading the question
	StageRepairing     = "repairing"     // the model is correcting its spec or SQL
	StageRunning       = "running"       // the query runs on the engine
	StageWriting       = "writing"       // the model writes the answer sentence
)

// WithProgress makes calls with ctx report their stages to report (e.g. as server-sent
// events). report must be quick and safe for concurrent use.
func WithProgress(ctx context.Context, report func(stage string)) context.Context {
	return context.WithValue(ctx, progressKey, report)
}

// Progress reports stage to the reporter WithProgress put in ctx, if any.
func Progress(ctx context.Context, stage string) {
	if f, ok := ctx.Value(progressKey).(func(string)); ok && f != nil {
		f(stage)
	}
}

// WithActor names the user on whose behalf calls made with ctx run (written to assistant_log).
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey, actor)
}

// versionTransport sends the prompt version carried by the request's context as a header.
type versionTransport struct{ base http.RoundTripper }

// RoundTrip adds the prompt version of the call to the request.
func (t versionTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if v, ok := r.Context().Value(versionKey).(string); ok {
		r = r.Clone(r.Context())
		r.Header.Set(PromptVersionHeader, v)
	}
	return t.base.RoundTrip(r)
}

// call is one logical model call: kind ("ask", "sql_repair", "answer", "brief"), the prompt
// version of its templates, and the request (Model and messages are filled in).
type call struct {
	kind    string
	version string
	req     openai.ChatCompletionRequest
}

// result is a model reply with its token counts.
type result struct {
	msg       openai.ChatCompletionMessage
	tokensIn  int
	tokensOut int
}

// ErrLLM wraps every failure of the model (after retries), so that callers can fall back.
var ErrLLM = errors.New("assistant: language model failed")

// chat masks every message, checks the token budget, sends the request with retries, and logs
// the call. It returns ErrBudgetExceeded or an error wrapping ErrLLM on failure.
func (l *LLM) chat(ctx context.Context, c call) (result, error) {
	start := time.Now()
	c.req.Model = l.opts.Model
	var prompt strings.Builder
	tokens := 0
	for i := range c.req.Messages {
		m := &c.req.Messages[i]
		m.Content = l.opts.Mask(m.Content)
		tokens += l.budget.Count(m.Content) + perMessage
		fmt.Fprintf(&prompt, "## %s\n%s\n", m.Role, m.Content)
		for _, tc := range m.ToolCalls {
			tokens += l.budget.Count(tc.Function.Arguments) + perMessage
			fmt.Fprintf(&prompt, "(tool call %s %s)\n", tc.Function.Name, tc.Function.Arguments)
		}
	}
	for _, t := range c.req.Tools {
		if t.Function != nil {
			schema, _ := json.Marshal(t.Function.Parameters)
			tokens += l.budget.Count(string(schema)) + l.budget.Count(t.Function.Name+t.Function.Description)
		}
	}
	rec := models.AssistantCall{Kind: c.kind, Mode: "llm", Model: l.opts.Model, PromptVersion: c.version,
		TokensIn: uint32(tokens), Prompt: prompt.String()}
	if avail := l.budget.Window - l.budget.Reply; tokens > avail {
		err := fmt.Errorf("%w: %d tokens, %d available", ErrBudgetExceeded, tokens, avail)
		l.record(ctx, rec, start, "budget_exceeded", "", err)
		return result{}, err
	}
	// max_tokens is what vLLM, Ollama and llama.cpp read; OpenAI's reasoning models take only
	// max_completion_tokens.
	if reasoningModel(l.opts.Model) {
		c.req.MaxCompletionTokens = l.budget.Reply
	} else {
		c.req.MaxTokens = l.budget.Reply
	}
	ctx = context.WithValue(ctx, versionKey, c.version)
	var resp openai.ChatCompletionResponse
	var err error
	pause := l.opts.Backoff
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
		resp, err = l.client.CreateChatCompletion(cctx, c.req)
		cancel()
		err = l.redact(err)
		if err == nil && len(resp.Choices) == 0 {
			err = errors.New("reply without choices")
		}
		if err == nil || attempt >= l.opts.Retries || !retryable(ctx, err) {
			break
		}
		l.log.Warn("llm call failed, retrying", "kind", c.kind, "attempt", attempt+1, "error", err)
		if serr := l.sleep(ctx, pause); serr != nil {
			err = serr
			break
		}
		pause *= 2
	}
	if err != nil {
		err = fmt.Errorf("%w (%s): %w", ErrLLM, c.kind, err)
		l.record(ctx, rec, start, "error", "", err)
		return result{}, err
	}
	msg := resp.Choices[0].Message
	reply := msg.Content
	for _, tc := range msg.ToolCalls {
		reply += fmt.Sprintf("\n(tool call %s %s)", tc.Function.Name, tc.Function.Arguments)
	}
	r := result{msg: msg, tokensIn: resp.Usage.PromptTokens, tokensOut: resp.Usage.CompletionTokens}
	if r.tokensIn == 0 {
		r.tokensIn = tokens
	}
	if r.tokensOut == 0 {
		r.tokensOut = l.budget.Count(reply)
	}
	rec.TokensIn, rec.TokensOut = uint32(r.tokensIn), uint32(r.tokensOut)
	l.record(ctx, rec, start, "ok", reply, nil)
	return r, nil
}

// redact hides the API key in err's text: some OpenAI-compatible servers quote the key they
// were sent in an error ("Incorrect API key provided: sk-…"), which would then reach the log
// and assistant_log. errors.As still finds the wrapped error (for its status code).
func (l *LLM) redact(err error) error {
	if err == nil || len(l.opts.APIKey) < 4 || !strings.Contains(err.Error(), l.opts.APIKey) {
		return err
	}
	return redactedError{err: err, secret: l.opts.APIKey}
}

type redactedError struct {
	err    error
	secret string
}

func (e redactedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, "[REDACTED]")
}
func (e redactedError) Unwrap() error { return e.err }

// reasoningModel is true for OpenAI models that refuse max_tokens.
func reasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// retryable is true for 429, 5xx, and a call that ran out of its own time while ctx is alive.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode == http.StatusTooManyRequests || ae.HTTPStatusCode >= 500
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode == http.StatusTooManyRequests || re.HTTPStatusCode >= 500
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// record logs a call (metadata only at Info) and appends it to assistant_log when a DB is set.
// Prompt and reply are already masked.
func (l *LLM) record(ctx context.Context, rec models.AssistantCall, start time.Time, outcome, reply string, err error) {
	rec.At = time.Now().In(models.Location)
	rec.DurationMS = uint32(time.Since(start).Milliseconds())
	rec.Outcome = outcome
	rec.Reply = l.opts.Mask(reply)
	rec.Actor = l.opts.Actor
	if a, ok := ctx.Value(actorKey).(string); ok && a != "" {
		rec.Actor = a
	}
	if err != nil {
		rec.Error = l.opts.Mask(err.Error())
	}
	l.log.Info("llm call", "kind", rec.Kind, "model", rec.Model, "prompt_version", rec.PromptVersion,
		"tokens_in", rec.TokensIn, "tokens_out", rec.TokensOut, "duration_ms", rec.DurationMS, "outcome", outcome)
	logCall(context.WithoutCancel(ctx), l.opts.DB, l.log, rec)
}

// logCall appends rec to assistant_log; a failure is logged, never returned (the audit row must
// not decide whether a leader gets an answer).
func logCall(ctx context.Context, db store.DB, log *slog.Logger, rec models.AssistantCall) {
	if db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.Insert(ctx, "assistant_log", []models.AssistantCall{rec}); err != nil {
		log.Warn("assistant_log insert failed", "kind", rec.Kind, "error", err)
	}
}
