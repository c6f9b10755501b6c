package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	sqlfiles "github.com/govpulse/govpulse/sql"
)

// MigrateOptions configure Migrate.
type MigrateOptions struct {
	Cluster    string               // render for this ClickHouse cluster (ON CLUSTER, Replicated*, Distributed)
	Migrations []sqlfiles.Migration // nil means the embedded ones; tests pass their own
}

// MigrationRecord is one applied migration, as kept in schema_migrations.
type MigrationRecord struct {
	Version   uint32    `ch:"version"`
	Name      string    `ch:"name"`
	Checksum  string    `ch:"checksum"`
	AppliedAt time.Time `ch:"applied_at"`
}

// ErrSchemaTooNew reports a database migrated by a newer govpulse than this binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this govpulse binary")

// MigrationError names the file and statement that failed.
type MigrationError struct {
	File      string
	Statement int // 1-based position in the file
	Line      int // line where the statement starts
	Err       error
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("migration %s, statement %d (line %d): %v", e.File, e.Statement, e.Line, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// Migrate applies the migrations not yet recorded in schema_migrations, in order, and returns the
// names it applied. A migration is recorded only after all its statements succeeded; statements
// are written to be re-runnable (IF NOT EXISTS), so a failed migration is simply retried whole on
// the next run. An applied file whose text changed, or a database at a version this binary does
// not know, stops Migrate before it changes anything.
func Migrate(ctx context.Context, db DB, opts MigrateOptions) ([]string, error) {
	ms := opts.Migrations
	if ms == nil {
		ms = sqlfiles.Migrations()
	}
	ro := sqlfiles.RenderOptions{Cluster: opts.Cluster}
	if err := db.Exec(ctx, migrationsTableDDL(opts.Cluster), nil); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	applied, err := AppliedMigrations(ctx, db)
	if err != nil {
		return nil, err
	}
	known := map[uint32]sqlfiles.Migration{}
	for _, m := range ms {
		known[uint32(m.Version)] = m
	}
	done := map[uint32]bool{}
	for _, a := range applied {
		m, ok := known[a.Version]
		if !ok {
			return nil, fmt.Errorf("%w: it has migration %04d (%s) but this binary knows up to %04d; upgrade govpulse",
				ErrSchemaTooNew, a.Version, a.Name, len(ms))
		}
		if sum := checksum(m.Source); sum != a.Checksum {
			return nil, fmt.Errorf("store: migration %s was changed after it was applied (checksum %s, recorded %s); add a new migration instead",
				m.Name, sum[:12], a.Checksum[:min(12, len(a.Checksum))])
		}
		done[a.Version] = true
	}
	var names []string
	for _, m := range ms {
		if done[uint32(m.Version)] {
			continue
		}
		stmts, err := sqlfiles.Render(m, ro)
		if err != nil {
			return names, err
		}
		for _, s := range stmts {
			if err := db.Exec(ctx, s.SQL, nil); err != nil {
				return names, &MigrationError{File: m.Name, Statement: s.Index, Line: s.Line, Err: err}
			}
		}
		rec := []MigrationRecord{{Version: uint32(m.Version), Name: m.Name, Checksum: checksum(m.Source), AppliedAt: time.Now().In(Location)}}
		if err := db.Insert(ctx, "schema_migrations", rec); err != nil {
			return names, fmt.Errorf("store: record migration %s: %w", m.Name, err)
		}
		names = append(names, m.Name)
	}
	return names, nil
}

// AppliedMigrations lists the migrations recorded in the database, oldest first.
func AppliedMigrations(ctx context.Context, db DB) ([]MigrationRecord, error) {
	var recs []MigrationRecord
	err := db.Query(ctx, &recs, "SELECT version, name, checksum, applied_at FROM schema_migrations FINAL ORDER BY version", nil)
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	return recs, nil
}

func checksum(src string) string {
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:])
}

// migrationsTableDDL is the bookkeeping table; it is not itself a migration so that it exists
// before any migration runs.
func migrationsTableDDL(cluster string) string {
	engine, on := "ReplacingMergeTree(applied_at)", ""
	if cluster != "" {
		engine = "ReplicatedReplacingMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}', applied_at)"
		on = " ON CLUSTER " + cluster
	}
	return strings.TrimSpace(`
CREATE TABLE IF NOT EXISTS schema_migrations` + on + ` (
	version UInt32,
	name String,
	checksum String,
	applied_at DateTime('Asia/Ho_Chi_Minh')
) ENGINE = ` + engine + ` ORDER BY version`)
}
