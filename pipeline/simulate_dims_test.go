package pipeline

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// The simulator's tests need the dimension rows without an engine: they read the seed migrations
// of the repository (0007 wards, 0008 fields and categories, 0009 departments) and build the ward
// units by the code scheme 0009 documents. cmd/govpulse's test checks the same against the real
// engine.

type simDims struct {
	wards      []models.Ward
	units      []models.Unit
	fields     []models.Field
	categories []models.PetitionCategory
}

var loadSimDims = sync.OnceValues(func() (simDims, error) {
	var d simDims
	read := func(name string) ([][]string, error) {
		b, err := os.ReadFile(filepath.Join("..", "sql", "migrations", name))
		if err != nil {
			return nil, err
		}
		return sqlTuples(string(b)), nil
	}
	rows, err := read("0007_seed_wards.sql")
	if err != nil {
		return d, err
	}
	for _, r := range rows {
		if len(r) != 10 {
			continue // provinces
		}
		w := models.Ward{Code: r[0], Name: r[1], FullName: r[2], NameEN: r[3], UnitType: r[4], ProvinceCode: r[5],
			ProvinceName: r[6], CodeName: r[7], Aliases: strings.Split(r[8], "\x00"), Version: 1}
		d.wards = append(d.wards, w)
		prefix := "H" + w.ProvinceCode
		if w.ProvinceCode == "79" {
			prefix = "H29"
		}
		d.units = append(d.units, models.Unit{Code: prefix + "." + w.Code, Name: "UBND " + w.FullName, Type: "ward",
			WardCode: w.Code, Active: true, Version: 1})
	}
	rows, err = read("0008_seed_catalogues.sql")
	if err != nil {
		return d, err
	}
	for _, r := range rows {
		switch len(r) {
		case 4:
			d.fields = append(d.fields, models.Field{Code: r[0], NameVI: r[1], NameEN: r[2], Version: 1})
		case 6:
			sla, _ := strconv.Atoi(r[4])
			d.categories = append(d.categories, models.PetitionCategory{Code: r[0], NameVI: r[1], NameEN: r[2], Parent: r[3],
				SLADays: uint16(sla), Version: 1})
		}
	}
	rows, err = read("0009_seed_units.sql")
	if err != nil {
		return d, err
	}
	for _, r := range rows {
		if len(r) == 8 {
			d.units = append(d.units, models.Unit{Code: r[0], Name: r[1], NameEN: r[2], Type: r[3], WardCode: r[4], Parent: r[5],
				Active: r[6] == "true", Version: 1})
		}
	}
	return d, nil
})

func testSimDims(tb testing.TB) simDims {
	tb.Helper()
	d, err := loadSimDims()
	if err != nil {
		tb.Fatalf("read seed migrations: %v", err)
	}
	if len(d.wards) < 300 || len(d.fields) == 0 || len(d.categories) == 0 || len(d.units) < 300 {
		tb.Fatalf("seed migrations parsed to %d wards, %d units, %d fields, %d categories", len(d.wards), len(d.units), len(d.fields), len(d.categories))
	}
	return d
}

// sqlTuples extracts the value tuples of the INSERT … VALUES statements of a SQL file: one
// tuple per line that starts with '('. Strings are unquoted (” → '), arrays are joined by NUL.
func sqlTuples(src string) [][]string {
	var out [][]string
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "(") {
			continue
		}
		var vals []string
		var cur strings.Builder
		var arr []string
		inStr, inArr := false, false
		for i := 1; i < len(line); i++ {
			c := line[i]
			switch {
			case inStr && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
				cur.WriteByte('\'')
				i++
			case c == '\'':
				inStr = !inStr
			case inStr:
				cur.WriteByte(c)
			case c == '[':
				inArr, arr = true, nil
			case c == ']':
				arr = append(arr, cur.String())
				cur.Reset()
				inArr = false
				cur.WriteString(strings.Join(arr, "\x00"))
			case c == ',' && inArr:
				arr = append(arr, cur.String())
				cur.Reset()
			case c == ',' || c == ')':
				vals = append(vals, strings.TrimSpace(cur.String()))
				cur.Reset()
				if c == ')' {
					i = len(line)
				}
			case c == ' ' && cur.Len() == 0:
			default:
				cur.WriteByte(c)
			}
		}
		out = append(out, vals)
	}
	return out
}

// testSimOptions are options of a run of the given days and scale over the seeded dimensions.
func testSimOptions(tb testing.TB, start string, days int, scale float64) SimOptions {
	tb.Helper()
	d := testSimDims(tb)
	t, err := time.ParseInLocation(time.DateOnly, start, models.Location)
	if err != nil {
		tb.Fatal(err)
	}
	return SimOptions{Start: t, Days: days, Scale: scale, Seed: 7, Province: "79",
		Wards: d.wards, Units: d.units, Fields: d.fields, Categories: d.categories}
}
