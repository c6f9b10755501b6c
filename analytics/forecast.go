package analytics

import (
	"context"
	"time"

	"github.com/govpulse/govpulse/models"
)

// ForecastPoint is the forecast of one future local day with its prediction interval.
type ForecastPoint struct {
	Day  time.Time `json:"day"`
	Mean float64   `json:"mean"`
	Low  float64   `json:"low"`
	High float64   `json:"high"`
}

// Forecast is the next Horizon days of daily intake of a stream (dossiers received or petitions
// received) after AsOf, from a seasonal method, with the back-tested error of that method on
// the history it was fitted to.
type Forecast struct {
	Stream  models.Stream   `json:"stream"`
	Method  string          `json:"method"`
	AsOf    time.Time       `json:"as_of"`
	History []Point         `json:"history"`
	Points  []ForecastPoint `json:"points"`
	// BacktestMAPE is the mean absolute percentage error of the method over its back-test
	// window (days with zero actuals left out); BacktestDays is that window's length.
	BacktestMAPE float64 `json:"backtest_mape"`
	BacktestDays int     `json:"backtest_days"`
}

// ForecastIntake forecasts the daily intake of stream (models.StreamDossiers or
// models.StreamPetitions) for horizon days after the local day containing asOf, within scope s.
func ForecastIntake(ctx context.Context, q Querier, stream models.Stream, asOf time.Time, horizon int, s Scope) (Forecast, error) {
	return Forecast{}, errNotBuilt
}
