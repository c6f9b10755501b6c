package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// migratedDB is a fresh, migrated database of the test engine.
func migratedDB(t *testing.T) store.DB {
	t.Helper()
	db := storetest.Open(t)
	if _, err := store.Migrate(context.Background(), db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestSeedUnits checks migration 0009 on the engine: one people's committee per ward, named and
// coded by the documented scheme, and the departments of Ho Chi Minh City.
func TestSeedUnits(t *testing.T) {
	ctx := context.Background()
	db := migratedDB(t)
	var counts []struct {
		Prefix string `ch:"prefix"`
		Type   string `ch:"type"`
		N      uint64 `ch:"n"`
	}
	if err := db.Query(ctx, &counts, `SELECT splitByChar('.', code)[1] AS prefix, toString(type) AS type, count() AS n
		FROM units FINAL GROUP BY prefix, type ORDER BY prefix, type`, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range counts {
		got = append(got, fmt.Sprintf("%s %s %d", c.Prefix, c.Type, c.N))
	}
	// DOMAIN §1: 168 wards in HCMC, 114 in Hải Phòng, 103 in Cần Thơ.
	want := []string{"H29 department 20", "H29 ward 168", "H31 ward 114", "H92 ward 103"}
	if !slices.Equal(got, want) {
		t.Errorf("units per prefix and type = %q, want %q", got, want)
	}
	var bad []string
	if err := db.Query(ctx, &bad, `SELECT w.code FROM wards AS w FINAL
		LEFT JOIN (SELECT * FROM units FINAL) AS u ON u.ward_code = w.code
		WHERE u.code != concat(if(w.province_code = '79', 'H29', concat('H', w.province_code)), '.', w.code)
		   OR u.name != concat('UBND ', w.full_name) OR NOT u.active OR u.parent != ''`, nil); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("wards without a well-formed unit: %v", bad)
	}
	var units []models.Unit
	if err := db.Query(ctx, &units, "SELECT * FROM units FINAL WHERE code IN ('H29.26743', 'H29.STP') ORDER BY code", nil); err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[0].Name != "UBND Phường Bến Thành" || units[0].NameEN != "Ben Thanh Ward People's Committee" ||
		units[0].WardCode != "26743" || units[1].Name != "Sở Tư pháp" || units[1].Type != "department" || units[1].WardCode != "" {
		t.Errorf("units = %+v", units)
	}
	for _, u := range units {
		if strings.Contains(u.Code, "-") {
			t.Errorf("unit code %q holds '-', the separator of dossier codes", u.Code)
		}
	}
}

func TestSimulateTo(t *testing.T) {
	db := migratedDB(t)
	out := filepath.Join(t.TempDir(), "sim")
	opts := simulateOptions{Days: 14, Scale: 0.05, Seed: 3, Start: time.Date(2025, 9, 1, 0, 0, 0, 0, models.Location)}
	var stdout bytes.Buffer
	man, err := simulateTo(context.Background(), db, opts, out, &stdout, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "simulated 2025-09-01..2025-09-14 (14 days, scale 0.05, seed 3, province 79)") {
		t.Errorf("summary %q", stdout.String())
	}
	if man.Counts.Dossiers == 0 || man.Counts.Petitions == 0 || man.Counts.Posts == 0 || man.Wards != 168 || man.Units != 188 {
		t.Fatalf("manifest %+v", man)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"dossiers.ndjson", "manifest.json", "petitions.ndjson", "posts.ndjson"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}

	// Each file: one JSON object a line, the contract's field names, as many lines as counted.
	for _, f := range []struct {
		name   string
		want   int
		fields []string
		absent []string
	}{
		{simDossiersFile, man.Counts.Dossiers, []string{"id", "procedure_code", "unit_code", "received_at", "due_at", "status", "fee_vnd", "satisfaction"}, nil},
		{simPetitionsFile, man.Counts.Petitions, []string{"id", "received_at", "channel", "category", "title", "content", "citizen_phone", "citizen_name"}, []string{"citizen_hash", "citizen_phone_masked"}},
		{simPostsFile, man.Counts.Posts, []string{"id", "platform", "published_at", "author_id", "text", "url", "likes"}, []string{"sentiment", "author_hash", "sentiment_label"}},
	} {
		file, err := os.Open(filepath.Join(out, f.name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("%s line %d: %v", f.name, n+1, err)
			}
			for _, k := range f.fields {
				if _, ok := row[k]; !ok {
					t.Fatalf("%s line %d has no %s: %s", f.name, n+1, k, sc.Text())
				}
			}
			for _, k := range f.absent {
				if _, ok := row[k]; ok {
					t.Fatalf("%s line %d carries %s", f.name, n+1, k)
				}
			}
			for k, v := range row {
				if s, ok := v.(string); ok && strings.HasSuffix(k, "_at") && !strings.HasSuffix(s, "+07:00") {
					t.Fatalf("%s line %d: %s = %q, want RFC 3339 with +07:00", f.name, n+1, k, s)
				}
			}
			n++
		}
		file.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if n != f.want {
			t.Errorf("%s: %d lines, manifest counts %d", f.name, n, f.want)
		}
	}

	b, err := os.ReadFile(filepath.Join(out, simManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var back pipeline.Manifest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Counts != man.Counts || len(back.Incidents) != len(man.Incidents) || len(back.Incidents) == 0 || back.Seed != 3 {
		t.Errorf("manifest.json %+v, want %+v", back, man)
	}

	// The same options write the same files.
	again := filepath.Join(t.TempDir(), "again")
	if _, err := simulateTo(context.Background(), db, opts, again, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{simDossiersFile, simPetitionsFile, simPostsFile, simManifestFile} {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same options", name)
		}
	}

	t.Run("unknown province", func(t *testing.T) {
		o := opts
		o.Province = "01"
		_, err := simulateTo(context.Background(), db, o, t.TempDir(), io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "--province") {
			t.Errorf("err = %v, want one naming --province", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		dir := t.TempDir()
		if _, err := simulateTo(ctx, db, opts, dir, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
			t.Fatal("a cancelled run succeeded")
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("a cancelled run left %d files", len(left))
		}
	})
}

func TestParseSimulateOptions(t *testing.T) {
	today := time.Date(2026, 11, 23, 15, 0, 0, 0, models.Location)
	o, err := parseSimulateOptions(365, 0.1, 0, "", "", today)
	if err != nil {
		t.Fatal(err)
	}
	if o.Province != "79" || o.Start.Format(time.RFC3339) != "2025-11-23T00:00:00+07:00" || o.Days != 365 {
		t.Errorf("defaults: %+v", o)
	}
	if o, err := parseSimulateOptions(30, 1, 9, "31", "2025-01-15", today); err != nil || o.Start.Format(time.DateOnly) != "2025-01-15" || o.Seed != 9 || o.Province != "31" {
		t.Errorf("explicit: %+v, %v", o, err)
	}
	for _, c := range []struct {
		days  int64
		scale float64
		seed  int64
		start string
		want  string
	}{
		{0, 1, 0, "", "--days"},
		{10, 0, 0, "", "--scale"},
		{10, 1, -1, "", "--seed"},
		{10, 1, 0, "15/01/2025", "--start"},
	} {
		if _, err := parseSimulateOptions(c.days, c.scale, c.seed, "", c.start, today); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want one naming %s", c, err, c.want)
		}
	}
	var cfg struct{ scale float64 }
	v := number(func(*Config) *float64 { return &cfg.scale })(&Config{})
	if err := v.Set("0.25"); err != nil || cfg.scale != 0.25 || v.String() != "0.25" {
		t.Errorf("number flag: %v, %g, %q", err, cfg.scale, v.String())
	}
	if err := v.Set("lots"); err == nil {
		t.Error("number flag accepted \"lots\"")
	}
}
