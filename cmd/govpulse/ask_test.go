package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/assistant"
)

func TestAskCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "ask", "--data", dir, "--chdb-lib", chdbLib(), "--json", "Số hồ sơ tiếp nhận tháng 10/2025 so với cùng kỳ năm trước")
	needEngine(t, errs)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var ans assistant.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if ans.Mode != "offline" || ans.Spec == nil || ans.Spec.Compare != "last_year" || ans.Spec.Period.Text != "2025-10" ||
		!strings.Contains(ans.SQL, "dossier_intake_daily") || len(ans.Rows) != 1 || ans.Text == "" {
		t.Errorf("answer: %+v", ans)
	}

	// Text output, English, and a clarification.
	code, out, errs = run(t, "ask", "--data", dir, "--chdb-lib", chdbLib(), "What is the population of Ben Thanh ward?")
	if code != 0 || !strings.Contains(out, "Did you mean") || !strings.Contains(out, "1. ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = run(t, "ask", "--data", dir, "--chdb-lib", chdbLib(), "so phan anh theo kenh thang 10/2025")
	if code != 0 || !strings.Contains(out, "SQL:") || !strings.Contains(out, "Hiểu là") || !strings.Contains(out, "offline") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if code, _, errs := run(t, "ask", "--data", dir, "--chdb-lib", chdbLib()); code == 0 || !strings.Contains(errs, "question") {
		t.Errorf("no question: exit %d, stderr %q", code, errs)
	}
}

func TestEvalCommand(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(t.TempDir(), "set.jsonl")
	lines := `{"now": "2025-11-20T10:00:00+07:00"}
{"q": "Số hồ sơ tiếp nhận tháng trước", "lang": "vi", "category": "count", "expect": {"metrics": ["dossiers_received"], "period": "2025-10"}}
{"q": "petitions by ward last week", "lang": "en", "category": "breakdown", "expect": {"metrics": ["petitions_received"], "dimensions": ["ward"], "period": "2025-W46"}}
{"q": "so ho so thang 10/2025", "lang": "vi", "category": "count", "expect": {"metrics": ["petitions_received"], "period": "2025-10"}}
{"q": "gia vang hom nay", "lang": "vi", "category": "outside", "expect_clarify": true}
`
	if err := os.WriteFile(set, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "eval", "--data", dir, "--chdb-lib", chdbLib(), "nlq", set)
	needEngine(t, errs)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	for _, want := range []string{
		"FAIL [count/vi_plain] so ho so thang 10/2025", // the third case expects the wrong metric
		"count                    1/2", "breakdown                1/1", "en                       1/1",
		"in layer                 2/3", "clarify                  1/1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := run(t, "eval", "--data", dir, "--chdb-lib", chdbLib(), "sql", set); code == 0 || !strings.Contains(errs, "usage") {
		t.Errorf("bad kind: exit %d, stderr %q", code, errs)
	}
}
