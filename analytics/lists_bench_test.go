package analytics_test

import (
	"context"
	"testing"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

// BenchmarkLists times the list panels of the stream pages on the simulation of the KPI tests
// (scale 0.02, about 37,000 dossiers over 18 months): the overdue dossiers at a month's end (a
// year's look-back over dossiers FINAL), the top negative posts of a month (posts FINAL) and the
// dossier breakdown by field (rollups, three periods).
func BenchmarkLists(b *testing.B) {
	ctx := context.Background()
	db := kpiSimDB(b)
	month, _ := models.ParsePeriod("2025-09")
	b.Run("OverdueDossiers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.OverdueDossiers(ctx, db, month.To, analytics.Scope{}, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OverduePetitions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.OverduePetitions(ctx, db, month.To, analytics.Scope{}, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TopNegativePosts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.TopNegativePosts(ctx, db, month, analytics.Scope{}, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DossierBreakdown field", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := analytics.DossierBreakdown(ctx, db, month, analytics.Scope{}, "field"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
