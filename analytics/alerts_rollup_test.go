package analytics_test

import (
	"context"
	"testing"

	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// dueRefSQL is alert_dossier_due computed over the latest-state table (what a BI tool would send):
// dossiers by the local day of due_at and unit, withdrawals left out, late when not ended on
// time (ended_on_time NULL while open), days before the as-of day and today only.
const dueRefSQL = `SELECT toString(toDate(d.due_at)) AS day, d.unit_code AS a, '' AS b,
	countIf(NOT ifNull(d.ended_on_time, false)) AS n, count() AS m
FROM dossiers AS d FINAL
WHERE d.due_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh') AND d.due_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
	AND toDate(d.due_at) < least(toDate({asof:DateTime('Asia/Ho_Chi_Minh')}), today())
	AND d.status != 'withdrawn'
GROUP BY day, a`

// lateRefSQL is alert_drivers_late over the latest-state table.
const lateRefSQL = `SELECT d.unit_code AS unit, d.procedure_code AS code, any(d.procedure_name) AS name, toString(toDate(d.due_at)) AS due,
	countIf(NOT ifNull(d.ended_on_time, false)) AS n
FROM dossiers AS d FINAL
WHERE d.unit_code IN {units:Array(String)} AND d.status != 'withdrawn'
	AND d.due_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh') AND d.due_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
	AND toDate(d.due_at) < today()
GROUP BY unit, code, due
HAVING n > 0`

// TestAlertRollupsEqualBaseTables runs the late-dossier inputs of DetectAlerts
// (alert_dossier_due and alert_drivers_late, on dossier_late_daily of 0013) on simulated data
// stored twice — so that dossiers end, get supplements and are withdrawn after they were first
// seen — and requires them equal to the same numbers computed over dossiers FINAL, for several
// ranges and as-of days and for the busiest units.
func TestAlertRollupsEqualBaseTables(t *testing.T) {
	ctx := context.Background()
	db := kpiSimDB(t)
	type dueRow struct {
		Day string `ch:"day"`
		A   string `ch:"a"`
		B   string `ch:"b"`
		N   uint64 `ch:"n"`
		M   uint64 `ch:"m"`
	}
	query := func(name string) string {
		text, err := sqlfiles.Query(name)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	var late, due uint64
	for _, r := range []struct{ from, to, asof string }{
		{"2025-07-01", "2025-09-08", "2025-09-08 00:00:00"},
		{"2025-07-20", "2025-09-22", "2025-09-15 00:00:00"}, // the first storing's moment, mid-range
		{"2025-08-25", "2025-11-01", "2025-11-01 00:00:00"}, // the last weeks: dossiers still open
	} {
		params := store.Params{"from": r.from, "to": r.to, "asof": r.asof}
		var got, want []dueRow
		if err := db.Query(ctx, &got, query("alert_dossier_due"), params); err != nil {
			t.Fatal(err)
		}
		if err := db.Query(ctx, &want, dueRefSQL, params); err != nil {
			t.Fatal(err)
		}
		byKey := map[string]dueRow{}
		for _, w := range want {
			byKey[w.Day+" "+w.A] = w
			late += w.N
			due += w.M
		}
		if len(got) != len(want) {
			t.Errorf("%v: %d rows from the rollup, %d from dossiers FINAL", r, len(got), len(want))
		}
		for _, g := range got {
			if w := byKey[g.Day+" "+g.A]; g != w {
				t.Errorf("%v: rollup %+v, dossiers FINAL %+v", r, g, w)
			}
		}
	}
	// A comparison of zeros proves little.
	if late < 100 || due < 10*late {
		t.Errorf("%d late of %d due in all ranges: the simulation is too small to compare", late, due)
	}

	// The drivers of the busiest units, as one detection reads them.
	var units []string
	if err := db.Query(ctx, &units, `SELECT unit_code FROM dossiers FINAL WHERE received_at >= '2025-07-01 00:00:00'
		GROUP BY unit_code ORDER BY count() DESC, unit_code LIMIT 4`, nil); err != nil || len(units) != 4 {
		t.Fatalf("busiest units: %v (%v)", units, err)
	}
	// Both answers keyed by unit, procedure and due day (the rollup's name of the procedure too).
	keyed := func(q string) string {
		return "SELECT concat(unit, ' ', code, ' ', due) AS k, n, name FROM (" + q + ")"
	}
	type keyedRow struct {
		K    string `ch:"k"`
		N    uint64 `ch:"n"`
		Name string `ch:"name"`
	}
	params := store.Params{"units": units, "bfrom": "2025-07-01", "to": "2025-10-20"}
	var got, want []keyedRow
	if err := db.Query(ctx, &got, keyed(query("alert_drivers_late")), params); err != nil {
		t.Fatal(err)
	}
	if err := db.Query(ctx, &want, keyed(lateRefSQL), params); err != nil {
		t.Fatal(err)
	}
	byKey, names := map[string]uint64{}, map[string]string{}
	var n uint64
	for _, w := range want {
		byKey[w.K], names[w.K] = w.N, w.Name
		n += w.N
	}
	if len(got) != len(want) || n < 20 {
		t.Errorf("drivers: %d rows from the rollup, %d from dossiers FINAL (%d late dossiers)", len(got), len(want), n)
	}
	for _, g := range got {
		if g.N != byKey[g.K] || g.Name == "" || g.Name != names[g.K] {
			t.Errorf("drivers: rollup %+v, dossiers FINAL %d late (%s)", g, byKey[g.K], names[g.K])
		}
	}
}
