package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// The conformance suite runs the same cases on every engine: the embedded one always, the server
// when GOVPULSE_TEST_CLICKHOUSE_URL is set.
func TestConformanceChDB(t *testing.T) {
	runConformance(t, storetest.OpenChDB)
}

func TestConformanceServer(t *testing.T) {
	url := os.Getenv("GOVPULSE_TEST_CLICKHOUSE_URL")
	if url == "" {
		t.Skip("GOVPULSE_TEST_CLICKHOUSE_URL not set: server run of the conformance suite skipped")
	}
	runConformance(t, func(tb testing.TB) store.DB { return storetest.OpenServer(tb, url) })
}

type typedRow struct {
	ID       uint64    `ch:"id"`
	At       time.Time `ch:"at"`
	Day      time.Time `ch:"day"`
	Note     *string   `ch:"note"`
	Ward     string    `ch:"ward"`
	Status   string    `ch:"status"`
	Tags     []string  `ch:"tags"`
	Count    uint64    `ch:"count"`
	Score    float64   `ch:"score"`
	Text     string    `ch:"text"`
	Ignored  string    `ch:"-"`
	internal int
}

const typedDDL = `CREATE TABLE typed (
	id UInt64,
	at DateTime('Asia/Ho_Chi_Minh'),
	day Date,
	note Nullable(String),
	ward LowCardinality(String),
	status Enum8('received' = 1, 'completed' = 2),
	tags Array(String),
	count UInt64,
	score Float64,
	text String
) ENGINE = MergeTree ORDER BY id`

func runConformance(t *testing.T, open func(testing.TB) store.DB) {
	ctx := context.Background()

	t.Run("types round trip", func(t *testing.T) {
		db := open(t)
		mustExec(t, db, typedDDL)
		note := "ghi chú"
		at := time.Date(2025, 10, 1, 8, 30, 15, 0, store.Location)
		in := []typedRow{
			{ID: 1, At: at, Day: time.Date(2025, 10, 1, 0, 0, 0, 0, store.Location), Note: &note, Ward: "26734",
				Status: "completed", Tags: []string{"ngập", "đường"}, Count: 1 << 40, Score: -0.75,
				Text: "Phường Bến Thành: đường ngập sau mưa, người dân rất bức xúc 😡"},
			{ID: 2, At: at.Add(time.Hour), Day: time.Date(2025, 10, 2, 0, 0, 0, 0, store.Location), Ward: "26737",
				Status: "received", Tags: []string{}, Count: 0, Score: 0.5, Text: ""},
		}
		if err := db.Insert(ctx, "typed", in); err != nil {
			t.Fatal(err)
		}
		var out []typedRow
		if err := db.Query(ctx, &out, "SELECT * FROM typed ORDER BY id", nil); err != nil {
			t.Fatal(err)
		}
		if len(out) != 2 {
			t.Fatalf("got %d rows, want 2", len(out))
		}
		got, want := out[0], in[0]
		if !got.At.Equal(want.At) || got.At.Location().String() != store.TimeZone {
			t.Errorf("at = %v (%s), want %v in %s", got.At, got.At.Location(), want.At, store.TimeZone)
		}
		if got.Day.Format("2006-01-02") != "2025-10-01" {
			t.Errorf("day = %v, want 2025-10-01", got.Day)
		}
		if got.Note == nil || *got.Note != note || out[1].Note != nil {
			t.Errorf("nullable note = %v / %v, want %q / nil", got.Note, out[1].Note, note)
		}
		if got.Ward != want.Ward || got.Status != want.Status || got.Count != want.Count || got.Score != want.Score || got.Text != want.Text {
			t.Errorf("row = %+v, want %+v", got, want)
		}
		if strings.Join(got.Tags, ",") != "ngập,đường" || len(out[1].Tags) != 0 {
			t.Errorf("tags = %q / %q", got.Tags, out[1].Tags)
		}
		// The session time zone is Asia/Ho_Chi_Minh: wall-clock text and day boundaries are local.
		var local []struct {
			Text string    `ch:"text"`
			Day  time.Time `ch:"day"`
			TZ   string    `ch:"tz"`
		}
		if err := db.Query(ctx, &local, "SELECT toString(at) AS text, toDate(at) AS day, timezone() AS tz FROM typed WHERE id = 1", nil); err != nil {
			t.Fatal(err)
		}
		if local[0].Text != "2025-10-01 08:30:15" || local[0].TZ != store.TimeZone {
			t.Errorf("local text = %q tz = %q, want 2025-10-01 08:30:15 in %s", local[0].Text, local[0].TZ, store.TimeZone)
		}
	})

	t.Run("bound parameters", func(t *testing.T) {
		db := open(t)
		hostile := "x'); DROP TABLE typed; --\\ \t\nđ"
		var out []struct {
			S   string    `ch:"s"`
			T   time.Time `ch:"t"`
			N   uint64    `ch:"n"`
			Arr []string  `ch:"arr"`
			F   float64   `ch:"f"`
		}
		at := time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC) // 2026-01-01 06:59:59 in HCMC
		err := db.Query(ctx, &out, "SELECT {s:String} AS s, {t:DateTime} AS t, {n:UInt64} AS n, {arr:Array(String)} AS arr, {f:Float64} AS f",
			store.Params{"s": hostile, "t": at, "n": uint64(18446744073709551615), "arr": []string{"a'b", `c\d`, "Phường 1"}, "f": 0.1})
		if err != nil {
			t.Fatal(err)
		}
		r := out[0]
		if r.S != hostile || !r.T.Equal(at) || r.N != 18446744073709551615 || r.F != 0.1 {
			t.Errorf("got %+v", r)
		}
		if strings.Join(r.Arr, "|") != `a'b|c\d|Phường 1` {
			t.Errorf("arr = %q", r.Arr)
		}
	})

	t.Run("batch insert 100k rows", func(t *testing.T) {
		db := open(t)
		mustExec(t, db, typedDDL)
		rows := make([]typedRow, 100_000)
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, store.Location)
		for i := range rows {
			rows[i] = typedRow{ID: uint64(i + 1), At: base.Add(time.Duration(i) * time.Minute), Day: base,
				Ward: fmt.Sprintf("%05d", 26700+i%168), Status: "received", Count: uint64(i), Score: 1, Text: "hồ sơ"}
		}
		if err := db.Insert(ctx, "typed", rows); err != nil {
			t.Fatal(err)
		}
		var agg []struct {
			N     uint64 `ch:"n"`
			Sum   uint64 `ch:"s"`
			Wards uint64 `ch:"w"`
		}
		if err := db.Query(ctx, &agg, "SELECT count() AS n, sum(count) AS s, uniqExact(ward) AS w FROM typed", nil); err != nil {
			t.Fatal(err)
		}
		if agg[0].N != 100_000 || agg[0].Sum != 99_999*100_000/2 || agg[0].Wards != 168 {
			t.Errorf("got %+v", agg[0])
		}
	})

	t.Run("results of many blocks", func(t *testing.T) {
		db := open(t)
		var nums []uint64
		if err := db.Query(ctx, &nums, "SELECT number FROM numbers(250000) SETTINGS max_block_size = 1000", nil); err != nil {
			t.Fatal(err)
		}
		if len(nums) != 250000 || nums[0] != 0 || nums[249999] != 249999 {
			t.Fatalf("got %d rows, want 250000 in order", len(nums))
		}
		// The read-only path cannot set max_block_size; a wide sort makes the engine emit blocks.
		tab, err := db.QueryReadOnly(ctx, "SELECT number FROM numbers(5000) ORDER BY number DESC", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 5000 || tab.Rows[0][0] != uint64(4999) {
			t.Fatalf("read-only: %d rows, want 5000 from 4999 down", len(tab.Rows))
		}
	})

	t.Run("insert deduplication token", func(t *testing.T) {
		db := open(t)
		mustExec(t, db, typedDDL+" SETTINGS non_replicated_deduplication_window = 100")
		mustExec(t, db, "CREATE TABLE typed_daily (day Date, n UInt64) ENGINE = SummingMergeTree ORDER BY day SETTINGS non_replicated_deduplication_window = 100")
		mustExec(t, db, "CREATE MATERIALIZED VIEW typed_daily_mv TO typed_daily AS SELECT day, count() AS n FROM typed GROUP BY day")
		day := time.Date(2025, 10, 1, 0, 0, 0, 0, store.Location)
		batch := []typedRow{{ID: 1, At: day, Day: day, Status: "received"}, {ID: 2, At: day, Day: day, Status: "received"}}
		for i := 0; i < 3; i++ { // a re-sent batch (same token) is stored once
			if err := db.Insert(ctx, "typed", batch, store.DedupToken("seg-00001:typed")); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Insert(ctx, "typed", batch[:1], store.DedupToken("seg-00002:typed")); err != nil {
			t.Fatal(err)
		}
		var n []uint64
		if err := db.Query(ctx, &n, "SELECT (SELECT count() FROM typed) + 1000 * (SELECT sum(n) FROM typed_daily)", nil); err != nil {
			t.Fatal(err)
		}
		if n[0] != 3003 {
			t.Errorf("base rows + 1000×rollup rows = %d, want 3003 (3 rows, each counted once in the view)", n[0])
		}
		if err := db.Insert(ctx, "typed", batch, store.DedupToken("bad token'")); err == nil {
			t.Error("a token with a quote was accepted")
		}
	})

	t.Run("concurrent queries", func(t *testing.T) {
		db := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 8; i++ {
					var sums []uint64
					n := uint64(1000 * (g + 1) * (i + 1))
					if err := db.Query(ctx, &sums, "SELECT sum(number) FROM numbers({n:UInt64})", store.Params{"n": n}); err != nil {
						errs <- err
						return
					}
					if sums[0] != n*(n-1)/2 {
						errs <- fmt.Errorf("sum(numbers(%d)) = %d", n, sums[0])
						return
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("engine errors carry the engine's message", func(t *testing.T) {
		db := open(t)
		cases := []struct {
			name, query string
			code        int
			contains    string
		}{
			{"syntax", "SELEC 1", 62, "Syntax error"},
			{"unknown table", "SELECT * FROM no_such_table", 60, "no_such_table"},
			{"bad parameter", "SELECT {n:UInt8}", 456, "n"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var out []uint8
				err := db.Query(ctx, &out, c.query, nil)
				var ee *store.EngineError
				if !errors.As(err, &ee) {
					t.Fatalf("err = %v (%T), want *store.EngineError", err, err)
				}
				if ee.Code != c.code || !strings.Contains(ee.Message, c.contains) {
					t.Errorf("got code %d message %q, want code %d containing %q", ee.Code, ee.Message, c.code, c.contains)
				}
			})
		}
	})

	t.Run("read-only queries", func(t *testing.T) {
		db := open(t)
		mustExec(t, db, typedDDL)
		tab, err := db.QueryReadOnly(ctx, "SELECT number AS n, toString(number) AS s FROM numbers(3)", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Columns) != 2 || tab.Columns[0].Name != "n" || tab.Columns[0].Type != "UInt64" || len(tab.Rows) != 3 {
			t.Fatalf("table = %+v", tab)
		}
		if v, ok := tab.Rows[2][0].(uint64); !ok || v != 2 || tab.Rows[2][1] != "2" {
			t.Errorf("row 2 = %#v", tab.Rows[2])
		}
		refused := []struct{ name, query string }{
			{"insert", "INSERT INTO typed (id) VALUES (1)"},
			{"create", "CREATE TABLE evil (a UInt8) ENGINE = Memory"},
			{"drop", "DROP TABLE typed"},
			{"lift readonly", "SELECT 1 SETTINGS readonly = 0"},
			{"lift row limit", "SELECT number FROM numbers(10) SETTINGS max_result_rows = 1000000000"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.QueryReadOnly(ctx, c.query, nil)
				if !store.IsEngineError(err, 164) { // READONLY
					t.Errorf("err = %v, want the engine's READONLY error (164)", err)
				}
			})
		}
		_, err = db.QueryReadOnly(ctx, "SELECT number FROM numbers(1000000)", nil)
		if !store.IsEngineError(err, 396) { // TOO_MANY_ROWS_OR_BYTES
			t.Errorf("row limit: err = %v, want the engine's TOO_MANY_ROWS_OR_BYTES (396)", err)
		}
		var n []uint64
		if err := db.Query(ctx, &n, "SELECT count() FROM typed", nil); err != nil || n[0] != 0 {
			t.Errorf("table changed by a refused write: count = %v, err = %v", n, err)
		}
	})

	t.Run("scan destinations are checked", func(t *testing.T) {
		db := open(t)
		var wrong []struct {
			A uint64 `ch:"a"`
		}
		if err := db.Query(ctx, &wrong, "SELECT 1 AS b", nil); err == nil {
			t.Error("scanning column b into a struct without it succeeded")
		}
		var notSlice uint64
		if err := db.Query(ctx, &notSlice, "SELECT 1", nil); err == nil {
			t.Error("scanning into a non-slice succeeded")
		}
		var empty []uint64
		if err := db.Query(ctx, &empty, "SELECT number FROM numbers(0)", nil); err != nil || len(empty) != 0 {
			t.Errorf("empty result: %v, %v", empty, err)
		}
	})

	t.Run("ping and info", func(t *testing.T) {
		db := open(t)
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		info := db.Info()
		if info.Database == "" || info.Version == "" || (info.Engine != "chdb" && info.Engine != "server") {
			t.Errorf("info = %+v", info)
		}
		if strings.Contains(info.Location, "@") {
			t.Errorf("info location leaks credentials: %q", info.Location)
		}
	})
}

func mustExec(tb testing.TB, db store.DB, query string) {
	tb.Helper()
	if err := db.Exec(context.Background(), query, nil); err != nil {
		tb.Fatalf("exec %q: %v", query, err)
	}
}
