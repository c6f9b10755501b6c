package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// benchRow is dossier-shaped: the columns and types of the widest stream.
type benchRow struct {
	ID            string    `ch:"id" json:"id"`
	ProcedureCode string    `ch:"procedure_code" json:"procedure_code"`
	UnitCode      string    `ch:"unit_code" json:"unit_code"`
	WardCode      string    `ch:"ward_code" json:"ward_code"`
	Channel       string    `ch:"channel" json:"channel"`
	Status        string    `ch:"status" json:"status"`
	ReceivedAt    time.Time `ch:"received_at" json:"received_at"`
	DueAt         time.Time `ch:"due_at" json:"due_at"`
	FeeVND        uint64    `ch:"fee_vnd" json:"fee_vnd"`
	PaidOnline    bool      `ch:"paid_online" json:"paid_online"`
	Title         string    `ch:"title" json:"title"`
}

const benchDDL = `CREATE TABLE bench (
	id String, procedure_code LowCardinality(String), unit_code LowCardinality(String),
	ward_code LowCardinality(String), channel Enum8('online' = 1, 'in_person' = 2, 'postal' = 3),
	status LowCardinality(String), received_at DateTime('Asia/Ho_Chi_Minh'), due_at DateTime('Asia/Ho_Chi_Minh'),
	fee_vnd UInt64, paid_online Bool, title String
) ENGINE = MergeTree ORDER BY (unit_code, received_at)`

func benchRows(n int) []benchRow {
	rows := make([]benchRow, n)
	base := time.Date(2025, 1, 1, 7, 30, 0, 0, store.Location)
	channels := []string{"online", "in_person", "postal"}
	for i := range rows {
		at := base.Add(time.Duration(i) * 7 * time.Second)
		rows[i] = benchRow{
			ID: fmt.Sprintf("H29.123.45-250812-%07d", i), ProcedureCode: fmt.Sprintf("1.00%04d", i%300),
			UnitCode: fmt.Sprintf("U%03d", i%190), WardCode: fmt.Sprintf("%05d", 26700+i%168),
			Channel: channels[i%3], Status: "received", ReceivedAt: at, DueAt: at.Add(72 * time.Hour),
			FeeVND: uint64(i%5) * 50000, PaidOnline: i%4 == 0, Title: "Đăng ký khai sinh cho con",
		}
	}
	return rows
}

// BenchmarkInsert compares govpulse's batch insert (Native blocks) with the engine's own
// INSERT … FORMAT JSONEachRow of the same rows, and reports both speeds and their ratio.
func BenchmarkInsert(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	db := storetest.Open(b)
	rows := benchRows(n)
	var ndjson bytes.Buffer
	enc := json.NewEncoder(&ndjson)
	for i := range rows {
		r := rows[i]
		// The engine parses "YYYY-MM-DD hh:mm:ss" in the column's zone, like an upstream export.
		if err := enc.Encode(map[string]any{
			"id": r.ID, "procedure_code": r.ProcedureCode, "unit_code": r.UnitCode, "ward_code": r.WardCode,
			"channel": r.Channel, "status": r.Status, "received_at": r.ReceivedAt.Format(time.DateTime),
			"due_at": r.DueAt.Format(time.DateTime), "fee_vnd": r.FeeVND, "paid_online": r.PaidOnline, "title": r.Title,
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var ours, raw time.Duration
	for i := 0; i < b.N; i++ {
		for _, q := range []string{"DROP TABLE IF EXISTS bench", benchDDL} {
			if err := db.Exec(ctx, q, nil); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		if err := db.Insert(ctx, "bench", rows); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)

		if err := db.Exec(ctx, "TRUNCATE TABLE bench", nil); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := db.Exec(ctx, "INSERT INTO bench FORMAT JSONEachRow\n"+ndjson.String(), nil); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(start)
	}
	var count []uint64
	if err := db.Query(ctx, &count, "SELECT count() FROM bench", nil); err != nil || count[0] != n {
		b.Fatalf("count = %v, err %v; want %d", count, err, n)
	}
	oursRate := float64(n*b.N) / ours.Seconds()
	rawRate := float64(n*b.N) / raw.Seconds()
	b.ReportMetric(oursRate, "rows/s")
	b.ReportMetric(rawRate, "raw_jsoneachrow_rows/s")
	b.ReportMetric(oursRate/rawRate, "ratio")
	b.Logf("engine=%s rows=%d store.Insert %.0f rows/s; engine INSERT FORMAT JSONEachRow %.0f rows/s; ratio %.2fx",
		storetest.Engine(), n, oursRate, rawRate, oursRate/rawRate)
}
