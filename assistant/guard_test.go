package assistant

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

func TestCheckSQL(t *testing.T) {
	tests := []struct {
		name, sql, want string // want "" means refused
	}{
		{"select", "SELECT count() FROM dossiers", "SELECT count() FROM dossiers"},
		{"trailing semicolon", "SELECT 1;  \n", "SELECT 1"},
		{"with", "WITH t AS (SELECT 1 AS a) SELECT a FROM t", "WITH t AS (SELECT 1 AS a) SELECT a FROM t"},
		{"keyword in a literal", "SELECT count() FROM petitions WHERE title = 'DROP TABLE; insert'", "SELECT count() FROM petitions WHERE title = 'DROP TABLE; insert'"},
		{"escaped quote", `SELECT 'it\'s; DROP' AS x`, `SELECT 'it\'s; DROP' AS x`},
		{"comment", "SELECT 1 -- DROP TABLE x;\n", "SELECT 1 -- DROP TABLE x;"},
		{"two statements", "SELECT 1; DROP TABLE dossiers", ""},
		{"two selects", "SELECT 1; SELECT 2", ""},
		{"insert", "INSERT INTO dossiers SELECT * FROM dossiers", ""},
		{"insert lower case", "insert into dossiers select 1", ""},
		{"alter", "ALTER TABLE dossiers DELETE WHERE 1", ""},
		{"settings", "SELECT 1 SETTINGS readonly = 0", ""},
		{"into outfile", "SELECT * FROM dossiers INTO OUTFILE '/tmp/x'", ""},
		{"format", "SELECT 1 FORMAT JSON", ""},
		{"set", "SET readonly = 0", ""},
		{"system", "SYSTEM SHUTDOWN", ""},
		{"comment hiding a statement", "SELECT 1 /* ; */ ; /* x */ DROP TABLE y", ""},
		{"unterminated", "SELECT 'abc", ""},
		{"unterminated comment", "SELECT 1 /* x", ""},
		{"empty", " ;", ""},
		{"no select", "WITH 1 AS a", ""},
		{"nul", "SELECT 1\x00", ""},
		{"show", "SHOW TABLES", ""},
		{"heredoc hiding a quote", "SELECT $$'$$; DROP TABLE x; --'", ""},
		{"hash is not a comment here", "SELECT 1 # ; DROP TABLE x", ""},
		{"nested comment", "SELECT 1 /* /* */ ; DROP TABLE x */", ""},
		{"dollar in a literal", "SELECT 'US$ 5' AS x", "SELECT 'US$ 5' AS x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckSQL(tt.sql)
			if tt.want == "" {
				if err == nil || !errors.Is(err, ErrGuard) {
					t.Errorf("CheckSQL(%q) = %q, %v; want a GuardError", tt.sql, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("CheckSQL(%q) = %q, %v; want %q", tt.sql, got, err, tt.want)
			}
		})
	}
}

func migrated(t testing.TB) store.DB {
	t.Helper()
	db := storetest.Open(t)
	if _, err := store.Migrate(context.Background(), db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestGuardOnEngine(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()
	g := Guard{DB: db}
	tests := []struct {
		name, sql string
		refused   string // "" means allowed; else a fragment of the GuardError
		engine    bool   // an engine error (to repair), not a refusal
	}{
		{"rollup", "SELECT sum(received) FROM dossier_intake_daily", "", false},
		{"join with a dimension", "SELECT w.name, count() AS n FROM petitions AS p INNER JOIN wards AS w ON p.ward_code = w.code GROUP BY w.name", "", false},
		{"cte", "WITH t AS (SELECT ward_code FROM posts) SELECT count() FROM t", "", false},
		{"constant", "SELECT 1", "", false},
		{"users", "SELECT password_hash FROM users", "table", false},
		{"users in a subquery", "SELECT count() FROM dossiers WHERE unit_code IN (SELECT username FROM users)", "table", false},
		{"system table", "SELECT name FROM system.tables", "SYSTEM", false},
		{"other database", "SELECT * FROM information_schema.tables", "table information_schema.tables", false},
		{"table function", "SELECT * FROM numbers(10)", "table function", false},
		{"dictionary", "SELECT dictGet('d', 'x', 1)", "", true},
		{"hallucinated column", "SELECT count() FROM dossiers WHERE wardd = '1'", "", true},
		{"write", "INSERT INTO wards SELECT * FROM wards", "INSERT", false},
		{"citizen hash", "SELECT citizen_hash, count() FROM petitions GROUP BY citizen_hash", "column citizen_hash", false},
		{"star over personal columns", "SELECT * FROM petitions", "column", false},
		{"coordinates in a filter", "SELECT count() FROM petitions WHERE lat > 10", "column lat", false},
		{"author hash in a subquery", "SELECT count() FROM (SELECT author_hash FROM posts)", "column author_hash", false},
		// The analyser computes scalar subqueries; a cast error would quote the secret.
		{"scalar subquery over users", "SELECT toUInt8((SELECT any(password_hash) FROM users))", "table users", false},
		{"cte named after a forbidden table", "WITH users AS (SELECT password_hash FROM users) SELECT CAST((SELECT any(password_hash) FROM users) AS UInt8)", "CTE may not be named users", false},
		{"cte named after an allowed table", "WITH wards AS (SELECT code FROM wards) SELECT count() FROM wards", "", false},
		{"cte shadowing nothing", "WITH recent AS (SELECT ward_code FROM posts), older AS (SELECT 1 AS x) SELECT count() FROM recent", "", false},
		{"qualified own table", "SELECT count() FROM " + db.Info().Database + ".wards", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, tab, err := g.Run(ctx, tt.sql)
			var ge *GuardError
			var ee *store.EngineError
			switch {
			case tt.engine:
				if !errors.As(err, &ee) && !errors.As(err, &ge) {
					t.Errorf("err = %v, want an engine error or a refusal", err)
				}
			case tt.refused != "":
				if !errors.As(err, &ge) || !strings.Contains(ge.Reason, tt.refused) {
					t.Errorf("err = %v, want a refusal about %q", err, tt.refused)
				}
			default:
				if err != nil || tab == nil {
					t.Errorf("err = %v, want the query to run", err)
				}
			}
		})
	}
}

func TestCheckTreeRefusesForbiddenFunctions(t *testing.T) {
	g := Guard{DB: fakeInfoDB{database: "g"}}
	tree := "QUERY id: 0\n  FUNCTION id: 2, function_name: dictGetString, function_type: ordinary\n  JOIN TREE\n    TABLE id: 3, alias: __table1, table_name: g.wards\n"
	if err := g.checkTree(tree); !errors.Is(err, ErrGuard) {
		t.Errorf("dictGetString: err = %v, want a refusal", err)
	}
	if err := g.checkTree("TABLE id: 3, alias: __table1, table_name: other.wards\n"); !errors.Is(err, ErrGuard) {
		t.Errorf("other database: err = %v, want a refusal", err)
	}
	if err := g.checkTree("TABLE id: 3, alias: __table1, table_name: g.wards\n"); err != nil {
		t.Errorf("own wards: err = %v", err)
	}
}

// fakeInfoDB answers only Info, for checks that need the database's name.
type fakeInfoDB struct {
	store.DB
	database string
}

func (f fakeInfoDB) Info() store.Info { return store.Info{Database: f.database} }

func FuzzGuard(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT 1; DROP TABLE x", "WITH a AS (SELECT 1) SELECT * FROM a", "SELECT 'a;b' -- c\n;",
		"SELECT \"x\"\"y\" FROM `t`", "select/*;*/1", "SELECT 1 # x\n; INSERT", "SELECT '\\'' ; SET x=1", "SELECT $$'$$; DROP TABLE x; --'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		got, err := CheckSQL(sql)
		if err != nil {
			if !errors.Is(err, ErrGuard) {
				t.Fatalf("CheckSQL(%q): error %v is not a GuardError", sql, err)
			}
			return
		}
		words, end, err := scanSQL(got)
		if err != nil || end != len(got) {
			t.Fatalf("CheckSQL(%q) = %q, which rescans with end %d, err %v", sql, got, end, err)
		}
		if words[0] != "SELECT" && words[0] != "WITH" {
			t.Fatalf("CheckSQL(%q) = %q starts with %s", sql, got, words[0])
		}
		for _, w := range words {
			if forbiddenWords[w] {
				t.Fatalf("CheckSQL(%q) = %q contains %s", sql, got, w)
			}
		}
		if again, err := CheckSQL(got); err != nil || again != got {
			t.Fatalf("CheckSQL is not idempotent on %q: %q, %v", got, again, err)
		}
	})
}

// TestGuardDoesNotLeakThroughTheAnalyser: EXPLAIN QUERY TREE computes scalar subqueries, so a
// cast error would quote a secret; the guard refuses the table from the syntax tree first.
func TestGuardDoesNotLeakThroughTheAnalyser(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()
	if err := db.Exec(ctx, "INSERT INTO users (username, password_hash, role) VALUES ('lead', 'SECRETHASH', 'admin')", nil); err != nil {
		t.Fatal(err)
	}
	q := "SELECT CAST((SELECT any(password_hash) FROM users) AS UInt8)"
	_, engineErr := db.QueryReadOnly(ctx, "EXPLAIN QUERY TREE "+q, nil)
	if engineErr == nil || !strings.Contains(engineErr.Error(), "SECRETHASH") {
		t.Logf("the engine's analyser no longer quotes the value (%v); the guard must still refuse", engineErr)
	}
	_, _, err := Guard{DB: db}.Run(ctx, q)
	if !errors.Is(err, ErrGuard) || strings.Contains(err.Error(), "SECRETHASH") {
		t.Errorf("guard: %v; want a refusal that does not quote the secret", err)
	}
}
