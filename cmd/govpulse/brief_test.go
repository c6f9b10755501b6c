package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestBriefCommand(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--data", dir, "--chdb-lib", chdbLib(), "--date", "2025-11-02"}
	code, out, errs := run(t, append([]string{"brief", "--json"}, base...)...)
	needEngine(t, errs)
	if code != 0 {
		t.Fatalf("brief --json: exit %d: %s", code, errs)
	}
	var b struct {
		Date, Lang, Text, Mode string
		PromptVersion          string `json:"prompt_version"`
		Facts                  struct {
			Facts []struct{ ID, Kind, Key, Text, Source string }
		}
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	// An empty store still has a sheet: the day's KPIs, all zero or N/A.
	if b.Date != "2025-11-02" || b.Lang != "vi" || b.Mode != "offline" || b.PromptVersion != "offline-1" || len(b.Facts.Facts) < 6 {
		t.Errorf("briefing = %+v", b)
	}
	for _, f := range b.Facts.Facts {
		if f.ID == "" || f.Source == "" || f.Text == "" {
			t.Errorf("fact without id, source or text: %+v", f)
		}
	}
	if !strings.Contains(b.Text, "không ghi nhận cảnh báo") && !strings.Contains(b.Text, "không phát hiện") {
		t.Errorf("text %q: want the no-alert opening", b.Text)
	}

	// An LLM that fails with 500 every time: the briefing falls back, visibly.
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, `{"error":{"message":"down"}}`, http.StatusInternalServerError)
	}))
	defer srv.Close()
	code, out, errs = run(t, append([]string{"brief", "en", "--llm-base-url", srv.URL + "/v1", "--llm-model", "gpt-4o-mini", "--llm-timeout", "5s"}, base...)...)
	if code != 0 {
		t.Fatalf("brief with a failing LLM: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "language model did not produce") || !strings.Contains(out, "[F1]") || !strings.Contains(out, "2025-11-02 · offline") {
		t.Errorf("output %q: want the notice, the facts and the offline mode", out)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls to the LLM, want 3 (one and two retries)", calls.Load())
	}
}

func TestBriefCommandRefusesBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad date", []string{"brief", "--date", "02/11/2025", "--data", t.TempDir(), "--chdb-lib", chdbLib()}, "--date"},
		{"model without url", []string{"brief", "--llm-model", "x"}, "GOVPULSE_LLM_BASE_URL"},
		{"url without model", []string{"brief", "--llm-base-url", "http://127.0.0.1:1/v1"}, "GOVPULSE_LLM_MODEL"},
		{"bad url", []string{"brief", "--llm-base-url", "127.0.0.1:1", "--llm-model", "m"}, "http(s) URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := run(t, c.args...)
			if code == 0 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want an error naming %q", code, errs, c.want)
			}
		})
	}
}
