package pipeline

import (
	"io"
	"testing"
	"time"
)

// BenchmarkSimulateYear generates a year of Ho Chi Minh City at scale 0.1 (about 190k rows) and
// reports rows per second, with and without writing the NDJSON contract lines.
func BenchmarkSimulateYear(b *testing.B) {
	opts := testSimOptions(b, "2025-01-01", 365, 0.1)
	for _, ndjson := range []bool{false, true} {
		name := "generate"
		if ndjson {
			name = "generate+ndjson"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			rows := 0
			start := time.Now()
			for b.Loop() {
				man, err := Simulate(opts, func(c SimChunk) error {
					if ndjson {
						return c.WriteNDJSON(io.Discard, io.Discard, io.Discard)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				rows += man.Counts.Dossiers + man.Counts.Petitions + man.Counts.Posts
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
		})
	}
}
