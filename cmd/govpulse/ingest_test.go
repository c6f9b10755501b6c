package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/store"
)

func countIn(t *testing.T, dir, query string) uint64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: dir, LibPath: chdbLib()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n []uint64
	if err := db.Query(ctx, &n, query, nil); err != nil {
		t.Fatal(err)
	}
	return n[0]
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "dossiers.ndjson")
	lines := []string{
		`{"id":"H29.1-251006-0001","procedure_code":"1.001193","unit_code":"26743","ward_code":"26743","channel":"online","online_level":"full","status":"received","received_at":"2025-10-06T08:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","updated_at":"2025-10-06T08:00:00+07:00"}`,
		`{"id":"H29.1-251006-0002","procedure_code":"1.001193","unit_code":"26743","channel":"in_person","online_level":"none","status":"completed","received_at":"2025-10-06T09:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","completed_at":"2025-10-07T10:00:00+07:00","updated_at":"2025-10-07T10:00:00+07:00"}`,
		`{"id":"H29.1-251006-0003","channel":"fax"}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "--stream", "dossiers", "--data", dir, "--chdb-lib", chdbLib(), file}
	code, out, errs := run(t, args...)
	needEngine(t, errs)
	if code != 0 || !strings.Contains(out, "3 lines, 2 accepted, 1 rejected") || !strings.Contains(out, "line 3:") {
		t.Fatalf("import: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	// Importing the same file again stores nothing twice.
	if code, out, errs := run(t, args...); code != 0 {
		t.Fatalf("second import: exit %d: %s %s", code, out, errs)
	}
	if n := countIn(t, dir, "SELECT sum(received) FROM dossier_intake_daily"); n != 2 {
		t.Errorf("intake after two imports = %d, want 2", n)
	}
	if n := countIn(t, dir, "SELECT count() FROM dead_letters"); n != 1 {
		t.Errorf("dead letters after two imports = %d, want 1", n)
	}

	// A hotline export in another system's CSV layout, through a mapping file.
	code, out, errs = run(t, "import", "--stream", "petitions", "--data", dir, "--chdb-lib", chdbLib(),
		"--mapping", "../../pipeline/testdata/ingest/hotline_mapping.yaml", "../../pipeline/testdata/ingest/hotline_export.csv")
	if code != 0 || !strings.Contains(out, "accepted") {
		t.Fatalf("csv import: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	if n := countIn(t, dir, "SELECT count() FROM petitions FINAL WHERE citizen_phone_masked != '' AND position(content, '0903 123 456') = 0"); n == 0 {
		t.Error("no petition stored with a masked phone")
	}

	if code, _, errs := run(t, "import", "--stream", "votes", "--data", dir, file); code == 0 || !strings.Contains(errs, "--stream") {
		t.Errorf("bad stream: exit %d, %q", code, errs)
	}
}
