package store_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMigrateGolden migrates an empty database, checks a second run changes nothing, and compares
// SHOW CREATE of every table with testdata/schema.golden.
func TestMigrateGolden(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	applied, err := store.Migrate(ctx, db, store.MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(sqlfiles.Migrations()) {
		t.Fatalf("applied %v, want all %d migrations", applied, len(sqlfiles.Migrations()))
	}
	again, err := store.Migrate(ctx, db, store.MigrateOptions{})
	if err != nil || len(again) != 0 {
		t.Fatalf("second run applied %v (err %v), want nothing", again, err)
	}
	recs, err := store.AppliedMigrations(ctx, db)
	if err != nil || len(recs) != len(applied) {
		t.Fatalf("recorded %d migrations (err %v), want %d", len(recs), err, len(applied))
	}
	checkGolden(t, "schema.golden", schemaDump(t, db))
}

// schemaDump is SHOW CREATE of every table and view, by name, with the database name neutralised.
func schemaDump(t *testing.T, db store.DB) string {
	t.Helper()
	ctx := context.Background()
	var names []string
	if err := db.Query(ctx, &names, "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name", nil); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range names {
		var ddl []string
		if err := db.Query(ctx, &ddl, "SHOW CREATE TABLE "+n, nil); err != nil {
			t.Fatalf("show create %s: %v", n, err)
		}
		b.WriteString(strings.ReplaceAll(ddl[0], db.Info().Database+".", "govpulse."))
		b.WriteString("\n\n")
	}
	return b.String()
}

// TestMigrateClusterGolden renders every migration for a cluster, compares the text with
// testdata/cluster.golden and has the engine's formatQuery() parse each statement.
func TestMigrateClusterGolden(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	var b strings.Builder
	for _, m := range sqlfiles.Migrations() {
		stmts, err := sqlfiles.Render(m, sqlfiles.RenderOptions{Cluster: "govpulse_cluster"})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			if !strings.Contains(s.SQL, "ON CLUSTER govpulse_cluster") && !strings.HasPrefix(s.SQL, "INSERT") {
				t.Errorf("%s statement %d has no ON CLUSTER: %.80s", m.Name, s.Index, s.SQL)
			}
			var formatted []string
			if err := db.Query(ctx, &formatted, "SELECT formatQuery({q:String})", store.Params{"q": s.SQL}); err != nil {
				t.Errorf("%s statement %d (line %d) does not parse: %v", m.Name, s.Index, s.Line, err)
				continue
			}
			b.WriteString("-- " + m.Name + " #" + itoa(s.Index) + "\n" + formatted[0] + ";\n\n")
		}
	}
	checkGolden(t, "cluster.golden", b.String())
}

func TestMigrateFailures(t *testing.T) {
	ctx := context.Background()
	good := sqlfiles.Migration{Version: 1, Name: "0001_a.sql", Source: "CREATE TABLE IF NOT EXISTS a {{onCluster}} (x UInt8) ENGINE = {{engine \"MergeTree\"}} ORDER BY x"}
	bad := sqlfiles.Migration{Version: 2, Name: "0002_b.sql", Source: "CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = Memory\n-- statement-break\nCREATE TABLE broken (x UInt8 ENGINE = Memory"}

	t.Run("failed statement is named and not recorded", func(t *testing.T) {
		db := storetest.Open(t)
		_, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{good, bad}})
		var me *store.MigrationError
		if !errors.As(err, &me) || me.File != "0002_b.sql" || me.Statement != 2 || me.Line != 3 {
			t.Fatalf("err = %v, want a MigrationError for 0002_b.sql statement 2 line 3", err)
		}
		if !strings.Contains(err.Error(), "0002_b.sql") || !store.IsEngineError(err, 62) {
			t.Errorf("err = %v, want the file name and the engine's syntax error", err)
		}
		recs, _ := store.AppliedMigrations(ctx, db)
		if len(recs) != 1 || recs[0].Version != 1 {
			t.Errorf("recorded %+v, want only version 1", recs)
		}
		fixed := bad
		fixed.Source = strings.Replace(bad.Source, "UInt8 ENGINE", "UInt8) ENGINE", 1)
		fixed.Source = strings.Replace(fixed.Source, "TABLE broken", "TABLE IF NOT EXISTS broken", 1)
		applied, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{good, fixed}})
		if err != nil || len(applied) != 1 || applied[0] != "0002_b.sql" {
			t.Errorf("retry applied %v, err %v; want 0002_b.sql", applied, err)
		}
	})

	t.Run("newer schema than the binary", func(t *testing.T) {
		db := storetest.Open(t)
		if _, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{good, {Version: 2, Name: "0002_c.sql", Source: "SELECT 1"}}}); err != nil {
			t.Fatal(err)
		}
		_, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{good}})
		if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "0002_c.sql") {
			t.Errorf("err = %v, want ErrSchemaTooNew naming 0002_c.sql", err)
		}
	})

	t.Run("edited applied migration", func(t *testing.T) {
		db := storetest.Open(t)
		if _, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{good}}); err != nil {
			t.Fatal(err)
		}
		edited := good
		edited.Source += " -- changed"
		_, err := store.Migrate(ctx, db, store.MigrateOptions{Migrations: []sqlfiles.Migration{edited}})
		if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
			t.Errorf("err = %v, want a refusal naming the edited file", err)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

var trailingSpace = regexp.MustCompile(`[ \t]+\n`)

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = trailingSpace.ReplaceAllString(got, "\n")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run `make golden` to create it): %v", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the migrated result; if the change is intended run `make golden` and review the diff.\n--- got ---\n%s", path, got)
	}
}
