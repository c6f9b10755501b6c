package analytics

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// Severity grades an alert or hotspot; leaders see critical first.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

// Alert kinds: what was detected where.
const (
	AlertPetitionSurge = "petition_surge" // petitions of a ward × category above baseline
	AlertNegativePosts = "negative_posts" // negative posts of a ward × topic above baseline
	AlertOverdueSurge  = "overdue_surge"  // late/overdue dossiers of a unit above baseline
	AlertIntakeDrop    = "intake_drop"    // dossiers received by a unit below baseline
	AlertIntakeSurge   = "intake_surge"   // dossiers received by a unit above baseline
)

// Driver is one breakdown value that explains an alert (which category, ward, procedure ...),
// with its observed and expected counts over the alert's days.
type Driver struct {
	Dimension string  `json:"dimension"` // "category", "ward", "unit", "procedure", "topic", "platform"
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Observed  float64 `json:"observed"`
	Expected  float64 `json:"expected"`
}

// Alert is one anomaly: Observed against Expected with its band [Low, High] over [Start, End)
// (local midnights), for the place and breakdown named by Ward/Unit/Category/Topic (empty when
// not part of the key). Link is a dashboard path with filters that shows the data behind it.
//
// Low and High are the central 95% range of the count under the baseline (quasi-Poisson, see
// baseline.go); Score is −log10 of the probability of a count at least as far from Expected
// (the upper tail for surges, the lower for drops), capped at 300. Place is the ward where the
// alert happens: Ward itself, or the ward a ward's people's committee (Unit) governs; "" for a
// city department.
type Alert struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Severity Severity      `json:"severity"`
	Stream   models.Stream `json:"stream"`
	Start    time.Time     `json:"start"`
	End      time.Time     `json:"end"`
	Ward     string        `json:"ward,omitempty"`
	Unit     string        `json:"unit,omitempty"`
	Category string        `json:"category,omitempty"`
	Topic    string        `json:"topic,omitempty"`
	Observed float64       `json:"observed"`
	Expected float64       `json:"expected"`
	Low      float64       `json:"low"`
	High     float64       `json:"high"`
	Score    float64       `json:"score"` // how far outside the band, for ordering
	Drivers  []Driver      `json:"drivers"`
	Link     string        `json:"link"`
	TitleVI  string        `json:"title_vi"`
	TitleEN  string        `json:"title_en"`
	Place    string        `json:"place,omitempty"`
	// Dispersion is the φ the count was tested with (1 is Poisson).
	Dispersion float64 `json:"dispersion"`
}

// Hotspot is a ward where alerts of several streams (petitions, negative posts, late dossiers)
// coincide in time, joined into one incident and ranked by Score.
type Hotspot struct {
	Ward      string          `json:"ward"`
	WardName  string          `json:"ward_name"`
	Start     time.Time       `json:"start"`
	End       time.Time       `json:"end"`
	Severity  Severity        `json:"severity"`
	Score     float64         `json:"score"`
	Streams   []models.Stream `json:"streams"`
	Alerts    []Alert         `json:"alerts"`
	SummaryVI string          `json:"summary_vi"`
	SummaryEN string          `json:"summary_en"`
}

// Detection settings. They are the operating point measured by the planted-incident evaluation
// (alerts_eval_test.go): recall against false alarms per week.
const (
	// baselineDays precede each tested week; its weeks give the level of every series.
	baselineDays = 56
	// minBaselineDays of data must precede a week for it to be tested at all.
	minBaselineDays = 28
	// historyDays of city-wide totals fit the day factors: a year and two months, so that the
	// weeks around last year's Tết are in it whichever way the lunar calendar moved.
	historyDays = 420
	// maxAlertDays is the longest window an alert covers; longer periods are cut into weeks.
	maxAlertDays = 7
	// countBack is how many days before a tested week the windows of the count series may
	// start: a spike that began on Saturday and peaks on Monday is one window, not two halves
	// each too small to alarm.
	countBack = 2
	// MaxAlertPeriodDays bounds the period DetectAlerts accepts.
	MaxAlertPeriodDays = 92
	// falseAlarmBudget is the false alarms a week each family of series (petitions, posts,
	// intake surges, intake drops, late dossiers) may raise by chance. The tail probability an
	// alert needs is the α at which the family's expected chance alarms — the sum over its
	// series and windows of min(α, P(the smallest count the effect rule accepts)), each window
	// weighted windowsPerWeek / the windows scanned, since overlapping windows are far from
	// independent — equal the budget. A small ward whose usual rate makes three cases in a day
	// nearly impossible thus costs the others almost nothing, where a plain Bonferroni bound
	// would charge every series alike. Leaders tolerate about one false alarm a week in all.
	falseAlarmBudget = 0.05
	windowsPerWeek   = 4.0
	// minAlertScore is the least score any alert needs (p < 1e-4): the baselines are models, and
	// their error, not chance, sets the floor.
	minAlertScore = 4.0
	// seasonalPoolEvents weighs the year-on-year seasonal ratio: it counts in full only when
	// last year's weeks hold many more events than this.
	seasonalPoolEvents = 100.0
	// minDropFactor: drops are tested on days when at least this share of an ordinary day's
	// activity is expected (not on Sundays, holidays or in the Tết break, when nearly nothing
	// arrives and nothing can drop).
	minDropFactor = 0.25
	// poolDays is the weight of the prior level of a series, in days of day factor.
	poolDays = 14.0
	// latePoolDossiers is the weight of the city's late share in a unit's, in ended dossiers.
	latePoolDossiers = 50.0
	scoreCap         = 300.0
)

// Series kinds, also the keys of the calendar's default factors.
const (
	seriesDossierIntake = "dossier_intake"
	seriesDossierLate   = "dossier_late"
	seriesPetitions     = "petitions"
	seriesNegativePosts = "negative_posts"
)

// rule is what an alert of one kind needs besides its score: an effect large enough to matter
// (observed/expected at least minRatio for a surge, at most maxRatio for a drop) and a minimum
// difference in events.
type rule struct {
	kind        string
	stream      models.Stream
	drop        bool
	minRatio    float64 // surges
	maxRatio    float64 // drops
	minExcess   float64 // |observed − expected|
	minExpected float64 // drops: expected events in the window
	days        int     // the longest window; 0: maxAlertDays
}

var (
	rulePetitions = rule{kind: AlertPetitionSurge, stream: models.StreamPetitions, minRatio: 2.5, minExcess: 4}
	rulePosts     = rule{kind: AlertNegativePosts, stream: models.StreamPosts, minRatio: 2.5, minExcess: 3}
	// Late dossiers are counted on their due days; a window may start a week before the tested
	// week (the week just ended is judged once its due times have run out). Late dossiers come in
	// batches (one procedure's files held up together), hence the larger effect asked.
	ruleLate  = rule{kind: AlertOverdueSurge, stream: models.StreamDossiers, minRatio: 3, minExcess: 6}
	ruleDrop  = rule{kind: AlertIntakeDrop, stream: models.StreamDossiers, drop: true, maxRatio: 0.4, minExcess: 5, minExpected: 8}
	ruleSurge = rule{kind: AlertIntakeSurge, stream: models.StreamDossiers, minRatio: 2, minExcess: 20}
)

// alertRow is a row of the alert_*.sql queries.
type alertRow struct {
	Day string `ch:"day"`
	A   string `ch:"a"`
	B   string `ch:"b"`
	N   uint64 `ch:"n"`
	M   uint64 `ch:"m"`
}

type driverRow struct {
	Code     string `ch:"code"`
	Name     string `ch:"name"`
	Observed uint64 `ch:"observed"`
	Base     uint64 `ch:"base"`
}

// DetectAlerts finds the anomalies whose days fall in period p (usually the last days up to
// now) within scope s, most severe first.
//
// The period is cut into weeks from p.From (the last one shorter when p is not whole weeks);
// each week is tested against the baseline of the eight weeks before it, on the daily rollups
// (0005_rollups.sql, 0013_alert_rollups.sql): petitions per ward × category and per category
// city-wide (petition_intake_daily); negative posts per ward × topic, per ward on every topic and
// per topic city-wide (post_daily); dossiers received per unit, drops and surges
// (dossier_intake_daily); and the dossiers of each unit that fell due on a day (of due_at as
// received) and were late (did not end on time: ended after the due time pushed back by
// supplement pauses, or after two supplement requests, or still open past their day) against the
// unit's usual late share of what fell due (dossier_late_daily; a day is judged once it is over).
// Expected counts follow the day factors of the stream (weekdays, month ends, holidays and Tết
// from the dated calendar), a year-on-year seasonal ratio when there is a year of history, and
// the series' own level (baseline.go). Every window of one to seven days ending in a week and
// starting at most two days before it (late dossiers: a week before it) is scanned; the most
// significant window of a series becomes its alert when it clears both the effect rule of its
// kind (at least 2.5 times the expectation and three events more for petitions and posts; three
// times and six more for late dossiers; 1.8 times and fifteen more for intake surges; 40% or
// less, five fewer, of at least eight expected for drops) and the score its family needs under
// its false-alarm budget. A city-wide or all-topic alert mostly explained by finer alerts is
// not repeated. A week with fewer than four weeks of data before it is not tested. Drivers come
// from the rollups and, for intake alerts, from dossier_events by its key (status, unit, time).
//
// p longer than MaxAlertPeriodDays is refused with an error matching models.ErrInvalid. The
// scope filters the alerts: a ward keeps the alerts placed in it (Place: its petitions and
// posts, and those of its people's committee), a unit, category or field those of that unit,
// category or of dossiers, a platform those of posts.
func DetectAlerts(ctx context.Context, q Querier, p models.Period, s Scope) ([]Alert, error) {
	return detectWith(ctx, q, models.DefaultCalendar(), p, s)
}

func detectWith(ctx context.Context, q Querier, cal *models.Calendar, p models.Period, s Scope) ([]Alert, error) {
	if err := checkAlertPeriod(p); err != nil {
		return nil, err
	}
	d := &detector{q: q, cal: cal, p: p, from: localMidnight(p.From), to: localMidnight(p.To)}
	// Cached while every table the detection reads is unchanged, until the next local midnight
	// (the late dossiers count the days before today); see alerts_cache.go.
	now := time.Now()
	k := cacheKey{q: q, query: "detect_alerts", from: d.from.Unix(), to: d.to.Unix(), scope: s, cal: cal}
	alerts, err := cachedRows(readWatermarks(ctx, q, alertSources), k, alertReads, now, func() ([]Alert, time.Time, error) {
		alerts, err := d.detect(ctx, s)
		return alerts, localMidnight(now).AddDate(0, 0, 1), err
	})
	return cloneAlerts(alerts), err
}

// detect runs the detection of d's period, keeping the alerts of scope s.
func (d *detector) detect(ctx context.Context, s Scope) ([]Alert, error) {
	q := d.q
	d.origin = d.from.AddDate(0, 0, -(historyDays + baselineDays + 7))
	d.n = d.index(d.to)
	nm, err := loadNames(ctx, q)
	if err != nil {
		return nil, err
	}
	d.names = nm
	// The streams share nothing but the names and the calendar (read only): their queries and
	// fits run side by side.
	streams := []func(context.Context) ([]Alert, error){d.petitions, d.posts, d.dossiers}
	found, errs := make([][]Alert, len(streams)), make([]error, len(streams))
	var wg sync.WaitGroup
	for i, st := range streams {
		wg.Go(func() { found[i], errs[i] = st(ctx) })
	}
	wg.Wait()
	var alerts []Alert
	for i := range streams {
		if errs[i] != nil {
			return nil, errs[i]
		}
		alerts = append(alerts, found[i]...)
	}
	alerts = slices.DeleteFunc(alerts, func(a Alert) bool { return !s.keeps(a) })
	sortAlerts(alerts)
	// The driver queries of the most severe alerts also run side by side: the late dossiers of
	// the overdue ones in one query, each other alert's in its own. Each writes only its alert.
	deep := alerts[:min(len(alerts), maxExplained)]
	errs = make([]error, len(deep)+1)
	overdue := slices.Clone(deep) // loadLateDrivers reads its own copy while the others are explained
	wg.Go(func() { errs[len(deep)] = d.loadLateDrivers(ctx, overdue) })
	for i := range deep {
		if deep[i].Kind != AlertOverdueSurge {
			wg.Go(func() { errs[i] = d.explain(ctx, &deep[i], true) })
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i := range alerts {
		if i >= len(deep) || alerts[i].Kind == AlertOverdueSurge {
			if err := d.explain(ctx, &alerts[i], i < maxExplained); err != nil {
				return nil, err
			}
		}
	}
	return alerts, nil
}

// maxExplained is how many alerts, most severe first, get the drivers that need a query of
// their own (which subcategory, platform or procedure moved). The rest keep the drivers of their
// key (place, category, topic, unit): a week in which many units alarm at once (a stalled
// source, a city-wide event) must not cost one base-table read per alert.
const maxExplained = 12

func checkAlertPeriod(p models.Period) error {
	switch {
	case p.From.IsZero() || !p.To.After(p.From):
		return &models.FieldError{Field: "period", Message: "alerts need a period of whole days"}
	case p.To.Sub(p.From) > MaxAlertPeriodDays*24*time.Hour:
		return &models.FieldError{Field: "period", Message: fmt.Sprintf("alerts are detected over at most %d days; choose a shorter period", MaxAlertPeriodDays)}
	}
	return nil
}

func sortAlerts(alerts []Alert) {
	slices.SortStableFunc(alerts, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(severityRank(b.Severity), severityRank(a.Severity)), cmp.Compare(b.Score, a.Score),
			a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
}

func severityRank(s Severity) int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// keeps reports whether alert a is within the scope.
func (s Scope) keeps(a Alert) bool {
	switch {
	case s.Unit != "" && a.Unit != s.Unit,
		s.Ward != "" && a.Place != s.Ward,
		s.Category != "" && a.Category != s.Category,
		s.Field != "" && a.Stream != models.StreamDossiers,
		s.Platform != "" && a.Stream != models.StreamPosts:
		return false
	}
	return true
}

func localMidnight(t time.Time) time.Time {
	y, m, d := t.In(models.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, models.Location)
}

// detector holds one run of DetectAlerts. Days are indexed from origin (a local midnight); the
// zone has no daylight saving, so a day is always 24 hours.
type detector struct {
	q        Querier
	cal      *models.Calendar
	p        models.Period
	from, to time.Time // local midnights of the period
	origin   time.Time
	n        int // days from origin to the period's end
	names    names
	// lateRows are the late dossiers of the units of the explained overdue alerts, by unit
	// (loadLateDrivers).
	lateRows map[string][]lateRow
}

// lateRow is a row of alert_drivers_late.
type lateRow struct {
	Unit string `ch:"unit"`
	Code string `ch:"code"`
	Name string `ch:"name"`
	Due  string `ch:"due"`
	N    uint64 `ch:"n"`
}

// loadLateDrivers reads the late dossiers that explain the overdue alerts among alerts with one
// query over the late-dossier rollup (dossier_late_daily, 0013), from the earliest alert's
// baseline to the latest alert's end.
func (d *detector) loadLateDrivers(ctx context.Context, alerts []Alert) error {
	var units []string
	var from, to time.Time
	for _, a := range alerts {
		if a.Kind != AlertOverdueSurge {
			continue
		}
		if !slices.Contains(units, a.Unit) {
			units = append(units, a.Unit)
		}
		if b := a.Start.AddDate(0, 0, -baselineDays); from.IsZero() || b.Before(from) {
			from = b
		}
		if a.End.After(to) {
			to = a.End
		}
	}
	if len(units) == 0 {
		return nil
	}
	text, err := sqlfiles.Query("alert_drivers_late")
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	slices.Sort(units)
	var rows []lateRow
	params := store.Params{"units": units, "bfrom": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}
	if err := d.q.Query(ctx, &rows, text, params); err != nil {
		return fmt.Errorf("analytics: query alert_drivers_late (units=%v): %w", units, err)
	}
	d.lateRows = map[string][]lateRow{}
	for _, r := range rows {
		d.lateRows[r.Unit] = append(d.lateRows[r.Unit], r)
	}
	return nil
}

// lateDrivers sums the late rows of a's unit into its drivers by procedure: observed in the
// alert's days, base in its baseline days.
func (d *detector) lateDrivers(a Alert) []driverRow {
	bfrom, from, to := a.Start.AddDate(0, 0, -baselineDays).Format(time.DateOnly), a.Start.Format(time.DateOnly), a.End.Format(time.DateOnly)
	byCode := map[string]int{}
	var out []driverRow
	for _, r := range d.lateRows[a.Unit] {
		if r.Due < bfrom || r.Due >= to {
			continue
		}
		i, ok := byCode[r.Code]
		if !ok {
			i = len(out)
			byCode[r.Code] = i
			out = append(out, driverRow{Code: r.Code, Name: r.Name})
		}
		if r.Due >= from {
			out[i].Observed += r.N
		} else {
			out[i].Base += r.N
		}
	}
	return out
}

func (d *detector) index(t time.Time) int { return int(math.Round(t.Sub(d.origin).Hours() / 24)) }
func (d *detector) day(i int) time.Time   { return d.origin.AddDate(0, 0, i) }

// weeks are the tested chunks of the period: [start, end) day indexes.
func (d *detector) weeks() [][2]int {
	var out [][2]int
	for a := d.index(d.from); a < d.n; a += 7 {
		out = append(out, [2]int{a, min(a+7, d.n)})
	}
	return out
}

// load runs query name over days [from, to) and adds each row into the series of its keys.
func (d *detector) load(ctx context.Context, name string, from, to int, into func(r alertRow, i int)) error {
	return d.loadAt(ctx, name, from, to, time.Time{}, into)
}

// loadAt is load for a query that also judges its rows as known at asof (unless zero).
func (d *detector) loadAt(ctx context.Context, name string, from, to int, asof time.Time, into func(r alertRow, i int)) error {
	text, err := sqlfiles.Query(name)
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	params := store.Params{"from": d.day(from).Format(time.DateOnly), "to": d.day(to).Format(time.DateOnly)}
	if !asof.IsZero() {
		params["asof"] = asof.In(models.Location).Format(time.DateTime)
	}
	var rows []alertRow
	if err := d.q.Query(ctx, &rows, text, params); err != nil {
		return fmt.Errorf("analytics: query %s (from=%v to=%v): %w", name, params["from"], params["to"], err)
	}
	for _, r := range rows {
		t, err := time.ParseInLocation(time.DateOnly, r.Day, models.Location)
		if err != nil {
			return fmt.Errorf("analytics: query %s: day %q: %w", name, r.Day, err)
		}
		if i := d.index(t); i >= 0 && i < d.n {
			into(r, i)
		}
	}
	return nil
}

// key names a series: a is the ward or unit ("" city-wide), b its group: the category, the
// topic (allTopics: every topic), or for a unit the unit again.
type key struct{ a, b string }

// countStream is a stream of count series grouped by b, with city-wide totals per group.
type countStream struct {
	kind    string
	rule    rule
	ownDays bool                 // each group fits its own day factors (units)
	city    map[string][]float64 // by group (category, topic; "" for dossiers)
	total   []float64            // city-wide, all groups
	series  map[key][]float64
}

func (d *detector) newStream(kind string, r rule) *countStream {
	return &countStream{kind: kind, rule: r, city: map[string][]float64{}, total: make([]float64, d.n), series: map[key][]float64{}}
}

// addTo adds v to day i of the series m[k] of n days, making it when missing.
func addTo(m map[string][]float64, k string, n, i int, v float64) {
	s, ok := m[k]
	if !ok {
		s = make([]float64, n)
		m[k] = s
	}
	s[i] += v
}

func (cs *countStream) addSeries(k key, n, i int, v float64) {
	s, ok := cs.series[k]
	if !ok {
		s = make([]float64, n)
		cs.series[k] = s
	}
	s[i] += v
}

// addCitySeries adds the city-wide series of every group (key a ""): a rise spread over many
// places (a storm over the low-lying wards) is too thin in each to alarm there.
func (cs *countStream) addCitySeries() {
	for g, c := range cs.city {
		cs.series[key{"", g}] = c
	}
}

// firstData is the index of the first day with any event, or -1.
func firstData(total []float64) int {
	return slices.IndexFunc(total, func(v float64) bool { return v > 0 })
}

func (d *detector) petitions(ctx context.Context) ([]Alert, error) {
	cs := d.newStream(seriesPetitions, rulePetitions)
	if err := d.load(ctx, "alert_petitions_city", 0, d.n, func(r alertRow, i int) {
		addTo(cs.city, r.B, d.n, i, float64(r.N))
		cs.total[i] += float64(r.N)
	}); err != nil {
		return nil, err
	}
	if err := d.load(ctx, "alert_petitions", d.index(d.from)-baselineDays, d.n, func(r alertRow, i int) {
		cs.addSeries(key{r.A, r.B}, d.n, i, float64(r.N))
	}); err != nil {
		return nil, err
	}
	cs.addCitySeries()
	return d.detectCounts(cs), nil
}

func (d *detector) posts(ctx context.Context) ([]Alert, error) {
	cs := d.newStream(seriesNegativePosts, rulePosts)
	if err := d.load(ctx, "alert_posts_city", 0, d.n, func(r alertRow, i int) {
		addTo(cs.city, r.B, d.n, i, float64(r.N))
		cs.total[i] += float64(r.N)
	}); err != nil {
		return nil, err
	}
	if err := d.load(ctx, "alert_posts", d.index(d.from)-baselineDays, d.n, func(r alertRow, i int) {
		cs.addSeries(key{r.A, r.B}, d.n, i, float64(r.N))
		// The ward's negative posts on every topic: the topic of a post is inferred from its
		// text, and one trouble is written about in several ways.
		cs.addSeries(key{r.A, allTopics}, d.n, i, float64(r.N))
	}); err != nil {
		return nil, err
	}
	cs.addCitySeries()
	cs.city[allTopics] = cs.total
	return d.detectCounts(cs), nil
}

func (d *detector) dossiers(ctx context.Context) ([]Alert, error) {
	// Each unit is its own group: units are large enough for their own seasons (the education
	// department's enrolment months) to be read from their own last year.
	intake := d.newStream(seriesDossierIntake, ruleSurge)
	if err := d.load(ctx, "alert_dossier_intake", 0, d.n, func(r alertRow, i int) {
		addTo(intake.city, r.A, d.n, i, float64(r.N))
		intake.total[i] += float64(r.N)
	}); err != nil {
		return nil, err
	}
	for u, c := range intake.city {
		intake.series[key{u, u}] = c
	}
	intake.ownDays = true
	alerts := d.detectCounts(intake)
	// The drops reuse the intake stream with the lower tail.
	intake.rule = ruleDrop
	alerts = append(alerts, d.detectCounts(intake)...)

	// Late dossiers by the day they fell due, not the day they ended: an office that lets a
	// week's dossiers run late shows at once, where their late endings trickle over the
	// following weeks.
	late, ended := map[string][]float64{}, map[string][]float64{}
	cityLate, cityEnded := make([]float64, d.n), make([]float64, d.n)
	if err := d.loadAt(ctx, "alert_dossier_due", d.index(d.from)-baselineDays, d.n, d.to, func(r alertRow, i int) {
		addTo(late, r.A, d.n, i, float64(r.N))
		addTo(ended, r.A, d.n, i, float64(r.M))
		cityLate[i] += float64(r.N)
		cityEnded[i] += float64(r.M)
	}); err != nil {
		return nil, err
	}
	return append(alerts, d.detectLate(late, ended, cityLate, cityEnded, firstData(intake.total))...), nil
}

// candidate is the most significant window of one series in one week.
type candidate struct {
	k                   key
	start, end          int
	obs, exp, phi, tail float64
}

// detectCounts tests every series of cs week by week.
func (d *detector) detectCounts(cs *countStream) []Alert {
	first := firstData(cs.total)
	if first < 0 {
		return nil
	}
	var alerts []Alert
	for _, w := range d.weeks() {
		b0 := w[0] - baselineDays
		if w[0]-max(b0, first) < minBaselineDays {
			continue
		}
		b0 = max(b0, first)
		// Day factors fitted on the year before the week (or what there is of it).
		h0 := max(first, w[0]-historyDays)
		dm := FitDayModel(d.cal, d.day(h0), cs.total[h0:w[0]], HolidayDefaults(cs.kind))
		f := make([]float64, d.n)
		for i := b0; i < w[1]; i++ {
			f[i] = dm.Factor(d.cal, d.day(i))
		}
		// Per group: the factor times the group's year-on-year seasonal index, and the
		// group's city-wide level over the baseline.
		gf := map[string][]float64{}
		gLevel := map[string]float64{}
		var cityTotal float64
		for g, c := range cs.city {
			gdm, gfac := dm, f
			if cs.ownDays {
				// A unit's week has its own shape (a department with no online procedure
				// is shut on Sundays; a ward's counter is open on Saturday mornings).
				gdm = FitDayModel(d.cal, d.day(h0), c[h0:w[0]], HolidayDefaults(cs.kind))
				gfac = make([]float64, d.n)
				for i := b0; i < w[1]; i++ {
					gfac[i] = gdm.Factor(d.cal, d.day(i))
				}
			}
			gf[g] = d.seasonal(c, gfac, gdm, b0, w[0], w[1], first)
			var sc, sf float64
			for i := b0; i < w[0]; i++ {
				sc += c[i]
				sf += gf[g][i]
			}
			if sf > 0 {
				gLevel[g] = sc / sf
			}
			cityTotal += sc
		}
		// The places' shares of the baseline events, for the priors.
		share := map[string]float64{}
		for k, c := range cs.series {
			if k.a == "" {
				continue
			}
			for i := b0; i < w[0]; i++ {
				share[k.a] += c[i]
			}
		}
		nPlaces := float64(max(1, len(share)))
		// Levels, and the dispersion over the baseline weeks.
		type fitted struct {
			level, support float64
		}
		levels := make(map[key]fitted, len(cs.series))
		var obsW, expW []float64
		for k, c := range cs.series {
			g := gf[k.b]
			if g == nil {
				continue
			}
			prior := gLevel[k.b] * (share[k.a] + 1) / (cityTotal + nPlaces)
			kappa := poolDays
			if k.a == "" || cs.kind == seriesDossierIntake {
				// The city-wide series of a group, and the units (few and large): their own
				// history is the baseline.
				prior, kappa = 0, 0
			}
			l, sup := seriesLevel(c[b0:w[0]], g[b0:w[0]], prior, kappa)
			levels[k] = fitted{l, sup}
			for e := w[0]; e-7 >= b0; e -= 7 {
				var o, x float64
				for i := e - 7; i < e; i++ {
					o += c[i]
					x += l * g[i]
				}
				obsW, expW = append(obsW, o), append(expW, x)
			}
		}
		phi := dispersionOf(obsW, expW)
		var tails []float64
		for k, c := range cs.series {
			if fit, ok := levels[k]; ok && fit.support > 0 {
				tails = windowTails(tails, c, gf[k.b], fit.level, fit.support, phi, w, countBack, cs.rule)
			}
		}
		need := neededScore(tails, w, countBack, cs.rule)
		var found []candidate
		for k, c := range cs.series {
			fit, ok := levels[k]
			if !ok || fit.support <= 0 {
				continue
			}
			if best, ok := scan(k, c, gf[k.b], fit.level, fit.support, phi, need, w, countBack, cs.rule); ok {
				found = append(found, best)
			}
		}
		for _, c := range explainedByPlaces(found) {
			alerts = append(alerts, d.alert(cs.rule, c))
		}
	}
	return alerts
}

// allTopics is the group of a ward's negative posts on every topic.
const allTopics = "*"

// explainedByPlaces drops the aggregate candidates — city-wide (key a "") or over every topic
// (b allTopics) — whose excess is mostly (half or more) the excess of finer candidates inside
// them on overlapping days: the finer alert says it better, and one trouble is reported once.
func explainedByPlaces(found []candidate) []candidate {
	inside := func(c, agg candidate) bool {
		switch {
		case c.k == agg.k || c.start >= agg.end || agg.start >= c.end:
			return false
		case agg.k.a == "" && agg.k.b == allTopics:
			return c.k.a != "" && c.k.b != allTopics
		case agg.k.a == "":
			return c.k.a != "" && c.k.b == agg.k.b
		case agg.k.b == allTopics:
			return c.k.a == agg.k.a && c.k.b != allTopics
		}
		return false
	}
	return slices.DeleteFunc(slices.Clone(found), func(agg candidate) bool {
		if agg.k.a != "" && agg.k.b != allTopics {
			return false
		}
		var local float64
		for _, c := range found {
			if inside(c, agg) {
				local += c.obs - c.exp
			}
		}
		return local >= 0.5*(agg.obs-agg.exp)
	})
}

// seasonal is the day factor f of a group times its year-on-year seasonal ratio for week
// [w0, w1): the group's calendar-adjusted level on the ordinary days around the same week a year
// (52 weeks) earlier, over its level on the ordinary days of last year's baseline — each level
// leaving out the busiest tenth of the days, so that a storm last year does not count as
// season. Holidays move from year to year (Tết by up to three weeks), so only ordinary days say
// what the season was. The ratio is 1 without a year of history or with too few days or events
// in it, shrunk towards 1 when those rest on few events, and clamped to [0.1, 10] (the rains
// multiply flooding petitions by four or five). The baseline days keep f: the level is fitted on them.
func (d *detector) seasonal(c, f []float64, dm DayModel, b0, w0, w1, first int) []float64 {
	const lag = 364
	if b0-lag < first {
		return f
	}
	// level is the count over the factor summed over the ordinary days of [from, to), the
	// highest tenth of the days (by count / factor) left out, and the events it rests on.
	level := func(from, to int) (float64, float64) {
		type obs struct{ c, f float64 }
		var v []obs
		for j := max(0, from); j < min(len(c), to); j++ {
			if fj := dm.Factor(d.cal, d.day(j)); fj > 0.2 && d.cal.TypeOf(d.day(j)) == models.DayOrdinary {
				v = append(v, obs{c[j], fj})
			}
		}
		if len(v) < 5 {
			return 0, 0
		}
		slices.SortFunc(v, func(a, b obs) int { return cmp.Compare(a.c/a.f, b.c/b.f) })
		v = v[:len(v)-len(v)/10]
		var sc, sf float64
		for _, x := range v {
			sc += x.c
			sf += x.f
		}
		return sc / sf, sc
	}
	then, n1 := level(w0-7-lag, w1+7-lag)
	base, n2 := level(b0-lag, w0-lag)
	if then <= 0 || base <= 0 {
		return f
	}
	// Shrunk towards 1 as the events it rests on are few: a ward's three dossiers a day say
	// little about its season.
	n := min(n1, n2)
	r := math.Exp(math.Log(then/base) * n / (n + seasonalPoolEvents))
	r = min(10, max(0.1, r))
	out := slices.Clone(f)
	for i := w0; i < w1; i++ {
		out[i] = f[i] * r
	}
	return out
}

// windows calls fn for every window [a, e) scanned in week w: those of one to maxDays(r) days
// ending in the week and starting at most back days before it; for a drop, only runs of days
// whose factor f is at least minDropFactor.
func windows(w [2]int, back int, r rule, f []float64, fn func(a, e int)) {
	for a := w[0] - back; a < w[1]; a++ {
		for e := a + 1; e <= min(w[1], a+r.maxDays()); e++ {
			if r.drop && f[e-1] < minDropFactor {
				break
			}
			if e > w[0] {
				fn(a, e)
			}
		}
	}
}

func (r rule) maxDays() int {
	if r.days > 0 {
		return r.days
	}
	return maxAlertDays
}

// windowTails appends, for every window of the week, the probability under the baseline of the
// smallest count the rule would accept there: what the window costs in chance alarms.
func windowTails(tails, c, f []float64, level, support float64, phi overdispersion, w [2]int, back int, r rule) []float64 {
	windows(w, back, r, f, func(a, e int) {
		var fw float64
		for i := a; i < e; i++ {
			fw += f[i]
		}
		exp := level * fw
		ph := phi.at(exp) * (1 + fw/support)
		if r.drop {
			if x := r.dropLimit(exp); x >= 0 {
				tails = append(tails, lowerTail(x, exp, ph))
			}
			return
		}
		x := math.Ceil(math.Max(r.minRatio*exp, exp+r.minExcess))
		tails = append(tails, upperTail(x, exp, ph))
	})
	return tails
}

// neededScore is the score (−log10 α) at which the family's chance alarms in week w meet
// falseAlarmBudget (see there); back and r say which windows were scanned.
func neededScore(tails []float64, w [2]int, back int, r rule) float64 {
	if len(tails) == 0 {
		return minAlertScore
	}
	n := 0 // windows per series, counting every day as testable
	windows(w, back, rule{days: r.maxDays()}, nil, func(int, int) { n++ })
	weight := windowsPerWeek / float64(max(n, 1))
	slices.Sort(tails)
	// F(α) = weight × (Σ_{t<α} t + α × #(t ≥ α)) is increasing: find F(α) = budget.
	var below float64
	for i, t := range tails {
		// α in [prev, t]: F = weight × (below + α × (len − i)).
		alpha := (falseAlarmBudget/weight - below) / float64(len(tails)-i)
		if alpha <= t {
			return math.Max(minAlertScore, -math.Log10(math.Max(alpha, 1e-300)))
		}
		below += t
	}
	return minAlertScore // even α = 1 stays within the budget: the rule alone decides
}

// scan tests every window of week w of one series (see windows) and returns the most
// significant that passes the rule with at least score minScore.
func scan(k key, c, f []float64, level, support float64, phi overdispersion, minScore float64, w [2]int, back int, r rule) (candidate, bool) {
	var best candidate
	found := false
	for a := w[0] - back; a < w[1]; a++ {
		var obs, fw float64
		for e := a + 1; e <= min(w[1], a+r.maxDays()); e++ {
			if r.drop && f[e-1] < minDropFactor {
				break
			}
			obs += c[e-1]
			fw += f[e-1]
			exp := level * fw
			if e <= w[0] || !r.passes(obs, exp) {
				continue
			}
			ph := phi.at(exp) * (1 + fw/support)
			var tail float64
			if r.drop {
				tail = lowerTail(obs, exp, ph)
			} else {
				tail = upperTail(obs, exp, ph)
			}
			if tail < math.Pow(10, -minScore) && (!found || tail < best.tail) {
				best = candidate{k: k, start: a, end: e, obs: obs, exp: exp, phi: ph, tail: tail}
				found = true
			}
		}
	}
	return best, found
}

// dropLimit is the largest count a drop rule accepts against exp, or −1.
func (r rule) dropLimit(exp float64) float64 {
	limit := -1.0
	if exp >= r.minExpected {
		limit = math.Floor(math.Min(r.maxRatio*exp, exp-r.minExcess))
	}
	return limit
}

// passes reports whether the effect of obs against exp is large enough for the rule.
func (r rule) passes(obs, exp float64) bool {
	if r.drop {
		return obs <= r.dropLimit(exp)
	}
	return obs >= r.minRatio*exp && obs-exp >= r.minExcess
}

// detectLate tests the late dossiers of each unit against its usual late share of what fell
// due: expected = dossiers due in the window × the unit's late share over the baseline, pooled
// towards the city's. (late and ended are by due day: the late ones and all that fell due.)
func (d *detector) detectLate(late, ended map[string][]float64, cityLate, cityEnded []float64, first int) []Alert {
	if first < 0 {
		return nil
	}
	const back = 7 // days scanned before the week (ruleLate)
	var alerts []Alert
	for _, w := range d.weeks() {
		b0 := w[0] - baselineDays
		b1 := w[0] - back // the baseline ends where the scanned days begin
		if b1-max(b0, first) < minBaselineDays-back {
			continue
		}
		b0 = max(b0, first)
		var cl, ce float64
		for i := b0; i < b1; i++ {
			cl += cityLate[i]
			ce += cityEnded[i]
		}
		if ce == 0 {
			continue
		}
		pCity := cl / ce
		share := map[string]float64{}
		var obsW, expW []float64
		for u, l := range late {
			e := ended[u]
			var ul, ue float64
			for i := b0; i < b1; i++ {
				ul += l[i]
				ue += e[i]
			}
			share[u] = (ul + latePoolDossiers*pCity) / (ue + latePoolDossiers)
			for end := b1; end-7 >= b0; end -= 7 {
				var o, x float64
				for i := end - 7; i < end; i++ {
					o += l[i]
					x += e[i] * share[u]
				}
				obsW, expW = append(obsW, o), append(expW, x)
			}
		}
		phi := dispersionOf(obsW, expW)
		// The expectation of a window is what ended in it times the unit's late share.
		support := map[string]float64{}
		var tails []float64
		for u, l := range late {
			for i := b0; i < b1; i++ {
				support[u] += ended[u][i]
			}
			support[u] += latePoolDossiers
			tails = windowTails(tails, l, ended[u], share[u], support[u], phi, w, back, ruleLate)
		}
		need := neededScore(tails, w, back, ruleLate)
		for u, l := range late {
			if best, ok := scan(key{u, ""}, l, ended[u], share[u], support[u], phi, need, w, back, ruleLate); ok {
				alerts = append(alerts, d.alert(ruleLate, best))
			}
		}
	}
	return alerts
}

// alert builds the alert of a candidate window (drivers come later, in explain).
func (d *detector) alert(r rule, c candidate) Alert {
	a := Alert{Kind: r.kind, Stream: r.stream, Start: d.day(c.start), End: d.day(c.end),
		Observed: c.obs, Expected: round2(c.exp), Dispersion: round2(c.phi)}
	a.Low, a.High = band(c.exp, c.phi)
	a.Low, a.High = round2(a.Low), round2(a.High)
	a.Score = scoreCap
	if c.tail > 0 {
		a.Score = round2(math.Min(scoreCap, -math.Log10(c.tail)))
	}
	a.Severity = severityOf(a.Score)
	switch r.kind {
	case AlertPetitionSurge:
		a.Ward, a.Category, a.Place = c.k.a, c.k.b, c.k.a
	case AlertNegativePosts:
		a.Ward, a.Topic, a.Place = c.k.a, c.k.b, c.k.a
		if a.Topic == allTopics {
			a.Topic = ""
		}
	default:
		a.Unit = c.k.a
		a.Place = d.names.unitWard[c.k.a]
	}
	a.ID = strings.Join(slices.DeleteFunc([]string{r.kind, a.Ward, a.Unit, a.Category, a.Topic, a.Start.Format("20060102")},
		func(s string) bool { return s == "" }), "-")
	a.Link = d.link(a)
	a.TitleVI, a.TitleEN = d.titles(a)
	return a
}

// severityOf grades a score (−log10 of the tail probability).
func severityOf(score float64) Severity {
	switch {
	case score >= 15:
		return SeverityCritical
	case score >= 10:
		return SeverityHigh
	case score >= 7:
		return SeverityMedium
	}
	return SeverityLow
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// link is the dashboard page with the filters that show the alert's data; to is the last day,
// included, as the dashboard's date filters read it.
func (d *detector) link(a Alert) string {
	v := url.Values{}
	v.Set("from", a.Start.Format(time.DateOnly))
	v.Set("to", a.End.AddDate(0, 0, -1).Format(time.DateOnly))
	page := "/dossiers"
	switch a.Kind {
	case AlertPetitionSurge:
		page = "/petitions"
		v.Set("category", a.Category)
	case AlertNegativePosts:
		page = "/sentiment"
		if a.Topic != "" {
			v.Set("topic", a.Topic)
		}
	default:
		v.Set("unit", a.Unit)
	}
	if a.Ward != "" {
		v.Set("ward", a.Ward)
	}
	return page + "?" + v.Encode()
}

// titles are the alert's one-line headlines, Vietnamese and English.
func (d *detector) titles(a Alert) (vi, en string) {
	days := a.End.Sub(a.Start).Hours() / 24
	var whenVI, whenEN string
	last := a.End.AddDate(0, 0, -1)
	if days <= 1 {
		whenVI, whenEN = "ngày "+a.Start.Format("02/01/2006"), "on "+a.Start.Format("2 Jan 2006")
	} else {
		whenVI = fmt.Sprintf("từ %s đến %s", a.Start.Format("02/01"), last.Format("02/01/2006"))
		whenEN = fmt.Sprintf("%s–%s", a.Start.Format("2 Jan"), last.Format("2 Jan 2006"))
	}
	obsVI, expVI := numberVI(a.Observed), numberVI(a.Expected)
	obsEN, expEN := numberEN(a.Observed), numberEN(a.Expected)
	ward := d.names.ward(a.Ward)
	unit := d.names.unit(a.Unit)
	switch a.Kind {
	case AlertPetitionSurge:
		cat := d.names.category(a.Category)
		where := label{"tại " + ward.vi, "in " + ward.en}
		if a.Ward == "" {
			where = label{"trên toàn thành phố", "across the city"}
		}
		return fmt.Sprintf("Phản ánh về %s %s tăng bất thường: %s so với dự kiến %s (%s)", cat.vi, where.vi, obsVI, expVI, whenVI),
			fmt.Sprintf("Petitions about %s %s surged: %s against %s expected (%s)", cat.en, where.en, obsEN, expEN, whenEN)
	case AlertNegativePosts:
		about := label{" về " + d.names.category(a.Topic).vi, " about " + d.names.category(a.Topic).en}
		if a.Topic == "" {
			about = label{}
		}
		where := label{"nhắc đến " + ward.vi, "naming " + ward.en}
		if a.Ward == "" {
			where = label{"trên toàn thành phố", "across the city"}
		}
		return fmt.Sprintf("Bài viết tiêu cực%s %s tăng bất thường: %s so với dự kiến %s (%s)", about.vi, where.vi, obsVI, expVI, whenVI),
			fmt.Sprintf("Negative posts%s %s surged: %s against %s expected (%s)", about.en, where.en, obsEN, expEN, whenEN)
	case AlertOverdueSurge:
		return fmt.Sprintf("Hồ sơ trễ hạn của %s tăng bất thường: %s so với dự kiến %s (%s)", unit.vi, obsVI, expVI, whenVI),
			fmt.Sprintf("Late dossiers at %s surged: %s against %s expected (%s)", unit.en, obsEN, expEN, whenEN)
	case AlertIntakeDrop:
		return fmt.Sprintf("Hồ sơ tiếp nhận của %s giảm bất thường: %s so với dự kiến %s (%s) — kiểm tra hệ thống một cửa", unit.vi, obsVI, expVI, whenVI),
			fmt.Sprintf("Dossiers received by %s dropped: %s against %s expected (%s) — check the one-stop system", unit.en, obsEN, expEN, whenEN)
	}
	return fmt.Sprintf("Hồ sơ tiếp nhận của %s tăng bất thường: %s so với dự kiến %s (%s)", unit.vi, obsVI, expVI, whenVI),
		fmt.Sprintf("Dossiers received by %s surged: %s against %s expected (%s)", unit.en, obsEN, expEN, whenEN)
}

// numberEN writes a count or an expectation: whole numbers plainly, others with one decimal.
func numberEN(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// numberVI is numberEN with the Vietnamese decimal comma.
func numberVI(x float64) string { return strings.Replace(numberEN(x), ".", ",", 1) }

// explain adds the drivers of an alert: the place and breakdown of its key, then (when deep) the
// values of the next dimension (subcategory, platform or procedure) that moved most, each with
// its expectation (its share of the baseline days times the alert's expectation).
func (d *detector) explain(ctx context.Context, a *Alert, deep bool) error {
	var drivers []Driver
	var query, dim string
	params := store.Params{
		"bfrom": a.Start.AddDate(0, 0, -baselineDays).Format(time.DateOnly), "bto": a.Start.Format(time.DateOnly),
		"from": a.Start.Format(time.DateOnly), "to": a.End.Format(time.DateOnly),
	}
	switch a.Kind {
	case AlertPetitionSurge:
		if a.Ward != "" {
			drivers = append(drivers, Driver{"ward", a.Ward, d.names.ward(a.Ward).vi, a.Observed, a.Expected})
		}
		drivers = append(drivers, Driver{"category", a.Category, d.names.category(a.Category).vi, a.Observed, a.Expected})
		query, dim = "alert_drivers_petitions", "subcategory"
		params["ward"], params["category"] = a.Ward, a.Category
		if a.Ward == "" {
			query, dim = "alert_drivers_petition_wards", "ward" // which wards the rise came from
		}
	case AlertNegativePosts:
		if a.Ward != "" {
			drivers = append(drivers, Driver{"ward", a.Ward, d.names.ward(a.Ward).vi, a.Observed, a.Expected})
		}
		params["ward"], params["topic"] = a.Ward, a.Topic
		switch {
		case a.Topic == "":
			query, dim = "alert_drivers_post_topics", "topic" // which topics the rise is about
		case a.Ward == "":
			drivers = append(drivers, Driver{"topic", a.Topic, d.names.category(a.Topic).vi, a.Observed, a.Expected})
			query, dim = "alert_drivers_post_wards", "ward"
		default:
			drivers = append(drivers, Driver{"topic", a.Topic, d.names.category(a.Topic).vi, a.Observed, a.Expected})
			query, dim = "alert_drivers_posts", "platform"
		}
	default:
		drivers = append(drivers, Driver{"unit", a.Unit, d.names.unit(a.Unit).vi, a.Observed, a.Expected})
		query, dim = "alert_drivers_intake", "procedure" // overdue alerts: loadLateDrivers
		params["unit"] = a.Unit
	}
	if !deep {
		a.Drivers = drivers
		return nil
	}
	var rows []driverRow
	if a.Kind == AlertOverdueSurge {
		rows = d.lateDrivers(*a) // read for all the explained alerts at once
	} else {
		text, err := sqlfiles.Query(query)
		if err != nil {
			return fmt.Errorf("analytics: %w", err)
		}
		if err := d.q.Query(ctx, &rows, text, params); err != nil {
			return fmt.Errorf("analytics: query %s (alert=%s): %w", query, a.ID, err)
		}
	}
	var base float64
	for _, r := range rows {
		base += float64(r.Base)
	}
	var more []Driver
	for _, r := range rows {
		exp := 0.0
		if base > 0 {
			exp = round2(a.Expected * float64(r.Base) / base)
		}
		if r.Observed == 0 && exp == 0 {
			continue
		}
		name := r.Name
		switch {
		case name != "":
		case dim == "ward":
			name = d.names.ward(r.Code).vi
		default:
			name = d.names.category(r.Code).vi
		}
		more = append(more, Driver{dim, r.Code, name, float64(r.Observed), exp})
	}
	// Most moved first: the biggest departure from expectation in the alert's direction.
	sign := 1.0
	if a.Kind == AlertIntakeDrop {
		sign = -1
	}
	slices.SortStableFunc(more, func(x, y Driver) int {
		return cmp.Or(cmp.Compare(sign*(y.Observed-y.Expected), sign*(x.Observed-x.Expected)), cmp.Compare(x.Code, y.Code))
	})
	a.Drivers = append(drivers, more[:min(len(more), 5)]...)
	return nil
}

// names are the display names of the dimension codes alerts mention.
type names struct {
	wards    map[string]models.Ward
	units    map[string]models.Unit
	cats     map[string]models.PetitionCategory
	unitWard map[string]string // unit code -> the ward it governs
}

type label struct{ vi, en string }

func (n names) ward(code string) label {
	if w, ok := n.wards[code]; ok {
		name := w.FullName
		if name == "" {
			name = w.Name
		}
		en := w.NameEN
		if en == "" {
			en = name
		}
		return label{name, en}
	}
	return label{code, code}
}

func (n names) unit(code string) label {
	if u, ok := n.units[code]; ok {
		en := u.NameEN
		if en == "" {
			en = u.Name
		}
		return label{u.Name, en}
	}
	return label{code, code}
}

// category names a petition category or a post topic (topics share the category codes where
// they mean the same thing); an unknown code is shown as it is.
func (n names) category(code string) label {
	if c, ok := n.cats[code]; ok {
		en := c.NameEN
		if en == "" {
			en = c.NameVI
		}
		return label{c.NameVI, en}
	}
	return label{code, code}
}

func loadNames(ctx context.Context, q Querier) (names, error) {
	n := names{wards: map[string]models.Ward{}, units: map[string]models.Unit{}, cats: map[string]models.PetitionCategory{}, unitWard: map[string]string{}}
	var wards []models.Ward
	var units []models.Unit
	var cats []models.PetitionCategory
	for _, t := range []struct {
		name string
		dest any
	}{{"dimension_wards", &wards}, {"dimension_units", &units}, {"dimension_petition_categories", &cats}} {
		text, err := sqlfiles.Query(t.name)
		if err != nil {
			return n, fmt.Errorf("analytics: %w", err)
		}
		if err := q.Query(ctx, t.dest, text, nil); err != nil {
			return n, fmt.Errorf("analytics: query %s: %w", t.name, err)
		}
	}
	for _, w := range wards {
		n.wards[w.Code] = w
	}
	for _, u := range units {
		n.units[u.Code] = u
		if u.WardCode != "" {
			n.unitWard[u.Code] = u.WardCode
		}
	}
	for _, c := range cats {
		n.cats[c.Code] = c
	}
	return n, nil
}
