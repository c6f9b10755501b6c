package dashboard

import (
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// Hand-made analytics results for chart goldens and template tests: the shapes the analytics
// contracts return, with numbers chosen by hand.

func pgDay(d int) time.Time { return time.Date(2026, time.October, d, 0, 0, 0, 0, models.Location) }

func pgCount(n uint64) analytics.Value { return analytics.Value{Count: &n} }

func pgRate(num, den float64) analytics.Value {
	r := analytics.NewRate(num, den)
	return analytics.Value{Rate: &r}
}

func pgSeriesCount() analytics.Series {
	return analytics.Series{Metric: analytics.KeyDossiersReceived, Unit: "dossiers", HigherIsBetter: true, Grain: analytics.GrainDay,
		Points: []analytics.Point{{Start: pgDay(1), Value: pgCount(120)}, {Start: pgDay(2), Value: pgCount(0)}, {Start: pgDay(3), Value: pgCount(95)}}}
}

func pgSeriesRate() analytics.Series {
	return analytics.Series{Metric: analytics.KeyDossierOnTimeRate, Unit: "ratio", HigherIsBetter: true, Grain: analytics.GrainDay,
		Points: []analytics.Point{{Start: pgDay(1), Value: pgRate(90, 100)}, {Start: pgDay(2), Value: pgRate(0, 0)}, {Start: pgDay(3), Value: pgRate(2, 3)}}}
}

func pgForecast() analytics.Forecast {
	return analytics.Forecast{Stream: models.StreamPetitions, Method: "seasonal_naive", AsOf: pgDay(3),
		History:      []analytics.Point{{Start: pgDay(2), Value: pgCount(40)}, {Start: pgDay(3), Value: pgCount(44)}},
		Points:       []analytics.ForecastPoint{{Day: pgDay(4), Mean: 41.234, Low: 30.5, High: 52}, {Day: pgDay(5), Mean: 39, Low: 28, High: 50.125}},
		BacktestMAPE: 0.12, BacktestDays: 28}
}

// pgRanking ranks three units scored by the real 766 scoring from hand-set ratios: U1
// full marks where computable, U2 half the targets, U3 on few dossiers and without petitions.
func pgRanking() analytics.Ranking {
	cfg := analytics.DefaultIndexConfig()
	ver := cfg.VersionAt(pgDay(31))
	ratios := func(share float64) map[string]analytics.Ratio {
		m := map[string]analytics.Ratio{}
		for _, g := range ver.Groups {
			for _, ind := range g.Indicators {
				m[ind.Code] = analytics.Ratio{Num: share * 100, Den: 100}
			}
		}
		return m
	}
	scores := []analytics.UnitScore{analytics.ScoreUnit(ver, ratios(1)), analytics.ScoreUnit(ver, ratios(0.4)), analytics.ScoreUnit(ver, ratios(0.75))}
	scores[0].Unit, scores[1].Unit, scores[2].Unit = "H29.01", "H29.02", "H29.03"
	scores = analytics.Rank(scores)
	per, _ := models.ParsePeriod("2026-10")
	up, down := 1, -1
	prev := 80.5
	rows := []analytics.RankingRow{
		{Code: "H29.01", Name: "Sở Tư pháp", Dossiers: 1200, PrevRank: &up, RankChange: &up, PrevTotal: &prev,
			ExplainVI: "Tăng 1 bậc nhờ tỷ lệ đúng hạn.", ExplainEN: "Up 1 place on the on-time rate."},
		{Code: "H29.03", Name: "Sở Xây dựng", Dossiers: 12, SmallVolume: true, ExplainVI: "Chưa có kỳ trước.", ExplainEN: "No previous period."},
		{Code: "H29.02", Name: "Sở Tài chính", Dossiers: 800, RankChange: &down, ExplainVI: "Giảm 1 bậc.", ExplainEN: "Down 1 place."},
	}
	for i := range rows {
		for _, s := range scores {
			if s.Unit == rows[i].Code {
				rows[i].Score = s
			}
		}
	}
	return analytics.Ranking{Level: analytics.LevelUnit, Period: per, Previous: per.Previous(), Version: ver.ID, AsOf: pgDay(31), Rows: rows}
}

func pgAlerts() []analytics.Alert {
	return []analytics.Alert{{ID: "a1", Kind: analytics.AlertPetitionSurge, Severity: analytics.SeverityCritical, Stream: models.StreamPetitions,
		Start: pgDay(1), End: pgDay(3), Ward: "26740", Category: "ngap_nuoc", Observed: 40, Expected: 8, Low: 3, High: 14, Score: 5.1,
		Link: "/petitions?ward=26740&category=ngap_nuoc", TitleVI: "Phản ánh ngập nước tăng mạnh ở phường Sài Gòn", TitleEN: "Flooding petitions surge in Sài Gòn ward"}}
}
