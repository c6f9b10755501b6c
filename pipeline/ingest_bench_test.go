package pipeline_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// BenchmarkPipelineIngest times the whole ingest path for ~1M simulated dossiers (300 days of HCMC) — parse, validate,
// normalise, spool (fsync), deliver (event rules, events + latest state, views) — against the
// engine's own INSERT … FORMAT JSONEachRow of the same NDJSON into the same table, and reports
// the ratio (DESIGN §7 target: ≥ 1.0).
func BenchmarkPipelineIngest(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b)
	dims, err := store.LoadDimensions(ctx, f.db)
	if err != nil {
		b.Fatal(err)
	}
	var ndjson bytes.Buffer
	lines := 0
	_, err = pipeline.Simulate(pipeline.SimOptions{Start: time.Date(2025, 1, 1, 0, 0, 0, 0, models.Location), Days: 300, Scale: 1,
		Seed: 7, Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}, func(c pipeline.SimChunk) error {
		lines += len(c.Dossiers)
		return pipeline.SimChunk{Dossiers: c.Dossiers}.WriteNDJSON(&ndjson, nil, nil)
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var ours, raw time.Duration
	for i := 0; i < b.N; i++ {
		for _, t := range []string{"dossiers", "dossier_events", "dossier_intake_daily", "dossier_outcome_daily"} {
			if err := f.db.Exec(ctx, "TRUNCATE TABLE "+t, nil); err != nil {
				b.Fatal(err)
			}
		}
		f.deliverer = pipeline.NewDeliverer(store.Ingest{DB: f.db}, 0)
		start := time.Now()
		const perRequest = 20000 // lines per HTTP body
		data := ndjson.Bytes()
		for len(data) > 0 {
			n, cut := 0, 0
			for cut < len(data) && n < perRequest {
				j := bytes.IndexByte(data[cut:], '\n')
				cut += j + 1
				n++
			}
			if _, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, bytes.NewReader(data[:cut]), pipeline.ParseOptions{Source: "bench"}); err != nil {
				b.Fatal(err)
			}
			data = data[cut:]
		}
		f.flush(b)
		ours += time.Since(start)

		for _, t := range []string{"dossiers", "dossier_events", "dossier_intake_daily", "dossier_outcome_daily"} {
			if err := f.db.Exec(ctx, "TRUNCATE TABLE "+t, nil); err != nil {
				b.Fatal(err)
			}
		}
		// The engine's own work for the same rows in the same tables: the lines into the latest
		// state and, as events, into dossier_events (which feeds the daily views).
		start = time.Now()
		for _, table := range []string{"dossiers", "dossier_events"} {
			if err := f.db.Exec(ctx, "INSERT INTO "+table+" SETTINGS input_format_skip_unknown_fields = 1 FORMAT JSONEachRow\n"+ndjson.String(), nil); err != nil {
				b.Fatal(err)
			}
		}
		raw += time.Since(start)
	}
	if n := f.count(b, "SELECT count() FROM dossiers"); n != uint64(lines) {
		b.Fatalf("raw insert stored %d of %d", n, lines)
	}
	oursRate := float64(lines*b.N) / ours.Seconds()
	rawRate := float64(lines*b.N) / raw.Seconds()
	b.ReportMetric(oursRate, "lines/s")
	b.ReportMetric(rawRate, "raw_jsoneachrow_lines/s")
	b.ReportMetric(oursRate/rawRate, "ratio")
	b.Logf("%d dossiers: pipeline %.0f lines/s (parse+spool+events+state+views); engine JSONEachRow into dossiers + dossier_events %.0f lines/s; ratio %.2fx",
		lines, oursRate, rawRate, oursRate/rawRate)
}
