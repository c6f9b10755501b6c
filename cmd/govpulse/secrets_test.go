package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
)

// TestSecretsNeverLogged runs the product's main paths with known secret values — the
// ClickHouse password, the LLM API key, the hash secret and metrics token (each from a _FILE),
// an ingest token and a user's password — at log level debug, through failures that tend to
// quote them (a provider that echoes the key in its error, a wrong password, a wrong token, an
// unreachable ClickHouse server), and scans every line of output and error for them. It then
// checks the stored tables: ingest tokens and passwords are kept hashed.
//
// It opens the embedded engine on its own data directory, which one process can do only before
// a test boots the shared test engine (simulate_test.go on): hence this file's name.
func TestSecretsNeverLogged(t *testing.T) {
	dir := t.TempDir()
	secretsDir := t.TempDir()
	const (
		llmKey       = "sk-live-SECRETKEY-4f7a1c9e2b"
		hashSecret   = "hash-SECRET-0a1b2c3d4e5f6789"
		metricsToken = "metrics-SECRET-77e3d1"
		chPassword   = "ch-SECRET-pw-9d8c7b"
		chURLPass    = "url-SECRET-pw-1a2b3c"
		userPassword = "Mật-khẩu-SECRET-của-Lan-42"
	)
	file := func(name, v string) string {
		p := filepath.Join(secretsDir, name)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A provider that answers every call 401 and quotes the key it was sent, as some
	// OpenAI-compatible servers do.
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"}}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer llm.Close()
	env := map[string]string{
		"GOVPULSE_LOG_LEVEL": "debug", "GOVPULSE_DATA": dir, "GOVPULSE_CHDB_LIB": chdbLib(),
		"GOVPULSE_LLM_BASE_URL": llm.URL + "/v1", "GOVPULSE_LLM_MODEL": "gpt-4o-mini",
		"GOVPULSE_LLM_API_KEY_FILE":    file("llm_key", llmKey),
		"GOVPULSE_HASH_SECRET_FILE":    file("hash_secret", hashSecret),
		"GOVPULSE_METRICS_TOKEN_FILE":  file("metrics_token", metricsToken),
		"GOVPULSE_CLICKHOUSE_PASSWORD": "", // set per command below
	}
	var all bytes.Buffer // every output of every command
	cmd := func(stdin string, extra map[string]string, args ...string) (int, string) {
		t.Helper()
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for k, v := range extra {
			e[k] = v
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: envOf(e)})
		needEngine(t, errb.String())
		fmt.Fprintf(&all, "$ govpulse %s\n%s%s", strings.Join(args, " "), out.String(), errb.String())
		return code, out.String() + errb.String()
	}

	if code, out := cmd(userPassword+"\n", nil, "user", "add", "lan", "--role", "leader", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	code, out := cmd("", nil, "token", "add", "--stream", "petitions", "--name", "feed")
	token := regexp.MustCompile(`\n  (\S{20,})\n`).FindStringSubmatch(out)
	if code != 0 || token == nil {
		t.Fatalf("token add: %d %s", code, out)
	}
	ingestToken := token[1]
	if strings.Contains(all.String(), userPassword) {
		t.Errorf("user add printed the password it read: %s", all.String())
	}
	all.Reset() // token add shows the token once, on purpose; nothing after may
	if code, out := cmd("", nil, "ask", "Số hồ sơ tiếp nhận tháng 10/2025"); code != 0 {
		t.Errorf("ask with a failing provider: %d %s", code, out)
	}

	// serve: log in (wrongly, then rightly), ask (the provider fails), ingest with the token
	// and with a wrong one, scrape metrics with a wrong token.
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &Env{Stdout: logs, Stderr: logs, Getenv: envOf(env), Listening: func(a string) { addrc <- a }})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		needEngine(t, logs.String())
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	base := "http://" + addr
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, body string, header map[string]string) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, s := range []string{llmKey, hashSecret, metricsToken, userPassword, ingestToken} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s %s answers with a secret: %.300s", method, path, b)
			}
		}
		return resp.StatusCode
	}
	send("GET", "/login", "", nil)
	u, _ := url.Parse(base)
	csrf := ""
	for _, c := range jar.Cookies(u) {
		if c.Name == "govpulse_csrf" {
			csrf = c.Value
		}
	}
	form := func(pw string) string {
		return url.Values{"username": {"lan"}, "password": {pw}, "csrf_token": {csrf}}.Encode()
	}
	formH := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if code := send("POST", "/login", form(userPassword+"x"), formH); code == http.StatusSeeOther {
		t.Error("a wrong password logged in")
	}
	if code := send("POST", "/login", form(userPassword), formH); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	for _, c := range jar.Cookies(u) {
		if c.Name == "govpulse_csrf" {
			csrf = c.Value
		}
	}
	if code := send("POST", "/api/v1/ask", `{"question":"Số hồ sơ tiếp nhận tháng 10/2025","lang":"vi"}`,
		map[string]string{"Content-Type": "application/json", "X-CSRF-Token": csrf}); code != http.StatusOK {
		t.Errorf("ask: %d", code)
	}
	line := `{"id":"s-1","received_at":"2025-10-06T08:00:00+07:00","updated_at":"2025-10-06T08:00:00+07:00","channel":"web","category":"ngap_nuoc","ward_code":"26743","status":"new","title":"Ngập","content":"Ngập nước"}` + "\n" + `{"id":"s-2","status":"bogus"}` + "\n"
	if code := send("POST", "/api/v1/ingest/petitions", line, map[string]string{"Authorization": "Bearer " + ingestToken}); code != http.StatusOK {
		t.Errorf("ingest with the token: %d", code)
	}
	if code := send("POST", "/api/v1/ingest/petitions", line, map[string]string{"Authorization": "Bearer " + ingestToken + "x"}); code != http.StatusUnauthorized {
		t.Errorf("ingest with a wrong token: %d", code)
	}
	if code := send("POST", "/api/v1/ingest/posts", line, map[string]string{"Authorization": "Bearer " + ingestToken}); code == http.StatusOK {
		t.Error("a petitions token ingested posts")
	}
	send("GET", "/metrics", "", map[string]string{"Authorization": "Bearer " + metricsToken + "x"})
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
	all.WriteString(logs.String())

	// The engine in server mode, unreachable: the error must not quote the password from the
	// URL or from GOVPULSE_CLICKHOUSE_PASSWORD.
	chURL := "clickhouse://govpulse:" + chURLPass + "@127.0.0.1:1/gp"
	if code, _ := cmd("", map[string]string{"GOVPULSE_CLICKHOUSE_URL": chURL, "GOVPULSE_CLICKHOUSE_PASSWORD": chPassword}, "migrate"); code == 0 {
		t.Error("migrate against an unreachable server succeeded")
	}
	if code, _ := cmd("", map[string]string{"GOVPULSE_CLICKHOUSE_URL": "clickhouse://govpulse:" + chURLPass + "@127.0.0.1:1/gp?dial_timeout=bad"}, "migrate"); code == 0 {
		t.Error("migrate with a bad URL succeeded")
	}

	output := all.String()
	if len(output) < 500 || !strings.Contains(output, "llm") {
		t.Fatalf("too little output to scan (%d bytes): %s", len(output), output)
	}
	for name, s := range map[string]string{"LLM API key": llmKey, "hash secret": hashSecret, "metrics token": metricsToken,
		"ClickHouse password": chPassword, "ClickHouse URL password": chURLPass, "user password": userPassword, "ingest token": ingestToken} {
		if i := strings.Index(output, s); i >= 0 {
			t.Errorf("the %s appears in the output: …%s…", name, output[max(0, i-200):min(len(output), i+len(s)+50)])
		}
	}
	t.Logf("%d bytes of output scanned for 7 secrets", len(output))

	// Stored: tokens and passwords hashed, no secret in any operational table.
	db, err := store.OpenChDB(context.Background(), store.ChDBOptions{Path: dir, LibPath: chdbLib()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"ingest_tokens", "users", "sessions", "audit_log", "assistant_log", "dead_letters"} {
		tab, err := db.QueryReadOnly(context.Background(), "SELECT * FROM "+table, nil)
		if err != nil {
			t.Fatal(err)
		}
		text := fmt.Sprint(tab.Rows)
		for name, s := range map[string]string{"LLM API key": llmKey, "hash secret": hashSecret, "user password": userPassword, "ingest token": ingestToken} {
			if strings.Contains(text, s) {
				t.Errorf("table %s holds the %s", table, name)
			}
		}
		if table == "ingest_tokens" && (len(tab.Rows) != 1 || !strings.Contains(text, store.HashToken(ingestToken))) {
			t.Errorf("ingest_tokens: %v; want one token kept as its SHA-256", tab.Rows)
		}
		if table == "users" && !strings.Contains(text, "$argon2id$") {
			t.Errorf("users: no argon2id password hash")
		}
	}
}
