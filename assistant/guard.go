package assistant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/govpulse/govpulse/store"
)

// GuardError says why free SQL from the model was refused. Its message is safe to show.
type GuardError struct {
	Reason string
}

// Error says what was refused.
func (e *GuardError) Error() string { return "assistant: sql refused: " + e.Reason }

// ErrGuard matches every GuardError with errors.Is.
var ErrGuard = errors.New("assistant: sql refused")

// Is makes errors.Is(err, ErrGuard) true for a GuardError.
func (e *GuardError) Is(target error) bool { return target == ErrGuard }

func refuse(format string, args ...any) error {
	return &GuardError{Reason: fmt.Sprintf(format, args...)}
}

// AllowedTables are the tables free SQL may read: facts, rollups and dimension catalogues.
// Operational tables (users, sessions, tokens, logs, briefings, dead letters) are never readable.
var AllowedTables = []string{
	"dossiers", "dossier_events", "petitions", "petition_events", "posts",
	"dossier_intake_daily", "dossier_outcome_daily", "petition_intake_daily", "petition_outcome_daily", "post_daily",
	"wards", "units", "fields", "procedures", "petition_categories", "provinces",
}

// DeniedColumns are columns of allow-listed tables that free SQL may not touch: pseudonymous
// hashes of citizens and authors, masked phone numbers and exact coordinates (an address).
var DeniedColumns = []string{"citizen_hash", "citizen_phone_masked", "author_hash", "lat", "lon"}

// maxSQLBytes bounds free SQL: longer text is not a query a model should need.
const maxSQLBytes = 8000

// forbiddenWords may not appear as words outside string literals: statements other than SELECT,
// clauses that change settings or write files, and output formats.
var forbiddenWords = map[string]bool{
	"INSERT": true, "ALTER": true, "DROP": true, "CREATE": true, "TRUNCATE": true, "RENAME": true,
	"ATTACH": true, "DETACH": true, "OPTIMIZE": true, "SYSTEM": true, "KILL": true, "GRANT": true,
	"REVOKE": true, "SET": true, "SETTINGS": true, "INTO": true, "OUTFILE": true, "FORMAT": true,
	"DELETE": true, "UPDATE": true, "EXCHANGE": true, "USE": true, "BACKUP": true, "RESTORE": true,
	"EXPLAIN": true, "DESCRIBE": true, "SHOW": true, "EXISTS": false, "WATCH": true, "MOVE": true,
	"UNDROP": true, "REPLACE": false, "CHECK": true,
}

// forbiddenFunctions read outside the allow-listed tables or the database.
var forbiddenFunctions = []string{"dictget", "joinget", "file", "url", "s3", "remote", "mysql", "postgresql",
	"hdfs", "input", "executable", "cluster", "merge", "getsetting", "currentuser", "hostname"}

// CheckSQL is the static half of the guard: it returns sql without a trailing semicolon when it
// is one SELECT or WITH … SELECT statement using no forbidden word, else a GuardError. It does
// not know the tables a query reads; Guard.Check asks the engine for those.
func CheckSQL(sql string) (string, error) {
	if len(sql) > maxSQLBytes {
		return "", refuse("query longer than %d bytes", maxSQLBytes)
	}
	words, end, err := scanSQL(sql)
	if err != nil {
		return "", err
	}
	if len(words) == 0 {
		return "", refuse("empty query")
	}
	if first := words[0]; first != "SELECT" && first != "WITH" {
		return "", refuse("only SELECT or WITH … SELECT may run, not %s", first)
	}
	if !slices.Contains(words, "SELECT") {
		return "", refuse("no SELECT")
	}
	for _, w := range words {
		if forbiddenWords[w] {
			return "", refuse("%s is not allowed", w)
		}
	}
	return strings.TrimSpace(sql[:end]), nil
}

// scanSQL lists the upper-cased words of sql outside literals, quoted identifiers and comments,
// and returns the offset where the statement ends (before a final semicolon). A second statement
// after a semicolon, an unterminated literal or comment, a heredoc, or a NUL byte is refused.
// Where the engine might read the text differently (nested block comments, '#'), the scanner
// reads more of it as code, so that it can only refuse more, never less.
func scanSQL(s string) ([]string, int, error) {
	var words []string
	end := len(s)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0:
			return nil, 0, refuse("NUL byte in query")
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\\' {
					j++
					continue
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c { // doubled quote
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return nil, 0, refuse("unterminated quote")
			}
			i = j + 1
		case c == '$':
			// Heredoc literals ($$…$$, $tag$…$tag$) could hide a quote from this scanner.
			return nil, 0, refuse("$ outside a string literal")
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j + 1
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return nil, 0, refuse("unterminated comment")
			}
			i += j + 4
		case c == ';':
			rest, _, err := scanSQL(s[i+1:])
			if err != nil {
				return nil, 0, err
			}
			if len(rest) > 0 || strings.ContainsRune(s[i+1:], ';') {
				return nil, 0, refuse("more than one statement")
			}
			end = i
			i = len(s)
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			words = append(words, strings.ToUpper(s[i:j]))
			i = j
		default:
			i++
		}
	}
	return words, end, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// Guard checks and runs free SQL written by a model: CheckSQL; then the tables, functions and
// columns of the engine's syntax tree (EXPLAIN AST, which evaluates nothing); then those of the
// engine's analysis (EXPLAIN QUERY TREE: tables behind CTEs and views, * expanded); then
// QueryReadOnly (the engine's read-only mode with time and row limits). Safe for concurrent use.
type Guard struct {
	DB     store.DB
	Tables []string // allow-list; nil means AllowedTables
}

var (
	treeTable    = regexp.MustCompile(`\bTABLE id: \d+[^\n]*?table_name: ([^\s,]+)`)
	treeTableFn  = regexp.MustCompile(`\bTABLE_FUNCTION id: \d+[^\n]*?table_function_name: ([^\s,]+)`)
	treeFunction = regexp.MustCompile(`\bfunction_name: ([^\s,]+)`)
	treeColumn   = regexp.MustCompile(`\bCOLUMN id: \d+, column_name: ([^\s,]+)`)
)

// Check returns the statement to run, or a GuardError naming what is not allowed, or the
// engine's error (a store.EngineError, for repair) when the engine cannot analyse the query.
func (g Guard) Check(ctx context.Context, sql string) (string, error) {
	stmt, err := CheckSQL(sql)
	if err != nil {
		return "", err
	}
	// The syntax tree first: building it evaluates nothing, while the analyser behind EXPLAIN
	// QUERY TREE computes scalar subqueries, whose values could come back in an error message.
	ast, err := g.explain(ctx, "EXPLAIN AST ", stmt)
	if err != nil {
		return "", err
	}
	ctes := cteNames(stmt)
	if len(ctes) > 0 {
		// A CTE may not take the name of a table it could then read under cover.
		var tables []string
		if err := g.DB.Query(ctx, &tables, "SELECT name FROM system.tables WHERE database = {db:String}", store.Params{"db": g.DB.Info().Database}); err != nil {
			return "", fmt.Errorf("assistant: guard: list tables: %w", err)
		}
		for _, t := range tables {
			if ctes[t] && !slices.Contains(g.allowed(), t) {
				return "", refuse("a CTE may not be named %s", t)
			}
		}
	}
	if err := g.checkAST(ast, ctes); err != nil {
		return "", err
	}
	tree, err := g.explain(ctx, "EXPLAIN QUERY TREE ", stmt)
	if err != nil {
		return "", err
	}
	if err := g.checkTree(tree); err != nil {
		return "", err
	}
	return stmt, nil
}

func (g Guard) allowed() []string {
	if g.Tables == nil {
		return AllowedTables
	}
	return g.Tables
}

// explain runs an EXPLAIN read-only and returns its text.
func (g Guard) explain(ctx context.Context, kind, stmt string) (string, error) {
	tab, err := g.DB.QueryReadOnly(ctx, kind+stmt, nil)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range tab.Rows {
		for _, c := range r {
			fmt.Fprint(&b, c)
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

var (
	astTable      = regexp.MustCompile(`^(\s*)TableIdentifier ([^\s(]+)`)
	astFunction   = regexp.MustCompile(`^(\s*)Function ([^\s(]+)`)
	astIdentifier = regexp.MustCompile(`^\s*Identifier (?:[^\s(]+\.)?([^\s.(]+)`)
	astTableExpr  = regexp.MustCompile(`^(\s*)TableExpression\b`)
	cteName       = regexp.MustCompile("(?i)(?:\\bWITH|,)\\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\\s+AS\\s*\\(")
)

// cteNames are the names a statement defines with WITH name AS (…): in the syntax tree they
// look like tables.
func cteNames(stmt string) map[string]bool {
	out := map[string]bool{}
	for _, m := range cteName.FindAllStringSubmatch(stmt, -1) {
		out[m[1]] = true
	}
	return out
}

// checkAST refuses a syntax tree that names a table outside the allow-list (other than the
// statement's own CTEs), qualifies a table with another database, calls a table function or a
// forbidden function, or names a denied column.
func (g Guard) checkAST(ast string, ctes map[string]bool) error {
	allowed := g.allowed()
	db := g.DB.Info().Database
	lines := strings.Split(ast, "\n")
	for i, line := range lines {
		if m := astTable.FindStringSubmatch(line); m != nil {
			name := m[2]
			d, t, qualified := strings.Cut(name, ".")
			switch {
			case qualified && (d != db || !slices.Contains(allowed, t)):
				return refuse("table %s is not allowed", name)
			case !qualified && !slices.Contains(allowed, name) && !ctes[name]:
				return refuse("table %s is not allowed", name)
			}
		}
		if m := astTableExpr.FindStringSubmatch(line); m != nil && i+1 < len(lines) {
			if f := astFunction.FindStringSubmatch(lines[i+1]); f != nil && len(f[1]) > len(m[1]) {
				return refuse("table function %s is not allowed", f[2])
			}
		}
		if m := astFunction.FindStringSubmatch(line); m != nil && forbiddenFunction(m[2]) {
			return refuse("function %s is not allowed", m[2])
		}
		if m := astIdentifier.FindStringSubmatch(line); m != nil && slices.Contains(DeniedColumns, m[1]) {
			return refuse("column %s is not allowed", m[1])
		}
	}
	return nil
}

func forbiddenFunction(name string) bool {
	f := strings.ToLower(name)
	return slices.Contains(forbiddenFunctions, f) || strings.HasPrefix(f, "dictget")
}

// checkTree refuses a query tree that reads a table outside the allow-list (or of another
// database), touches a denied column, calls a table function, or calls a function that reads
// outside the database.
func (g Guard) checkTree(tree string) error {
	allowed := g.allowed()
	db := g.DB.Info().Database
	for _, m := range treeTable.FindAllStringSubmatch(tree, -1) {
		name := m[1]
		if name == "system.one" { // what SELECT without FROM reads
			continue
		}
		d, t, ok := strings.Cut(name, ".")
		if !ok {
			d, t = db, name
		}
		if d != db || !slices.Contains(allowed, t) {
			return refuse("table %s is not allowed", name)
		}
	}
	for _, m := range treeColumn.FindAllStringSubmatch(tree, -1) {
		if slices.Contains(DeniedColumns, m[1]) {
			return refuse("column %s is not allowed", m[1])
		}
	}
	if m := treeTableFn.FindStringSubmatch(tree); m != nil {
		return refuse("table function %s is not allowed", m[1])
	}
	for _, m := range treeFunction.FindAllStringSubmatch(tree, -1) {
		if forbiddenFunction(m[1]) {
			return refuse("function %s is not allowed", m[1])
		}
	}
	return nil
}

// Run checks sql and runs it read-only.
func (g Guard) Run(ctx context.Context, sql string) (string, *store.Table, error) {
	stmt, err := g.Check(ctx, sql)
	if err != nil {
		return "", nil, err
	}
	tab, err := g.DB.QueryReadOnly(ctx, stmt, nil)
	return stmt, tab, err
}
