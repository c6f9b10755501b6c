package analytics

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// rankNow is the moment the ranking tests read the data: long after every fixture period.
var rankNow = time.Date(2026, 6, 1, 0, 0, 0, 0, models.Location)

// rankDossier is one fixture dossier: its final state and, when it ended, how.
type rankDossier struct {
	id, unit, procedure, channel string
	online                       string // the procedure's online level as the dossier carries it
	received, due                time.Time
	end                          models.DossierStatus // "" while open
	ended                        time.Time
	fee                          uint64
	paid, digitized, eResult     bool
	rating                       string        // "" when not rated
	lag                          time.Duration // ingested_at - updated_at of the final snapshot
	source                       string        // "" is "api:tok_1", a live feed
}

// rankDossiers are the dossiers of the ranking tests (procedures from the 0010 seed: 1.000656 is
// offered online in full, 1.000593 partly, 1.001022 not at all).
//
// October 2025, Sở Tư pháp (H29.STP), A1-A7:
//
//	A1 1.000656 online    due 10-09, completed 10-08 (on time); digitised, e-result; satisfied
//	A2 1.000656 in person due 10-10, completed 10-12 (late); digitised; dissatisfied; stored 2 h late
//	A3 1.001022 in person due 11-05, open: within due on 1 Nov 00:00 (on track)
//	A4 1.001022 in person due 10-28, open: overdue at the period end
//	A5 1.000656 online    due 10-31 17:00, completed 11-03: open and overdue at the period end
//	A6 1.001022 in person due 10-30, completed 10-29 (on time); fee 400,000 paid online; digitised; satisfied
//	A7 1.000656 online    withdrawn 10-25
//
//	intake rollup: received 7, online 3 (A1 A5 A7)   → ho_so_truc_tuyen 3/7 = 0.428571 / 0.5 × 4 = 3.428571
//	outcome rollup (ended in Oct, not withdrawn): A1 A2 A6 = 3
//	   e-result 1/3 / 0.8 × 6 = 2.5; digitised 3/3 → 4; paid online 1 of 1 fee-bearing → 6
//	dossiers FINAL, withdrawn left out: A1-A6 = 6; on track A1 A3 A6 = 3 → tien_do 3/6 × 20 = 10
//	   synced 5/6 (not A2) → dong_bo 5; rated 3, dissatisfied 1 → hai_long_ho_so
//	   1 − (3/6 + 1/3) = 1/6 → 1/6 / 0.9 × 6 = 1.111111
//	   procedures 1.000656 (online) and 1.001022 (not) → cung_cap 1/2 / 0.8 × 4 = 2.5;
//	   the online one had online dossiers → dvctt 1/1 → 4
//	no petitions → pakn_dung_han 6, hai_long_pakn 6 (full points when empty)
//	total 5 + 10 + 2.5 + 4 + 2.5 + 4 + 3.428571 + 6 + 6 + 6 + 1.111111 = 50.539683 of 72
//
// October 2025, Sở Tài chính (H29.STC), B1: 1.000593 in person, due 10-15, completed 10-14 (on
// time), e-result, not rated; and petitions P1 (closed on time, dissatisfied), P2 (closed late,
// satisfied), P3 (open):
//
//	ho_so_truc_tuyen 0/1 → 0; ket_qua 1/1 → 6; so_hoa 0/1 → 0; thanh_toan N/A (no fee)
//	tien_do 1/1 → 20; dong_bo 1/1 → 6; hai_long_ho_so 1 − 0 → 6; cung_cap 1/1 → 4; dvctt 0/1 → 0
//	pakn_dung_han 1/2 → 3; hai_long_pakn 1/2 → 3
//	total 48 of 66
//
// September 2025: STP S1 (1.000656 in person, due 09-16, completed 09-20 late) scores dong_bo 6 +
// cung_cap 4 + petitions 12 = 22; STC S2 (1.000593 online, due 09-12, completed 09-11, digitised,
// e-result) scores 4 + 6 + 4 + 20 + 6 + 6 + 4 + 4 + 12 = 66. So STC was first and STP second in
// September, and in October STP is first (rose 1) and STC second (fell 1: 48 − 66 = −18 = −4
// dvctt, −4 online share, −4 digitisation, −3 petition satisfaction, −3 petitions on time).
//
// Ward committee of Bến Thành (H29.26743), October: W1 1.000656 online, due 11-20, open, loaded by
// an import a month later (a back-fill: not judged for real-time sync, so dong_bo is N/A).
func rankDossiers() []rankDossier {
	return []rankDossier{
		{id: "A1", unit: "H29.STP", procedure: "1.000656", online: "full", channel: "online", received: at(2025, 10, 6, 8), due: at(2025, 10, 9, 8), end: models.DossierCompleted, ended: at(2025, 10, 8, 10), digitized: true, eResult: true, rating: "satisfied"},
		{id: "A2", unit: "H29.STP", procedure: "1.000656", online: "full", channel: "in_person", received: at(2025, 10, 7, 8), due: at(2025, 10, 10, 8), end: models.DossierCompleted, ended: at(2025, 10, 12, 8), digitized: true, rating: "dissatisfied", lag: 2 * time.Hour},
		{id: "A3", unit: "H29.STP", procedure: "1.001022", online: "none", channel: "in_person", received: at(2025, 10, 20, 8), due: at(2025, 11, 5, 17), fee: 400000},
		{id: "A4", unit: "H29.STP", procedure: "1.001022", online: "none", channel: "in_person", received: at(2025, 10, 21, 8), due: at(2025, 10, 28, 17), fee: 400000},
		{id: "A5", unit: "H29.STP", procedure: "1.000656", online: "full", channel: "online", received: at(2025, 10, 22, 8), due: at(2025, 10, 31, 17), end: models.DossierCompleted, ended: at(2025, 11, 3, 8)},
		{id: "A6", unit: "H29.STP", procedure: "1.001022", online: "none", channel: "in_person", received: at(2025, 10, 23, 8), due: at(2025, 10, 30, 17), end: models.DossierCompleted, ended: at(2025, 10, 29, 8), fee: 400000, paid: true, digitized: true, rating: "satisfied"},
		{id: "A7", unit: "H29.STP", procedure: "1.000656", online: "full", channel: "online", received: at(2025, 10, 24, 8), due: at(2025, 10, 30, 17), end: models.DossierWithdrawn, ended: at(2025, 10, 25, 8)},
		{id: "B1", unit: "H29.STC", procedure: "1.000593", online: "partial", channel: "in_person", received: at(2025, 10, 10, 8), due: at(2025, 10, 15, 17), end: models.DossierCompleted, ended: at(2025, 10, 14, 8), eResult: true},
		{id: "S1", unit: "H29.STP", procedure: "1.000656", online: "full", channel: "in_person", received: at(2025, 9, 15, 8), due: at(2025, 9, 16, 8), end: models.DossierCompleted, ended: at(2025, 9, 20, 8)},
		{id: "S2", unit: "H29.STC", procedure: "1.000593", online: "partial", channel: "online", received: at(2025, 9, 10, 8), due: at(2025, 9, 12, 8), end: models.DossierCompleted, ended: at(2025, 9, 11, 8), digitized: true, eResult: true},
		{id: "W1", unit: "H29.26743", procedure: "1.000656", online: "full", channel: "online", received: at(2025, 10, 13, 8), due: at(2025, 11, 20, 8),
			source: "import:history.csv", lag: 30 * 24 * time.Hour},
	}
}

// rankDB is a migrated database (units, wards and procedures seeded) holding the ranking fixtures.
// Every dossier is stored twice in dossiers, as received and in its final state (a re-ingest
// that FINAL must fold), with its events for the rollups.
func rankDB(t *testing.T) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	var snaps []models.Dossier
	var events []models.DossierEvent
	for _, s := range rankDossiers() {
		d := models.Dossier{ID: s.id, ProcedureCode: s.procedure, Field: "ho_tich", UnitCode: s.unit, WardCode: "26743",
			Channel: s.channel, OnlineLevel: s.online, Status: string(models.DossierReceived),
			ReceivedAt: s.received, DueAt: s.due, UpdatedAt: s.received,
			FeeVND: s.fee, Version: uint64(s.received.UnixMilli()), IngestedAt: s.received, Source: "api:tok_1"}
		if s.source != "" {
			d.Source = s.source
		}
		snaps = append(snaps, d)
		events = append(events, d.Event(models.DossierReceived, s.received))
		final := d
		final.PaidOnline, final.Digitized, final.EResult = s.paid, s.digitized, s.eResult
		if s.end != "" {
			ended := s.ended
			final.Status, final.CompletedAt, final.UpdatedAt = string(s.end), &ended, ended
			final.Version = uint64(ended.UnixMilli())
			events = append(events, final.Event(s.end, ended))
		}
		if s.rating != "" {
			r := s.rating
			final.Satisfaction = &r
			final.Version++
		}
		final.IngestedAt = final.UpdatedAt.Add(s.lag)
		snaps = append(snaps, final)
	}
	if err := db.Insert(ctx, "dossiers", snaps); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "dossier_events", events); err != nil {
		t.Fatal(err)
	}
	pet := func(id string, received, due time.Time, closed *time.Time, rating string) (models.Petition, []models.PetitionEvent) {
		p := models.Petition{ID: id, ReceivedAt: received, Channel: "hotline", Category: "ngap_nuoc", WardCode: "26743",
			UnitCode: "H29.STC", Status: string(models.PetitionNew), DueAt: due, UpdatedAt: received,
			Version: uint64(received.UnixMilli()), IngestedAt: received, Source: "test"}
		evs := []models.PetitionEvent{p.Event(models.PetitionNew, received)}
		if closed != nil {
			p.Status, p.ResolvedAt, p.UpdatedAt, p.Version = string(models.PetitionResolved), closed, *closed, uint64(closed.UnixMilli())
			evs = append(evs, p.Event(models.PetitionResolved, *closed))
		}
		if rating != "" {
			p.Satisfaction = &rating
			p.Version++
		}
		return p, evs
	}
	c1, c2 := at(2025, 10, 8, 8), at(2025, 10, 12, 8)
	var pets []models.Petition
	var pevs []models.PetitionEvent
	for _, x := range []struct {
		id            string
		received, due time.Time
		closed        *time.Time
		rating        string
	}{
		{"P1", at(2025, 10, 6, 8), at(2025, 10, 9, 8), &c1, "dissatisfied"},
		{"P2", at(2025, 10, 7, 8), at(2025, 10, 9, 8), &c2, "satisfied"},
		{"P3", at(2025, 10, 8, 8), at(2025, 10, 20, 8), nil, ""},
	} {
		p, evs := pet(x.id, x.received, x.due, x.closed, x.rating)
		pets, pevs = append(pets, p), append(pevs, evs...)
	}
	if err := db.Insert(ctx, "petitions", pets); err != nil {
		t.Fatal(err)
	}
	if err := db.Insert(ctx, "petition_events", pevs); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustPeriod(t *testing.T, s string) models.Period {
	t.Helper()
	p, err := models.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rowOf(t *testing.T, r Ranking, code string) RankingRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Code == code {
			return row
		}
	}
	t.Fatalf("unit %s not in the ranking", code)
	return RankingRow{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// points returns an indicator's points, or -1 when it is not available.
func points(s UnitScore, code string) float64 {
	for _, ind := range s.Indicators {
		if ind.Code == code {
			if ind.Points == nil {
				return -1
			}
			return *ind.Points
		}
	}
	return -2
}

func TestRankingsMonth(t *testing.T) {
	db := rankDB(t)
	ctx := context.Background()
	r, err := rankingsAt(ctx, db, nil, LevelUnit, mustPeriod(t, "2025-10"), rankNow)
	if err != nil {
		t.Fatal(err)
	}
	var departments []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Query(ctx, &departments, "SELECT count() AS n FROM units FINAL WHERE type = 'department' AND active", nil); err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != int(departments[0].N) {
		t.Errorf("%d rows, want every department (%d)", len(r.Rows), departments[0].N)
	}
	if r.Version != "766-2022" || r.Previous.String() != "2025-09" {
		t.Errorf("version %s previous %s", r.Version, r.Previous)
	}

	stp := rowOf(t, r, "H29.STP")
	want := map[string]float64{
		"dong_bo": 5, "tien_do_giai_quyet": 10, "ket_qua_dien_tu": 2.5, "so_hoa_ho_so": 4,
		"cung_cap_dvctt": 2.5, "dvctt_phat_sinh_ho_so": 4, "ho_so_truc_tuyen": 4 * (3.0 / 7) / 0.5,
		"thanh_toan_truc_tuyen": 6, "pakn_dung_han": 6, "hai_long_pakn": 6, "hai_long_ho_so": 6 * (1.0 / 6) / 0.9,
		"cong_bo_dung_han": -1, "tai_su_dung": -1,
	}
	for code, w := range want {
		if got := points(stp.Score, code); !near(got, w) {
			t.Errorf("STP %s = %v points, want %v", code, got, w)
		}
	}
	if !near(stp.Score.Total, 50.539683) && math.Abs(stp.Score.Total-50.539683) > 1e-5 {
		t.Errorf("STP total %v, want 50.539683", stp.Score.Total)
	}
	if stp.Score.MaxAvailable != 72 || !stp.Score.Partial || stp.Score.Rank != 1 {
		t.Errorf("STP max %v partial %v rank %d, want 72 true 1", stp.Score.MaxAvailable, stp.Score.Partial, stp.Score.Rank)
	}
	if stp.Dossiers != 6 || !stp.SmallVolume {
		t.Errorf("STP dossiers %d small %v, want 6 true", stp.Dossiers, stp.SmallVolume)
	}
	if got := stp.Ratios["tien_do_giai_quyet"]; got != (Ratio{Num: 3, Den: 6}) {
		t.Errorf("STP progress ratio %+v, want 3/6", got)
	}

	stc := rowOf(t, r, "H29.STC")
	wantSTC := map[string]float64{
		"dong_bo": 6, "tien_do_giai_quyet": 20, "ket_qua_dien_tu": 6, "so_hoa_ho_so": 0,
		"cung_cap_dvctt": 4, "dvctt_phat_sinh_ho_so": 0, "ho_so_truc_tuyen": 0,
		"thanh_toan_truc_tuyen": -1, "pakn_dung_han": 3, "hai_long_pakn": 3, "hai_long_ho_so": 6,
	}
	for code, w := range wantSTC {
		if got := points(stc.Score, code); !near(got, w) {
			t.Errorf("STC %s = %v points, want %v", code, got, w)
		}
	}
	if !near(stc.Score.Total, 48) || stc.Score.MaxAvailable != 66 || stc.Score.Rank != 2 {
		t.Errorf("STC total %v of %v rank %d, want 48 of 66, rank 2", stc.Score.Total, stc.Score.MaxAvailable, stc.Score.Rank)
	}

	// Rank change against September: STC 66 (1st), STP 22 (2nd).
	if stp.PrevRank == nil || *stp.PrevRank != 2 || *stp.RankChange != 1 || !near(*stp.PrevTotal, 22) {
		t.Errorf("STP previous %v change %v total %v, want 2, +1, 22", stp.PrevRank, stp.RankChange, stp.PrevTotal)
	}
	if stc.PrevRank == nil || *stc.PrevRank != 1 || *stc.RankChange != -1 || !near(*stc.PrevTotal, 66) {
		t.Errorf("STC previous %v change %v total %v, want 1, −1, 66", stc.PrevRank, stc.RankChange, stc.PrevTotal)
	}
	var sum float64
	for _, c := range stc.Contributions {
		sum += c.Points
	}
	if !near(sum, -18) || len(stc.Contributions) != 5 || stc.Contributions[0].Code != "dvctt_phat_sinh_ho_so" {
		t.Errorf("STC contributions %+v, want five summing to −18, dvctt first", stc.Contributions)
	}
	wantVI := "Giảm 1 bậc: −4,00 điểm từ dịch vụ trực tuyến có phát sinh hồ sơ, −4,00 điểm từ tỷ lệ hồ sơ trực tuyến, −4,00 điểm từ số hóa hồ sơ"
	wantEN := "Fell 1 place: −4.00 points from online services with online dossiers, −4.00 from online submission share, −4.00 from dossier digitisation"
	if stc.ExplainVI != wantVI || stc.ExplainEN != wantEN {
		t.Errorf("STC explained\n%q\n%q\nwant\n%q\n%q", stc.ExplainVI, stc.ExplainEN, wantVI, wantEN)
	}
	sum = 0
	for _, c := range stp.Contributions {
		sum += c.Points
	}
	if !near(sum, stp.Score.Total-22) || !strings.HasPrefix(stp.ExplainVI, "Tăng 1 bậc: +10,00 điểm từ tiến độ giải quyết") {
		t.Errorf("STP contributions sum %v (want %v), %q", sum, stp.Score.Total-22, stp.ExplainVI)
	}

	// A department without data: listed, nothing available, tied last, no change to explain.
	vp := rowOf(t, r, "H29.VP")
	if vp.Score.MaxAvailable != 0 || vp.Score.Total != 0 || !vp.Score.Partial || vp.Score.Rank != 3 ||
		vp.PrevRank != nil || vp.ExplainVI != "" || vp.Dossiers != 0 || !vp.SmallVolume {
		t.Errorf("VP (no data) = %+v", vp)
	}
	for _, ind := range vp.Score.Indicators {
		if ind.Ratio != nil || ind.Points != nil {
			t.Errorf("VP %s available without data", ind.Code)
		}
	}
	if r.Rows[0].Code != "H29.STP" || r.Rows[1].Code != "H29.STC" {
		t.Errorf("order %s, %s", r.Rows[0].Code, r.Rows[1].Code)
	}
}

func TestRankingsWards(t *testing.T) {
	db := rankDB(t)
	ctx := context.Background()
	r, err := rankingsAt(ctx, db, nil, LevelWard, mustPeriod(t, "2025-10"), rankNow)
	if err != nil {
		t.Fatal(err)
	}
	var hcmc []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Query(ctx, &hcmc, "SELECT count() AS n FROM wards FINAL WHERE province_code = '79'", nil); err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != int(hcmc[0].N) {
		t.Errorf("%d ward rows, want the %d wards of Ho Chi Minh City (the only city with departments)", len(r.Rows), hcmc[0].N)
	}
	for _, row := range r.Rows {
		if !strings.HasPrefix(row.Code, "H29.") || row.WardCode == "" {
			t.Errorf("ward row %s (ward %q)", row.Code, row.WardCode)
		}
	}
	// W1: one open dossier, within due at the period end, online, procedure offered online.
	bt := rowOf(t, r, "H29.26743")
	if bt.Score.Rank != 1 || bt.WardCode != "26743" || bt.Name != "UBND Phường Bến Thành" {
		t.Errorf("Bến Thành: rank %d ward %s name %s", bt.Score.Rank, bt.WardCode, bt.Name)
	}
	// tien_do 20, online share 4, cung_cap 4, dvctt 4, hai_long_ho_so 6, petitions 12; nothing
	// ended, so e-result, digitisation and payment are N/A, and the back-filled dossier leaves
	// dong_bo N/A (0/0) rather than 0%.
	if !near(bt.Score.Total, 50) || bt.Score.MaxAvailable != 50 || points(bt.Score, "ket_qua_dien_tu") != -1 ||
		points(bt.Score, "dong_bo") != -1 || bt.Ratios["dong_bo"] != (Ratio{}) {
		t.Errorf("Bến Thành total %v of %v", bt.Score.Total, bt.Score.MaxAvailable)
	}
	if bt.PrevRank != nil {
		t.Errorf("Bến Thành had no September data, got previous rank %d", *bt.PrevRank)
	}
}

func TestRankingsPeriods(t *testing.T) {
	db := rankDB(t)
	ctx := context.Background()
	// Q4 2025, judged on 1 January 2026: A3 and A4 open and overdue, A5 ended late in November.
	// STP on track: A1 A6 → 2/6; ended A1 A2 A5 A6 → e-result 1/4. Previous: Q3 (September).
	q4, err := rankingsAt(ctx, db, nil, LevelUnit, mustPeriod(t, "2025-Q4"), rankNow)
	if err != nil {
		t.Fatal(err)
	}
	stp := rowOf(t, q4, "H29.STP")
	if stp.Ratios["tien_do_giai_quyet"] != (Ratio{Num: 2, Den: 6}) || stp.Ratios["ket_qua_dien_tu"] != (Ratio{Num: 1, Den: 4}) {
		t.Errorf("STP Q4 ratios %+v", stp.Ratios)
	}
	if q4.Previous.String() != "2025-Q3" || stp.PrevRank == nil || *stp.PrevRank != 2 {
		t.Errorf("Q4 previous %s, STP previous rank %v", q4.Previous, stp.PrevRank)
	}
	// The year 2025 holds every fixture; 2024 has none, so there is no rank change.
	y, err := rankingsAt(ctx, db, nil, LevelUnit, mustPeriod(t, "2025"), rankNow)
	if err != nil {
		t.Fatal(err)
	}
	stp = rowOf(t, y, "H29.STP")
	// Received in 2025, withdrawn left out: A1-A6, S1 = 7; on track at 2026-01-01: A1 A6.
	if stp.Dossiers != 7 || stp.Ratios["tien_do_giai_quyet"] != (Ratio{Num: 2, Den: 7}) || stp.PrevRank != nil {
		t.Errorf("STP 2025: %d dossiers, progress %+v, previous %v", stp.Dossiers, stp.Ratios["tien_do_giai_quyet"], stp.PrevRank)
	}
	// A custom range, 1-15 October, judged on 16 October 00:00: STP has A1 (on time) and A2
	// (late) → 1/2. The previous 15 days (16-30 September) hold only the end of S1 (STP, late,
	// no e-result, not digitised, no fee): STP scored 0 + 0 + 12 (no petitions) = 12 there and
	// ranked first; STC had no data then, so has no change.
	c, err := rankingsAt(ctx, db, nil, LevelUnit, mustPeriod(t, "2025-10-01..2025-10-15"), rankNow)
	if err != nil {
		t.Fatal(err)
	}
	stp = rowOf(t, c, "H29.STP")
	if stp.Ratios["tien_do_giai_quyet"] != (Ratio{Num: 1, Den: 2}) || stp.PrevRank == nil || *stp.PrevRank != 1 || !near(*stp.PrevTotal, 12) {
		t.Errorf("STP 1-15 Oct: progress %+v previous %v %v", stp.Ratios["tien_do_giai_quyet"], stp.PrevRank, stp.PrevTotal)
	}
	if c.Previous.String() != "2025-09-16..2025-09-30" || rowOf(t, c, "H29.STC").PrevRank != nil {
		t.Errorf("1-15 Oct: previous %s, STC previous rank %v", c.Previous, rowOf(t, c, "H29.STC").PrevRank)
	}
	// A period still running is judged now: on 25 October A3 (due 11-05) and A5 (due 10-31) are
	// within due, A4 (due 10-28) too, so on track A1 A3 A4 A5 A6 = 5 of 6.
	running, err := rankingsAt(ctx, db, nil, LevelUnit, mustPeriod(t, "2025-10"), at(2025, 10, 25, 12))
	if err != nil {
		t.Fatal(err)
	}
	if got := rowOf(t, running, "H29.STP").Ratios["tien_do_giai_quyet"]; got != (Ratio{Num: 5, Den: 6}) {
		t.Errorf("STP judged on 25 Oct: %+v, want 5/6", got)
	}
}

func TestRankingsBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Rankings(ctx, nil, nil, Level("city"), mustPeriod(t, "2025-10")); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("level city: err = %v, want ErrInvalid", err)
	}
	if _, err := Rankings(ctx, nil, nil, LevelUnit, models.Period{}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("empty period: err = %v, want ErrInvalid", err)
	}
	if _, err := LoadIndexConfigFile("/nonexistent/index.yaml"); err == nil || !strings.Contains(err.Error(), "index configuration") {
		t.Errorf("missing file: err = %v", err)
	}
	cfg, err := LoadIndexConfigFile("index766.yaml")
	if err != nil || cfg.Versions[0].ID != "766-2022" {
		t.Errorf("file load: %v", err)
	}
}
