package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/govpulse/govpulse/store"
)

// openStore opens the configured engine: a ClickHouse server when --clickhouse is set, else the
// embedded engine on --data.
func openStore(ctx context.Context, cfg Config) (store.DB, error) {
	limits := store.ReadOnlyLimits{MaxExecutionSeconds: int(cfg.ReadOnlyMaxSeconds), MaxResultRows: cfg.ReadOnlyMaxResultRows}
	if cfg.ClickHouse != "" {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return store.OpenServer(ctx, store.ServerOptions{
			URL: cfg.ClickHouse, Password: cfg.ClickHousePassword, Database: cfg.Database,
			TLSCAFile: cfg.ClickHouseCA, InsecureSkipVerify: cfg.ClickHouseSkipVerify, ReadOnly: limits,
		})
	}
	return store.OpenChDB(ctx, store.ChDBOptions{Path: cfg.Data, LibPath: cfg.ChDBLib, Database: cfg.Database, ReadOnly: limits})
}

// openMigrated opens the engine and applies pending migrations.
func openMigrated(ctx context.Context, cfg Config, log *slog.Logger) (store.DB, error) {
	db, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	applied, err := store.Migrate(ctx, db, store.MigrateOptions{Cluster: cfg.Cluster})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	info := db.Info()
	log.Info("schema ready", "engine", info.Engine, "database", info.Database, "version", info.Version,
		"applied", len(applied), "duration_ms", time.Since(start).Milliseconds())
	for _, name := range applied {
		log.Info("migration applied", "file", name)
	}
	return db, nil
}

func runMigrate(ctx context.Context, env *Env, cfg Config) error {
	log := cfg.logger(env.Stderr)
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	recs, err := store.AppliedMigrations(ctx, db)
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		fmt.Fprintf(env.Stdout, "schema at version %04d (%s)\n", recs[len(recs)-1].Version, recs[len(recs)-1].Name)
	}
	return nil
}
