package analytics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// Level is what a ranking ranks: city departments (units that are not ward committees) or wards.
type Level string

const (
	LevelUnit Level = "unit"
	LevelWard Level = "ward"
)

// unitType is the units.type a level ranks: departments, or the people's committees of wards
// (H29.<ward code>). Wards are ranked as handling units: their dossiers and petitions carry the
// ward committee's unit code, which is what Decision 766 scores, not every dossier whose
// ward_code names the ward (a department's dossier names the applicant's ward).
func (l Level) unitType() (string, error) {
	switch l {
	case LevelUnit:
		return "department", nil
	case LevelWard:
		return "ward", nil
	}
	return "", &models.FieldError{Field: "level", Message: fmt.Sprintf("want unit or ward, got %q", string(l))}
}

// SyncLag is how late a dossier's latest state may reach govpulse after its updated_at and still
// count as synced in real time (766 indicator dong_bo). Dossiers loaded in bulk (imports, the
// simulator's seeded history) are judged only when they arrived in time: a back-fill says nothing
// about the source's sync (rank_dossiers.sql).
const SyncLag = time.Hour

// RankingRow is one unit's 766 result: its score (indicators, groups, total, band, rank) for the
// period, its rank in the previous period and the change (positive = moved up), the
// decomposition of its score change by indicator, and the sentence that explains it.
type RankingRow struct {
	Code          string         `json:"code"`
	Name          string         `json:"name"`
	WardCode      string         `json:"ward_code,omitempty"` // the ward a ward committee governs
	Score         UnitScore      `json:"score"`
	Dossiers      uint64         `json:"dossiers"` // dossiers of the period, for the small-volume flag
	SmallVolume   bool           `json:"small_volume"`
	PrevRank      *int           `json:"prev_rank"`
	RankChange    *int           `json:"rank_change"`
	PrevTotal     *float64       `json:"prev_total"`
	Contributions []Contribution `json:"contributions"`
	ExplainVI     string         `json:"explain_vi"`
	ExplainEN     string         `json:"explain_en"`
	// Ratios are the raw numerators and denominators behind Score, by indicator code, so that an
	// export or the assistant can show "45 / 48" beside a percentage.
	Ratios map[string]Ratio `json:"ratios"`
}

// Ranking is the 766 ranking of one level for a period, under the index version in force at the
// period's end, with the previous period for rank change. AsOf is when the data was read.
type Ranking struct {
	Level    Level         `json:"level"`
	Period   models.Period `json:"period"`
	Previous models.Period `json:"previous"`
	Version  string        `json:"version"`
	AsOf     time.Time     `json:"as_of"`
	Rows     []RankingRow  `json:"rows"`
}

// LoadIndexConfigFile reads an indicator table from a YAML file written like index766.yaml
// (LoadIndexConfig), naming the file in its error; an empty path gives DefaultIndexConfig.
func LoadIndexConfigFile(path string) (*IndexConfig, error) {
	if path == "" {
		return DefaultIndexConfig(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("index configuration: %w", err)
	}
	defer f.Close()
	cfg, err := LoadIndexConfig(f)
	if err != nil {
		return nil, fmt.Errorf("index configuration %s: %w", path, err)
	}
	return cfg, nil
}

// Rankings scores and ranks every unit of level for period p with the index configuration cfg
// (nil: DefaultIndexConfig). Every active unit of the level is listed, those without data too
// (their indicators N/A, their total partial); each period is scored under the version in force
// on its last day. Rank change, the decomposition of the score change and its sentences compare
// with p.Previous(); a unit without a previous score has none. Open dossiers are judged at the
// period end, or now for a period still running. Query results are reused while the partitions
// they read are unchanged and no open dossier's judgement can have changed (resultcache.go).
func Rankings(ctx context.Context, q Querier, cfg *IndexConfig, level Level, p models.Period) (Ranking, error) {
	return rankingsAt(ctx, q, cfg, level, p, time.Now())
}

func rankingsAt(ctx context.Context, q Querier, cfg *IndexConfig, level Level, p models.Period, now time.Time) (Ranking, error) {
	typ, err := level.unitType()
	if err != nil {
		return Ranking{}, err
	}
	if p.IsZero() || !p.From.Before(p.To) {
		return Ranking{}, &models.FieldError{Field: "period", Message: "an empty period cannot be ranked"}
	}
	if cfg == nil {
		cfg = DefaultIndexConfig()
	}
	// The fingerprints of the sources come first (resultcache.go): data that changes after
	// them only makes a later call miss. The units and both periods' ratios are independent: the
	// queries the cache cannot answer run at once (the engines answer concurrent queries; most of
	// a ranking's time is waiting on them).
	w := rankWatermark(ctx, q)
	prev := p.Previous()
	var units []rankUnit
	var cur, before map[string]unitRatios
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Go(func() {
		units, errs[0] = cachedRows(w, cacheKey{q: q, query: rankQueryUnits, level: typ}, []tableRead{{table: "units"}}, time.Time{},
			func() (u []rankUnit, _ time.Time, err error) {
				return u, time.Time{}, queryRows(ctx, q, rankQueryUnits, store.Params{"level": typ}, &u)
			})
	})
	wg.Go(func() { cur, errs[1] = periodRatios(ctx, q, w, p, judgedAt(p, now)) })
	wg.Go(func() { before, errs[2] = periodRatios(ctx, q, w, prev, judgedAt(prev, now)) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Ranking{}, err
	}
	curV, prevV := cfg.VersionAt(p.LastDay()), cfg.VersionAt(prev.LastDay())
	score := func(v IndexVersion, pr map[string]unitRatios) []UnitScore {
		out := make([]UnitScore, 0, len(units))
		for _, u := range units {
			s := ScoreUnit(v, pr[u.Code].ratios)
			s.Unit = u.Code
			out = append(out, s)
		}
		return Rank(out)
	}
	curScores, prevScores := score(curV, cur), score(prevV, before)
	prevByUnit := make(map[string]UnitScore, len(prevScores))
	for _, s := range prevScores {
		prevByUnit[s.Unit] = s
	}
	meta := make(map[string]int, len(units))
	for i, u := range units {
		meta[u.Code] = i
	}
	r := Ranking{Level: level, Period: p, Previous: prev, Version: curV.ID, AsOf: now, Rows: make([]RankingRow, 0, len(curScores))}
	for _, s := range curScores {
		u := units[meta[s.Unit]]
		ur := cur[s.Unit]
		row := RankingRow{Code: u.Code, Name: u.Name, WardCode: u.WardCode, Score: s,
			Dossiers: ur.dossiers, SmallVolume: ur.dossiers < smallVolume, Ratios: ur.ratios}
		if row.Ratios == nil {
			row.Ratios = map[string]Ratio{}
		}
		// A unit is compared with the previous period only when it had a score there: some
		// indicator available (a unit without any data then has nothing to explain a change by).
		if ps, ok := prevByUnit[s.Unit]; ok && ps.MaxAvailable > 0 && s.MaxAvailable > 0 {
			rank, delta, total := ps.Rank, ps.Rank-s.Rank, ps.Total
			row.PrevRank, row.RankChange, row.PrevTotal = &rank, &delta, &total
			row.Contributions = ExplainChange(ps, s)
			row.ExplainVI = DescribeChange(delta, row.Contributions, "vi")
			row.ExplainEN = DescribeChange(delta, row.Contributions, "en")
		}
		if row.Contributions == nil {
			row.Contributions = []Contribution{}
		}
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// unitRatios is one unit's 766 ratios for a period, by indicator code, and its dossiers.
type unitRatios struct {
	ratios   map[string]Ratio
	dossiers uint64
}

type rankDossierRow struct {
	Unit             string    `ch:"unit_code"`
	Received         uint64    `ch:"received"`
	OnTrack          uint64    `ch:"on_track"`
	Rated            uint64    `ch:"rated"`
	Dissatisfied     uint64    `ch:"dissatisfied"`
	Synced           uint64    `ch:"synced"`
	SyncJudged       uint64    `ch:"sync_judged"`
	Procedures       uint64    `ch:"procedures"`
	ProceduresOnline uint64    `ch:"procedures_online"`
	OnlineWithOnline uint64    `ch:"online_with_online"`
	NextDue          time.Time `ch:"next_due"`
	NextEnd          time.Time `ch:"next_end"`
}

type rankUnit struct {
	Code     string `ch:"code"`
	Name     string `ch:"name"`
	WardCode string `ch:"ward_code"`
}

type rankRollupRow struct {
	Unit       string `ch:"unit_code"`
	Received   uint64 `ch:"received"`
	Online     uint64 `ch:"online"`
	Ended      uint64 `ch:"ended"`
	EResult    uint64 `ch:"e_result"`
	Digitized  uint64 `ch:"digitized"`
	FeeBearing uint64 `ch:"fee_bearing"`
	PaidOnline uint64 `ch:"paid_online"`
}

type rankPetitionRow struct {
	Unit      string `ch:"unit_code"`
	Closed    uint64 `ch:"closed"`
	OnTime    uint64 `ch:"on_time"`
	Rated     uint64 `ch:"rated"`
	Satisfied uint64 `ch:"satisfied"`
}

// The codes of the computable indicators of index766.yaml. An indicator code the queries do not
// compute has no ratio and is unavailable, so a new version may add non-computable indicators
// freely; a new computable one needs its ratio here.
const (
	indDongBo          = "dong_bo"
	indTienDo          = "tien_do_giai_quyet"
	indKetQuaDienTu    = "ket_qua_dien_tu"
	indSoHoa           = "so_hoa_ho_so"
	indCungCapDVCTT    = "cung_cap_dvctt"
	indDVCTTPhatSinh   = "dvctt_phat_sinh_ho_so"
	indHoSoTrucTuyen   = "ho_so_truc_tuyen"
	indThanhToan       = "thanh_toan_truc_tuyen"
	indPAKNDungHan     = "pakn_dung_han"
	indHaiLongPAKN     = "hai_long_pakn"
	indHaiLongHoSo     = "hai_long_ho_so"
	rankQueryRollups   = "rank_dossier_rollups"
	rankQueryDossiers  = "rank_dossiers"
	rankQueryPetitions = "rank_petitions"
	rankQueryUnits     = "rank_units"
)

// periodRatios computes every computable indicator's ratio per unit for p (DOMAIN §3), from the
// three rank_* queries. A unit with no row in a query gets no ratio from it (N/A), except for the
// petition indicators, which get a zero denominator: FullWhenEmpty gives them full points, as a
// unit with no petitions earns (DOMAIN §3) — this needs the unit to appear in the result, which
// ScoreUnit's "missing means no data" would otherwise refuse.
// Open dossiers are judged at judged (judgedAt). Each query goes through the result cache when
// w is set (resultcache.go).
func periodRatios(ctx context.Context, q Querier, w *watermarks, p models.Period, judged time.Time) (map[string]unitRatios, error) {
	days := store.Params{
		"from": p.From.In(models.Location).Format(time.DateOnly),
		"to":   p.To.In(models.Location).Format(time.DateOnly),
	}
	key := func(query string) cacheKey {
		return cacheKey{q: q, query: query, from: p.From.Unix(), to: p.To.Unix()}
	}
	ms, ys := months(p), years(p)
	var rollups []rankRollupRow
	var dossiers []rankDossierRow
	var petitions []rankPetitionRow
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Go(func() {
		rollups, errs[0] = cachedRows(w, key(rankQueryRollups),
			[]tableRead{{"dossier_intake_daily", ys}, {"dossier_outcome_daily", ys}}, time.Time{},
			func() (rows []rankRollupRow, _ time.Time, err error) {
				return rows, time.Time{}, queryRows(ctx, q, rankQueryRollups, days, &rows)
			})
	})
	wg.Go(func() {
		// The rows hold for any judgement moment up to the earliest next_due or next_end.
		dossiers, errs[1] = cachedRows(w, key(rankQueryDossiers), []tableRead{{"dossiers", ms}, {table: "procedures"}}, judged,
			func() (rows []rankDossierRow, next time.Time, err error) {
				err = queryRows(ctx, q, rankQueryDossiers, store.Params{"from": p.From, "to": p.To, "judged_at": judged,
					"sync_seconds": int64(SyncLag / time.Second)}, &rows)
				for _, r := range rows {
					for _, t := range []time.Time{r.NextDue, r.NextEnd} {
						if t.Unix() > 0 && (next.IsZero() || t.Before(next)) {
							next = t
						}
					}
				}
				return rows, next, err
			})
	})
	wg.Go(func() {
		petitions, errs[2] = cachedRows(w, key(rankQueryPetitions), []tableRead{{"petition_outcome_daily", ys}, {"petitions", ms}}, time.Time{},
			func() (rows []rankPetitionRow, _ time.Time, err error) {
				return rows, time.Time{}, queryRows(ctx, q, rankQueryPetitions, store.Params{"from": days["from"], "to": days["to"],
					"from_time": p.From, "to_time": p.To}, &rows)
			})
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := map[string]unitRatios{}
	get := func(unit string) unitRatios {
		u, ok := out[unit]
		if !ok {
			u = unitRatios{ratios: map[string]Ratio{}}
		}
		return u
	}
	for _, r := range rollups {
		u := get(r.Unit)
		u.ratios[indHoSoTrucTuyen] = Ratio{Num: float64(r.Online), Den: float64(r.Received)}
		u.ratios[indKetQuaDienTu] = Ratio{Num: float64(r.EResult), Den: float64(r.Ended)}
		u.ratios[indSoHoa] = Ratio{Num: float64(r.Digitized), Den: float64(r.Ended)}
		u.ratios[indThanhToan] = Ratio{Num: float64(r.PaidOnline), Den: float64(r.FeeBearing)}
		out[r.Unit] = u
	}
	for _, r := range dossiers {
		u := get(r.Unit)
		u.dossiers = r.Received
		n := float64(r.Received)
		u.ratios[indDongBo] = Ratio{Num: float64(r.Synced), Den: float64(r.SyncJudged)}
		u.ratios[indTienDo] = Ratio{Num: float64(r.OnTrack), Den: n}
		u.ratios[indCungCapDVCTT] = Ratio{Num: float64(r.ProceduresOnline), Den: float64(r.Procedures)}
		u.ratios[indDVCTTPhatSinh] = Ratio{Num: float64(r.OnlineWithOnline), Den: float64(r.ProceduresOnline)}
		u.ratios[indHaiLongHoSo] = dossierSatisfaction(r)
		out[r.Unit] = u
	}
	for _, r := range petitions {
		u := get(r.Unit)
		u.ratios[indPAKNDungHan] = Ratio{Num: float64(r.OnTime), Den: float64(r.Closed)}
		u.ratios[indHaiLongPAKN] = Ratio{Num: float64(r.Satisfied), Den: float64(r.Rated)}
		out[r.Unit] = u
	}
	for unit, u := range out {
		for _, code := range []string{indPAKNDungHan, indHaiLongPAKN} {
			if _, ok := u.ratios[code]; !ok {
				u.ratios[code] = Ratio{}
			}
		}
		out[unit] = u
	}
	return out, nil
}

// judgedAt is when period p's open dossiers are judged: its end, or now (to the second, the
// precision of DateTime) for a period still running.
func judgedAt(p models.Period, now time.Time) time.Time {
	if now.Before(p.To) {
		return now.Truncate(time.Second)
	}
	return p.To
}

// dossierSatisfaction is 766 "satisfaction with dossier handling" (DOMAIN §3): 100% − (overdue %
// + dissatisfied / rated %), written as Num / Den over the n dossiers of the period: Num = n −
// overdue − n × dissatisfied / rated. Overdue dossiers are those not on track at the period end
// (received − on_track); no ratings means no dissatisfaction. It may be negative (scores 0).
func dossierSatisfaction(r rankDossierRow) Ratio {
	n := float64(r.Received)
	num := n - float64(r.Received-r.OnTrack)
	if r.Rated > 0 {
		num -= n * float64(r.Dissatisfied) / float64(r.Rated)
	}
	return Ratio{Num: num, Den: n}
}

// queryRows runs the query file name into dest.
func queryRows(ctx context.Context, q Querier, name string, params store.Params, dest any) error {
	text, err := sqlfiles.Query(name)
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	if err := q.Query(ctx, dest, text, params); err != nil {
		return fmt.Errorf("analytics: query %s: %w", name, err)
	}
	return nil
}
