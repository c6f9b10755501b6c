package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// hashSecret returns the per-installation secret that keys author and citizen hashes: the
// configured one, else <data>/hash_secret, created with 32 random bytes on first use. Nodes that
// share a ClickHouse server must share the secret (GOVPULSE_HASH_SECRET or _FILE), or the same
// author would hash differently on each.
func hashSecret(cfg Config) ([]byte, error) {
	if cfg.HashSecret != "" {
		if len(cfg.HashSecret) < 16 {
			return nil, errors.New("GOVPULSE_HASH_SECRET: at least 16 characters")
		}
		return []byte(cfg.HashSecret), nil
	}
	path := filepath.Join(cfg.Data, "hash_secret")
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	secret := []byte(hex.EncodeToString(raw[:]))
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		return os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return secret, f.Close()
}

// newParser builds the pipeline's parser from the dimension tables.
func newParser(ctx context.Context, db store.DB, cfg Config) (*pipeline.Parser, store.Dimensions, error) {
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		return nil, dims, err
	}
	secret, err := hashSecret(cfg)
	if err != nil {
		return nil, dims, err
	}
	p, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories, HashSecret: secret})
	return p, dims, err
}

func runImport(ctx context.Context, env *Env, cfg Config) error {
	stream := pipeline.Stream(cfg.Stream)
	if !stream.Valid() {
		return fmt.Errorf("--stream: want dossiers, petitions or posts, got %q", cfg.Stream)
	}
	if len(cfg.Args) == 0 {
		return errors.New("name at least one file to import (NDJSON or CSV, .gz allowed)")
	}
	var mapping *pipeline.Mapping
	if cfg.Mapping != "" {
		f, err := os.Open(cfg.Mapping)
		if err != nil {
			return fmt.Errorf("--mapping: %w", err)
		}
		mapping, err = pipeline.LoadMapping(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("--mapping %s: %w", cfg.Mapping, err)
		}
	}
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	parser, _, err := newParser(ctx, db, cfg)
	if err != nil {
		return err
	}
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: db}, 0)
	var total pipeline.Summary
	start := time.Now()
	for _, path := range cfg.Args {
		sum, errs, err := importFile(ctx, env, parser, deliverer, stream, path, mapping)
		total.Lines += sum.Lines
		total.Accepted += sum.Accepted
		total.Rejected += sum.Rejected
		fmt.Fprintf(env.Stdout, "%s: %d lines, %d accepted, %d rejected\n", path, sum.Lines, sum.Accepted, sum.Rejected)
		for _, e := range errs {
			fmt.Fprintf(env.Stdout, "  line %d: %s: %s\n", e.Line, orWhole(e.Field), e.Message)
		}
		if sum.Rejected > len(errs) {
			fmt.Fprintf(env.Stdout, "  … %d more in the dead-letter table (govpulse dead-letters --stream %s)\n", sum.Rejected-len(errs), stream)
		}
		if err != nil {
			return fmt.Errorf("%s: %w (lines before the failure are stored; re-running the import is safe)", path, err)
		}
	}
	took := time.Since(start)
	fmt.Fprintf(env.Stdout, "imported %s: %d lines, %d accepted, %d rejected in %s (%.0f lines/s)\n",
		stream, total.Lines, total.Accepted, total.Rejected, took.Round(time.Millisecond), float64(total.Lines)/took.Seconds())
	return nil
}

// importFile parses one file and stores it chunk by chunk. Each chunk's token derives from the
// file's name, size and modification time and the chunk's position, so importing an unchanged
// file again stores nothing twice.
func importFile(ctx context.Context, env *Env, parser *pipeline.Parser, d *pipeline.Deliverer, stream pipeline.Stream,
	path string, mapping *pipeline.Mapping) (pipeline.Summary, []pipeline.Rejection, error) {
	f, err := os.Open(path)
	if err != nil {
		return pipeline.Summary{}, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return pipeline.Summary{}, nil, err
	}
	format := "ndjson"
	if base := strings.TrimSuffix(strings.ToLower(path), ".gz"); strings.HasSuffix(base, ".csv") {
		format = "csv"
	}
	bar := progressbar.NewOptions64(info.Size(),
		progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription(filepath.Base(path)),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(), progressbar.OptionSetPredictTime(true))
	defer bar.Close()
	r := io.TeeReader(f, bar)
	token := fmt.Sprintf("import-%016x", fileStamp(path, info))
	var shown []pipeline.Rejection
	chunk := 0
	source := "import:" + filepath.Base(path)
	sum, err := parser.Parse(ctx, stream, r, pipeline.ParseOptions{Format: format, Mapping: mapping, Source: source}, func(c pipeline.Chunk) error {
		chunk++
		b := pipeline.Batch{Dossiers: c.Dossiers, Petitions: c.Petitions, Posts: c.Posts}
		for _, rej := range c.Rejected {
			b.Dead = append(b.Dead, pipeline.DeadLetterOf(stream, source, rej, time.Now()))
			if len(shown) < 10 {
				shown = append(shown, rej)
			}
		}
		return d.Store(ctx, fmt.Sprintf("%s-%d", token, chunk), b)
	})
	return sum, shown, err
}

// fileStamp identifies a file's content cheaply: name, size and modification time.
func fileStamp(path string, info fs.FileInfo) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%d|%d", filepath.Base(path), info.Size(), info.ModTime().UnixNano())
	return h.Sum64()
}
