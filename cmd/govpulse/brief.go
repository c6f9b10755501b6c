package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// validateLLM checks the LLM settings: none (offline mode), or a base URL and a model.
func (c Config) validateLLM() error {
	if c.LLMBaseURL == "" {
		if c.LLMModel != "" {
			return errors.New("GOVPULSE_LLM_MODEL / --llm-model: set GOVPULSE_LLM_BASE_URL too (or neither, for offline mode)")
		}
		return nil
	}
	u, err := url.Parse(c.LLMBaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("GOVPULSE_LLM_BASE_URL / --llm-base-url: want an http(s) URL such as http://127.0.0.1:11434/v1")
	}
	if c.LLMModel == "" {
		return errors.New("GOVPULSE_LLM_MODEL / --llm-model: required with GOVPULSE_LLM_BASE_URL")
	}
	if c.LLMTimeout <= 0 {
		return errors.New("GOVPULSE_LLM_TIMEOUT / --llm-timeout: must be positive")
	}
	if c.LLMContextWindow < 0 {
		return errors.New("GOVPULSE_LLM_CONTEXT_WINDOW / --llm-context-window: must not be negative")
	}
	return nil
}

// newLLM builds the LLM mode from the configuration; nil (offline mode) when no endpoint is
// configured. Personal data is masked before any prompt by the ingest pipeline's masker, then by
// the assistant's (which also catches names a question introduces).
func newLLM(cfg Config, db store.DB, log *slog.Logger) (*assistant.LLM, error) {
	if cfg.LLMBaseURL == "" {
		return nil, nil
	}
	return assistant.NewLLM(assistant.LLMOptions{
		BaseURL: cfg.LLMBaseURL, APIKey: cfg.LLMAPIKey, Model: cfg.LLMModel, Timeout: cfg.LLMTimeout,
		Window: int(cfg.LLMContextWindow), DB: db, Log: log, Actor: "system",
		Mask: func(s string) string { return assistant.MaskText(pipeline.MaskPII(s)) },
	})
}

// newAssistant builds the assistant on db: the semantic layer of --semantic-layer (loadLayer), and
// the LLM when one is configured. serve should build its assistant here too, so that the
// dashboard answers as the commands do.
func newAssistant(ctx context.Context, cfg Config, db store.DB, log *slog.Logger) (*assistant.Assistant, error) {
	llm, err := newLLM(cfg, db, log)
	if err != nil {
		return nil, err
	}
	layer, err := loadLayer(ctx, cfg, db)
	if err != nil {
		return nil, err
	}
	opts := assistant.Options{DB: db, Log: log, Layer: layer, Province: cfg.SimProvince}
	if llm != nil {
		opts.LLM = llm
		log.Info("assistant mode", "mode", "llm", "model", llm.Model())
	} else {
		log.Info("assistant mode", "mode", "offline")
	}
	return assistant.New(ctx, opts)
}

// runBrief writes the briefing of --date (default yesterday) and prints it, or its JSON with the
// fact sheet (--json). The briefing is stored like the dashboard's.
func runBrief(ctx context.Context, env *Env, cfg Config) error {
	day := time.Now().In(models.Location).AddDate(0, 0, -1)
	if cfg.BriefDate != "" {
		d, err := time.ParseInLocation(time.DateOnly, cfg.BriefDate, models.Location)
		if err != nil {
			return fmt.Errorf("--date: want YYYY-MM-DD, got %q", cfg.BriefDate)
		}
		day = d
	}
	lang := "vi"
	if len(cfg.Args) > 0 {
		lang = cfg.Args[0]
	}
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := newAssistant(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	b, err := a.Brief(ctx, day, lang, assistant.BriefOptions{Actor: "cli"})
	if err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	if b.Notice != "" {
		fmt.Fprintf(env.Stdout, "(%s)\n\n", b.Notice)
	}
	fmt.Fprintln(env.Stdout, b.Text)
	fmt.Fprintln(env.Stdout)
	for _, f := range b.Facts.Facts {
		fmt.Fprintf(env.Stdout, "[%s] %s\n", f.ID, f.Text)
	}
	mode := b.Mode
	if b.Model != "" {
		mode += " " + b.Model
	}
	fmt.Fprintf(env.Stdout, "\n%s · %s · prompt %s\n", b.Date, mode, b.PromptVersion)
	return nil
}
