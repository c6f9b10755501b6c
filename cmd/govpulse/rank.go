package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// validateRank checks rank's flags, naming the one at fault.
func (c Config) validateRank() error {
	if c.Period == "" {
		return errors.New("GOVPULSE_PERIOD / --period: say which period to rank, e.g. --period 2025-Q3")
	}
	if _, err := models.ParsePeriod(c.Period); err != nil {
		return fmt.Errorf("GOVPULSE_PERIOD / --period: %w", err)
	}
	if _, err := dashboard.ParseLevel(c.Level); err != nil {
		return fmt.Errorf("GOVPULSE_LEVEL / --level: %w", err)
	}
	if c.Output == "" {
		return errors.New("GOVPULSE_OUTPUT / -o: name the file to write, e.g. -o xep-hang-2025-Q3.xlsx")
	}
	if _, err := rankFormat(c); err != nil {
		return err
	}
	// Empty is Vietnamese (rankLang); the option is shared with ask, where empty means the
	// question's language.
	if c.Lang != "" && c.Lang != "vi" && c.Lang != "en" {
		return fmt.Errorf("GOVPULSE_LANG / --lang: want vi or en, got %q", c.Lang)
	}
	return nil
}

// rankFormat is --format, else the -o file's extension.
func rankFormat(c Config) (dashboard.Format, error) {
	if c.Format != "" {
		f, err := dashboard.ParseFormat(c.Format)
		if err != nil {
			return "", fmt.Errorf("GOVPULSE_FORMAT / --format: %w", err)
		}
		return f, nil
	}
	f, err := dashboard.ParseFormat(strings.TrimPrefix(strings.ToLower(filepath.Ext(c.Output)), "."))
	if err != nil {
		return "", fmt.Errorf("GOVPULSE_FORMAT / --format: say csv or xlsx (the file %s has neither extension)", c.Output)
	}
	return f, nil
}

// runRank writes the 766 ranking of a level for a period to a CSV or XLSX file: the same file
// the dashboard's export gives.
func runRank(ctx context.Context, env *Env, cfg Config) error {
	p, _ := models.ParsePeriod(cfg.Period)
	level, _ := dashboard.ParseLevel(cfg.Level)
	format, _ := rankFormat(cfg)
	db, err := openMigrated(ctx, cfg, cfg.logger(env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	index, err := cfg.indexConfig() // --index-config, else the embedded table
	if err != nil {
		return err
	}
	rk, err := analytics.Rankings(ctx, db, index, level, p)
	if err != nil {
		return fmt.Errorf("rank %s %s: %w", level, p, err)
	}
	if err := writeRankFile(cfg.Output, format, dashboard.RankingExport{Ranking: rk, Lang: rankLang(cfg)}); err != nil {
		return err
	}
	if err := (store.Audit{DB: db}).Record(ctx, models.AuditEntry{Actor: "cli", Action: "export", Object: "rankings",
		Detail: fmt.Sprintf("format=%s level=%s period=%s rows=%d file=%s", format, level, p, len(rk.Rows), filepath.Base(cfg.Output))}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d %s ranked for %s (index %s, data as of %s)\n", cfg.Output, len(rk.Rows),
		map[analytics.Level]string{analytics.LevelUnit: "units", analytics.LevelWard: "wards"}[level], p, rk.Version,
		rk.AsOf.In(models.Location).Format("2006-01-02 15:04"))
	return nil
}

// writeRankFile writes the export next to path and renames it into place, so that a failure
// never leaves a half-written file under the requested name.
func writeRankFile(path string, format dashboard.Format, e dashboard.RankingExport) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("rank: %w", err)
	}
	defer os.Remove(tmp.Name())
	if e.Generated.IsZero() {
		e.Generated = time.Now()
	}
	if err := dashboard.WriteRanking(tmp, format, e); err != nil {
		tmp.Close()
		return fmt.Errorf("rank: write %s: %w", path, err)
	}
	// CreateTemp makes the file private; a report is an ordinary file.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("rank: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rank: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rank: %w", err)
	}
	return nil
}

// rankLang is the language of the ranking file: --lang, Vietnamese by default.
func rankLang(c Config) string {
	if c.Lang == "" {
		return "vi"
	}
	return c.Lang
}
