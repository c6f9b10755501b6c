package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/govpulse/govpulse/assistant"
)

// runEval runs an evaluation. `eval nlq FILE` reads a question set (YAML or JSONL: question,
// lang, category, and the expected spec or SQL, or expect_clarify), answers every question in
// offline mode against the current data and prints accuracy by category and language (--json:
// the whole report).
func runEval(ctx context.Context, env *Env, cfg Config) error {
	if len(cfg.Args) != 2 || cfg.Args[0] != "nlq" {
		return errors.New("usage: govpulse eval nlq FILE (e.g. assistant/testdata/nlq.yaml)")
	}
	set, err := assistant.ReadEvalFile(cfg.Args[1])
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Args[1], err)
	}
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	layer, err := loadLayer(ctx, cfg, db)
	if err != nil {
		return err
	}
	a, err := assistant.New(ctx, assistant.Options{DB: db, Log: log, Layer: layer, Province: cfg.SimProvince})
	if err != nil {
		return err
	}
	rep, err := a.Eval(ctx, set)
	if err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Results        []assistant.EvalResult `json:"results"`
			ByCategory     []assistant.Tally      `json:"by_category"`
			ByLanguage     []assistant.Tally      `json:"by_language"`
			InLayer        assistant.Tally        `json:"in_layer"`
			Clarifications assistant.Tally        `json:"clarifications"`
		}{rep.Results, rep.ByCategory(), rep.ByVariant(), rep.InLayer(), rep.Clarifications()})
	}
	return rep.Write(env.Stdout, false)
}
