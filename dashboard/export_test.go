package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// fixtureRanking is a hand-built unit ranking for 2025-Q3 under the default index:
//
//	H29.01 Sở Tư pháp: dong_bo 9/10 → 6 × 0.9 = 5.4; tien_do_giai_quyet 19/20 → 20 × 0.95 = 19;
//	  ho_so_truc_tuyen 3/10 → 4 × min(1, 0.3/0.5) = 2.4; pakn_dung_han 0/0 → full 6.
//	  Total 32.8 of 36 available → 91.11/100 (Tốt); rank 1, was 2 (30.5 points).
//	H29.02 Sở Xây dựng: dong_bo 5/10 → 3; tien_do_giai_quyet 10/20 → 10. Total 13 of 26 → 50
//	  (Trung bình); rank 2, new (no previous rank).
func fixtureRanking(t testing.TB) analytics.Ranking {
	t.Helper()
	cfg := analytics.DefaultIndexConfig()
	q3, _ := models.ParsePeriod("2025-Q3")
	v := cfg.VersionAt(q3.From)
	a := analytics.ScoreUnit(v, map[string]analytics.Ratio{"dong_bo": {Num: 9, Den: 10}, "tien_do_giai_quyet": {Num: 19, Den: 20},
		"ho_so_truc_tuyen": {Num: 3, Den: 10}, "pakn_dung_han": {Num: 0, Den: 0}})
	a.Unit = "H29.01"
	b := analytics.ScoreUnit(v, map[string]analytics.Ratio{"dong_bo": {Num: 5, Den: 10}, "tien_do_giai_quyet": {Num: 10, Den: 20}})
	b.Unit = "H29.02"
	ranked := analytics.Rank([]analytics.UnitScore{b, a})
	byUnit := map[string]analytics.UnitScore{}
	for _, s := range ranked {
		byUnit[s.Unit] = s
	}
	two, up, prevTotal := 2, 1, 30.5
	return analytics.Ranking{
		Level: analytics.LevelUnit, Period: q3, Previous: q3.Previous(), Version: v.ID,
		AsOf: time.Date(2025, 10, 2, 7, 30, 0, 0, models.Location),
		Rows: []analytics.RankingRow{
			{Code: "H29.01", Name: "Sở Tư pháp", Score: byUnit["H29.01"], Dossiers: 10, SmallVolume: true, PrevRank: &two, RankChange: &up,
				PrevTotal: &prevTotal, ExplainVI: "Tăng 1 bậc nhờ tiến độ giải quyết.", ExplainEN: "Up 1 place on processing progress."},
			{Code: "H29.02", Name: "Sở Xây dựng", Score: byUnit["H29.02"], Dossiers: 10, SmallVolume: true,
				ExplainVI: "Lần đầu được xếp hạng.", ExplainEN: "Ranked for the first time."},
		},
	}
}

// column finds a header containing part.
func column(t *testing.T, header []string, part string) int {
	t.Helper()
	for i, h := range header {
		if strings.Contains(h, part) {
			return i
		}
	}
	t.Fatalf("no column with %q in %q", part, header)
	return -1
}

func TestRankingCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRanking(&buf, FormatCSV, RankingExport{Ranking: fixtureRanking(t), Lang: "vi"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV does not start with the UTF-8 byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want header + 2", len(recs))
	}
	h, a, b := recs[0], recs[1], recs[2]
	// 13 fixed columns, 5 groups, 2 × 21 indicators, the explanation.
	if len(h) != 13+5+42+1 {
		t.Errorf("%d columns", len(h))
	}
	checks := []struct {
		row  []string
		col  string
		want string
	}{
		{a, "Hạng", "1"},
		{a, "Mã đơn vị", "H29.01"},
		{a, "Tên đơn vị", "Sở Tư pháp"},
		{a, "Tổng điểm", "32.8"},
		{a, "Điểm tối đa có thể tính", "36"},
		{a, "Điểm quy đổi thang 100", "91.111111"},
		{a, "Xếp loại", "Tốt"},
		{a, "Thiếu chỉ số", "Có"},
		{a, "Hạng kỳ trước", "2"},
		{a, "Thay đổi hạng", "1"},
		{a, "Tổng điểm kỳ trước", "30.5"},
		{a, "Số hồ sơ", "10"},
		{a, "Nhóm Công khai, minh bạch (tối đa 18)", "5.4"},
		{a, "Nhóm Số hóa hồ sơ (tối đa 22)", "N/A"},
		{a, "Đồng bộ hồ sơ lên Cổng Dịch vụ công: tỷ lệ (%)", "90"},
		{a, "Đồng bộ hồ sơ lên Cổng Dịch vụ công: điểm (tối đa 6)", "5.4"},
		{a, "Tỷ lệ hồ sơ trực tuyến: điểm", "2.4"},
		{a, "Công bố, công khai TTHC đúng hạn: điểm", "N/A"},
		{a, "Xử lý phản ánh, kiến nghị đúng hạn: tỷ lệ", "N/A"},
		{a, "Xử lý phản ánh, kiến nghị đúng hạn: điểm", "6"},
		{a, "Giải thích", "Tăng 1 bậc nhờ tiến độ giải quyết."},
		{b, "Tổng điểm", "13"},
		{b, "Điểm quy đổi thang 100", "50"},
		{b, "Xếp loại", "Trung bình"},
		{b, "Hạng kỳ trước", "N/A"},
		{b, "Thay đổi hạng", "N/A"},
		{b, "Xử lý phản ánh, kiến nghị đúng hạn: điểm", "N/A"},
	}
	for _, c := range checks {
		if got := c.row[column(t, h, c.col)]; got != c.want {
			t.Errorf("%s of %s = %q, want %q", c.col, c.row[1], got, c.want)
		}
	}
}

func TestRankingXLSX(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			gen := time.Date(2025, 10, 3, 9, 0, 0, 0, models.Location)
			err := WriteRanking(&buf, FormatXLSX, RankingExport{Ranking: fixtureRanking(t), Lang: lang, Generated: gen,
				Filters: [][2]string{{"Phạm vi tài khoản", "đơn vị H29.01"}}})
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			data, info := "Xếp hạng", "Thông tin"
			if lang == "en" {
				data, info = "Ranking", "About"
			}
			if got := f.GetSheetList(); !slices.Equal(got, []string{data, info}) {
				t.Fatalf("sheets %v", got)
			}
			rows, err := f.GetRows(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 {
				t.Fatalf("%d rows", len(rows))
			}
			h := rows[0]
			want := map[string][2]string{ // column → A's value, B's value (as formatted)
				"vi:Hạng": {"1", "2"}, "en:Rank": {"1", "2"},
				"vi:Tên đơn vị": {"Sở Tư pháp", "Sở Xây dựng"}, "en:Name of unit": {"Sở Tư pháp", "Sở Xây dựng"},
				"vi:Tổng điểm": {"32.80", "13.00"}, "en:Total points": {"32.80", "13.00"},
				"vi:Điểm quy đổi thang 100": {"91.11", "50.00"}, "en:Score out of 100": {"91.11", "50.00"},
				"vi:Xếp loại": {"Tốt", "Trung bình"}, "en:Band": {"Good", "Average"},
				"vi:Hạng kỳ trước": {"2", "N/A"}, "en:Previous rank": {"2", "N/A"},
				"vi:Đồng bộ hồ sơ lên Cổng Dịch vụ công: tỷ lệ": {"90.00%", "50.00%"},
				"en:Dossiers synced to the portal: ratio":       {"90.00%", "50.00%"},
				"vi:Đồng bộ hồ sơ lên Cổng Dịch vụ công: điểm":  {"5.40", "3.00"},
				"vi:Thiếu chỉ số":                               {"Có", "Có"}, "en:Partial": {"Yes", "Yes"},
				"vi:Giải thích":     {"Tăng 1 bậc nhờ tiến độ giải quyết.", "Lần đầu được xếp hạng."},
				"en:Why it changed": {"Up 1 place on processing progress.", "Ranked for the first time."},
			}
			for key, vals := range want {
				l, col, _ := strings.Cut(key, ":")
				if l != lang {
					continue
				}
				i := column(t, h, col)
				if rows[1][i] != vals[0] || rows[2][i] != vals[1] {
					t.Errorf("%s = %q, %q; want %q, %q", col, rows[1][i], rows[2][i], vals[0], vals[1])
				}
			}
			// The header is styled and frozen; ratios carry a percent format.
			panes, err := f.GetPanes(data)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes %+v, %v; want the header row frozen", panes, err)
			}
			hs, _ := f.GetCellStyle(data, "A1")
			style, err := f.GetStyle(hs)
			if err != nil || style.Font == nil || !style.Font.Bold || len(style.Fill.Color) == 0 {
				t.Errorf("header style %+v, %v; want bold on a fill", style, err)
			}
			ratioCell, _ := excelize.CoordinatesToCellName(column(t, h, map[string]string{"vi": "tỷ lệ", "en": "ratio"}[lang])+1, 2)
			ps, _ := f.GetCellStyle(data, ratioCell)
			if st, _ := f.GetStyle(ps); st == nil || st.NumFmt != 10 {
				t.Errorf("ratio cell %s style %+v; want number format 10 (0.00%%)", ratioCell, st)
			}
			raw, _ := f.GetCellValue(data, ratioCell, excelize.Options{RawCellValue: true})
			if raw != "0.9" {
				t.Errorf("ratio stored as %q, want the exact 0.9", raw)
			}

			infoRows, err := f.GetRows(info)
			if err != nil {
				t.Fatal(err)
			}
			text := ""
			for _, r := range infoRows {
				text += strings.Join(r, " | ") + "\n"
			}
			for _, want := range map[string][]string{
				"vi": {"Kỳ | 2025-Q3 (01/07/2025 – 30/09/2025)", "Kỳ so sánh (hạng kỳ trước) | 2025-Q2 (01/04/2025 – 30/06/2025)",
					"Dữ liệu tính đến | 02/10/2025 07:30:00 (giờ Việt Nam, UTC+7)", "Thời điểm xuất | 03/10/2025 09:00:00",
					"Phiên bản bộ chỉ số | 766-2022 (hiệu lực từ 23/06/2022)", "Số dòng | 2 (đầy đủ, không cắt bớt)",
					"Phạm vi tài khoản | đơn vị H29.01", "Cách tính",
					"Điểm chỉ số = Điểm tối đa × min(1; Tỷ lệ ÷ Mục tiêu)", "Tốt ≥ 90; Khá ≥ 70; Trung bình ≥ 50; Yếu ≥ 0",
					"Tỷ lệ hồ sơ trực tuyến [ho_so_truc_tuyen]: tối đa 4, mục tiêu 50%"},
				"en": {"Period | 2025-Q3 (2025-07-01 – 2025-09-30)", "Data as of | 2025-10-02 07:30:00 (Asia/Ho_Chi_Minh, UTC+7)",
					"Good ≥ 90", "How it is computed", "Indicator points = Max × min(1, Ratio ÷ Target)"},
			}[lang] {
				if !strings.Contains(text, want) {
					t.Errorf("info sheet lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestExportNeverCuts(t *testing.T) {
	row := []any{1}
	rows := make([][]any, maxXLSXRows) // with the header, one more than a sheet holds
	for i := range rows {
		rows[i] = row
	}
	var buf bytes.Buffer
	err := writeXLSX(&buf, exportTable{Sheet: "x", Columns: []exportColumn{{Header: "n", Kind: kindInt}}, Rows: rows})
	if !errors.Is(err, errTooManyRows) || buf.Len() != 0 {
		t.Errorf("err %v, %d bytes written; want errTooManyRows and nothing written", err, buf.Len())
	}
	// A row of the wrong width is an error, not a shifted table.
	err = writeCSV(&buf, exportTable{Columns: []exportColumn{{Header: "a"}, {Header: "b"}}, Rows: [][]any{{"x"}}})
	if err == nil {
		t.Error("a short row was written")
	}
}

func TestRankingExportRoutes(t *testing.T) {
	e := newAuthEnv(t, Options{})
	fixture := fixtureRanking(t)
	dims, err := store.LoadDimensions(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	var committee models.Unit // a ward people's committee of the seeded units
	for _, u := range dims.Units {
		if u.WardCode != "" {
			committee = u
			break
		}
	}
	if committee.Code == "" {
		t.Fatal("the migrated units hold no ward committee")
	}
	var asked []string
	e.s.rankings = func(_ context.Context, _ analytics.Querier, _ *analytics.IndexConfig, level analytics.Level, p models.Period) (analytics.Ranking, error) {
		asked = append(asked, string(level)+" "+p.String())
		if p.String() == "2025-Q2" {
			return analytics.Ranking{}, errors.New("engine on fire")
		}
		rk := fixture
		rk.Level, rk.Period = level, p
		if level == analytics.LevelWard {
			// Ward rankings rank ward committees, by unit code.
			rk.Rows = slices.Clone(rk.Rows)
			rk.Rows[0].Code = committee.Code
		}
		return rk, nil
	}
	planner := e.loggedIn("hoa", e.addUser("hoa", RolePlanner, "", ""))
	scoped := e.loggedIn("son", e.addUser("son", RoleLeader, "H29.02", ""))

	r := planner.get("/api/v1/rankings/export.xlsx?period=2025-Q3&level=unit")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != FormatXLSX.ContentType() ||
		r.Header.Get("Content-Disposition") != `attachment; filename="xep-hang-766-unit-2025-Q3.xlsx"` || r.Header.Get("X-Row-Count") != "2" {
		t.Fatalf("xlsx: %d %v", r.StatusCode, r.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Xếp hạng")
	f.Close()
	if len(rows) != 3 || rows[1][2] != "Sở Tư pháp" {
		t.Errorf("downloaded rows %v", rows)
	}

	r = planner.get("/api/v1/rankings/export.csv?period=2025-10-01..2025-10-31&level=ward&lang=en")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.body, "\ufeffRank,Code of ward,") ||
		r.Header.Get("Content-Disposition") != `attachment; filename="xep-hang-766-ward-2025-10-01_2025-10-31.csv"` {
		t.Errorf("csv: %d %q %q", r.StatusCode, r.Header.Get("Content-Disposition"), r.body[:min(40, len(r.body))])
	}

	// A unit-scoped leader gets their own row, and no ward ranking.
	r = scoped.get("/api/v1/rankings/export.csv?period=2025-Q3")
	recs, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if r.StatusCode != http.StatusOK || len(recs) != 2 || recs[1][1] != "H29.02" {
		t.Errorf("scoped export: %d %v", r.StatusCode, recs)
	}
	if r := scoped.get("/api/v1/rankings/export.csv?period=2025-Q3&level=ward"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "not_permitted") {
		t.Errorf("scoped ward export: %d %s", r.StatusCode, r.body)
	}

	// A ward-scoped leader gets their ward committee's row of the ward ranking, and no unit ranking.
	wardUser := e.loggedIn("mai", e.addUser("mai", RoleLeader, "", committee.WardCode))
	r = wardUser.get("/api/v1/rankings/export.csv?period=2025-Q3&level=ward")
	recs, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if r.StatusCode != http.StatusOK || len(recs) != 2 || recs[1][1] != committee.Code {
		t.Errorf("ward-scoped export: %d %v; want the row of %s", r.StatusCode, recs, committee.Code)
	}
	if r := wardUser.get("/api/v1/rankings/export.csv?period=2025-Q3&level=unit"); r.StatusCode != http.StatusForbidden {
		t.Errorf("ward-scoped unit export: %d", r.StatusCode)
	}

	for _, c := range []struct {
		path string
		code int
		msg  string
	}{
		{"/api/v1/rankings/export.xlsx", 400, "give a period"},
		{"/api/v1/rankings/export.xlsx?period=2025-Q5", 400, "period"},
		{"/api/v1/rankings/export.xlsx?period=2025-Q3&level=province", 400, "want unit or ward"},
		{"/api/v1/rankings/export.xlsx?period=2025-Q2", 503, "not available"},
	} {
		r := planner.get(c.path)
		var body struct{ Error, Message string }
		_ = json.Unmarshal([]byte(r.body), &body)
		if r.StatusCode != c.code || !strings.Contains(body.Message, c.msg) || strings.Contains(r.body, "fire") {
			t.Errorf("%s: %d %s; want %d with %q and no internals", c.path, r.StatusCode, r.body, c.code, c.msg)
		}
	}
	if r := e.browser().get("/api/v1/rankings/export.csv?period=2025-Q3"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous export: %d", r.StatusCode)
	}
	if !slices.Equal(asked, []string{"unit 2025-Q3", "ward 2025-10-01..2025-10-31", "unit 2025-Q3", "ward 2025-Q3", "unit 2025-Q2"}) {
		t.Errorf("rankings asked for %v", asked)
	}
	n := 0
	for _, a := range e.auditActions() {
		if a == "export:rankings" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d exports audited, want 4", n)
	}
}

// wardRanking repeats the fixture's rows to n wards (the size of a city's ward ranking).
func wardRanking(b testing.TB, n int) analytics.Ranking {
	rk := fixtureRanking(b)
	rows := make([]analytics.RankingRow, n)
	for i := range rows {
		rows[i] = rk.Rows[i%2]
	}
	rk.Rows = rows
	return rk
}

func BenchmarkWriteRanking(b *testing.B) {
	rk := wardRanking(b, 168)
	for _, f := range []Format{FormatCSV, FormatXLSX} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				var buf bytes.Buffer
				if err := WriteRanking(&buf, f, RankingExport{Ranking: rk}); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n), "bytes/file")
		})
	}
}

func TestXLSXRepeatedHeaders(t *testing.T) {
	var buf bytes.Buffer
	err := writeXLSX(&buf, exportTable{Sheet: "Bảng", Columns: []exportColumn{{Header: "Số"}, {Header: "Số"}, {Header: "Tên"}},
		Rows: [][]any{{1, 2.5, "Bến Thành"}, {nil, 0.0, "Đa Kao"}}, NA: "N/A"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Bảng")
	want := [][]string{{"Số", "Số (2)", "Tên"}, {"1.00", "2.50", "Bến Thành"}, {"N/A", "0.00", "Đa Kao"}}
	if len(rows) != 3 || !slices.Equal(rows[0], want[0]) || !slices.Equal(rows[1], want[1]) || !slices.Equal(rows[2], want[2]) {
		t.Errorf("rows %q, want %q", rows, want)
	}
	tables, err := f.GetTables("Bảng")
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:C3" {
		t.Errorf("tables %+v, %v; want one over A1:C3 (filter buttons)", tables, err)
	}
}
