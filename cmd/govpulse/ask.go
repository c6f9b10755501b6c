package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/store"
)

// loadLayer reads the semantic layer (--semantic-layer, else the embedded one), fills its value
// dictionaries from the engine's dimension tables and scopes shared ward names to --province.
// newAssistant builds every command's assistant on it.
func loadLayer(ctx context.Context, cfg Config, db store.DB) (*assistant.Layer, error) {
	l, err := assistant.LoadLayer(cfg.SemanticLayer)
	if err != nil {
		return nil, fmt.Errorf("GOVPULSE_SEMANTIC_LAYER / --semantic-layer: %w", err)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		return nil, err
	}
	l.SetDimensions(dims)
	l.SetProvince(cfg.SimProvince)
	return l, nil
}

// runAsk answers one question (the positional arguments joined) and prints the answer, the
// table, the interpretation and the SQL, or the whole Answer as JSON (--json).
func runAsk(ctx context.Context, env *Env, cfg Config) error {
	question := strings.TrimSpace(strings.Join(cfg.Args, " "))
	if question == "" {
		return errors.New(`give the question as an argument: govpulse ask "Số hồ sơ tiếp nhận tháng 10/2025"`)
	}
	lang := cfg.Lang
	if lang == "" {
		lang = assistant.DetectLang(question)
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
	ans, err := a.Ask(ctx, question, lang)
	if err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	return writeAnswer(env.Stdout, ans, lang)
}

// writeAnswer prints an Answer for a terminal.
func writeAnswer(w io.Writer, ans assistant.Answer, lang string) error {
	t := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	var b strings.Builder
	if ans.Notice != "" {
		fmt.Fprintf(&b, "(%s)\n", ans.Notice)
	}
	if c := ans.Clarify; c != nil {
		fmt.Fprintf(&b, "%s\n", c.Question)
		for i, o := range c.Options {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, o.Question)
		}
		fmt.Fprintf(&b, "\n%s: %s\n", t("chế độ", "mode"), ans.Mode)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s\n\n", ans.Text)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	var heads []string
	for _, c := range ans.Columns {
		heads = append(heads, c.Label)
	}
	fmt.Fprintln(tw, strings.Join(heads, "\t"))
	for _, r := range ans.Rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = cell(v, ans.Columns[i].Unit, lang)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n%s: %s\n", t("Hiểu là", "Understood as"), ans.Interpretation)
	fmt.Fprintf(&b, "%s: %s\n\nSQL:\n%s\n", t("chế độ", "mode"), ans.Mode, ans.SQL)
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(v any, unit, lang string) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case float64:
		return assistant.FormatValue(x, unit, lang)
	case int64:
		return assistant.FormatValue(float64(x), unit, lang)
	case string:
		return x
	}
	return fmt.Sprint(v)
}
