package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The 766 indicator table can be replaced by a file (--index-config / GOVPULSE_INDEX_CONFIG); a
// file that does not load stops the command at start with the setting and the fault named.
func TestIndexConfigOption(t *testing.T) {
	noEnv := func(string) string { return "" }
	c, err := Load("serve", []string{"--index-config", "../../analytics/index766.yaml"}, noEnv, io.Discard)
	if err != nil {
		t.Fatalf("embedded table as a file: %v", err)
	}
	if cfg, err := c.indexConfig(); err != nil || cfg.Versions[0].ID != "766-2022" {
		t.Fatalf("indexConfig: %v", err)
	}
	c, err = Load("serve", nil, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := c.indexConfig(); err != nil || len(cfg.Versions) == 0 {
		t.Fatalf("default table: %v", err)
	}

	bad := filepath.Join(t.TempDir(), "index.yaml")
	raw, err := os.ReadFile("../../analytics/index766.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(string(raw), "target: 0.5", "target: 50", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(name string) string {
		if name == "GOVPULSE_INDEX_CONFIG" {
			return bad
		}
		return ""
	}
	_, err = Load("serve", nil, env, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "GOVPULSE_INDEX_CONFIG") || !strings.Contains(err.Error(), "target") {
		t.Errorf("bad table: err = %v, want the setting and the target named", err)
	}
	if _, err := Load("serve", []string{"--index-config", "/nonexistent/index.yaml"}, noEnv, io.Discard); err == nil {
		t.Error("missing file accepted")
	}
}
