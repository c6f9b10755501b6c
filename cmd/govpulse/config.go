package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/store"
)

// Config is govpulse's whole configuration: defaults < environment (GOVPULSE_*) < flags.
// Secrets may also come from <NAME>_FILE.
type Config struct {
	Addr                  string
	Data                  string
	ClickHouse            string
	ClickHousePassword    string
	ClickHouseCA          string
	ClickHouseSkipVerify  bool
	Database              string
	Cluster               string
	ChDBLib               string
	LogLevel              string
	LogFormat             string
	ShutdownTimeout       time.Duration
	HealthcheckURL        string
	ReadOnlyMaxSeconds    int64
	ReadOnlyMaxResultRows int64
	Stream                string
	Mapping               string
	Name                  string
	Limit                 int64
	HashSecret            string
	SpoolMaxBytes         int64
	MetricsToken          string
	Demo                  bool
	SimDays               int64
	SimScale              float64
	SimSeed               int64
	SimProvince           string
	SimStart              string
	SimOut                string
	DemoScale             float64
	IndexConfig           string
	LLMBaseURL            string
	LLMAPIKey             string
	LLMModel              string
	LLMTimeout            time.Duration
	LLMContextWindow      int64
	BriefDate             string
	JSON                  bool
	SemanticLayer         string
	SessionTTL            time.Duration
	CookieSecure          string
	Role                  string
	DisplayName           string
	ScopeUnit             string
	ScopeWard             string
	PasswordStdin         bool
	Period                string
	Level                 string
	Format                string
	Output                string
	Lang                  string
	// Args are the command's positional arguments (files to import, a question).
	Args []string
}

// option is one setting: its flag, its environment variable and the commands that take it.
type option struct {
	flag, env, usage string
	secret           bool     // may come from <ENV>_FILE; never printed
	aliases          []string // alternative environment names
	commands         []string // commands whose flag set has it
	value            func(*Config) flag.Value
}

// value adapts a Config field to flag.Value, so a flag and its environment variable parse alike.
type value[T any] struct {
	p      *T
	parse  func(string) (T, error)
	format func(T) string
}

func (v value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

func (v value[T]) String() string {
	if v.p == nil {
		return ""
	}
	return v.format(*v.p)
}

// redacted hides a secret's value from help output and logs.
type redacted struct{ flag.Value }

func (redacted) String() string { return "" }

// boolValue lets a boolean flag stand alone (--flag means true).
type boolValue struct{ value[bool] }

func (boolValue) IsBoolFlag() bool { return true }

func str(f func(*Config) *string) func(*Config) flag.Value {
	return func(c *Config) flag.Value {
		return value[string]{f(c), func(s string) (string, error) { return s, nil }, func(s string) string { return s }}
	}
}

func boolean(f func(*Config) *bool) func(*Config) flag.Value {
	return func(c *Config) flag.Value {
		return boolValue{value[bool]{f(c), func(s string) (bool, error) {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return false, fmt.Errorf("want true or false, got %q", s)
			}
			return b, nil
		}, strconv.FormatBool}}
	}
}

func duration(f func(*Config) *time.Duration) func(*Config) flag.Value {
	return func(c *Config) flag.Value {
		return value[time.Duration]{f(c), func(s string) (time.Duration, error) {
			d, err := time.ParseDuration(s)
			if err != nil {
				return 0, fmt.Errorf("want a duration such as 15s, got %q", s)
			}
			return d, nil
		}, time.Duration.String}
	}
}

func integer(f func(*Config) *int64) func(*Config) flag.Value {
	return func(c *Config) flag.Value {
		return value[int64]{f(c), func(s string) (int64, error) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("want an integer, got %q", s)
			}
			return n, nil
		}, func(n int64) string { return strconv.FormatInt(n, 10) }}
	}
}

// number adapts a float64 Config field to flag.Value, like integer (used by --scale).
func number(f func(*Config) *float64) func(*Config) flag.Value {
	return func(c *Config) flag.Value {
		return value[float64]{f(c), func(s string) (float64, error) {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, fmt.Errorf("want a number such as 0.1, got %q", s)
			}
			return x, nil
		}, func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }}
	}
}

var (
	engineCommands = []string{"serve", "migrate", "import", "token", "dead-letters", "simulate", "brief", "ask", "eval", "user", "rank"}
	// llmCommands talk to the LLM when one is configured.
	llmCommands  = []string{"serve", "brief", "ask"}
	simulateOnly = []string{"simulate"}
	serveOnly    = []string{"serve"}
)

// options lists every setting. README's configuration table and docker-compose.yml use these
// names; tests check both against this list.
var options = []option{
	{flag: "addr", env: "GOVPULSE_ADDR", usage: "HTTP listen address", commands: serveOnly,
		value: str(func(c *Config) *string { return &c.Addr })},
	{flag: "data", env: "GOVPULSE_DATA", usage: "data directory (embedded engine files)", commands: engineCommands,
		value: str(func(c *Config) *string { return &c.Data })},
	{flag: "clickhouse", env: "GOVPULSE_CLICKHOUSE", aliases: []string{"GOVPULSE_CLICKHOUSE_URL"}, commands: engineCommands,
		usage: "ClickHouse server URL clickhouse://user:pass@host:9000/db?secure=true (empty: embedded engine)",
		value: str(func(c *Config) *string { return &c.ClickHouse })},
	{flag: "clickhouse-password", env: "GOVPULSE_CLICKHOUSE_PASSWORD", secret: true, commands: engineCommands,
		usage: "ClickHouse password, overriding the URL's (or GOVPULSE_CLICKHOUSE_PASSWORD_FILE)",
		value: str(func(c *Config) *string { return &c.ClickHousePassword })},
	{flag: "clickhouse-ca", env: "GOVPULSE_CLICKHOUSE_CA", usage: "PEM file of CA certificates; turns TLS on", commands: engineCommands,
		value: str(func(c *Config) *string { return &c.ClickHouseCA })},
	{flag: "clickhouse-insecure-skip-verify", env: "GOVPULSE_CLICKHOUSE_INSECURE_SKIP_VERIFY", commands: engineCommands,
		usage: "TLS without certificate checks (testing only)",
		value: boolean(func(c *Config) *bool { return &c.ClickHouseSkipVerify })},
	{flag: "database", env: "GOVPULSE_DATABASE", usage: "database name (created if missing)", commands: engineCommands,
		value: str(func(c *Config) *string { return &c.Database })},
	{flag: "cluster", env: "GOVPULSE_CLUSTER", commands: engineCommands,
		usage: "ClickHouse cluster name: migrations use ON CLUSTER, Replicated* and Distributed tables",
		value: str(func(c *Config) *string { return &c.Cluster })},
	{flag: "chdb-lib", env: "GOVPULSE_CHDB_LIB", commands: engineCommands,
		usage: "path to libchdb.so (default: the setup cache, next to the binary, then system paths)",
		value: str(func(c *Config) *string { return &c.ChDBLib })},
	{flag: "log-level", env: "GOVPULSE_LOG_LEVEL", usage: "debug, info, warn or error", commands: engineCommands,
		value: str(func(c *Config) *string { return &c.LogLevel })},
	{flag: "log-format", env: "GOVPULSE_LOG_FORMAT", usage: "text or json", commands: engineCommands,
		value: str(func(c *Config) *string { return &c.LogFormat })},
	{flag: "shutdown-timeout", env: "GOVPULSE_SHUTDOWN_TIMEOUT", usage: "time allowed for a graceful stop", commands: serveOnly,
		value: duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{flag: "readonly-max-seconds", env: "GOVPULSE_READONLY_MAX_SECONDS", commands: serveOnly,
		usage: "time limit the engine enforces on read-only (assistant) queries",
		value: integer(func(c *Config) *int64 { return &c.ReadOnlyMaxSeconds })},
	{flag: "readonly-max-rows", env: "GOVPULSE_READONLY_MAX_ROWS", commands: serveOnly,
		usage: "row limit the engine enforces on read-only (assistant) query results",
		value: integer(func(c *Config) *int64 { return &c.ReadOnlyMaxResultRows })},
	{flag: "stream", env: "GOVPULSE_STREAM", usage: "dossiers, petitions or posts", commands: []string{"import", "token", "dead-letters"},
		value: str(func(c *Config) *string { return &c.Stream })},
	{flag: "mapping", env: "GOVPULSE_MAPPING", usage: "YAML file mapping another system's columns and values onto govpulse's (docs/mapping.md)",
		commands: []string{"import"}, value: str(func(c *Config) *string { return &c.Mapping })},
	{flag: "name", env: "GOVPULSE_TOKEN_NAME", usage: "label of the system that will use the token", commands: []string{"token"},
		value: str(func(c *Config) *string { return &c.Name })},
	{flag: "limit", env: "GOVPULSE_LIMIT", usage: "rows to show", commands: []string{"dead-letters"},
		value: integer(func(c *Config) *int64 { return &c.Limit })},
	{flag: "hash-secret", env: "GOVPULSE_HASH_SECRET", secret: true, commands: []string{"serve", "import"},
		usage: "secret keying author and citizen hashes (or GOVPULSE_HASH_SECRET_FILE; default: DATA/hash_secret, created once)",
		value: str(func(c *Config) *string { return &c.HashSecret })},
	{flag: "spool-max-bytes", env: "GOVPULSE_SPOOL_MAX_BYTES", commands: serveOnly,
		usage: "bytes the ingest spool (DATA/spool) may hold before the API answers 503 Retry-After",
		value: integer(func(c *Config) *int64 { return &c.SpoolMaxBytes })},
	{flag: "metrics-token", env: "GOVPULSE_METRICS_TOKEN", secret: true, commands: serveOnly,
		usage: "bearer token Prometheus presents for /metrics (or GOVPULSE_METRICS_TOKEN_FILE); empty: /metrics answers loopback only",
		value: str(func(c *Config) *string { return &c.MetricsToken })},
	{flag: "demo", env: "GOVPULSE_DEMO", commands: serveOnly,
		usage: "on an empty store, seed a year of simulated history, then keep streaming live simulated events",
		value: boolean(func(c *Config) *bool { return &c.Demo })},
	{flag: "demo-scale", env: "GOVPULSE_DEMO_SCALE", commands: serveOnly,
		usage: "volume of the demo history (1.0 ≈ a year of Ho Chi Minh City: 1.2M dossiers, 176k petitions, 500k posts)",
		value: number(func(c *Config) *float64 { return &c.DemoScale })},
	{flag: "index-config", env: "GOVPULSE_INDEX_CONFIG", commands: []string{"serve", "rank"},
		usage: "YAML file of the Decision 766 indicator table, written like analytics/index766.yaml (empty: the embedded table)",
		value: str(func(c *Config) *string { return &c.IndexConfig })},
	{flag: "days", env: "GOVPULSE_SIM_DAYS", usage: "days to simulate", commands: simulateOnly,
		value: integer(func(c *Config) *int64 { return &c.SimDays })},
	{flag: "scale", env: "GOVPULSE_SIM_SCALE", commands: simulateOnly,
		usage: "volume multiplier: 1.0 is a year of Ho Chi Minh City per 365 days (1.2M dossiers, 176k petitions, 500k posts)",
		value: number(func(c *Config) *float64 { return &c.SimScale })},
	{flag: "seed", env: "GOVPULSE_SIM_SEED", usage: "random seed: the same seed and settings give the same files", commands: simulateOnly,
		value: integer(func(c *Config) *int64 { return &c.SimSeed })},
	{flag: "province", env: "GOVPULSE_SIM_PROVINCE", usage: "city to simulate: 79 Hồ Chí Minh, 31 Hải Phòng, 92 Cần Thơ (ask, eval, brief, serve: the city whose ward wins when provinces share a ward name)",
		commands: []string{"simulate", "ask", "eval", "brief", "serve"},
		value:    str(func(c *Config) *string { return &c.SimProvince })},
	{flag: "start", env: "GOVPULSE_SIM_START", usage: "first day YYYY-MM-DD (default: --days before today)", commands: simulateOnly,
		value: str(func(c *Config) *string { return &c.SimStart })},
	{flag: "out", env: "GOVPULSE_SIM_OUT", usage: "directory for dossiers.ndjson, petitions.ndjson, posts.ndjson and manifest.json (empty: store the simulation in the engine)", commands: simulateOnly,
		value: str(func(c *Config) *string { return &c.SimOut })},
	{flag: "llm-base-url", env: "GOVPULSE_LLM_BASE_URL", commands: llmCommands,
		usage: "OpenAI-compatible API root, e.g. http://127.0.0.1:11434/v1 (empty: offline mode, nothing leaves the machine)",
		value: str(func(c *Config) *string { return &c.LLMBaseURL })},
	{flag: "llm-api-key", env: "GOVPULSE_LLM_API_KEY", secret: true, commands: llmCommands,
		usage: "API key of the LLM endpoint (or GOVPULSE_LLM_API_KEY_FILE); empty for local servers",
		value: str(func(c *Config) *string { return &c.LLMAPIKey })},
	{flag: "llm-model", env: "GOVPULSE_LLM_MODEL", commands: llmCommands,
		usage: "model name; required with --llm-base-url",
		value: str(func(c *Config) *string { return &c.LLMModel })},
	{flag: "llm-timeout", env: "GOVPULSE_LLM_TIMEOUT", commands: llmCommands,
		usage: "time allowed for one LLM call (retried twice on 429, 5xx or timeout, then offline mode)",
		value: duration(func(c *Config) *time.Duration { return &c.LLMTimeout })},
	{flag: "llm-context-window", env: "GOVPULSE_LLM_CONTEXT_WINDOW", commands: llmCommands,
		usage: "the model's context window in tokens (0: a default by model name, 8192 for unknown models)",
		value: integer(func(c *Config) *int64 { return &c.LLMContextWindow })},
	{flag: "date", env: "GOVPULSE_BRIEF_DATE", usage: "day of the briefing, YYYY-MM-DD (default: yesterday)", commands: []string{"brief"},
		value: str(func(c *Config) *string { return &c.BriefDate })},
	{flag: "json", env: "GOVPULSE_JSON", usage: "print JSON instead of text", commands: []string{"brief", "ask", "eval"},
		value: boolean(func(c *Config) *bool { return &c.JSON })},
	{flag: "semantic-layer", env: "GOVPULSE_SEMANTIC_LAYER", commands: []string{"ask", "eval", "brief", "serve"},
		usage: "YAML file replacing the embedded semantic layer (metrics, dimensions, synonyms) of the assistant",
		value: str(func(c *Config) *string { return &c.SemanticLayer })},
	{flag: "session-ttl", env: "GOVPULSE_SESSION_TTL", commands: serveOnly,
		usage: "how long a dashboard login lasts",
		value: duration(func(c *Config) *time.Duration { return &c.SessionTTL })},
	{flag: "cookie-secure", env: "GOVPULSE_COOKIE_SECURE", commands: serveOnly,
		usage: "Secure flag of the session cookie: auto (set except on plain HTTP to a loopback address), true, or false (plain HTTP on a trusted network)",
		value: str(func(c *Config) *string { return &c.CookieSecure })},
	{flag: "role", env: "GOVPULSE_ROLE", usage: "role of a new account: admin, leader, analyst or planner", commands: []string{"user"},
		value: str(func(c *Config) *string { return &c.Role })},
	{flag: "display-name", env: "GOVPULSE_DISPLAY_NAME", usage: "full name of a new account", commands: []string{"user"},
		value: str(func(c *Config) *string { return &c.DisplayName })},
	{flag: "scope-unit", env: "GOVPULSE_SCOPE_UNIT", usage: "limit a new account to one unit (code); empty: the whole city", commands: []string{"user"},
		value: str(func(c *Config) *string { return &c.ScopeUnit })},
	{flag: "scope-ward", env: "GOVPULSE_SCOPE_WARD", usage: "limit a new account to one ward (code); empty: the whole city", commands: []string{"user"},
		value: str(func(c *Config) *string { return &c.ScopeWard })},
	{flag: "password-stdin", env: "GOVPULSE_PASSWORD_STDIN", commands: []string{"user"},
		usage: "read the new account's password from the first line of stdin (default: generate one and print it once)",
		value: boolean(func(c *Config) *bool { return &c.PasswordStdin })},
	{flag: "period", env: "GOVPULSE_PERIOD", usage: "period to rank: 2025-Q3, 2025-10, 2025, 2025-W40 or 2025-10-01..2025-10-31", commands: []string{"rank"},
		value: str(func(c *Config) *string { return &c.Period })},
	{flag: "level", env: "GOVPULSE_LEVEL", usage: "unit (city departments) or ward", commands: []string{"rank"},
		value: str(func(c *Config) *string { return &c.Level })},
	{flag: "format", env: "GOVPULSE_FORMAT", usage: "csv or xlsx (default: from the -o file's extension)", commands: []string{"rank"},
		value: str(func(c *Config) *string { return &c.Format })},
	{flag: "o", env: "GOVPULSE_OUTPUT", usage: "file to write", commands: []string{"rank"},
		value: str(func(c *Config) *string { return &c.Output })},
	{flag: "lang", env: "GOVPULSE_LANG", usage: "language, vi or en: of the answer (ask; empty: the question's) or of headers and notes (rank)", commands: []string{"ask", "rank"},
		value: str(func(c *Config) *string { return &c.Lang })},
	{flag: "url", env: "GOVPULSE_HEALTHCHECK_URL", usage: "URL that must answer 200", commands: []string{"healthcheck"},
		value: str(func(c *Config) *string { return &c.HealthcheckURL })},
}

// defaults returns the configuration before environment and flags.
func defaults() Config {
	return Config{
		Addr:                  ":8080",
		Data:                  "./data",
		Database:              "govpulse",
		LogLevel:              "info",
		LogFormat:             "text",
		ShutdownTimeout:       15 * time.Second,
		HealthcheckURL:        "http://127.0.0.1:8080/readyz",
		ReadOnlyMaxSeconds:    10,
		ReadOnlyMaxResultRows: 10000,
		Limit:                 50,
		SpoolMaxBytes:         1 << 30,
		DemoScale:             1,
		SessionTTL:            12 * time.Hour,
		CookieSecure:          "auto",
		Level:                 "unit",
		SimDays:               365,
		SimScale:              1,
		SimSeed:               1,
		SimProvince:           "79",
		LLMTimeout:            60 * time.Second,
	}
}

// Load builds the configuration of one command from the environment and its arguments.
func Load(command string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := defaults()
	for _, o := range options {
		if !o.takes(command) {
			continue
		}
		v, from, err := lookupEnv(o, getenv)
		if err != nil {
			return c, err
		}
		if v == "" {
			continue
		}
		if err := o.value(&c).Set(v); err != nil {
			return c, fmt.Errorf("%s: %w", from, err)
		}
	}
	fs := flag.NewFlagSet("govpulse "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, o := range options {
		if o.takes(command) {
			v := o.value(&c)
			if o.secret {
				v = redacted{v}
			}
			fs.Var(v, o.flag, o.usage+" (env "+o.env+")")
		}
	}
	positional := commands[command].args
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: govpulse %s [flags] %s\n\n%s\n\nflags:\n", command, positional, commands[command].summary)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after positional arguments (govpulse token add --stream
	// posts); "--" ends the flags.
	for {
		if err := fs.Parse(args); err != nil {
			return c, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if positional == "" {
			return c, fmt.Errorf("unexpected argument %q (see govpulse %s -h)", args[0], command)
		}
		if args[0] == "--" {
			c.Args = append(c.Args, args[1:]...)
			break
		}
		c.Args = append(c.Args, args[0])
		args = args[1:]
	}
	return c, c.Validate(command)
}

func (o option) takes(command string) bool {
	for _, c := range o.commands {
		if c == command {
			return true
		}
	}
	return false
}

// lookupEnv reads an option's variable, its aliases, and for secrets <NAME>_FILE.
func lookupEnv(o option, getenv func(string) string) (value, from string, err error) {
	for _, name := range append([]string{o.env}, o.aliases...) {
		if v := getenv(name); v != "" {
			return v, name, nil
		}
	}
	if o.secret {
		if path := getenv(o.env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", "", fmt.Errorf("%s_FILE: %w", o.env, err)
			}
			return strings.TrimRight(string(b), "\r\n"), o.env + "_FILE", nil
		}
	}
	return "", "", nil
}

// Validate checks the configuration of command and names the setting at fault.
func (c Config) Validate(command string) error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("GOVPULSE_LOG_LEVEL / --log-level: want debug, info, warn or error, got %q", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("GOVPULSE_LOG_FORMAT / --log-format: want text or json, got %q", c.LogFormat)
	}
	if c.ClickHouse != "" {
		u, err := url.Parse(c.ClickHouse)
		if err != nil || (u.Scheme != "clickhouse" && u.Scheme != "tcp") || u.Host == "" {
			return errors.New("GOVPULSE_CLICKHOUSE / --clickhouse: want clickhouse://user:pass@host:9000/db")
		}
	} else if c.Data == "" && (command == "serve" || command == "migrate") {
		return errors.New("GOVPULSE_DATA / --data: the embedded engine needs a data directory")
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("GOVPULSE_SHUTDOWN_TIMEOUT / --shutdown-timeout: must be positive")
	}
	if c.ReadOnlyMaxSeconds <= 0 || c.ReadOnlyMaxResultRows <= 0 {
		return errors.New("GOVPULSE_READONLY_MAX_SECONDS / GOVPULSE_READONLY_MAX_ROWS: must be positive")
	}
	if c.IndexConfig != "" {
		if _, err := c.indexConfig(); err != nil {
			return fmt.Errorf("GOVPULSE_INDEX_CONFIG / --index-config: %w", err)
		}
	}
	if err := c.validateLLM(); err != nil {
		return err
	}
	if c.SessionTTL < time.Minute {
		return errors.New("GOVPULSE_SESSION_TTL / --session-ttl: at least 1m")
	}
	if _, err := dashboard.ParseCookieSecure(c.CookieSecure); err != nil {
		return fmt.Errorf("GOVPULSE_COOKIE_SECURE / --cookie-secure: %w", err)
	}
	if command == "rank" {
		if err := c.validateRank(); err != nil {
			return err
		}
	}
	return nil
}

// indexConfig is the Decision 766 indicator table: the --index-config file, or the embedded one.
// Commands that rank (serve, rank) pass it to analytics.Rankings.
func (c Config) indexConfig() (*analytics.IndexConfig, error) {
	return analytics.LoadIndexConfigFile(c.IndexConfig)
}

// logger builds the process's slog handler; only cmd chooses it.
func (c Config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	ho := &slog.HandlerOptions{Level: level, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		// Log times in Asia/Ho_Chi_Minh, the zone of every date govpulse shows.
		if a.Key == slog.TimeKey && len(groups) == 0 {
			a.Value = slog.TimeValue(a.Value.Time().In(store.Location))
		}
		return a
	}}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, ho))
	}
	return slog.New(slog.NewTextHandler(w, ho))
}
