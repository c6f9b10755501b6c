package pipeline

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/govpulse/govpulse/models"
)

// update rewrites sql/migrations/0010_seed_procedures.sql from the catalogue (`make golden`, or
// go test ./pipeline -run SeedProceduresGolden -update); store's cluster.golden, which renders
// that migration, needs a second `make golden` afterwards.
var update = flag.Bool("update", false, "rewrite 0010_seed_procedures.sql from the simulator's catalogue")

const seedProceduresFile = "0010_seed_procedures.sql"

// The fields of the catalogue are seeded by 0008 and 0011: the simulator's tests read both.
func init() {
	base := loadSimDims
	loadSimDims = sync.OnceValues(func() (simDims, error) {
		d, err := base()
		if err != nil {
			return d, err
		}
		b, err := os.ReadFile(filepath.Join("..", "sql", "migrations", "0011_seed_fields.sql"))
		if err != nil {
			return d, err
		}
		d.fields = append([]models.Field(nil), d.fields...)
		for _, r := range sqlTuples(string(b)) {
			if len(r) == 4 {
				d.fields = append(d.fields, models.Field{Code: r[0], NameVI: r[1], NameEN: r[2], Version: 1})
			}
		}
		return d, nil
	})
}

func TestSimCatalogue(t *testing.T) {
	dims := testSimDims(t)
	seeded := map[string]bool{}
	for _, f := range dims.fields {
		seeded[f.Code] = true
	}
	depts := map[string]bool{}
	for _, u := range dims.units {
		if k, ok := strings.CutPrefix(u.Code, "H29."); ok && u.Type == string(models.UnitDepartment) && u.Active {
			depts[k] = true
		}
	}
	code := regexp.MustCompile(`^[12]\.\d{6}$`)
	codes, names, fields := map[string]bool{}, map[string]bool{}, map[string]int{}
	var ward, all float64
	for _, p := range simProcedures {
		if !code.MatchString(p.code) {
			t.Errorf("%s: code not in the national format 1.00xxxx / 2.00xxxx", p.code)
		}
		if codes[p.code] {
			t.Errorf("%s: code used twice", p.code)
		}
		codes[p.code] = true
		if p.name == "" || strings.TrimSpace(p.name) != p.name || names[p.name] {
			t.Errorf("%s: name %q empty, padded or used twice", p.code, p.name)
		}
		names[p.name] = true
		if !seeded[p.field] {
			t.Errorf("%s: field %q is not seeded (0008, 0011)", p.code, p.field)
		}
		fields[p.field]++
		switch p.level {
		case models.OnlineFull, models.OnlinePartial, models.OnlineNone:
		default:
			t.Errorf("%s: online level %q", p.code, p.level)
		}
		if p.days < 0 || p.days > 90 {
			t.Errorf("%s: %d processing days, want 0..90", p.code, p.days)
		}
		if p.fee > 20_000_000 || p.fee%1000 != 0 {
			t.Errorf("%s: fee %d đồng, want a round amount up to 20 million", p.code, p.fee)
		}
		if !(p.weight > 0) || p.weight > 20 {
			t.Errorf("%s: weight %v, want in (0, 20]", p.code, p.weight)
		}
		if p.at != "W" && !depts[p.at] {
			t.Errorf("%s: received at %q, neither W nor a department of 0009", p.code, p.at)
		}
		all += p.weight
		if p.at == "W" {
			ward += p.weight
		}
	}
	if len(simProcedures) < 160 || len(fields) < 20 {
		t.Errorf("catalogue has %d procedures over %d fields, want at least 160 over 20", len(simProcedures), len(fields))
	}
	if s := ward / all; s < 0.6 || s > 0.75 {
		t.Errorf("wards receive %.2f of the weight, want about 70%%", s)
	}
	// The three real codes of DOMAIN §4 keep their procedures; the commonest stay the commonest.
	byCode := map[string]simProcedure{}
	for _, p := range simProcedures {
		byCode[p.code] = p
	}
	for c, name := range map[string]string{"1.001193": "Đăng ký khai sinh", "1.004222": "Đăng ký thường trú", "1.001612": "Đăng ký thành lập hộ kinh doanh"} {
		if byCode[c].name != name {
			t.Errorf("%s is %q, want %q", c, byCode[c].name, name)
		}
	}
	for _, c := range []string{"2.000908", "1.001193", "1.004222"} {
		if p := byCode[c]; p.weight < 4 {
			t.Errorf("%s %s: weight %v, want among the commonest (≥ 4)", c, p.name, p.weight)
		}
	}
}

// seedProceduresSQL is the text of 0010_seed_procedures.sql for the catalogue.
func seedProceduresSQL() string {
	var b strings.Builder
	b.WriteString(`-- 0010_seed_procedures: the catalogue of administrative procedures (TTHC) that the simulator
-- generates dossiers for, so that a demo or test deployment has a procedures table to divide by
-- (the 766 online-service indicators are shares of the catalogue, not of dossiers) and to name
-- dossiers with. Written by the govpulse authors for the simulator from general knowledge of
-- Vietnam's public-service catalogue (pipeline/simulate_catalogue.go), not copied from the
-- national database: the codes follow the national format, but only 1.001193 (đăng ký khai sinh),
-- 1.004222 (đăng ký thường trú) and 1.001612 (thành lập hộ kinh doanh) are real; the others, the
-- processing days and the fees are illustrative. A city loads its own catalogue over this one
-- with higher versions (edits win over these seeds).
--
-- Generated: go test ./pipeline -run SeedProceduresGolden -update (a test fails when this file
-- and pipeline.SimProcedures() disagree). Fields are seeded by 0008 and 0011.
--
-- version 1; re-running inserts the same rows, which ReplacingMergeTree folds.

INSERT INTO procedures (code, name, field, online_level, processing_days, fee_vnd, active, version) VALUES
`)
	procs := SimProcedures()
	for i, p := range procs {
		fmt.Fprintf(&b, "(%s, %s, %s, %s, %d, %d, %t, %d)", sqlQuote(p.Code), sqlQuote(p.Name), sqlQuote(p.Field),
			sqlQuote(p.OnlineLevel), p.ProcessingDays, p.FeeVND, p.Active, p.Version)
		if i < len(procs)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// seedProcedureRow is one VALUES tuple of 0010.
var seedProcedureRow = regexp.MustCompile(`^\('([^']*)', '((?:[^']|'')*)', '([a-z_]+)', '(full|partial|none)', (\d+), (\d+), (true|false), (\d+)\),?$`)

func TestSeedProceduresGolden(t *testing.T) {
	path := filepath.Join("..", "sql", "migrations", seedProceduresFile)
	if *update {
		if err := os.WriteFile(path, []byte(seedProceduresSQL()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if !strings.Contains(src, "INSERT INTO procedures (code, name, field, online_level, processing_days, fee_vnd, active, version) VALUES\n") {
		t.Fatalf("%s: no INSERT INTO procedures with the column list of 0001", seedProceduresFile)
	}
	var got []models.Procedure
	for n, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "(") {
			continue
		}
		m := seedProcedureRow.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s:%d: not a procedures tuple: %s", seedProceduresFile, n+1, line)
			continue
		}
		days, _ := strconv.ParseUint(m[5], 10, 16)
		fee, _ := strconv.ParseUint(m[6], 10, 64)
		version, _ := strconv.ParseUint(m[8], 10, 64)
		got = append(got, models.Procedure{Code: m[1], Name: strings.ReplaceAll(m[2], "''", "'"), Field: m[3], OnlineLevel: m[4],
			ProcessingDays: uint16(days), FeeVND: fee, Active: m[7] == "true", Version: version})
	}
	want := SimProcedures()
	fix := "; run `go test ./pipeline -run SeedProceduresGolden -update`, then `make golden` for store"
	if len(got) != len(want) {
		t.Errorf("%s has %d procedures, the catalogue %d%s", seedProceduresFile, len(got), len(want), fix)
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("%s row %d = %+v, the catalogue has %+v%s", seedProceduresFile, i+1, got[i], want[i], fix)
		}
	}
}
