package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// `govpulse simulate`: writes simulated upstream data (DESIGN §3 contract, NDJSON) and the
// manifest of planted incidents to a directory, for demos, benchmarks and `govpulse import`.

// simulateOptions are the settings of one simulation.
type simulateOptions struct {
	Days     int
	Scale    float64
	Seed     uint64
	Province string    // GSO code, "79" when empty
	Start    time.Time // first day (local midnight); zero: Days days before today
	Now      time.Time // snapshot time; zero: the end of the period
}

// The files simulateTo writes into its directory.
const (
	simDossiersFile  = "dossiers.ndjson"
	simPetitionsFile = "petitions.ndjson"
	simPostsFile     = "posts.ndjson"
	simManifestFile  = "manifest.json"
)

// parseSimulateOptions checks the command's settings as given (strings for start, so that the
// error names the setting) and fills the defaults; today is the local date the default start
// counts back from.
func parseSimulateOptions(days int64, scale float64, seed int64, province, start string, today time.Time) (simulateOptions, error) {
	o := simulateOptions{Days: int(days), Scale: scale, Seed: uint64(seed), Province: province}
	switch {
	case days < 1 || days > 3660:
		return o, fmt.Errorf("GOVPULSE_SIM_DAYS / --days: want 1 to 3660, got %d", days)
	case !(scale > 0 && scale <= 1000):
		return o, fmt.Errorf("GOVPULSE_SIM_SCALE / --scale: want a number in (0, 1000], got %g", scale)
	case seed < 0:
		return o, fmt.Errorf("GOVPULSE_SIM_SEED / --seed: want a non-negative integer, got %d", seed)
	}
	if o.Province == "" {
		o.Province = "79"
	}
	if start != "" {
		t, err := time.ParseInLocation(time.DateOnly, start, models.Location)
		if err != nil {
			return o, fmt.Errorf("GOVPULSE_SIM_START / --start: want a date YYYY-MM-DD, got %q", start)
		}
		o.Start = t
	} else {
		y, m, d := today.In(models.Location).Date()
		o.Start = time.Date(y, m, d-o.Days, 0, 0, 0, 0, models.Location)
	}
	return o, nil
}

// simulateTo reads the dimension rows of opts.Province from db, simulates, and writes
// dossiers.ndjson, petitions.ndjson, posts.ndjson and manifest.json into the directory out
// (created if missing). The NDJSON files are written under temporary names and renamed at the
// end, so an interrupted run leaves no file that looks complete. A one-line summary goes to
// stdout.
func simulateTo(ctx context.Context, db store.DB, opts simulateOptions, out string, stdout io.Writer, log *slog.Logger) (pipeline.Manifest, error) {
	if opts.Province == "" {
		opts.Province = "79"
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		return pipeline.Manifest{}, fmt.Errorf("simulate: %w", err)
	}
	sim, err := simOptions(dims, opts)
	if err != nil {
		return pipeline.Manifest{}, err
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return pipeline.Manifest{}, fmt.Errorf("simulate: %w", err)
	}
	type outFile struct {
		name string
		f    *os.File
		w    *bufio.Writer
	}
	files := make([]*outFile, 3)
	for i, name := range []string{simDossiersFile, simPetitionsFile, simPostsFile} {
		f, err := os.Create(filepath.Join(out, name+".tmp"))
		if err != nil {
			for _, o := range files[:i] {
				o.f.Close()
				os.Remove(o.f.Name())
			}
			return pipeline.Manifest{}, fmt.Errorf("simulate: %w", err)
		}
		files[i] = &outFile{name: name, f: f, w: bufio.NewWriterSize(f, 1<<20)}
	}
	cleanup := func() {
		for _, o := range files {
			o.f.Close()
			os.Remove(o.f.Name())
		}
	}

	began := time.Now()
	lastLog := began
	rows := 0
	man, err := pipeline.Simulate(sim, func(c pipeline.SimChunk) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows += c.Len()
		if time.Since(lastLog) > 5*time.Second {
			lastLog = time.Now()
			log.Info("simulating", "rows", rows, "duration_ms", time.Since(began).Milliseconds())
		}
		return c.WriteNDJSON(files[0].w, files[1].w, files[2].w)
	})
	if err != nil {
		cleanup()
		return man, err
	}
	for _, o := range files {
		err := o.w.Flush()
		if err == nil {
			err = o.f.Sync()
		}
		if cerr := o.f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(o.f.Name(), filepath.Join(out, o.name))
		}
		if err != nil {
			cleanup()
			return man, fmt.Errorf("simulate: write %s: %w", o.name, err)
		}
	}
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return man, fmt.Errorf("simulate: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, simManifestFile), append(b, '\n'), 0o644); err != nil {
		return man, fmt.Errorf("simulate: %w", err)
	}
	took := time.Since(began)
	last := man.Start.AddDate(0, 0, man.Days-1)
	fmt.Fprintf(stdout, "simulated %s..%s (%d days, scale %g, seed %d, province %s): %d dossiers, %d petitions, %d posts, %d incidents -> %s (%.1f s, %.0f rows/s)\n",
		man.Start.Format(time.DateOnly), last.Format(time.DateOnly), man.Days, man.Scale, man.Seed, man.Province,
		man.Counts.Dossiers, man.Counts.Petitions, man.Counts.Posts, len(man.Incidents), out,
		took.Seconds(), float64(rows)/max(took.Seconds(), 1e-9))
	return man, nil
}

// runSimulate simulates and, with --out, writes the contract files and the manifest there;
// without --out it stores the simulation in the configured engine through the pipeline (storing
// the same simulation twice changes nothing).
func runSimulate(ctx context.Context, env *Env, cfg Config) error {
	opts, err := parseSimulateOptions(cfg.SimDays, cfg.SimScale, cfg.SimSeed, cfg.SimProvince, cfg.SimStart, time.Now())
	if err != nil {
		return err
	}
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.SimOut != "" {
		_, err = simulateTo(ctx, db, opts, cfg.SimOut, env.Stdout, log)
		return err
	}
	parser, dims, err := newParser(ctx, db, cfg)
	if err != nil {
		return err
	}
	sim, err := simOptions(dims, opts)
	if err != nil {
		return err
	}
	began := time.Now()
	token := fmt.Sprintf("sim-%s-%d-%s-%d-%g", opts.Province, opts.Seed, opts.Start.Format("20060102"), opts.Days, opts.Scale)
	token = strings.NewReplacer(".", "_", "+", "_").Replace(token)
	man, err := storeSimulation(ctx, parser, pipeline.NewDeliverer(store.Ingest{DB: db}, 0), sim, token, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "stored %d dossiers, %d petitions, %d posts (%d incidents planted) in %s\n",
		man.Counts.Dossiers, man.Counts.Petitions, man.Counts.Posts, len(man.Incidents), time.Since(began).Round(time.Millisecond))
	return nil
}

// simOptions combines the command's settings with the dimension rows, refusing a province that
// has no wards.
func simOptions(dims store.Dimensions, opts simulateOptions) (pipeline.SimOptions, error) {
	if !slices.ContainsFunc(dims.Wards, func(w models.Ward) bool { return w.ProvinceCode == opts.Province }) {
		return pipeline.SimOptions{}, fmt.Errorf("GOVPULSE_SIM_PROVINCE / --province: no wards of province %q in the wards table (seeded: 79, 31, 92)", opts.Province)
	}
	return pipeline.SimOptions{Start: opts.Start, Days: opts.Days, Scale: opts.Scale, Seed: opts.Seed, Province: opts.Province, Now: opts.Now,
		Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}, nil
}
