package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/store"
)

// Tests of `govpulse user` and the first-start admin. They open the embedded engine on data
// directories of their own, which one process can do only before a test boots the shared test
// engine (storetest, from simulate_test.go on): go test runs files in name order, hence this
// file's name.

// runIn runs a command with stdin.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: envOf(nil)})
	return code, out.String(), errb.String()
}

// storedHash reads an account's password hash from a data directory no server holds.
func storedHash(t *testing.T, dir, username string) (string, bool) {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: dir, LibPath: chdbLib()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := store.Users{DB: db}.Get(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.PasswordHash, u.Disabled
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--data", dir, "--chdb-lib", chdbLib()}
	code, out, errs := runIn(t, "", append([]string{"user", "add", "lan", "--role", "leader", "--scope-ward", "26734", "--display-name", "Nguyễn Thị Lan"}, base...)...)
	needEngine(t, errs)
	if code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errs)
	}
	generated := regexp.MustCompile(`password \(shown once\): (\S{20})\n`).FindStringSubmatch(out)
	if generated == nil || !strings.Contains(out, "added lan (leader, ward 26734)") {
		t.Fatalf("user add printed %q", out)
	}
	code, out, errs = runIn(t, "mật khẩu của Bình\nignored\n", append([]string{"user", "add", "binh", "--role", "planner", "--password-stdin"}, base...)...)
	if code != 0 || strings.Contains(out, "shown once") {
		t.Fatalf("user add --password-stdin: exit %d, %q %s", code, out, errs)
	}
	hash, _ := storedHash(t, dir, "lan")
	if ok, err := dashboard.VerifyPassword(hash, generated[1]); !ok || err != nil {
		t.Errorf("the printed password does not open lan's account: %v", err)
	}
	hash, _ = storedHash(t, dir, "binh")
	if ok, _ := dashboard.VerifyPassword(hash, "mật khẩu của Bình"); !ok {
		t.Error("the stdin password does not open binh's account")
	}

	code, out, _ = runIn(t, "", append([]string{"user", "disable", "lan"}, base...)...)
	if code != 0 || !strings.Contains(out, "disabled lan") {
		t.Errorf("user disable: exit %d %q", code, out)
	}
	code, out, _ = runIn(t, "", append([]string{"user", "list"}, base...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[1], "binh") || !strings.Contains(lines[1], "active") ||
		!strings.Contains(lines[2], "Nguyễn Thị Lan") || !strings.Contains(lines[2], "disabled") || strings.Contains(out, "argon2") {
		t.Errorf("user list: exit %d\n%s", code, out)
	}
	code, out, _ = runIn(t, "một mật khẩu mới dài\n", append([]string{"user", "passwd", "binh", "--password-stdin"}, base...)...)
	if code != 0 || !strings.Contains(out, "password of binh changed") {
		t.Errorf("user passwd: exit %d %q", code, out)
	}
	hash, _ = storedHash(t, dir, "binh")
	if ok, _ := dashboard.VerifyPassword(hash, "một mật khẩu mới dài"); !ok {
		t.Error("passwd did not change the password")
	}

	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"taken", "", []string{"user", "add", "binh", "--role", "planner"}, "user binh already exists"},
		{"bad role", "", []string{"user", "add", "chi", "--role", "mayor"}, "--role"},
		{"bad name", "", []string{"user", "add", "Chí Trần", "--role", "planner"}, "username"},
		{"two scopes", "", []string{"user", "add", "chi", "--role", "planner", "--scope-unit", "U", "--scope-ward", "W"}, "give one or neither"},
		{"short stdin password", "ngắn\n", []string{"user", "add", "chi", "--role", "planner", "--password-stdin"}, "at least 10 characters"},
		{"disable nobody", "", []string{"user", "disable", "nobody"}, "no user nobody"},
		{"no name", "", []string{"user", "disable"}, "usage: govpulse user disable USERNAME"},
		{"no action", "", []string{"user"}, "say add, list, disable or passwd"},
		{"unknown action", "", []string{"user", "delete", "binh"}, "unknown user action"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runIn(t, c.stdin, append(c.args, base...)...)
			if code == 0 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want an error containing %q", code, errs, c.want)
			}
		})
	}
}

// TestServeCreatesTheFirstAdmin starts serve on an empty store: it prints a generated admin
// password once, that password logs in, and a second start prints nothing.
func TestServeCreatesTheFirstAdmin(t *testing.T) {
	dir := t.TempDir()
	start := func() (addr string, out *syncBuffer, stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		addrc := make(chan string, 1)
		out, errb := &syncBuffer{}, &syncBuffer{}
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--chdb-lib", chdbLib()},
				&Env{Stdout: out, Stderr: errb, Getenv: envOf(nil), Listening: func(a string) { addrc <- a }})
		}()
		select {
		case addr = <-addrc:
		case code := <-done:
			needEngine(t, errb.String())
			t.Fatalf("serve exited %d: %s", code, errb.String())
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not start")
		}
		return addr, out, func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("serve exited %d: %s", code, errb.String())
			}
		}
	}
	addr, out, stop := start()
	m := regexp.MustCompile(`open\s+(http://\S+)/login\n\s+username\s+admin\n\s+password\s+(\S{20})\n`).FindStringSubmatch(out.String())
	if m == nil {
		stop()
		t.Fatalf("no first-start banner in %q", out.String())
	}
	if m[1] != "http://"+addr {
		t.Errorf("banner URL %s, listening on %s", m[1], addr)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var csrf string
	for _, c := range resp.Cookies() {
		if c.Name == "govpulse_csrf" {
			csrf = c.Value
		}
	}
	resp, err = client.PostForm("http://"+addr+"/login", url.Values{"username": {"admin"}, "password": {m[2]}, "csrf_token": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("admin login with the printed password: %s", resp.Status)
	}
	stop()

	_, out, stop = start()
	stop()
	if strings.Contains(out.String(), "password") {
		t.Errorf("second start printed a password again: %q", out.String())
	}
}
