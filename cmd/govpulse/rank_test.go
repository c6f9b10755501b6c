package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/models"
)

func TestRankFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "xep-hang.xlsx")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no period", []string{"rank", "-o", out}, "GOVPULSE_PERIOD / --period"},
		{"bad period", []string{"rank", "--period", "2025-Q5", "-o", out}, "GOVPULSE_PERIOD / --period"},
		{"bad level", []string{"rank", "--period", "2025-Q3", "--level", "province", "-o", out}, "GOVPULSE_LEVEL / --level"},
		{"no file", []string{"rank", "--period", "2025-Q3"}, "GOVPULSE_OUTPUT / -o"},
		{"unknown extension", []string{"rank", "--period", "2025-Q3", "-o", "rank.pdf"}, "say csv or xlsx"},
		{"bad format", []string{"rank", "--period", "2025-Q3", "--format", "ods", "-o", out}, "GOVPULSE_FORMAT / --format"},
		{"bad lang", []string{"rank", "--period", "2025-Q3", "--lang", "fr", "-o", out}, "GOVPULSE_LANG / --lang"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := run(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", code, errs, c.want)
			}
		})
	}
	for _, c := range []struct {
		format, file string
		want         dashboard.Format
	}{{"", "a.XLSX", dashboard.FormatXLSX}, {"", "a.csv", dashboard.FormatCSV}, {"csv", "a.xlsx", dashboard.FormatCSV}} {
		if got, err := rankFormat(Config{Format: c.format, Output: c.file}); err != nil || got != c.want {
			t.Errorf("rankFormat(%q, %q) = %q, %v; want %q", c.format, c.file, got, err, c.want)
		}
	}
}

// TestRankCommand runs rank on an empty store. Until analytics.Rankings lands it fails, and
// then no file may be left behind; once it lands the file must be a readable workbook.
func TestRankCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(t.TempDir(), "xep-hang.xlsx")
	code, stdout, errs := run(t, "rank", "--period", "2025-Q3", "--level", "ward", "-o", out, "--data", dir, "--chdb-lib", chdbLib())
	needEngine(t, errs)
	if code != 0 {
		if !strings.Contains(errs, "rank ward 2025-Q3") {
			t.Errorf("exit %d, stderr %q; want the failing level and period named", code, errs)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("a failed rank left files: %v", entries)
		}
		return
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, err := f.GetRows("Xếp hạng"); err != nil || len(rows) == 0 || rows[0][0] != "Hạng" {
		t.Errorf("rows %v, %v", rows, err)
	}
}

func TestWriteRankFile(t *testing.T) {
	cfg := analytics.DefaultIndexConfig()
	p, _ := models.ParsePeriod("2025-10")
	v := cfg.VersionAt(p.From)
	score := analytics.ScoreUnit(v, map[string]analytics.Ratio{"tien_do_giai_quyet": {Num: 3, Den: 4}})
	score.Rank = 1
	rk := analytics.Ranking{Level: analytics.LevelWard, Period: p, Previous: p.Previous(), Version: v.ID,
		AsOf: time.Date(2025, 11, 1, 6, 0, 0, 0, models.Location),
		Rows: []analytics.RankingRow{{Code: "26734", Name: "Phường Bến Thành", Score: score, Dossiers: 4, SmallVolume: true}}}
	path := filepath.Join(t.TempDir(), "xep-hang-phuong.xlsx")
	if err := writeRankFile(path, dashboard.FormatXLSX, dashboard.RankingExport{Ranking: rk, Lang: "vi"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("stat %v, %v; want a 0644 file", st, err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Xếp hạng")
	// 20 × 3/4 = 15 points of 20 available: 75/100.
	if len(rows) != 2 || rows[0][1] != "Mã phường/xã" || rows[1][2] != "Phường Bến Thành" || rows[1][3] != "15.00" || rows[1][5] != "75.00" {
		t.Errorf("rows %q", rows)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
