package analytics

import (
	"context"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Level is what a ranking ranks: city departments (units that are not ward committees) or wards.
type Level string

const (
	LevelUnit Level = "unit"
	LevelWard Level = "ward"
)

// RankingRow is one unit's 766 result: its score (indicators, groups, total, band, rank) for the
// period, its rank in the previous period and the change (positive = moved up), the
// decomposition of its score change by indicator, and the sentence that explains it.
type RankingRow struct {
	Code          string         `json:"code"`
	Name          string         `json:"name"`
	Score         UnitScore      `json:"score"`
	Dossiers      uint64         `json:"dossiers"` // dossiers of the period, for the small-volume flag
	SmallVolume   bool           `json:"small_volume"`
	PrevRank      *int           `json:"prev_rank"`
	RankChange    *int           `json:"rank_change"`
	PrevTotal     *float64       `json:"prev_total"`
	Contributions []Contribution `json:"contributions"`
	ExplainVI     string         `json:"explain_vi"`
	ExplainEN     string         `json:"explain_en"`
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

// Rankings scores and ranks every unit of level for period p with the index configuration cfg.
func Rankings(ctx context.Context, q Querier, cfg *IndexConfig, level Level, p models.Period) (Ranking, error) {
	return Ranking{}, errNotBuilt
}
