// Package sql holds govpulse's SQL as files: forward-only migrations (migrations/NNNN_name.sql)
// and fixed queries (queries/name.sql), embedded into the binary. Import it under an alias
// (sqlfiles): its name shadows database/sql.
//
// Migrations are Go text/templates so that one file serves a single server and a cluster:
//
//	{{onCluster}}            "" or "ON CLUSTER <name>"
//	{{engine "ReplacingMergeTree(version)"}}
//	                         the engine as written, or its Replicated* form on a cluster
//	{{local "dossiers"}}     the table that holds data: "dossiers", or "dossiers_local" on a cluster
//	{{distributed "dossiers" "cityHash64(id)"}}
//	                         nothing, or on a cluster a Distributed table "dossiers" over the local one
//
// Statements are separated by a line holding only "-- statement-break" (never by splitting on
// ';', which string literals may contain). It imports nothing of ours.
package sql

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

//go:embed migrations/*.sql queries
var files embed.FS

// StatementBreak is the line that separates statements in a migration file.
const StatementBreak = "-- statement-break"

// Migration is one embedded migration file.
type Migration struct {
	Version int    // NNNN from the file name
	Name    string // file name, e.g. 0001_core.sql
	Source  string // the file's text
}

var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// Migrations returns every embedded migration in version order. Versions are unique and
// contiguous from 1; a violation is a build defect and panics (a test checks it).
func Migrations() []Migration {
	entries, err := fs.ReadDir(files, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			panic(fmt.Sprintf("sql: migration file name %q is not NNNN_name.sql", e.Name()))
		}
		v, _ := strconv.Atoi(m[1])
		src, err := fs.ReadFile(files, path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), Source: string(src)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			panic(fmt.Sprintf("sql: migration %s: want version %04d (versions are contiguous)", m.Name, i+1))
		}
	}
	return ms
}

// Query returns the text of queries/<name>.sql.
func Query(name string) (string, error) {
	b, err := fs.ReadFile(files, path.Join("queries", name+".sql"))
	if err != nil {
		return "", fmt.Errorf("sql: query %s: %w", name, err)
	}
	return string(b), nil
}

// RenderOptions choose the deployment a migration is rendered for.
type RenderOptions struct {
	Cluster string // ClickHouse cluster name; empty renders for one server or the embedded engine
}

// Statement is one rendered statement of a migration.
type Statement struct {
	Index int    // 1-based position in its file
	Line  int    // line of the file where the statement starts
	SQL   string // rendered text, trimmed
}

var clusterName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Render renders a migration for opts and splits it into statements; statements that render to
// nothing (a Distributed table outside a cluster) are dropped.
func Render(m Migration, opts RenderOptions) ([]Statement, error) {
	if opts.Cluster != "" && !clusterName.MatchString(opts.Cluster) {
		return nil, fmt.Errorf("sql: invalid cluster name %q", opts.Cluster)
	}
	fm := funcs(opts)
	var out []Statement
	for i, part := range splitStatements(m.Source) {
		t, err := template.New(fmt.Sprintf("%s#%d", m.Name, i+1)).Option("missingkey=error").Funcs(fm).Parse(part.text)
		if err != nil {
			return nil, fmt.Errorf("sql: parse %s statement %d (line %d): %w", m.Name, i+1, part.line, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, nil); err != nil {
			return nil, fmt.Errorf("sql: render %s statement %d (line %d): %w", m.Name, i+1, part.line, err)
		}
		text := strings.TrimSpace(stripComments(buf.String()))
		text = strings.TrimSuffix(text, ";")
		if text == "" {
			continue
		}
		out = append(out, Statement{Index: i + 1, Line: part.line, SQL: text})
	}
	return out, nil
}

type part struct {
	text string
	line int
}

// splitStatements cuts a file at StatementBreak lines, remembering where each part starts.
func splitStatements(src string) []part {
	var parts []part
	var cur []string
	start := 1
	for i, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(line) == StatementBreak {
			parts = append(parts, part{strings.Join(cur, "\n"), start})
			cur, start = nil, i+2
			continue
		}
		cur = append(cur, line)
	}
	return append(parts, part{strings.Join(cur, "\n"), start})
}

// stripComments drops whole-line "--" comments, so a part holding only comments renders empty
// and the statement sent to the engine carries no prose.
func stripComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

func funcs(opts RenderOptions) template.FuncMap {
	cluster := opts.Cluster
	return template.FuncMap{
		"onCluster": func() string {
			if cluster == "" {
				return ""
			}
			return "ON CLUSTER " + cluster
		},
		"local": func(table string) string {
			if cluster == "" {
				return table
			}
			return table + "_local"
		},
		"engine": func(engine string) (string, error) {
			if !strings.Contains(engine, "MergeTree") {
				return "", fmt.Errorf("engine %q is not a MergeTree engine", engine)
			}
			if cluster == "" {
				return engine, nil
			}
			name, args, _ := strings.Cut(engine, "(")
			args = strings.TrimSuffix(args, ")")
			zk := "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'"
			if strings.TrimSpace(args) != "" {
				zk += ", " + args
			}
			return "Replicated" + name + "(" + zk + ")", nil
		},
		"distributed": func(table, shardingKey string) string {
			if cluster == "" {
				return ""
			}
			return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s ON CLUSTER %s AS %s_local\nENGINE = Distributed(%s, currentDatabase(), %s_local, %s)",
				table, cluster, table, cluster, table, shardingKey)
		},
	}
}
