package dashboard

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govpulse/govpulse/models"
)

// Table exports: any table of the dashboard as CSV (UTF-8 with a byte-order mark, so Excel reads
// Vietnamese correctly) or XLSX (styled header, frozen header row, number formats, and an info
// sheet with the filters, period, data-as-of time and formula notes). Both are written row by
// row to the writer; nothing is cut: a table that does not fit an XLSX sheet is refused whole
// with errTooManyRows before anything is written.

// Format is an export file format.
type Format string

const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// ParseFormat reads "csv" or "xlsx".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatCSV, FormatXLSX:
		return Format(s), nil
	}
	return "", &models.FieldError{Field: "format", Message: fmt.Sprintf("%q: want csv or xlsx", s)}
}

// ContentType is the MIME type of the format.
func (f Format) ContentType() string {
	if f == FormatXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// colKind decides how a column's values are written and formatted.
type colKind int

const (
	kindText    colKind = iota // strings
	kindInt                    // whole numbers (ranks, counts)
	kindDecimal                // numbers shown with two decimals (points)
	kindPercent                // ratios in [0, 1], shown as percentages with two decimals
)

// exportColumn is one column: its header (already translated), kind and XLSX width.
type exportColumn struct {
	Header string
	Kind   colKind
	Width  float64
}

// exportTable is a table to export. A row holds one value per column: string, int, int64,
// uint64, float64, *int, *float64, bool (written Có/Không or Yes/No) or nil; a nil pointer or
// nil is a value that does not exist and is written as NA ("N/A").
type exportTable struct {
	Sheet   string // data sheet name (≤ 31 characters)
	Columns []exportColumn
	Rows    [][]any
	// InfoSheet names the info sheet; Info are its label/value lines and Notes the formula
	// notes under them. CSV carries neither.
	InfoSheet string
	Info      [][2]string
	NotesHead string
	Notes     []string
	NA        string
	Yes, No   string
}

// maxXLSXRows is a sheet's row limit, header included.
const maxXLSXRows = 1048576

// errTooManyRows refuses a table an XLSX sheet cannot hold, rather than cutting it.
var errTooManyRows = errors.New("the table has more rows than an XLSX sheet holds; export it as CSV")

// writeTable writes t in format f.
func writeTable(w io.Writer, f Format, t exportTable) error {
	if f == FormatXLSX {
		return writeXLSX(w, t)
	}
	return writeCSV(w, t)
}

// writeCSV writes the header and every row. Numbers use a decimal point and no thousands
// separator (machine-readable); percentages are written as percent numbers (93.75), their
// headers saying "(%)".
func writeCSV(w io.Writer, t exportTable) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		rec[i] = neutralise(col.Header)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for ri, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("dashboard: export row %d has %d values for %d columns", ri+1, len(row), len(t.Columns))
		}
		for i, v := range row {
			rec[i] = t.csvValue(t.Columns[i].Kind, v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func (t exportTable) csvValue(k colKind, v any) string {
	x, ok := numeric(v)
	switch {
	case v == nil || isNilPointer(v):
		return t.NA
	case ok && k == kindPercent:
		return strconv.FormatFloat(round(x*100, 4), 'f', -1, 64)
	case ok && k == kindInt:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case ok:
		return strconv.FormatFloat(round(x, 6), 'f', -1, 64)
	}
	if b, isBool := v.(bool); isBool {
		if b {
			return t.Yes
		}
		return t.No
	}
	return neutralise(fmt.Sprint(v))
}

// neutralise makes a text cell safe to open in a spreadsheet (OWASP "CSV injection"): text that
// starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so Excel,
// LibreOffice and Google Sheets show it as text instead of running it as a formula. Numbers are
// written by csvValue and never pass through here, so -3.5 stays a number.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvRecord is a CSV line of text values, each neutralised.
func csvRecord(vals ...string) []string {
	for i, v := range vals {
		vals[i] = neutralise(v)
	}
	return vals
}

// round cuts float noise (0.30000000000000004) for text output; XLSX keeps the exact value.
func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// numeric returns a row value as a float64 when it is a number.
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case *int:
		if x != nil {
			return float64(*x), true
		}
	case *float64:
		if x != nil {
			return *x, true
		}
	}
	return 0, false
}

func isNilPointer(v any) bool {
	switch x := v.(type) {
	case *int:
		return x == nil
	case *float64:
		return x == nil
	}
	return false
}

// writeXLSX writes the data sheet through excelize's StreamWriter (rows go to a temporary file,
// not memory) and a small info sheet, then the workbook to w.
func writeXLSX(w io.Writer, t exportTable) error {
	if len(t.Rows)+1 > maxXLSXRows {
		return fmt.Errorf("dashboard: export of %d rows: %w", len(t.Rows), errTooManyRows)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
		return fmt.Errorf("dashboard: export sheet name %q: %w", t.Sheet, err)
	}
	styles, err := newExportStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return err
	}
	// Panes and widths must come before the first row.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	for i, col := range t.Columns {
		width := col.Width
		if width == 0 {
			width = 14
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	// An Excel table needs distinct header texts; a repeated one gets " (2)", " (3)", ….
	header := make([]any, len(t.Columns))
	seen := map[string]int{}
	for i, col := range t.Columns {
		h := col.Header
		if seen[h]++; seen[h] > 1 {
			h = fmt.Sprintf("%s (%d)", h, seen[h])
		}
		header[i] = excelize.Cell{StyleID: styles.header, Value: h}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	cells := make([]any, len(t.Columns))
	for ri, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("dashboard: export row %d has %d values for %d columns", ri+1, len(row), len(t.Columns))
		}
		for i, v := range row {
			cells[i] = t.xlsxCell(styles, t.Columns[i].Kind, v)
		}
		cell, err := excelize.CoordinatesToCellName(1, ri+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	// An Excel table over the data gives the header its filter and sort buttons; unlike an
	// autofilter it is added while streaming (no re-read of the sheet). Its style is empty so
	// the cells keep their own.
	if len(t.Rows) > 0 {
		last, err := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
		if err != nil {
			return err
		}
		noStripes := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Data", ShowRowStripes: &noStripes}); err != nil {
			return fmt.Errorf("dashboard: export table: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeInfoSheet(f, styles, t); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return err
	}
	return nil
}

type exportStyles struct {
	header, text, integer, decimal, percent, na, label, title int
}

func newExportStyles(f *excelize.File) (exportStyles, error) {
	var s exportStyles
	border := []excelize.Border{{Type: "left", Color: "C5CCD6", Style: 1}, {Type: "right", Color: "C5CCD6", Style: 1},
		{Type: "top", Color: "C5CCD6", Style: 1}, {Type: "bottom", Color: "C5CCD6", Style: 1}}
	dec := "#,##0.00"
	for _, d := range []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF", Family: "Arial", Size: 10},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D5FB3"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: border}},
		{&s.text, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.integer, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10}, Border: border, NumFmt: 3}}, // #,##0
		{&s.decimal, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10}, Border: border, CustomNumFmt: &dec}},
		{&s.percent, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10}, Border: border, NumFmt: 10}}, // 0.00%
		{&s.na, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10, Color: "5B6675", Italic: true}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "right"}}},
		{&s.label, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10, Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.title, excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 14, Bold: true}}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, fmt.Errorf("dashboard: export style: %w", err)
		}
		*d.dst = id
	}
	return s, nil
}

func (t exportTable) xlsxCell(s exportStyles, k colKind, v any) excelize.Cell {
	if v == nil || isNilPointer(v) {
		return excelize.Cell{StyleID: s.na, Value: t.NA}
	}
	if x, ok := numeric(v); ok {
		switch k {
		case kindInt:
			return excelize.Cell{StyleID: s.integer, Value: x}
		case kindPercent:
			return excelize.Cell{StyleID: s.percent, Value: x}
		default:
			return excelize.Cell{StyleID: s.decimal, Value: x}
		}
	}
	if b, ok := v.(bool); ok {
		if b {
			return excelize.Cell{StyleID: s.text, Value: t.Yes}
		}
		return excelize.Cell{StyleID: s.text, Value: t.No}
	}
	return excelize.Cell{StyleID: s.text, Value: fmt.Sprint(v)}
}

// writeInfoSheet adds the sheet that says what the data is: label/value lines, then the
// formula notes.
func writeInfoSheet(f *excelize.File, s exportStyles, t exportTable) error {
	if t.InfoSheet == "" {
		return nil
	}
	if _, err := f.NewSheet(t.InfoSheet); err != nil {
		return fmt.Errorf("dashboard: export info sheet: %w", err)
	}
	if err := f.SetColWidth(t.InfoSheet, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(t.InfoSheet, "B", "B", 110); err != nil {
		return err
	}
	row := 1
	set := func(label, value string, style int) error {
		a, b := "A"+strconv.Itoa(row), "B"+strconv.Itoa(row)
		if err := f.SetCellStr(t.InfoSheet, a, label); err != nil {
			return err
		}
		if err := f.SetCellStr(t.InfoSheet, b, value); err != nil {
			return err
		}
		if err := f.SetCellStyle(t.InfoSheet, a, a, style); err != nil {
			return err
		}
		row++
		return nil
	}
	for _, kv := range t.Info {
		if err := set(kv[0], kv[1], s.label); err != nil {
			return err
		}
	}
	if len(t.Notes) > 0 {
		row++
		if err := set(t.NotesHead, "", s.title); err != nil {
			return err
		}
		for i, n := range t.Notes {
			if err := set(strconv.Itoa(i+1), n, s.label); err != nil {
				return err
			}
		}
	}
	return nil
}

// exportTime writes an instant as a local time in Asia/Ho_Chi_Minh, saying so.
func exportTime(t time.Time, lang string) string {
	t = t.In(models.Location)
	if lang == "en" {
		return t.Format("2006-01-02 15:04:05") + " (Asia/Ho_Chi_Minh, UTC+7)"
	}
	return t.Format("02/01/2006 15:04:05") + " (giờ Việt Nam, UTC+7)"
}
