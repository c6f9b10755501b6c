package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/govpulse/govpulse/models"
)

// DB is one ClickHouse database reached through one engine. Every method is safe for concurrent
// use. Queries name tables without a database; the DB resolves them in its own database.
type DB interface {
	// Exec runs a statement that returns no rows (DDL, INSERT … SELECT, ALTER …).
	Exec(ctx context.Context, query string, params Params) error
	// Query runs a SELECT and scans every row into dest, a pointer to a slice of structs (columns
	// matched to fields by their `ch:"name"` tag, else by the lower-case field name) or of a
	// scalar type (one-column results).
	Query(ctx context.Context, dest any, query string, params Params) error
	// Insert appends rows, a slice of structs tagged like Query's, to table in one batch.
	Insert(ctx context.Context, table string, rows any, opts ...InsertOption) error
	// QueryReadOnly runs a query under the engine's read-only mode with the time and row limits
	// of Options.ReadOnly; the engine itself refuses writes and setting changes.
	QueryReadOnly(ctx context.Context, query string, params Params) (*Table, error)
	// Ping checks that the engine answers.
	Ping(ctx context.Context) error
	// Close releases the engine's connections. The DB must not be used afterwards.
	Close() error
	// Info names the engine and database, for logs and /readyz.
	Info() Info
}

// Info describes an open DB.
type Info struct {
	Engine   string `json:"engine"` // "chdb" or "server"
	Database string `json:"database"`
	Version  string `json:"version"`  // the engine's version() string
	Location string `json:"location"` // data path (chdb) or host:port (server), never credentials
}

// Params are named query parameters bound by the engine to {name:Type} placeholders. Values may
// be strings, integers, floats, bools, time.Time (formatted in Asia/Ho_Chi_Minh), or slices of
// those. Values are never pasted into SQL text.
type Params map[string]any

// InsertOption adjusts one Insert.
type InsertOption func(*insertSettings)

type insertSettings struct {
	dedupToken string
}

// DedupToken makes an insert idempotent: the engine stores a batch with a token it has seen
// recently only once, and so do the materialized views it feeds. The table must keep a
// deduplication window (MergeTree setting non_replicated_deduplication_window, or replication).
// Tokens are limited to letters, digits and "._:-".
func DedupToken(token string) InsertOption {
	return func(s *insertSettings) { s.dedupToken = token }
}

// insertSettingsOf applies opts and returns the engine settings they stand for.
func insertSettingsOf(opts []InsertOption) (map[string]string, error) {
	var s insertSettings
	for _, o := range opts {
		o(&s)
	}
	if s.dedupToken == "" {
		return nil, nil
	}
	for _, r := range s.dedupToken {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)) {
			return nil, fmt.Errorf("store: dedup token %q: only letters, digits and ._:- are allowed", s.dedupToken)
		}
	}
	return map[string]string{
		"insert_deduplication_token":                         s.dedupToken,
		"deduplicate_blocks_in_dependent_materialized_views": "1",
	}, nil
}

// Column is one column of a Table.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Table is a query result held as generic Go values, for callers (the assistant's read-only
// path) that cannot know the row shape in advance.
type Table struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// ReadOnlyLimits bound every QueryReadOnly call; the engine enforces them, so a query cannot lift
// them with its own SETTINGS clause.
type ReadOnlyLimits struct {
	MaxExecutionSeconds int   // max_execution_time; 0 means 10
	MaxResultRows       int64 // max_result_rows (overflow throws); 0 means 10000
	MaxRowsToRead       int64 // max_rows_to_read; 0 means unlimited
}

func (l ReadOnlyLimits) settings() map[string]string {
	if l.MaxExecutionSeconds <= 0 {
		l.MaxExecutionSeconds = 10
	}
	if l.MaxResultRows <= 0 {
		l.MaxResultRows = 10000
	}
	s := map[string]string{
		"max_execution_time":   strconv.Itoa(l.MaxExecutionSeconds),
		"max_result_rows":      strconv.FormatInt(l.MaxResultRows, 10),
		"result_overflow_mode": "throw",
	}
	if l.MaxRowsToRead > 0 {
		s["max_rows_to_read"] = strconv.FormatInt(l.MaxRowsToRead, 10)
	}
	return s
}

// TimeZone is the session time zone of every govpulse connection: DateTime values without an
// explicit zone are read and written in it.
const TimeZone = models.TimeZone

// Location is TimeZone loaded; the zone database is embedded by models.
var Location = models.Location

// EngineError is an error reported by ClickHouse itself, carrying the engine's code and message.
type EngineError struct {
	Code    int
	Message string
}

func (e *EngineError) Error() string {
	return fmt.Sprintf("clickhouse error %d: %s", e.Code, e.Message)
}

// ErrEngineMissing reports that the embedded engine library could not be found.
var ErrEngineMissing = errors.New("embedded ClickHouse engine (libchdb.so) not found: run `make deps` or set GOVPULSE_CLICKHOUSE_URL to use a ClickHouse server")

// ErrDataDirLocked reports that another process holds the data directory.
var ErrDataDirLocked = errors.New("data directory is in use by another govpulse process")

var engineErrorRe = regexp.MustCompile(`(?s)^Code: (\d+)\. (?:DB::Exception: )?(.*?)\s*$`)

// parseEngineError turns a chDB error text ("Code: 62. DB::Exception: Syntax error …") into an
// EngineError, keeping the message whole.
func parseEngineError(text string) *EngineError {
	m := engineErrorRe.FindStringSubmatch(text)
	if m == nil {
		return &EngineError{Message: strings.TrimSpace(text)}
	}
	code, _ := strconv.Atoi(m[1])
	msg := m[2]
	// chDB nests "Code: N. DB::Exception: " when an error crosses its client/server boundary.
	for {
		inner := engineErrorRe.FindStringSubmatch(msg)
		if inner == nil {
			break
		}
		msg = inner[2]
	}
	return &EngineError{Code: code, Message: msg}
}

// IsEngineError reports whether err carries a ClickHouse error with the given code.
func IsEngineError(err error, code int) bool {
	var e *EngineError
	return errors.As(err, &e) && e.Code == code
}
