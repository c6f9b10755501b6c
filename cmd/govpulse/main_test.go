package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// TestMain lets the test binary act as a second govpulse process (see startServeProcess).
func TestMain(m *testing.M) {
	if args := os.Getenv("GOVPULSE_TEST_RUN_ARGS"); args != "" {
		os.Exit(Run(context.Background(), strings.Fields(args), &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadPrecedence(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(secret, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(Config) string
	}{
		{"defaults", nil, nil, func(c Config) string {
			return fmt.Sprint(c.Addr == ":8080", c.Data == "./data", c.Database == "govpulse", c.ClickHouse == "")
		}},
		{"env over defaults", map[string]string{"GOVPULSE_ADDR": ":9000", "GOVPULSE_DATA": "/srv/d"}, nil, func(c Config) string {
			return fmt.Sprint(c.Addr == ":9000", c.Data == "/srv/d", true, true)
		}},
		{"flags over env", map[string]string{"GOVPULSE_ADDR": ":9000"}, []string{"--addr", ":7000"}, func(c Config) string {
			return fmt.Sprint(c.Addr == ":7000", true, true, true)
		}},
		{"alias and secret file", map[string]string{"GOVPULSE_CLICKHOUSE_URL": "clickhouse://h:9000/db", "GOVPULSE_CLICKHOUSE_PASSWORD_FILE": secret}, nil, func(c Config) string {
			return fmt.Sprint(c.ClickHouse == "clickhouse://h:9000/db", c.ClickHousePassword == "from-file", true, true)
		}},
		{"bool and duration from env", map[string]string{"GOVPULSE_CLICKHOUSE_INSECURE_SKIP_VERIFY": "true", "GOVPULSE_SHUTDOWN_TIMEOUT": "3s"}, nil, func(c Config) string {
			return fmt.Sprint(c.ClickHouseSkipVerify, c.ShutdownTimeout == 3*time.Second, true, true)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load("serve", c.args, envOf(c.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.check(cfg); got != "true true true true" {
				t.Errorf("checks = %s; config %+v", got, cfg)
			}
		})
	}
}

func TestLoadErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad log level", map[string]string{"GOVPULSE_LOG_LEVEL": "loud"}, nil, "GOVPULSE_LOG_LEVEL"},
		{"bad url", nil, []string{"--clickhouse", "http://x"}, "GOVPULSE_CLICKHOUSE"},
		{"bad bool in env", map[string]string{"GOVPULSE_CLICKHOUSE_INSECURE_SKIP_VERIFY": "maybe"}, nil, "GOVPULSE_CLICKHOUSE_INSECURE_SKIP_VERIFY"},
		{"missing secret file", map[string]string{"GOVPULSE_CLICKHOUSE_PASSWORD_FILE": "/no/such/file"}, nil, "GOVPULSE_CLICKHOUSE_PASSWORD_FILE"},
		{"stray argument", nil, []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("serve", c.args, envOf(c.env), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to name %s", err, c.want)
			}
		})
	}
}

// TestComposeUsesKnownSettings parses docker-compose.yml and checks every GOVPULSE_* name it
// sets is a setting govpulse reads.
func TestComposeUsesKnownSettings(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	known := map[string]bool{}
	for _, o := range options {
		known[o.env] = true
		for _, a := range o.aliases {
			known[a] = true
		}
		if o.secret {
			known[o.env+"_FILE"] = true
		}
	}
	app, ok := compose.Services["govpulse"]
	if !ok || compose.Services["clickhouse"].Image == "" {
		t.Fatal("docker-compose.yml needs services govpulse and clickhouse")
	}
	seen := 0
	for _, svc := range compose.Services {
		for name := range svc.Environment {
			if strings.HasPrefix(name, "GOVPULSE_") {
				seen++
				if !known[name] {
					t.Errorf("docker-compose.yml sets %s, which govpulse does not read", name)
				}
			}
		}
	}
	if seen == 0 || app.Environment["GOVPULSE_CLICKHOUSE"] == "" {
		t.Error("the govpulse service must run in server mode (GOVPULSE_CLICKHOUSE)")
	}
	if hc := strings.Join(app.Healthcheck.Test, " "); !strings.Contains(hc, "healthcheck") || commands["healthcheck"].run == nil {
		t.Errorf("govpulse healthcheck %q must use the healthcheck command", hc)
	}
}

// run runs govpulse in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Getenv: envOf(nil)})
	return code, out.String(), errb.String()
}

// needEngine skips (or fails under CI) when the embedded engine is not installed.
func needEngine(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "run `make deps`") {
		storetest.Unavailable(t, fmt.Errorf("%s", stderr))
	}
}

func chdbLib() string { return os.Getenv("GOVPULSE_CHDB_LIB") }

func TestMigrateCommandIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib())
	needEngine(t, errs)
	if code != 0 || !strings.Contains(out, "schema at version") {
		t.Fatalf("first migrate: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out2, errs := run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib())
	if code != 0 || out2 != out || !strings.Contains(errs, "applied=0") {
		t.Fatalf("second migrate: exit %d, stdout %q (first %q), stderr %q", code, out2, out, errs)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib())
	needEngine(t, errs)
	if code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: dir, LibPath: chdbLib()})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Insert(ctx, "schema_migrations", []store.MigrationRecord{{Version: 9999, Name: "9999_future.sql", Checksum: "x", AppliedAt: time.Now()}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib())
	if code == 0 || !strings.Contains(errs, "newer than this govpulse binary") || !strings.Contains(errs, "9999_future.sql") {
		t.Errorf("exit %d, stderr %q; want a refusal naming 9999_future.sql", code, errs)
	}
}

func TestMissingEngineAndServer(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing libchdb", []string{"migrate", "--data", t.TempDir(), "--chdb-lib", "/nonexistent/libchdb.so"}, "run `make deps` or set GOVPULSE_CLICKHOUSE_URL"},
		{"unreachable server", []string{"migrate", "--clickhouse", "clickhouse://u:secret@127.0.0.1:1/db"}, "connect ClickHouse server"},
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A fresh process: this one may already have loaded the engine library.
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), "GOVPULSE_TEST_RUN_ARGS="+strings.Join(c.args, " "))
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			code, errs := cmd.ProcessState.ExitCode(), errb.String()
			if err != nil && code <= 0 {
				t.Fatal(err)
			}
			if code != 1 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 1 and one line containing %q", code, errs, c.want)
			}
			if strings.Contains(errs, "secret") {
				t.Errorf("stderr leaks the password: %q", errs)
			}
		})
	}
}

func TestServeHealthAndReadiness(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--chdb-lib", chdbLib()},
			&Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: envOf(nil), Listening: func(a string) { addrc <- a }})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		needEngine(t, errb.String())
		t.Fatalf("serve exited %d before listening: %s", code, errb.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within 60 s")
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", path, resp.Status)
		}
	}
	if code, _, errs := run(t, "healthcheck", "--url", "http://"+addr+"/readyz"); code != 0 {
		t.Errorf("healthcheck: exit %d: %s", code, errs)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d on stop: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s")
	}
	if code, _, _ := run(t, "healthcheck", "--url", "http://"+addr+"/readyz"); code == 0 {
		t.Error("healthcheck passed against a stopped server")
	}
}

// TestDataDirHeldByAnotherProcess starts a real second process on a data directory and checks
// that migrate refuses it with one clear message and leaves it usable.
func TestDataDirHeldByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "GOVPULSE_TEST_RUN_ARGS=serve --addr 127.0.0.1:0 --data "+dir)
	var errb syncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(errb.String(), "listening") {
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			needEngine(t, errb.String())
			t.Fatalf("second process did not start: %s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, _, errs := run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib())
	if code != 1 || !strings.Contains(errs, "in use by another govpulse process") || !strings.Contains(errs, fmt.Sprint(cmd.Process.Pid)) {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the holder pid %d", code, errs, cmd.Process.Pid)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	if code, _, errs := run(t, "migrate", "--data", dir, "--chdb-lib", chdbLib()); code != 0 {
		t.Errorf("after the holder stopped, migrate: exit %d: %s", code, errs)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
