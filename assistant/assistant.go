package assistant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// Assistant answers questions over one database: offline through the rule-based parser of
// ask.go, or through an LLM when Options.LLM is set (the LLM path lives in its own files). It is
// safe for concurrent use once built by New.
type Assistant struct {
	db    store.DB
	layer *Layer
	now   func() time.Time
	log   *slog.Logger
	// llm answers through a model; nil means offline mode only.
	llm LLMAsker
}

// LLMAsker is the LLM path of Ask: it fills a Spec (or guarded SQL) through a model and returns
// the Answer with Mode "llm". Ask falls back to the offline parser, with a visible notice, when it
// fails. Implementations use a's exported methods (Layer, Run, Now) to compile and run specs.
type LLMAsker interface {
	AskLLM(ctx context.Context, a *Assistant, question, lang string) (Answer, error)
}

// Options configure an Assistant. DB is required; the zero value of the rest is usable.
type Options struct {
	// DB runs the compiled SQL with QueryReadOnly (engine-enforced read-only, time and row
	// limits).
	DB store.DB
	// Layer is the semantic layer; nil means DefaultLayer() without value dictionaries, which
	// New then loads from DB (store.LoadDimensions).
	Layer *Layer
	// Now is the clock relative periods are read against ("tuần trước"); nil means time.Now.
	// Its result is read in Asia/Ho_Chi_Minh.
	Now func() time.Time
	// Log receives one line per question (mode, metric keys, rows; never result values or
	// personal data). nil discards.
	Log *slog.Logger
	// LLM, when set, answers first; nil means offline mode.
	LLM LLMAsker
	// Province is the GSO code of the city served ("79"): ward names other provinces share
	// resolve to its wards. "" leaves them ambiguous (the parser asks).
	Province string
}

// New builds an Assistant. When opts.Layer is nil it loads the default layer and fills its value
// dictionaries from the database's dimension tables.
func New(ctx context.Context, opts Options) (*Assistant, error) {
	if opts.DB == nil {
		return nil, errors.New("assistant: Options.DB is required")
	}
	a := &Assistant{db: opts.DB, layer: opts.Layer, now: opts.Now, log: opts.Log, llm: opts.LLM}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.layer == nil {
		l, err := DefaultLayer()
		if err != nil {
			return nil, err
		}
		dims, err := store.LoadDimensions(ctx, opts.DB)
		if err != nil {
			return nil, fmt.Errorf("assistant: %w", err)
		}
		l.SetDimensions(dims)
		a.layer = l
	}
	if opts.Province != "" {
		a.layer.SetProvince(opts.Province)
	}
	return a, nil
}

// Layer is the semantic layer the Assistant compiles with.
func (a *Assistant) Layer() *Layer { return a.layer }

// Now is the Assistant's clock in Asia/Ho_Chi_Minh.
func (a *Assistant) Now() time.Time { return a.now().In(models.Location) }

// Ask answers question in lang ("vi" or "en"; "" means vi). With an LLM configured it asks the
// model first and falls back to offline mode, saying so in Answer.Notice, when the model fails.
// A question the layer cannot express yields an Answer with Clarify set and no error; err is
// for failures of the engine or a bad lang.
func (a *Assistant) Ask(ctx context.Context, question, lang string) (Answer, error) {
	lang, err := normLang(lang)
	if err != nil {
		return Answer{}, err
	}
	question = strings.TrimSpace(question)
	if question == "" {
		return Answer{}, &models.FieldError{Field: "question", Message: "empty question / câu hỏi trống"}
	}
	if len(question) > maxQuestionBytes {
		return Answer{}, &models.FieldError{Field: "question", Message: fmt.Sprintf("question longer than %d bytes / câu hỏi quá dài", maxQuestionBytes)}
	}
	if a.llm != nil {
		ans, err := a.llm.AskLLM(ctx, a, question, lang)
		if err == nil {
			return ans, nil
		}
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		if errors.Is(err, ErrNotPermitted) {
			return Answer{}, err
		}
		a.log.Warn("assistant: llm failed, answering offline", "error", err)
		ans, oerr := a.AskOffline(ctx, question, lang)
		ans.Notice = pick(lang, "Mô hình ngôn ngữ không trả lời được; câu trả lời này do chế độ ngoại tuyến (quy tắc) đưa ra.",
			"The language model failed; this answer comes from offline (rule-based) mode.")
		return ans, oerr
	}
	return a.AskOffline(ctx, question, lang)
}

// maxQuestionBytes bounds a question: longer text is not a question a leader types.
const maxQuestionBytes = 1000

func normLang(lang string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "", "vi":
		return "vi", nil
	case "en":
		return "en", nil
	}
	return "", &models.FieldError{Field: "lang", Message: fmt.Sprintf("unknown language %q: use vi or en", lang)}
}

func pick(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}
