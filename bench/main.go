// Command bench is the overview benchmark of DESIGN §7 (`make bench`): it loads simulated data
// into an embedded engine (through `govpulse simulate`, so through the real pipeline), then times
// every panel of a leader's overview warm — the analytics functions, which read the rollups — and
// the same numbers computed by plain SQL over the base tables (sql/queries/bench_*.sql, what a BI
// tool would send), and prints per panel the warm medians, their ratio, the targets (≤ 100 ms,
// ≥ 10× faster) and any disagreement between the two answers.
//
//	go run ./bench -data ./bench-data -scale 4 -days 365
//
// DESIGN §7 asks for 50M dossiers, 5M petitions and 20M posts; scale 1.0 over 365 days is a year
// of Ho Chi Minh City (1.2M dossiers, 176k petitions, 500k posts). A panel whose analytics
// function is not built yet answers "not built" and is skipped, so the driver runs before and
// after the analytics work lands. The 766 ranking, the KPIs and the series keep a result cache
// valid while their source partitions are unchanged (analytics/resultcache.go): their warm runs
// are cache hits, so they are also timed cold (cache emptied before every run, what the first
// view after new data costs), and the cold answer is checked against the cached one. The base
// side of a KPI panel computes every number the panel shows (petitions: backlog and overdue at
// the period end over the whole history, quantiles, ratings too) and each is checked. -panels
// runs a subset of the panels.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// Targets of DESIGN §7.
const (
	targetMillis = 100
	targetRatio  = 10
)

type options struct {
	data, bin, start, lib string
	panels                []string // name filters: a panel runs when its name contains one (none: all)
	scale                 float64
	days, reps, baseReps  int
}

// loadInfo is written next to the data (bench.json) so that a second run on the same settings
// reuses it instead of loading again.
type loadInfo struct {
	Scale       float64 `json:"scale"`
	Days        int     `json:"days"`
	Start       string  `json:"start"`
	LoadSeconds float64 `json:"load_seconds"`
}

func main() {
	var o options
	flag.StringVar(&o.data, "data", "./bench-data", "data directory of the embedded engine (loaded once per -scale/-days/-start, then reused)")
	flag.StringVar(&o.bin, "bin", "bin/govpulse", "govpulse binary that loads the data (govpulse simulate)")
	flag.Float64Var(&o.scale, "scale", 2, "simulator volume: 1.0 over 365 days ≈ 1.2M dossiers, 176k petitions, 500k posts (DESIGN §7's 50M dossiers ≈ scale 42)")
	flag.IntVar(&o.days, "days", 365, "days of history to load")
	flag.StringVar(&o.start, "start", "", "first day YYYY-MM-DD (default: -days before the first day of the current month, so the last month is complete)")
	flag.IntVar(&o.reps, "reps", 9, "warm runs per panel (the median is reported)")
	flag.IntVar(&o.baseReps, "base-reps", 3, "warm runs per base-table query")
	flag.StringVar(&o.lib, "chdb-lib", os.Getenv("GOVPULSE_CHDB_LIB"), "libchdb.so (env GOVPULSE_CHDB_LIB)")
	var panels string
	flag.StringVar(&panels, "panels", "", "comma-separated name filters: run only the panels whose name contains one of them (e.g. \"dossier KPIs,petition KPIs\"; a cold panel runs with its warm one); default all")
	flag.Parse()
	for _, f := range strings.Split(panels, ",") {
		if f = strings.TrimSpace(f); f != "" {
			o.panels = append(o.panels, f)
		}
	}
	if err := run(context.Background(), o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, w io.Writer) error {
	if o.scale <= 0 || o.days <= 0 || o.reps <= 0 || o.baseReps <= 0 {
		return errors.New("-scale, -days, -reps and -base-reps must be positive")
	}
	start, err := startDay(o)
	if err != nil {
		return err
	}
	info, err := load(o, start, w)
	if err != nil {
		return err
	}
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: o.data, LibPath: o.lib})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := printVolumes(ctx, db, w); err != nil {
		return err
	}
	end := start.AddDate(0, 0, o.days)
	b := &bench{db: db, o: o, w: w}
	b.panels(ctx, end)
	fmt.Fprintf(w, "\nloaded in %.0f s (scale %g, %d days from %s); warm medians of %d runs (base-table SQL: %d)\n",
		info.LoadSeconds, info.Scale, info.Days, info.Start, o.reps, o.baseReps)
	b.report()
	return nil
}

func startDay(o options) (time.Time, error) {
	if o.start != "" {
		t, err := time.ParseInLocation(time.DateOnly, o.start, models.Location)
		if err != nil {
			return time.Time{}, fmt.Errorf("-start: want YYYY-MM-DD, got %q", o.start)
		}
		return t, nil
	}
	now := time.Now().In(models.Location)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, models.Location)
	return first.AddDate(0, 0, -o.days), nil
}

// load seeds the data directory with govpulse simulate unless bench.json says it already holds
// the same load.
func load(o options, start time.Time, w io.Writer) (loadInfo, error) {
	want := loadInfo{Scale: o.scale, Days: o.days, Start: start.Format(time.DateOnly)}
	marker := filepath.Join(o.data, "bench.json")
	if raw, err := os.ReadFile(marker); err == nil {
		var have loadInfo
		if json.Unmarshal(raw, &have) == nil && have.Scale == want.Scale && have.Days == want.Days && have.Start == want.Start {
			fmt.Fprintf(w, "reusing %s (scale %g, %d days from %s, loaded in %.0f s)\n", o.data, have.Scale, have.Days, have.Start, have.LoadSeconds)
			// Data loaded by an older binary gets this binary's schema (new rollups back-fill).
			return have, govpulse(o, w, "migrate", "--data", o.data, "--log-level", "warn")
		}
		return loadInfo{}, fmt.Errorf("%s holds another load (%s); remove it or pass another -data", o.data, strings.TrimSpace(string(raw)))
	} else if entries, _ := os.ReadDir(o.data); len(entries) > 0 {
		return loadInfo{}, fmt.Errorf("%s is not empty and has no bench.json; pass an empty or new -data", o.data)
	}
	fmt.Fprintf(w, "loading scale %g, %d days from %s into %s …\n", o.scale, o.days, want.Start, o.data)
	t0 := time.Now()
	if err := govpulse(o, w, "simulate", "--data", o.data, "--scale", fmt.Sprint(o.scale),
		"--days", fmt.Sprint(o.days), "--start", want.Start, "--log-level", "warn"); err != nil {
		return loadInfo{}, err
	}
	want.LoadSeconds = time.Since(t0).Seconds()
	raw, _ := json.Marshal(want)
	return want, os.WriteFile(marker, raw, 0o644)
}

// govpulse runs the govpulse binary with args, its output to w.
func govpulse(o options, w io.Writer, args ...string) error {
	cmd := exec.Command(o.bin, args...)
	cmd.Stdout, cmd.Stderr = w, os.Stderr
	if o.lib != "" {
		cmd.Env = append(os.Environ(), "GOVPULSE_CHDB_LIB="+o.lib)
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", o.bin, args[0], err)
	}
	return nil
}

func printVolumes(ctx context.Context, db store.DB, w io.Writer) error {
	var rows []struct {
		Table string `ch:"table"`
		Rows  uint64 `ch:"rows"`
		Bytes uint64 `ch:"bytes"`
	}
	err := db.Query(ctx, &rows, `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts
		WHERE database = currentDatabase() AND active GROUP BY table ORDER BY table`, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "table rows (before FINAL) and size:")
	for _, r := range rows {
		if r.Rows > 0 {
			fmt.Fprintf(w, "  %-24s %12d rows %9.1f MB\n", r.Table, r.Rows, float64(r.Bytes)/1e6)
		}
	}
	return nil
}

// result is one panel's measurement.
type result struct {
	name       string
	fast, base time.Duration // medians; 0 when not measured
	note       string
	mismatches []string
}

type bench struct {
	db      store.DB
	o       options
	w       io.Writer
	results []result
	skipped bool // the last panel was left out by -panels (so is its cold measurement)
}

// selected reports whether -panels lets the panel name run.
func (b *bench) selected(name string) bool {
	if len(b.o.panels) == 0 {
		return true
	}
	for _, f := range b.o.panels {
		if strings.Contains(name, f) {
			return true
		}
	}
	return false
}

// timeIt runs fn once to warm up, then reps times, and returns the median duration.
func timeIt(reps int, fn func() error) (time.Duration, error) {
	if err := fn(); err != nil {
		return 0, err
	}
	ds := make([]time.Duration, 0, reps)
	for range reps {
		t0 := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

func (b *bench) query(ctx context.Context, name string, params store.Params, dest any) error {
	text, err := sqlfiles.Query(name)
	if err != nil {
		return err
	}
	return b.db.Query(ctx, dest, text, params)
}

// panel measures one panel: fast is the analytics call, base the base-table SQL; check compares
// their last answers (called after both ran) and returns disagreements.
func (b *bench) panel(name string, fast, base func() error, check func() []string) {
	if b.skipped = !b.selected(name); b.skipped {
		return
	}
	r := result{name: name}
	var err error
	if r.fast, err = timeIt(b.o.reps, fast); err != nil {
		r.fast = 0
		if strings.Contains(err.Error(), "not built") {
			r.note = "not built"
		} else {
			r.note = "error: " + err.Error()
		}
	}
	if base != nil {
		if r.base, err = timeIt(b.o.baseReps, base); err != nil {
			r.base = 0
			r.note = strings.TrimSpace(r.note + " base error: " + err.Error())
		}
	}
	if r.fast > 0 && r.base > 0 && check != nil {
		r.mismatches = check()
	}
	fmt.Fprintf(b.w, "measured %-34s %s\n", name, r.line())
	b.results = append(b.results, r)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r result) line() string {
	fast, base, ratio, verdict := "-", "-", "-", r.note
	if r.fast > 0 {
		fast = fmt.Sprintf("%.1f", ms(r.fast))
	}
	if r.base > 0 {
		base = fmt.Sprintf("%.1f", ms(r.base))
	}
	if r.fast > 0 && r.base > 0 {
		x := float64(r.base) / float64(r.fast)
		ratio = fmt.Sprintf("%.1f×", x)
		var miss []string
		if ms(r.fast) > targetMillis {
			miss = append(miss, fmt.Sprintf("> %d ms", targetMillis))
		}
		if x < targetRatio {
			miss = append(miss, fmt.Sprintf("< %d×", targetRatio))
		}
		if len(miss) == 0 {
			verdict = "ok"
		} else {
			verdict = "MISS " + strings.Join(miss, ", ")
		}
	} else if r.fast > 0 && r.note == "" {
		verdict = "ok"
		if ms(r.fast) > targetMillis {
			verdict = fmt.Sprintf("MISS > %d ms", targetMillis)
		}
	}
	if len(r.mismatches) > 0 {
		verdict += fmt.Sprintf("; %d MISMATCHES", len(r.mismatches))
	}
	return fmt.Sprintf("%10s %10s %8s  %s", fast, base, ratio, verdict)
}

func (b *bench) report() {
	fmt.Fprintf(b.w, "\n%-34s %10s %10s %8s  %s\n", "panel", "fast ms", "base ms", "ratio", "verdict")
	for _, r := range b.results {
		fmt.Fprintf(b.w, "%-34s %s\n", r.name, r.line())
	}
	for _, r := range b.results {
		for _, m := range r.mismatches {
			fmt.Fprintf(b.w, "MISMATCH %s: %s\n", r.name, m)
		}
	}
}

// lastFullMonth is the last calendar month that ends on or before end.
func lastFullMonth(end time.Time) models.Period {
	last := end.AddDate(0, 0, -1)
	if last.AddDate(0, 0, 1).Day() != 1 {
		last = time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, models.Location).AddDate(0, 0, -1)
	}
	p, _ := models.ParsePeriod(last.Format("2006-01"))
	return p
}

func lastDays(end time.Time, n int) models.Period {
	p, _ := models.DateRange(end.AddDate(0, 0, -n), end.AddDate(0, 0, -1))
	return p
}

func (b *bench) panels(ctx context.Context, end time.Time) {
	month := lastFullMonth(end)
	days30, days7 := lastDays(end, 30), lastDays(end, 7)
	fmt.Fprintf(b.w, "\npanels: month %s, series %s, alerts %s\n%-34s %10s %10s %8s  %s\n",
		month, days30, days7, "", "fast ms", "base ms", "ratio", "verdict")
	periods := [3]models.Period{month, month.Previous(), month.SameLastYear()}
	bounds := func(p models.Period) store.Params { return store.Params{"from": p.From, "to": p.To} }

	// Dossier KPIs: the current, previous and last-year figures, as DossierKPIs computes them.
	var kpis []analytics.KPI
	// kpiCold times a KPI panel with the result cache emptied before each run (the satisfaction
	// parts read the latest-state tables FINAL through it, analytics/resultcache.go): what the
	// first view after new data costs. Its answer must equal the warm one.
	kpiCold := func(name string, fn func() ([]analytics.KPI, error)) {
		warm := kpis
		var cold []analytics.KPI
		b.coldPanel(name, func() (err error) {
			analytics.ResetResultCache()
			cold, err = fn()
			return
		}, func() []string {
			if !reflect.DeepEqual(warm, cold) {
				return []string{"the cached KPIs differ from the ones read cold"}
			}
			return nil
		})
	}
	type intake struct {
		Received uint64 `ch:"received"`
		Online   uint64 `ch:"online"`
	}
	type outcome struct {
		Ended      uint64 `ch:"ended"`
		OnTime     uint64 `ch:"on_time"`
		Early      uint64 `ch:"early"`
		FeeBearing uint64 `ch:"fee_bearing"`
		PaidOnline uint64 `ch:"paid_online"`
		Digitized  uint64 `ch:"digitized"`
		EResult    uint64 `ch:"e_result"`
	}
	var in [3][]intake
	var out [3][]outcome
	b.panel("dossier KPIs (month, 3 periods)",
		func() (err error) { kpis, err = analytics.DossierKPIs(ctx, b.db, month, analytics.Scope{}); return },
		func() error {
			for i, p := range periods {
				in[i], out[i] = nil, nil
				if err := b.query(ctx, "bench_dossier_intake", bounds(p), &in[i]); err != nil {
					return err
				}
				if err := b.query(ctx, "bench_dossier_outcome", bounds(p), &out[i]); err != nil {
					return err
				}
			}
			return nil
		},
		func() []string {
			var m []string
			for i := range periods {
				x, y := in[i][0], out[i][0]
				m = append(m, compareKPIs(kpis, i, map[string]float64{
					analytics.KeyDossiersReceived:   float64(x.Received),
					analytics.KeyDossiersEnded:      float64(y.Ended),
					analytics.KeyDossiersEndedEarly: float64(y.Early),
					analytics.KeyDossiersEndedLate:  float64(y.Ended - y.OnTime),
				}, map[string][2]float64{
					analytics.KeyDossierOnTimeRate:     {float64(y.OnTime), float64(y.Ended)},
					analytics.KeyDossierOnlineShare:    {float64(x.Online), float64(x.Received)},
					analytics.KeyDossierOnlinePayShare: {float64(y.PaidOnline), float64(y.FeeBearing)},
					analytics.KeyDossierDigitizedShare: {float64(y.Digitized), float64(y.Ended)},
					analytics.KeyDossierEResultShare:   {float64(y.EResult), float64(y.Ended)},
				})...)
			}
			return m
		})
	kpiCold("dossier KPIs (month, 3 periods) cold", func() ([]analytics.KPI, error) {
		return analytics.DossierKPIs(ctx, b.db, month, analytics.Scope{})
	})

	// Petition KPIs: every number of the panel, the base side computing them all (backlog and
	// overdue at the period end over the whole history, quantiles, ratings).
	type petitions struct {
		Received  uint64 `ch:"received"`
		Backlog   uint64 `ch:"backlog"`
		Overdue   uint64 `ch:"overdue"`
		Rated     uint64 `ch:"rated"`
		Satisfied uint64 `ch:"satisfied"`
		Closed    uint64 `ch:"closed"`
		OnTime    uint64 `ch:"on_time"`
		Forwarded uint64 `ch:"forwarded"`
		InSLA     uint64 `ch:"in_sla"`
		Median    uint64 `ch:"median_hours"`
		P90       uint64 `ch:"p90_hours"`
		Reopened  uint64 `ch:"reopened"`
	}
	var pet [3][]petitions
	b.panel("petition KPIs (month, 3 periods)",
		func() (err error) { kpis, err = analytics.PetitionKPIs(ctx, b.db, month, analytics.Scope{}); return },
		func() error {
			for i, p := range periods {
				pet[i] = nil
				params := bounds(p)
				params["sla"] = int64(analytics.DefaultForwardSLAMinutes)
				if err := b.query(ctx, "bench_petition_kpis", params, &pet[i]); err != nil {
					return err
				}
			}
			return nil
		},
		func() []string {
			var m []string
			for i := range periods {
				x := pet[i][0]
				m = append(m, compareKPIs(kpis, i, map[string]float64{
					analytics.KeyPetitionsReceived: float64(x.Received),
					analytics.KeyPetitionsClosed:   float64(x.Closed),
					analytics.KeyPetitionsBacklog:  float64(x.Backlog),
					analytics.KeyPetitionsOverdue:  float64(x.Overdue),
				}, map[string][2]float64{
					analytics.KeyPetitionOnTimeRate:     {float64(x.OnTime), float64(x.Closed)},
					analytics.KeyPetitionForwardedInSLA: {float64(x.InSLA), float64(x.Forwarded)},
					analytics.KeyPetitionReopenRate:     {float64(min(x.Reopened, x.Closed)), float64(x.Closed)},
					analytics.KeyPetitionSatisfaction:   {float64(x.Satisfied), float64(x.Rated)},
				})...)
				median, p90 := float64(x.Median)/24, float64(x.P90)/24
				if x.Closed == 0 {
					median, p90 = math.NaN(), math.NaN()
				}
				m = append(m, compareNumbers(kpis, i, map[string]float64{
					analytics.KeyPetitionResolveMedian: median,
					analytics.KeyPetitionResolveP90:    p90,
				})...)
			}
			return m
		})
	kpiCold("petition KPIs (month, 3 periods) cold", func() ([]analytics.KPI, error) {
		return analytics.PetitionKPIs(ctx, b.db, month, analytics.Scope{})
	})

	// Post KPIs: volume, tone and engagement-weighted tone.
	type posts struct {
		Posts    uint64  `ch:"posts"`
		Negative uint64  `ch:"negative"`
		Positive uint64  `ch:"positive"`
		Weight   uint64  `ch:"weight"`
		Weighted float64 `ch:"weighted"`
	}
	var pst [3][]posts
	b.panel("post KPIs (month, 3 periods)",
		func() (err error) { kpis, err = analytics.PostKPIs(ctx, b.db, month, analytics.Scope{}); return },
		func() error {
			for i, p := range periods {
				pst[i] = nil
				if err := b.query(ctx, "bench_post_kpis", bounds(p), &pst[i]); err != nil {
					return err
				}
			}
			return nil
		},
		func() []string {
			var m []string
			for i := range periods {
				x := pst[i][0]
				m = append(m, compareKPIs(kpis, i, map[string]float64{
					analytics.KeyPostsVolume: float64(x.Posts),
				}, map[string][2]float64{
					analytics.KeyPostNegativeShare: {float64(x.Negative), float64(x.Posts)},
				})...)
				m = append(m, compareNumbers(kpis, i, map[string]float64{
					analytics.KeyPostNetSentiment:    (float64(x.Positive) - float64(x.Negative)) / float64(x.Posts),
					analytics.KeyPostEngagementScore: x.Weighted / float64(x.Weight),
				})...)
			}
			return m
		})
	kpiCold("post KPIs (month, 3 periods) cold", func() ([]analytics.KPI, error) {
		return analytics.PostKPIs(ctx, b.db, month, analytics.Scope{})
	})

	// Series: 30 days of received dossiers and petitions and of posts, by day.
	metrics := []string{analytics.KeyDossiersReceived, analytics.KeyPetitionsReceived, analytics.KeyPostsVolume}
	series := make([]analytics.Series, len(metrics))
	var daily []struct {
		Stream string    `ch:"stream"`
		Day    time.Time `ch:"day"`
		N      uint64    `ch:"n"`
	}
	b.panel("series (30 days × 3 streams, by day)",
		func() error {
			for i, m := range metrics {
				s, err := analytics.SeriesOf(ctx, b.db, m, days30, analytics.GrainDay, analytics.Scope{})
				if err != nil {
					return err
				}
				series[i] = s
			}
			return nil
		},
		func() error { daily = nil; return b.query(ctx, "bench_series_daily", bounds(days30), &daily) },
		func() []string {
			want := map[string]uint64{}
			for _, d := range daily {
				want[d.Stream+" "+d.Day.Format(time.DateOnly)] = d.N
			}
			var m []string
			for i, s := range series {
				for _, pt := range s.Points {
					key := metrics[i] + " " + pt.Start.In(models.Location).Format(time.DateOnly)
					var got uint64
					if pt.Value.Count != nil {
						got = *pt.Value.Count
					}
					if got != want[key] {
						m = append(m, fmt.Sprintf("%s: rollup %d, base %d", key, got, want[key]))
					}
				}
			}
			return m
		})

	b.coldPanel("series (30 days × 3 streams, by day) cold", func() error {
		analytics.ResetResultCache()
		for _, m := range metrics {
			if _, err := analytics.SeriesOf(ctx, b.db, m, days30, analytics.GrainDay, analytics.Scope{}); err != nil {
				return err
			}
		}
		return nil
	}, func() []string { return nil })

	// Alerts and hotspots of the last 7 days; the base side reads the inputs only.
	var inputs []struct {
		Kind string    `ch:"kind"`
		A    string    `ch:"a"`
		B    string    `ch:"b"`
		Day  time.Time `ch:"day"`
		N    uint64    `ch:"n"`
	}
	alertBase := func() error { inputs = nil; return b.query(ctx, "bench_alert_inputs", bounds(days7), &inputs) }
	b.panel("alerts (7 days)", func() error { _, err := analytics.DetectAlerts(ctx, b.db, days7, analytics.Scope{}); return err }, alertBase, nil)
	b.panel("hotspots (7 days)", func() error { _, err := analytics.Hotspots(ctx, b.db, days7, analytics.Scope{}); return err }, alertBase, nil)

	// Rankings of the month, both levels. The base side computes the ratios Rankings takes from
	// the rollups from the base tables, and the rest with the same dossiers FINAL query.
	type rankBase struct {
		Unit       string `ch:"unit_code"`
		Received   uint64 `ch:"received"`
		Online     uint64 `ch:"online"`
		Ended      uint64 `ch:"ended"`
		EResult    uint64 `ch:"e_result"`
		Digitized  uint64 `ch:"digitized"`
		FeeBearing uint64 `ch:"fee_bearing"`
		PaidOnline uint64 `ch:"paid_online"`
		Closed     uint64 `ch:"closed"`
		OnTime     uint64 `ch:"on_time"`
	}
	var rb, prevRB []rankBase
	rankingBase := func() error {
		rb, prevRB = nil, nil
		if err := b.query(ctx, "bench_rank_base", bounds(month), &rb); err != nil {
			return err
		}
		if err := b.query(ctx, "bench_rank_base", bounds(month.Previous()), &prevRB); err != nil {
			return err
		}
		// What Rankings reads from dossiers FINAL and petitions FINAL in any case.
		for _, p := range []models.Period{month, month.Previous()} {
			var rows []struct {
				Unit             string    `ch:"unit_code"`
				Received         uint64    `ch:"received"`
				OnTrack          uint64    `ch:"on_track"`
				Rated            uint64    `ch:"rated"`
				Dissatisfied     uint64    `ch:"dissatisfied"`
				Synced           uint64    `ch:"synced"`
				SyncJudged       uint64    `ch:"sync_judged"`
				Procedures       uint64    `ch:"procedures"`
				ProceduresOnline uint64    `ch:"procedures_online"`
				OnlineWithOnline uint64    `ch:"online_with_online"`
				NextDue          time.Time `ch:"next_due"`
				NextEnd          time.Time `ch:"next_end"`
			}
			if err := b.query(ctx, "rank_dossiers", store.Params{"from": p.From, "to": p.To, "judged_at": p.To,
				"sync_seconds": int64(analytics.SyncLag / time.Second)}, &rows); err != nil {
				return err
			}
		}
		return nil
	}
	for _, level := range []analytics.Level{analytics.LevelUnit, analytics.LevelWard} {
		var rk analytics.Ranking
		b.panel(fmt.Sprintf("ranking 766 (month, %s)", level),
			func() (err error) { rk, err = analytics.Rankings(ctx, b.db, nil, level, month); return },
			rankingBase,
			func() []string {
				var m []string
				for _, x := range rb {
					var row *analytics.RankingRow
					for i := range rk.Rows {
						if rk.Rows[i].Code == x.Unit {
							row = &rk.Rows[i]
						}
					}
					if row == nil {
						continue // a unit of the other level
					}
					want := map[string]analytics.Ratio{
						"ho_so_truc_tuyen":      {Num: float64(x.Online), Den: float64(x.Received)},
						"ket_qua_dien_tu":       {Num: float64(x.EResult), Den: float64(x.Ended)},
						"so_hoa_ho_so":          {Num: float64(x.Digitized), Den: float64(x.Ended)},
						"thanh_toan_truc_tuyen": {Num: float64(x.PaidOnline), Den: float64(x.FeeBearing)},
						"pakn_dung_han":         {Num: float64(x.OnTime), Den: float64(x.Closed)},
					}
					codes := make([]string, 0, len(want))
					for c := range want {
						codes = append(codes, c)
					}
					sort.Strings(codes)
					for _, c := range codes {
						if got := row.Ratios[c]; got != want[c] {
							m = append(m, fmt.Sprintf("%s %s: rollup %v/%v, base %v/%v", x.Unit, c, got.Num, got.Den, want[c].Num, want[c].Den))
						}
					}
				}
				return m
			})
		// The warm runs above are hits of the ranking's result cache (unchanged data); cold is
		// the same call with the cache emptied before each run, what the first view after new
		// data costs. Its base is the warm panel's.
		var cold analytics.Ranking
		b.coldPanel(fmt.Sprintf("ranking 766 (month, %s) cold", level), func() (err error) {
			analytics.ResetRankingCache()
			cold, err = analytics.Rankings(ctx, b.db, nil, level, month)
			return
		}, func() []string {
			// The cached answer must be the engine's: the same rows as the last cold run.
			if !reflect.DeepEqual(rk.Rows, cold.Rows) || rk.Version != cold.Version {
				return []string{"the cached ranking differs from the one read cold"}
			}
			return nil
		})
	}
}

// coldPanel measures fast like panel, against the base time of the panel measured just before
// (the same base-table SQL, not run again); check reports disagreements.
func (b *bench) coldPanel(name string, fast func() error, check func() []string) {
	if b.skipped {
		return
	}
	r := result{name: name}
	if n := len(b.results); n > 0 {
		r.base = b.results[n-1].base
	}
	var err error
	if r.fast, err = timeIt(b.o.reps, fast); err != nil {
		r.fast, r.note = 0, "error: "+err.Error()
	}
	if r.fast > 0 {
		r.mismatches = check()
	}
	fmt.Fprintf(b.w, "measured %-34s %s\n", name, r.line())
	b.results = append(b.results, r)
}

// compareNumbers checks the figures of period i of kpis that are quantities or scores against
// base-table values, to a relative 1e-9 (float sums in another order); NaN wants N/A.
func compareNumbers(kpis []analytics.KPI, i int, want map[string]float64) []string {
	label := [3]string{"current", "previous", "last year"}[i]
	var m []string
	for _, k := range kpis {
		w, ok := want[k.Key]
		if !ok {
			continue
		}
		got := [3]analytics.Value{k.Current, k.Previous, k.LastYear}[i].Number()
		if math.IsNaN(w) { // no cases: N/A
			if got != nil {
				m = append(m, fmt.Sprintf("%s %s: rollup %v, base N/A", k.Key, label, *got))
			}
			continue
		}
		if got == nil || math.Abs(*got-w) > 1e-9*math.Max(1, math.Abs(w)) {
			m = append(m, fmt.Sprintf("%s %s: rollup %v, base %v", k.Key, label, got, w))
		}
	}
	return m
}

// compareKPIs checks the figures of period i (0 current, 1 previous, 2 last year) of kpis against
// base-table counts and rates (num, den).
func compareKPIs(kpis []analytics.KPI, i int, counts map[string]float64, rates map[string][2]float64) []string {
	label := [3]string{"current", "previous", "last year"}[i]
	var m []string
	for _, k := range kpis {
		v := [3]analytics.Value{k.Current, k.Previous, k.LastYear}[i]
		if want, ok := counts[k.Key]; ok && v.Count != nil && float64(*v.Count) != want {
			m = append(m, fmt.Sprintf("%s %s: rollup %d, base %v", k.Key, label, *v.Count, want))
		}
		if want, ok := rates[k.Key]; ok && v.Rate != nil && (v.Rate.Num != want[0] || v.Rate.Den != want[1]) {
			m = append(m, fmt.Sprintf("%s %s: rollup %v/%v, base %v/%v", k.Key, label, v.Rate.Num, v.Rate.Den, want[0], want[1]))
		}
	}
	return m
}
