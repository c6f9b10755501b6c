package assistant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/prompts"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// OfflinePromptVersion is the prompt version recorded for template-written briefings.
const OfflinePromptVersion = "offline-1"

// Briefing is a written briefing with the fact sheet it cites.
type Briefing struct {
	ID            string    `json:"id"`
	Date          string    `json:"date"` // YYYY-MM-DD
	Lang          string    `json:"lang"`
	Text          string    `json:"text"`
	Facts         FactSheet `json:"facts"`
	Mode          string    `json:"mode"` // "offline" or "llm"
	Model         string    `json:"model"`
	PromptVersion string    `json:"prompt_version"`
	TokensIn      int       `json:"tokens_in"`
	TokensOut     int       `json:"tokens_out"`
	// Notice says why an LLM briefing fell back to the templates ("" otherwise).
	Notice string `json:"notice,omitempty"`
}

// BriefOptions adjust one briefing.
type BriefOptions struct {
	Sources BriefSources
	Actor   string // stored as created_by; "" means "system"
	// NoStore skips writing the briefing to the briefings table.
	NoStore bool
}

// Brief writes the briefing of day in lang: the fact sheet (BuildFacts), then the LLM's text
// when one is configured, checked so that every number is one of the sheet's and every cited id
// exists (one retry naming the bad numbers, then the offline template with a notice), else the
// offline template. The briefing is stored unless opts.NoStore.
func (a *Assistant) Brief(ctx context.Context, day time.Time, lang string, opts BriefOptions) (Briefing, error) {
	lang, err := normLang(lang)
	if err != nil {
		return Briefing{}, err
	}
	sheet, err := BuildFacts(ctx, a.db, day, lang, opts.Sources)
	if err != nil {
		return Briefing{}, err
	}
	for _, m := range sheet.Missing {
		a.log.Warn("briefing fact source left out", "missing", m)
	}
	b := Briefing{Date: sheet.Date.Format(time.DateOnly), Lang: lang, Facts: sheet, Mode: "offline", PromptVersion: OfflinePromptVersion}
	llm, _ := a.llm.(*LLM)
	if llm != nil {
		if err := llm.writeBriefing(ctx, &b); err != nil {
			if ctx.Err() != nil {
				return Briefing{}, ctx.Err()
			}
			a.log.Warn("llm briefing failed, writing offline", "error", err)
			b.Notice = pick(lang, "Mô hình ngôn ngữ không viết được bản tin đạt yêu cầu; bản tin này do mẫu câu ngoại tuyến viết.",
				"The language model did not produce an acceptable briefing; this one was written by the offline templates.")
			b.Mode, b.Model, b.PromptVersion = "offline", "", OfflinePromptVersion
		}
	}
	if b.Mode == "offline" {
		b.Text = WriteOffline(sheet)
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Briefing{}, err
	}
	b.ID = "b_" + hex.EncodeToString(id[:])
	if opts.NoStore {
		return b, nil
	}
	facts, err := json.Marshal(sheet)
	if err != nil {
		return Briefing{}, err
	}
	actor := opts.Actor
	if actor == "" {
		actor = "system"
	}
	rec := models.Briefing{ID: b.ID, Date: sheet.Date, Lang: lang, Mode: b.Mode, Model: b.Model, PromptVersion: b.PromptVersion,
		TokensIn: uint32(b.TokensIn), TokensOut: uint32(b.TokensOut), Text: b.Text, FactsJSON: string(facts), CreatedBy: actor,
		CreatedAt: a.Now().Truncate(time.Second)}
	if err := a.db.Insert(ctx, "briefings", []models.Briefing{rec}); err != nil {
		return Briefing{}, fmt.Errorf("assistant: store briefing: %w", err)
	}
	if b.Mode == "offline" {
		logCall(ctx, a.db, a.log, models.AssistantCall{At: time.Now().In(models.Location), Actor: actor, Kind: "brief", Mode: "offline",
			PromptVersion: OfflinePromptVersion, Outcome: "ok", Reply: b.Text})
	}
	return b, nil
}

// ErrUnsupportedNumbers reports a briefing that used numbers outside its fact sheet.
var ErrUnsupportedNumbers = errors.New("assistant: briefing uses numbers not in the fact sheet")

// writeBriefing fills b.Text from the model: one attempt, and one retry that names the numbers
// the checker rejected. It fills the model, version and tokens of b.
func (l *LLM) writeBriefing(ctx context.Context, b *Briefing) error {
	in := prompts.BriefInput{Lang: b.Lang, Date: b.Date}
	for _, f := range b.Facts.Facts {
		in.Facts = append(in.Facts, prompts.Fact{ID: f.ID, Text: f.Text})
	}
	// Facts come most important first; the budget keeps as many as fit.
	for {
		text, err := prompts.Brief.Render(in)
		if err != nil {
			return err
		}
		if n := l.budget.Count(text) + perMessage; n <= l.budget.Window-l.budget.Reply || len(in.Facts) <= 1 {
			break
		}
		in.Facts = in.Facts[:len(in.Facts)-1]
	}
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		text, err := prompts.Brief.Render(in)
		if err != nil {
			return err
		}
		res, err := l.chat(ctx, call{kind: "brief", version: prompts.Brief.Version, req: openai.ChatCompletionRequest{
			Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: text}}}})
		if err != nil {
			return err
		}
		b.TokensIn += res.tokensIn
		b.TokensOut += res.tokensOut
		out := strings.TrimSpace(res.msg.Content)
		bad, err := CheckBriefing(b.Facts, out)
		switch {
		case err != nil:
			lastErr = err
		case out == "":
			lastErr = fmt.Errorf("%w: empty briefing", ErrLLM)
		case len(bad) > 0:
			lastErr = fmt.Errorf("%w: %s", ErrUnsupportedNumbers, strings.Join(bad, ", "))
			in.Rejected = bad
		default:
			b.Text, b.Mode, b.Model, b.PromptVersion = out, "llm", l.opts.Model, prompts.Brief.Version
			return nil
		}
		l.log.Warn("llm briefing rejected", "attempt", attempt+1, "error", lastErr)
	}
	return lastErr
}

// todayBriefingTTL is how long a briefing about today is served before it is written again.
const todayBriefingTTL = 15 * time.Minute

// Briefing returns the stored briefing of day in lang when there is one, else writes and stores
// a new one (Brief): leaders read the same text about a past day all day long, while a briefing
// about today (data still arriving) is written again once older than todayBriefingTTL.
func (a *Assistant) Briefing(ctx context.Context, day time.Time, lang string, opts BriefOptions) (Briefing, error) {
	lang, err := normLang(lang)
	if err != nil {
		return Briefing{}, err
	}
	d := day.In(models.Location)
	q, err := sqlfiles.Query("briefing_latest")
	if err != nil {
		return Briefing{}, err
	}
	var rows []models.Briefing
	if err := a.db.Query(ctx, &rows, q, store.Params{"date": d.Format(time.DateOnly), "lang": lang}); err != nil {
		return Briefing{}, fmt.Errorf("assistant: stored briefing: %w", err)
	}
	// Today's data is still arriving: its briefing is written afresh once it is older than
	// todayBriefingTTL.
	now := a.Now()
	today := !d.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, models.Location))
	if len(rows) == 0 || today && now.Sub(rows[0].CreatedAt) > todayBriefingTTL {
		return a.Brief(ctx, day, lang, opts)
	}
	r := rows[0]
	b := Briefing{ID: r.ID, Date: r.Date.In(models.Location).Format(time.DateOnly), Lang: r.Lang, Text: r.Text, Mode: r.Mode,
		Model: r.Model, PromptVersion: r.PromptVersion, TokensIn: int(r.TokensIn), TokensOut: int(r.TokensOut)}
	if err := json.Unmarshal([]byte(r.FactsJSON), &b.Facts); err != nil {
		return Briefing{}, fmt.Errorf("assistant: stored briefing %s facts: %w", r.ID, err)
	}
	return b, nil
}
