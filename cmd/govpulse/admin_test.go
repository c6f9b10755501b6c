package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--data", dir, "--chdb-lib", chdbLib()}
	code, out, errs := run(t, append([]string{"token", "add", "--stream", "petitions", "--name", "Cổng 1022"}, base...)...)
	needEngine(t, errs)
	if code != 0 {
		t.Fatalf("token add: exit %d: %s", code, errs)
	}
	token := regexp.MustCompile(`gpi_[0-9a-f]{64}`).FindString(out)
	id := regexp.MustCompile(`tok_[0-9a-f]{8}`).FindString(out)
	if token == "" || id == "" {
		t.Fatalf("token add printed no token or id: %q", out)
	}
	code, out, _ = run(t, append([]string{"token", "list"}, base...)...)
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "Cổng 1022") || !strings.Contains(out, "active") || strings.Contains(out, token) {
		t.Errorf("token list: exit %d, %q (must list the id, never the token)", code, out)
	}
	if code, _, _ := run(t, append([]string{"token", "revoke", id}, base...)...); code != 0 {
		t.Errorf("token revoke: exit %d", code)
	}
	if _, out, _ := run(t, append([]string{"token", "list"}, base...)...); !strings.Contains(out, "revoked") {
		t.Errorf("after revoke: %q", out)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad stream", []string{"token", "add", "--stream", "votes", "--name", "x"}, "--stream"},
		{"no name", []string{"token", "add", "--stream", "posts"}, "--name"},
		{"unknown id", []string{"token", "revoke", "tok_00000000"}, "no ingest token tok_00000000"},
		{"no action", []string{"token"}, "add, list or revoke"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := run(t, append(c.args, base...)...)
			if code == 0 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want an error naming %q", code, errs, c.want)
			}
		})
	}
}

func TestDeadLettersCommandOnEmptyStore(t *testing.T) {
	code, out, errs := run(t, "dead-letters", "--data", t.TempDir(), "--chdb-lib", chdbLib(), "--stream", "posts")
	needEngine(t, errs)
	if code != 0 || !strings.Contains(out, "no dead letters") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
