package analytics_test

import (
	"context"
	"testing"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// BenchmarkOverviewKPIs times a leader's overview (every KPI of a month, with the previous month
// and the same month last year) and a year's daily series of one KPI, on the simulation of the
// KPI tests (scale 0.02, about 37,000 dossiers). It logs the rows of each rollup beside its base
// table, the ratio that makes panels cheap at full scale.
func BenchmarkOverviewKPIs(b *testing.B) {
	ctx := context.Background()
	db := kpiSimDB(b)
	var sizes []struct {
		Table string `ch:"table"`
		Rows  uint64 `ch:"rows"`
	}
	err := db.Query(ctx, &sizes, `SELECT table, sum(rows) AS rows FROM system.parts
		WHERE database = currentDatabase() AND active GROUP BY table ORDER BY table`, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range sizes {
		b.Logf("%-28s %9d rows", s.Table, s.Rows)
	}
	month, _ := models.ParsePeriod("2025-09")
	year, _ := models.ParsePeriod("2025")
	b.Run("AllKPIs month", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.AllKPIs(ctx, db, month, analytics.Scope{}, analytics.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SeriesOf year by day", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.SeriesOf(ctx, db, analytics.KeyDossiersOpenOverdue, year, analytics.GrainDay, analytics.Scope{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
