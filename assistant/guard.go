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

// Guard checks and runs free SQL written by a model: CheckSQL, then the tables and functions
// the engine's own analysis (EXPLAIN QUERY TREE) reports, then QueryReadOnly (the engine's
// read-only mode with time and row limits). Safe for concurrent use.
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
	tab, err := g.DB.QueryReadOnly(ctx, "EXPLAIN QUERY TREE "+stmt, nil)
	if err != nil {
		return "", err
	}
	var tree strings.Builder
	for _, r := range tab.Rows {
		for _, c := range r {
			fmt.Fprint(&tree, c)
		}
		tree.WriteByte('\n')
	}
	if err := g.checkTree(tree.String()); err != nil {
		return "", err
	}
	return stmt, nil
}

// checkTree refuses a query tree that reads a table outside the allow-list (or of another
// database), touches a denied column, calls a table function, or calls a function that reads
// outside the database.
func (g Guard) checkTree(tree string) error {
	allowed := g.Tables
	if allowed == nil {
		allowed = AllowedTables
	}
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
		f := strings.ToLower(m[1])
		for _, bad := range forbiddenFunctions {
			if f == bad || strings.HasPrefix(f, "dictget") {
				return refuse("function %s is not allowed", m[1])
			}
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
