package dashboard

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// RankingExport is what a ranking file says about itself on its info sheet.
type RankingExport struct {
	Ranking analytics.Ranking
	Index   *analytics.IndexConfig // for the indicator notes; nil: analytics.DefaultIndexConfig()
	Lang    string                 // "vi" (default) or "en"
	// Filters describe how the rows were chosen beyond level and period (a user's scope), as
	// label → value lines already in Lang.
	Filters [][2]string
	// Generated is when the file was written (zero: now).
	Generated time.Time
}

// WriteRanking writes a 766 ranking as CSV or XLSX: one row per unit with rank, total,
// available maximum, normalized score, band, partial flag, previous rank and total, rank
// change, dossiers and small-volume flag, each group's points, each indicator's ratio and
// points, and the explanation; XLSX adds the info sheet. `govpulse rank` and
// /api/v1/rankings/export.{csv,xlsx} both write through it.
func WriteRanking(w io.Writer, f Format, e RankingExport) error {
	return writeTable(w, f, rankingTable(e))
}

// rankingFileName is the download name: xep-hang-766-<level>-<period>.<ext>.
func rankingFileName(level analytics.Level, p models.Period, f Format) string {
	per := strings.NewReplacer("..", "_", "/", "-").Replace(p.String())
	return fmt.Sprintf("xep-hang-766-%s-%s.%s", level, per, f)
}

func rankingTable(e RankingExport) exportTable {
	tr := Translator{Lang: e.Lang}
	if tr.Lang != "en" {
		tr.Lang = "vi"
	}
	rk := e.Ranking
	cfg := e.Index
	if cfg == nil {
		cfg = analytics.DefaultIndexConfig()
	}
	version := versionOf(cfg, rk)
	pick := func(vi, en string) string { return tr.Pick(vi, en) }

	unitWord := pick("đơn vị", "unit")
	if rk.Level == analytics.LevelWard {
		unitWord = pick("phường/xã", "ward")
	}
	cols := []exportColumn{
		{Header: pick("Hạng", "Rank"), Kind: kindInt, Width: 8},
		{Header: pick("Mã ", "Code of ") + unitWord, Kind: kindText, Width: 14},
		{Header: pick("Tên ", "Name of ") + unitWord, Kind: kindText, Width: 40},
		{Header: pick("Tổng điểm", "Total points"), Kind: kindDecimal, Width: 11},
		{Header: pick("Điểm tối đa có thể tính", "Maximum available"), Kind: kindDecimal, Width: 13},
		{Header: pick("Điểm quy đổi thang 100", "Score out of 100"), Kind: kindDecimal, Width: 12},
		{Header: pick("Xếp loại", "Band"), Kind: kindText, Width: 14},
		{Header: pick("Thiếu chỉ số (tổng chưa đủ 100)", "Partial (total out of less than 100)"), Kind: kindText, Width: 13},
		{Header: pick("Hạng kỳ trước", "Previous rank"), Kind: kindInt, Width: 10},
		{Header: pick("Thay đổi hạng (+ là tăng)", "Rank change (+ is up)"), Kind: kindInt, Width: 11},
		{Header: pick("Tổng điểm kỳ trước", "Previous total"), Kind: kindDecimal, Width: 11},
		{Header: pick("Số hồ sơ trong kỳ", "Dossiers in the period"), Kind: kindInt, Width: 11},
		{Header: pick("Ít hồ sơ (dưới 30)", "Few dossiers (under 30)"), Kind: kindText, Width: 10},
	}
	fixed := len(cols)
	for _, g := range version.Groups {
		cols = append(cols, exportColumn{Header: fmt.Sprintf("%s %s (%s %s)", pick("Nhóm", "Group"), pick(g.NameVI, g.NameEN),
			pick("tối đa", "max"), tr.Number(g.Max, 0)), Kind: kindDecimal, Width: 14})
	}
	type indCol struct{ code string }
	var inds []indCol
	for _, g := range version.Groups {
		for _, ind := range g.Indicators {
			name := pick(ind.NameVI, ind.NameEN)
			cols = append(cols,
				exportColumn{Header: fmt.Sprintf("%s: %s (%%)", name, pick("tỷ lệ", "ratio")), Kind: kindPercent, Width: 14},
				exportColumn{Header: fmt.Sprintf("%s: %s (%s %s)", name, pick("điểm", "points"), pick("tối đa", "max"), tr.Number(ind.Max, 0)),
					Kind: kindDecimal, Width: 14})
			inds = append(inds, indCol{ind.Code})
		}
	}
	cols = append(cols, exportColumn{Header: pick("Giải thích thay đổi", "Why it changed"), Kind: kindText, Width: 70})

	yes, no := pick("Có", "Yes"), pick("Không", "No")
	rows := make([][]any, 0, len(rk.Rows))
	for _, r := range rk.Rows {
		sc := r.Score
		row := make([]any, 0, len(cols))
		row = append(row, sc.Rank, r.Code, r.Name, sc.Total, sc.MaxAvailable, sc.Normalized, pick(sc.Band.NameVI, sc.Band.NameEN),
			sc.Partial, r.PrevRank, r.RankChange, r.PrevTotal, r.Dossiers, r.SmallVolume)
		groups := map[string]analytics.GroupScore{}
		for _, g := range sc.Groups {
			groups[g.Code] = g
		}
		for _, g := range version.Groups {
			if gs, ok := groups[g.Code]; ok && gs.MaxAvailable > 0 {
				row = append(row, gs.Points)
			} else {
				row = append(row, nil)
			}
		}
		scores := map[string]analytics.IndicatorScore{}
		for _, s := range sc.Indicators {
			scores[s.Code] = s
		}
		for _, ic := range inds {
			s := scores[ic.code]
			row = append(row, s.Ratio, s.Points)
		}
		row = append(row, pick(r.ExplainVI, r.ExplainEN))
		if len(row) != len(cols) {
			panic(fmt.Sprintf("dashboard: ranking row of %d values for %d columns (fixed %d)", len(row), len(cols), fixed))
		}
		rows = append(rows, row)
	}

	generated := e.Generated
	if generated.IsZero() {
		generated = time.Now()
	}
	level := pick("Sở, ban, ngành (đơn vị cấp thành phố)", "City departments")
	if rk.Level == analytics.LevelWard {
		level = pick("Phường, xã", "Wards and communes")
	}
	info := [][2]string{
		{pick("Báo cáo", "Report"), pick("Xếp hạng Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
			"Ranking by the citizen and business service index (Decision 766/QĐ-TTg)")},
		{pick("Cấp xếp hạng", "Level"), level},
		{pick("Kỳ", "Period"), periodText(tr, rk.Period)},
		{pick("Kỳ so sánh (hạng kỳ trước)", "Compared with (previous rank)"), periodText(tr, rk.Previous)},
		{pick("Phiên bản bộ chỉ số", "Index version"), fmt.Sprintf("%s (%s %s)", rk.Version, pick("hiệu lực từ", "in force from"),
			tr.Date(version.EffectiveFrom))},
		{pick("Dữ liệu tính đến", "Data as of"), exportTime(rk.AsOf, tr.Lang)},
		{pick("Thời điểm xuất", "Exported at"), exportTime(generated, tr.Lang)},
		{pick("Số dòng", "Rows"), tr.Number(float64(len(rows)), 0) + " " + pick("(đầy đủ, không cắt bớt)", "(complete, nothing cut)")},
	}
	for _, kv := range e.Filters {
		info = append(info, kv)
	}
	var bands []string
	for _, b := range version.Bands {
		bands = append(bands, fmt.Sprintf("%s ≥ %s", pick(b.NameVI, b.NameEN), tr.Number(b.Min, 0)))
	}
	notes := []string{
		pick("Điểm chỉ số = Điểm tối đa × min(1; Tỷ lệ ÷ Mục tiêu). Tỷ lệ âm được 0 điểm.",
			"Indicator points = Max × min(1, Ratio ÷ Target). A negative ratio earns 0."),
		pick("Chỉ số không tính được (không có dữ liệu, mẫu số bằng 0, hoặc dữ liệu ngoài hệ thống) ghi N/A, không được điểm và không tính vào điểm tối đa có thể tính; khi đó cột “Thiếu chỉ số” là “Có”. Riêng chỉ số phản ánh kiến nghị: không có phản ánh thì được điểm tối đa.",
			"An indicator that cannot be computed (no data, a zero denominator, or data govpulse does not hold) shows N/A, earns nothing and is left out of the maximum available; “Partial” is then “Yes”. Petition indicators earn full points when there were no petitions."),
		pick("Tổng điểm = tổng điểm các chỉ số tính được (thang 100). Điểm quy đổi thang 100 = Tổng điểm ÷ Điểm tối đa có thể tính × 100; xếp loại theo điểm quy đổi: ",
			"Total = sum of the points of the available indicators (out of 100). Score out of 100 = Total ÷ Maximum available × 100; the band is read from it: ") +
			strings.Join(bands, "; ") + ".",
		pick("Hạng theo Tổng điểm làm tròn 2 chữ số thập phân, cao xếp trước; bằng điểm thì cùng hạng. Thay đổi hạng = Hạng kỳ trước − Hạng kỳ này (số dương là tăng hạng).",
			"Ranks follow the total rounded to two decimals, highest first; equal totals share a rank. Rank change = previous rank − current rank (positive is up)."),
		pick("“Ít hồ sơ”: dưới 30 hồ sơ trong kỳ, các tỷ lệ dao động lớn — không nên dựa nhiều vào thứ hạng.",
			"“Few dossiers”: under 30 dossiers in the period; the ratios swing widely, so lean little on the rank."),
		pick("Tỷ lệ là giá trị chính xác; hiển thị làm tròn 2 chữ số thập phân. Thời gian theo giờ Việt Nam (Asia/Ho_Chi_Minh).",
			"Ratios are exact; shown rounded to two decimals. Times are Asia/Ho_Chi_Minh."),
	}
	for _, g := range version.Groups {
		for _, ind := range g.Indicators {
			computable := ""
			if !ind.Computable {
				computable = pick(" — không tính được từ dữ liệu của govpulse (N/A)", " — not computable from govpulse's data (N/A)")
			}
			notes = append(notes, fmt.Sprintf("%s [%s]: %s %s, %s %s%%. %s: %s. %s: %s.%s",
				pick(ind.NameVI, ind.NameEN), ind.Code, pick("tối đa", "max"), tr.Number(ind.Max, 0),
				pick("mục tiêu", "target"), tr.Number(ind.Target*100, 0),
				pick("Tử số", "Numerator"), ind.Numerator, pick("Mẫu số", "Denominator"), ind.Denominator, computable))
		}
	}
	return exportTable{
		Sheet:     pick("Xếp hạng", "Ranking"),
		Columns:   cols,
		Rows:      rows,
		InfoSheet: pick("Thông tin", "About"),
		Info:      info,
		NotesHead: pick("Cách tính", "How it is computed"),
		Notes:     notes,
		NA:        "N/A",
		Yes:       yes,
		No:        no,
	}
}

// versionOf is the index version a ranking was scored with: by its id, else the one in force
// on the period's first day.
func versionOf(cfg *analytics.IndexConfig, rk analytics.Ranking) analytics.IndexVersion {
	for _, v := range cfg.Versions {
		if v.ID == rk.Version {
			return v
		}
	}
	return cfg.VersionAt(rk.Period.From)
}

// periodText writes a period as "2025-Q3 (01/07/2025 – 30/09/2025)".
func periodText(tr Translator, p models.Period) string {
	if p.IsZero() {
		return "—"
	}
	return fmt.Sprintf("%s (%s – %s)", p.String(), tr.Date(p.From), tr.Date(p.LastDay()))
}

// exportRankings serves /api/v1/rankings/export.{csv,xlsx}?period=…&level=unit|ward&lang=…
// A user scoped to a unit or ward gets only their own row of the matching level (with its
// city-wide rank) and 403 for the other level.
func (s *Server) exportRankings(f Format) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := userOf(c)
		lang := langOf(c)
		tr := Translator{Lang: lang}
		p, level, err := rankingParams(c)
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": "invalid", "message": err.Error()})
			return
		}
		// A unit or ward asked for outside the account's scope is refused, as the pages and
		// JSON APIs refuse it, rather than answered with the account's own rows.
		var asked analytics.Scope
		for _, dim := range []struct {
			name string
			dst  *string
		}{{"unit", &asked.Unit}, {"ward", &asked.Ward}} {
			if v := strings.TrimSpace(c.Query(dim.name)); v != "" {
				if !codeRe.MatchString(v) {
					c.JSON(http.StatusBadRequest, gin.H{"error": "invalid", "message": dim.name + ": not a code (letters, digits, _ . - up to 64)"})
					return
				}
				*dim.dst = v
			}
		}
		if _, err := applyScope(u, asked); err != nil {
			c.JSON(http.StatusForbidden, gin.H{"error": "not_permitted", "message": strings.TrimPrefix(err.Error(), errNotPermitted.Error()+": ")})
			return
		}
		var wardOf func(code string) string
		if u.ScopeUnit != "" || u.ScopeWard != "" {
			d, err := store.LoadDimensions(c.Request.Context(), s.opts.DB)
			if err != nil {
				s.log.Warn("ranking export: dimensions not available", "err", err)
				c.JSON(http.StatusServiceUnavailable, gin.H{"error": "not_available",
					"message": "bảng xếp hạng tạm thời không có / the ranking is not available right now"})
				return
			}
			wardOf = wardOfUnit(d)
		}
		keep, filters, err := rankingScope(u, level, tr, wardOf)
		if err != nil {
			c.JSON(http.StatusForbidden, gin.H{"error": "not_permitted", "message": strings.TrimPrefix(err.Error(), errNotPermitted.Error()+": ")})
			return
		}
		rk, err := s.rankings(c.Request.Context(), s.opts.DB, s.index, level, p)
		if err != nil {
			if errors.Is(err, models.ErrInvalid) {
				c.JSON(http.StatusBadRequest, gin.H{"error": "invalid", "message": err.Error()})
				return
			}
			s.log.Warn("ranking export not available", "period", p.String(), "level", level, "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "not_available",
				"message": "bảng xếp hạng tạm thời không có / the ranking is not available right now"})
			return
		}
		if keep != nil {
			var rows []analytics.RankingRow
			for _, r := range rk.Rows {
				if keep(r.Code) {
					rows = append(rows, r)
				}
			}
			rk.Rows = rows
		}
		name := rankingFileName(level, p, f)
		c.Header("Content-Type", f.ContentType())
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
		c.Header("Cache-Control", "no-store")
		c.Header("X-Row-Count", fmt.Sprint(len(rk.Rows)))
		c.Status(http.StatusOK)
		werr := WriteRanking(c.Writer, f, RankingExport{Ranking: rk, Index: s.index, Lang: lang, Filters: filters, Generated: s.opts.Now()})
		if werr != nil {
			// The status is sent; a broken file is the most the client can be told.
			s.log.Error("ranking export failed while writing", "file", name, "err", werr)
		}
		detail := fmt.Sprintf("format=%s level=%s period=%s rows=%d", f, level, p.String(), len(rk.Rows))
		if werr != nil {
			detail += " error=write_failed"
		}
		s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "export", Object: "rankings",
			Detail: detail, IP: c.ClientIP()})
	}
}

// rankingParams reads period (required: 2025-Q3, 2025-10, 2025, …) and level (unit or ward,
// default unit).
func rankingParams(c *gin.Context) (models.Period, analytics.Level, error) {
	per := strings.TrimSpace(c.Query("period"))
	if per == "" {
		return models.Period{}, "", &models.FieldError{Field: "period", Message: "give a period such as 2025-Q3, 2025-10 or 2025"}
	}
	p, err := models.ParsePeriod(per)
	if err != nil {
		return models.Period{}, "", err
	}
	level, err := ParseLevel(c.DefaultQuery("level", string(analytics.LevelUnit)))
	return p, level, err
}

// ParseLevel reads "unit" or "ward".
func ParseLevel(s string) (analytics.Level, error) {
	switch analytics.Level(s) {
	case analytics.LevelUnit, analytics.LevelWard:
		return analytics.Level(s), nil
	}
	return "", &models.FieldError{Field: "level", Message: fmt.Sprintf("%q: want unit or ward", s)}
}

// rankingScope decides which rows a scoped user may export (keep is nil for a city-wide user)
// and the info-sheet line saying so. Ward rankings rank the wards' people's committees, whose
// unit codes wardOf maps to their ward. A unit-scoped user exports their unit's row of the unit
// ranking, or of the ward ranking when the unit is a ward committee; a ward-scoped user their
// ward's row of the ward ranking. Any other combination is not permitted.
func rankingScope(u *models.User, level analytics.Level, tr Translator, wardOf func(string) string) (func(code string) bool, [][2]string, error) {
	label := tr.Pick("Phạm vi tài khoản", "Account scope")
	switch {
	case u.ScopeUnit == "" && u.ScopeWard == "":
		return nil, nil, nil
	case level == analytics.LevelUnit && u.ScopeUnit != "":
		return func(code string) bool { return code == u.ScopeUnit },
			[][2]string{{label, tr.Pick("đơn vị ", "unit ") + u.ScopeUnit}}, nil
	case level == analytics.LevelWard && u.ScopeWard != "":
		return func(code string) bool { return code == u.ScopeWard || wardOf(code) == u.ScopeWard },
			[][2]string{{label, tr.Pick("phường/xã ", "ward ") + u.ScopeWard}}, nil
	case level == analytics.LevelWard && u.ScopeUnit != "" && wardOf(u.ScopeUnit) != "":
		return func(code string) bool { return code == u.ScopeUnit },
			[][2]string{{label, tr.Pick("đơn vị ", "unit ") + u.ScopeUnit}}, nil
	}
	return nil, nil, fmt.Errorf("%w: tài khoản có phạm vi giới hạn không xuất được bảng xếp hạng cấp này / a scoped account cannot export this level's ranking", errNotPermitted)
}

// wardOfUnit maps a ward committee's unit code to its ward code ("" for other codes).
func wardOfUnit(d store.Dimensions) func(code string) string {
	m := make(map[string]string, len(d.Units))
	for _, u := range d.Units {
		if u.WardCode != "" {
			m[u.Code] = u.WardCode
		}
	}
	return func(code string) string { return m[code] }
}
