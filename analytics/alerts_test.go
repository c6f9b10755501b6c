package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, models.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// TestFitDayModel fits a made-up stream with a known shape: level 100 a day, weekday factors
// Mon–Sun 1.5 1.3 1.2 1.1 1.0 0.6 0.3 (they sum to 7, so they are their own normalisation),
// month ends (last four days) 1.2 times the weekday, public holidays 5 whatever the weekday.
// The fit must give these numbers back exactly; the Tết day types, absent from the data, keep
// the calendar's defaults.
func TestFitDayModel(t *testing.T) {
	cal := models.DefaultCalendar()
	weekday := [7]float64{0.3, 1.5, 1.3, 1.2, 1.1, 1.0, 0.6} // by time.Weekday, Sunday first
	start := day("2025-03-03")
	end := day("2025-09-08") // 27 weeks: 7/4, 30/4, 1/5, 1/9, 2/9 are holidays
	var counts []float64
	holidays := 0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		switch {
		case cal.TypeOf(d) == models.DayHoliday:
			counts = append(counts, 5)
			holidays++
		case monthEnd(d):
			counts = append(counts, 100*weekday[d.Weekday()]*1.2)
		default:
			counts = append(counts, 100*weekday[d.Weekday()])
		}
	}
	if holidays != 5 {
		t.Fatalf("fixture has %d holidays, want 5", holidays)
	}
	defaults := HolidayDefaults(seriesPetitions)
	m := FitDayModel(cal, start, counts, defaults)
	for wd := range 7 {
		if math.Abs(m.Weekday[wd]-weekday[wd]) > 1e-12 {
			t.Errorf("Weekday[%s] = %v, want %v", time.Weekday(wd), m.Weekday[wd], weekday[wd])
		}
	}
	if math.Abs(m.MonthEnd-1.2) > 1e-12 {
		t.Errorf("MonthEnd = %v, want 1.2", m.MonthEnd)
	}
	if math.Abs(m.Special[models.DayHoliday]-0.05) > 1e-12 || !m.Estimated[models.DayHoliday] {
		t.Errorf("holiday factor = %v (estimated %v), want 0.05 from the data", m.Special[models.DayHoliday], m.Estimated[models.DayHoliday])
	}
	if m.Special[models.DayTetBreak] != defaults.TetBreak || m.Estimated[models.DayTetBreak] || m.Special[models.DayPreTet] != defaults.PreTet {
		t.Errorf("Tết factors = %v, want the defaults %+v", m.Special, defaults)
	}
	// Factor: an ordinary Monday, a month-end Monday (31/3), a holiday Monday (7/4), a pre-Tết
	// Monday (20/1/2025, outside the data: the default), a Sunday.
	for _, tt := range []struct {
		date string
		want float64
	}{{"2025-03-10", 1.5}, {"2025-03-31", 1.8}, {"2025-04-07", 0.05}, {"2025-01-20", 1.5 * defaults.PreTet}, {"2025-03-09", 0.3}} {
		if got := m.Factor(cal, day(tt.date)); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Factor(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestSeriesLevel(t *testing.T) {
	ones := func(n int, v float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	// Four weeks at 1 a day, one of them at 4 a day: the extreme week is left out.
	counts := append(ones(7, 4), ones(21, 1)...)
	if l, sup := seriesLevel(counts, ones(28, 1), 0, 0); l != 1 || sup != 21 {
		t.Errorf("level with an incident week = %v (support %v), want 1 (21)", l, sup)
	}
	// Weekday factors: 14 events over factors summing to 28 → 0.5.
	f := ones(28, 2)
	if l, _ := seriesLevel(ones(28, 0.5*2*0.5), f, 0, 0); math.Abs(l-0.25) > 1e-12 {
		t.Errorf("level = %v, want 0.25", l)
	}
	// Two silent weeks and a prior of 0.5 weighing 14 days: (0 + 14×0.5) / (14 + 14) = 0.25;
	// with fewer than four weeks nothing is left out.
	if l, sup := seriesLevel(ones(14, 0), ones(14, 1), 0.5, 14); l != 0.25 || sup != 28 {
		t.Errorf("pooled level = %v (support %v), want 0.25 (28)", l, sup)
	}
}

func TestPoissonTailsAndBand(t *testing.T) {
	near := func(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want)) }
	// P(Poisson(0.5) ≥ 3) = 1 − e^−0.5 (1 + 0.5 + 0.125) = 0.0143877.
	if got := upperTail(3, 0.5, 1); !near(got, 0.0143877, 1e-5) {
		t.Errorf("upperTail(3, 0.5) = %v, want 0.0143877", got)
	}
	// Quasi-Poisson with φ = 2: 6 against 1 is 3 against 0.5.
	if got := upperTail(6, 1, 2); !near(got, 0.0143877, 1e-5) {
		t.Errorf("upperTail(6, 1, φ=2) = %v, want 0.0143877", got)
	}
	// P(Poisson(10) ≤ 1) = 11 e^−10 = 4.99399e-4.
	if got := lowerTail(1, 10, 1); !near(got, 4.99399e-4, 1e-5) {
		t.Errorf("lowerTail(1, 10) = %v, want 4.99399e-4", got)
	}
	// P(Poisson(20) ≥ 40) = 1.5017e-5 (continued-fraction branch).
	if got := upperTail(40, 20, 1); !near(got, 1.5017e-5, 1e-3) {
		t.Errorf("upperTail(40, 20) = %v, want 1.5017e-5", got)
	}
	if upperTail(0, 3, 1) != 1 || lowerTail(-1, 3, 1) != 0 || upperTail(2, 0, 1) != 0 {
		t.Error("tails at the edges")
	}
	// Poisson(10): P(X ≤ 3) = 0.0103 < 0.025 ≤ P(X ≤ 4) = 0.0293; P(X ≤ 16) = 0.9730 < 0.975 ≤
	// P(X ≤ 17) = 0.9857. With φ = 2 the same quantiles of Poisson(10), doubled.
	for _, tt := range []struct{ mu, phi, low, high float64 }{{10, 1, 4, 17}, {20, 2, 8, 34}, {0, 1, 0, 0}} {
		if lo, hi := band(tt.mu, tt.phi); lo != tt.low || hi != tt.high {
			t.Errorf("band(%v, φ=%v) = [%v, %v], want [%v, %v]", tt.mu, tt.phi, lo, hi, tt.low, tt.high)
		}
	}
}

func TestDispersion(t *testing.T) {
	var obs, exp []float64
	for i := range 21 {
		exp = append(exp, 10)
		obs = append(obs, 10+3*float64(1-2*(i%2))) // ±3: (o−e)²/e = 0.9 each
	}
	// Pairs expecting fewer than five events do not count, however wild.
	obs, exp = append(obs, 40), append(exp, 1)
	if got, want := dispersion(obs, exp), 0.9/chi2Median; math.Abs(got-want) > 1e-12 {
		t.Errorf("dispersion = %v, want %v", got, want)
	}
	if got := dispersion(obs[:19], exp[:19]); got != 1 {
		t.Errorf("dispersion of 19 pairs = %v, want 1", got)
	}
	calm := []float64{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}
	if got := dispersion(calm, calm); got != 1 {
		t.Errorf("dispersion of a perfect fit = %v, want 1 (never below Poisson)", got)
	}
}

func TestScanFindsTheWindow(t *testing.T) {
	c := []float64{0, 0, 5, 4, 0, 0, 0}
	f := []float64{1, 1, 1, 1, 1, 1, 1}
	best, ok := scan(key{"W", "cat"}, c, f, 0.2, 1e9, overdispersion{phi: 1}, 3, [2]int{0, 7}, 0, rulePetitions)
	if !ok || best.start != 2 || best.end != 4 || best.obs != 9 || math.Abs(best.exp-0.4) > 1e-12 {
		t.Fatalf("scan = %+v, %v; want days 2–3 with 9 against 0.4", best, ok)
	}
	// Two cases against 0.2 a day pass no rule: the excess must be at least three.
	if _, ok := scan(key{"W", "cat"}, []float64{0, 2, 0, 0, 0, 0, 0}, f, 0.01, 1e9, overdispersion{phi: 1}, 3, [2]int{0, 7}, 0, rulePetitions); ok {
		t.Error("two cases alarmed")
	}
	// A drop: 1 against 12 a day on one day.
	best, ok = scan(key{"U", "U"}, []float64{12, 1, 12, 12, 12, 12, 12}, f, 12, 1e9, overdispersion{phi: 1}, 3, [2]int{0, 7}, 0, ruleDrop)
	if !ok || best.start != 1 || best.end != 2 {
		t.Fatalf("drop scan = %+v, %v; want day 1", best, ok)
	}
}

func TestJoinHotspots(t *testing.T) {
	mk := func(kind string, stream models.Stream, ward, from, to string, score float64) Alert {
		return Alert{ID: kind + ward + from, Kind: kind, Stream: stream, Place: ward, Ward: ward, Category: "ngap_nuoc", Topic: "ngap_nuoc",
			Start: day(from), End: day(to), Observed: 10, Expected: 2, Score: score, Severity: severityOf(score)}
	}
	late := mk(AlertOverdueSurge, models.StreamDossiers, "W1", "2025-07-05", "2025-07-08", 5)
	late.Ward, late.Unit = "", "U1"
	alerts := []Alert{
		mk(AlertPetitionSurge, models.StreamPetitions, "W1", "2025-07-01", "2025-07-04", 8),
		mk(AlertNegativePosts, models.StreamPosts, "W1", "2025-07-02", "2025-07-04", 6),
		late, // starts a day after the others end: within the three days
		mk(AlertPetitionSurge, models.StreamPetitions, "W2", "2025-07-01", "2025-07-03", 20),
		mk(AlertPetitionSurge, models.StreamPetitions, "W3", "2025-07-01", "2025-07-03", 6),
		mk(AlertNegativePosts, models.StreamPosts, "W3", "2025-07-10", "2025-07-11", 6), // a week later: apart
		mk(AlertNegativePosts, models.StreamPosts, "W4", "2025-07-02", "2025-07-03", 4),
		mk(AlertPetitionSurge, models.StreamPetitions, "W4", "2025-07-02", "2025-07-04", 30),
	}
	nm := names{wards: map[string]models.Ward{"W1": {Code: "W1", FullName: "Phường Một", NameEN: "Ward One"}},
		units: map[string]models.Unit{"U1": {Code: "U1", Name: "UBND Phường Một", NameEN: "Ward One People's Committee"}},
		cats:  map[string]models.PetitionCategory{"ngap_nuoc": {Code: "ngap_nuoc", NameVI: "Ngập nước", NameEN: "Flooding"}}}
	hs := joinHotspots(alerts, nm)
	if len(hs) != 2 {
		t.Fatalf("%d hotspots, want 2 (W4, W1): %+v", len(hs), hs)
	}
	// W4: (30 + 4) × 1.5 = 51, critical (its petitions are). W1: (8 + 6 + 5) × 1.5 × 1.5 =
	// 42.75, medium raised to high by its three streams. Critical first.
	w4, w1 := hs[0], hs[1]
	if w4.Ward != "W4" || w4.Score != 51 || w4.Severity != SeverityCritical || len(w4.Alerts) != 2 {
		t.Errorf("first hotspot = %s score %v %s with %d alerts, want W4 51 critical 2", w4.Ward, w4.Score, w4.Severity, len(w4.Alerts))
	}
	if w1.Ward != "W1" || w1.Score != 42.75 || w1.Severity != SeverityHigh || len(w1.Streams) != 3 ||
		!w1.Start.Equal(day("2025-07-01")) || !w1.End.Equal(day("2025-07-08")) {
		t.Errorf("second hotspot = %+v, want W1 42.75 high over 1–7 July with 3 streams", w1)
	}
	wantVI := "Phường Một, 01/07–07/07/2025: 3 luồng dữ liệu cùng tăng bất thường — phản ánh về Ngập nước 10 (dự kiến 2); bài viết tiêu cực về Ngập nước 10 (dự kiến 2); hồ sơ trễ hạn của UBND Phường Một 10 (dự kiến 2)."
	wantEN := "Ward One, 1 Jul–7 Jul 2025: 3 streams rose together — petitions about Flooding 10 (2 expected); negative posts about Flooding 10 (2 expected); late dossiers at Ward One People's Committee 10 (2 expected)."
	if w1.SummaryVI != wantVI || w1.SummaryEN != wantEN {
		t.Errorf("summaries:\n%s\n%s\nwant\n%s\n%s", w1.SummaryVI, w1.SummaryEN, wantVI, wantEN)
	}
}

func TestDetectAlertsRefusesLongPeriods(t *testing.T) {
	p, _ := models.ParsePeriod("2025")
	if _, err := DetectAlerts(context.Background(), nil, p, Scope{}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("a year: err = %v, want ErrInvalid", err)
	}
	if _, err := DetectAlerts(context.Background(), nil, models.Period{}, Scope{}); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("no period: err = %v, want ErrInvalid", err)
	}
}

// TestDetectAlertsOnRollups stores a hand-made petition history and checks the alert end to
// end. Ward 26743 sends one flooding petition a day from 2 June to 3 August 2025 (no holiday in
// between); on Wednesday 30 July ten more arrive, about blocked drains. The day model is flat
// (every weekday has the same mean; month ends and holidays lack the support to be fitted and
// keep their defaults, and none falls on the tested week's working days... except 28–31 July,
// month ends, whose default factor is 1). The level over the eight weeks before 28 July is
// (49 + 14 × 1) / (49 + 14) = 1 (the extreme week left out, pooled with a prior of 1 a day), so
// 30 July expects 1 and sees 11. φ = 1 (too few weekly pairs to measure it) inflated by the level's
// uncertainty: 1 + 1/63.
func TestDetectAlertsOnRollups(t *testing.T) {
	ctx := context.Background()
	db := alertFixtureDB(t, false)
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ward models.Ward
	for _, w := range dims.Wards {
		if w.Code == "26743" {
			ward = w
		}
	}
	var cat models.PetitionCategory
	for _, c := range dims.Categories {
		if c.Code == "ngap_nuoc" {
			cat = c
		}
	}
	p, _ := models.ParsePeriod("2025-W31") // 28 July – 3 August
	alerts, err := DetectAlerts(ctx, db, p, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	// The ward's alert; the city-wide series is the same petitions and is not repeated.
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1: %+v", len(alerts), alerts)
	}
	a := alerts[0]
	phi := 1 + 1.0/63
	low, high := band(1, phi)
	wantScore := round2(-math.Log10(upperTail(11, 1, phi)))
	want := Alert{ID: "petition_surge-26743-ngap_nuoc-20250730", Kind: AlertPetitionSurge, Stream: models.StreamPetitions,
		Start: day("2025-07-30"), End: day("2025-07-31"), Ward: "26743", Category: "ngap_nuoc", Place: "26743",
		Observed: 11, Expected: 1, Low: round2(low), High: round2(high), Score: wantScore, Severity: severityOf(wantScore),
		Dispersion: round2(phi), Link: "/petitions?category=ngap_nuoc&from=2025-07-30&to=2025-07-30&ward=26743"}
	if a.ID != want.ID || a.Kind != want.Kind || !a.Start.Equal(want.Start) || !a.End.Equal(want.End) || a.Ward != want.Ward ||
		a.Category != want.Category || a.Observed != want.Observed || a.Expected != want.Expected || a.Low != want.Low ||
		a.High != want.High || a.Score != want.Score || a.Severity != want.Severity || a.Link != want.Link || a.Dispersion != want.Dispersion {
		t.Errorf("alert =\n%+v\nwant\n%+v", a, want)
	}
	// P(Poisson(0.984) ≥ 10.83): about 1e-8, so high severity (score ≥ 7 at least).
	if a.Score < 7 || a.Low != 0 || a.High != round2(3*phi) {
		t.Errorf("score %v band [%v, %v], want > 7 and [0, %v]", a.Score, a.Low, a.High, round2(3*phi))
	}
	if a.TitleVI != fmt.Sprintf("Phản ánh về %s tại %s tăng bất thường: 11 so với dự kiến 1 (ngày 30/07/2025)", cat.NameVI, ward.FullName) ||
		a.TitleEN != fmt.Sprintf("Petitions about %s in %s surged: 11 against 1 expected (on 30 Jul 2025)", cat.NameEN, ward.NameEN) {
		t.Errorf("titles %q / %q", a.TitleVI, a.TitleEN)
	}
	// Drivers: the ward, the category, then the subcategory that moved (10 against none in the
	// baseline), then the usual one (1 against the whole expectation).
	wantDrivers := []Driver{{"ward", "26743", ward.FullName, 11, 1}, {"category", "ngap_nuoc", cat.NameVI, 11, 1},
		{"subcategory", "cong_tac", "cong_tac", 10, 0}, {"subcategory", "", "", 1, 1}}
	if fmt.Sprint(a.Drivers) != fmt.Sprint(wantDrivers) {
		t.Errorf("drivers = %v, want %v", a.Drivers, wantDrivers)
	}
	// Scopes filter: another ward sees nothing, the ward and its category see the alert.
	for _, tt := range []struct {
		s    Scope
		want int
	}{{Scope{Ward: "26734"}, 0}, {Scope{Ward: "26743", Category: "ngap_nuoc"}, 1}, {Scope{Unit: "H29.26743"}, 0}} {
		got, err := DetectAlerts(ctx, db, p, tt.s)
		if err != nil || len(got) != tt.want {
			t.Errorf("scope %+v: %d alerts (err %v), want %d", tt.s, len(got), err, tt.want)
		}
	}
	// The week before has no alert; a period with no history at all has none either.
	prev, _ := models.ParsePeriod("2025-W30")
	early, _ := models.ParsePeriod("2025-W23")
	for _, per := range []models.Period{prev, early} {
		if got, err := DetectAlerts(ctx, db, per, Scope{}); err != nil || len(got) != 0 {
			t.Errorf("%s: %d alerts (err %v), want none", per, len(got), err)
		}
	}
}

// alertFixtureDB is a migrated database with the petitions of TestDetectAlertsOnRollups and,
// with posts, negative posts about flooding naming the same ward: one every other day from 2 June,
// and eight more on 30 July.
func alertFixtureDB(t *testing.T, posts bool) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	var events []models.PetitionEvent
	n := 0
	add := func(at time.Time, sub string) {
		n++
		p := models.Petition{ID: fmt.Sprintf("P%d", n), ReceivedAt: at, Channel: "hotline", Category: "ngap_nuoc", Subcategory: sub,
			WardCode: "26743", Status: string(models.PetitionNew), DueAt: at.AddDate(0, 0, 5), UpdatedAt: at,
			Version: uint64(at.UnixMilli()), IngestedAt: at, Source: "test"}
		events = append(events, p.Event(models.PetitionNew, at))
	}
	for d := day("2025-06-02"); d.Before(day("2025-08-04")); d = d.AddDate(0, 0, 1) {
		add(d.Add(9*time.Hour), "")
	}
	for i := range 10 {
		add(day("2025-07-30").Add(time.Duration(10+i)*time.Hour), "cong_tac")
	}
	if err := db.Insert(ctx, "petition_events", events); err != nil {
		t.Fatal(err)
	}
	if !posts {
		return db
	}
	var rows []models.Post
	post := func(at time.Time) {
		n++
		rows = append(rows, models.Post{ID: fmt.Sprintf("post-%d", n), Platform: "facebook", PublishedAt: at, WardCode: "26743",
			Topic: "ngap_nuoc", SentimentLabel: "negative", SentimentSource: "lexicon", FirstSeen: true,
			Version: uint64(at.UnixMilli()), IngestedAt: at, Source: "test"})
	}
	for d := day("2025-06-02"); d.Before(day("2025-08-04")); d = d.AddDate(0, 0, 2) {
		post(d.Add(20 * time.Hour))
	}
	for i := range 8 {
		post(day("2025-07-30").Add(time.Duration(12+i) * time.Hour))
	}
	if err := db.Insert(ctx, "posts", rows); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestHotspotsOnRollups: the flooding petitions of 30 July and a burst of negative posts about
// flooding naming the same ward on the same day make one hotspot of two streams.
func TestHotspotsOnRollups(t *testing.T) {
	ctx := context.Background()
	db := alertFixtureDB(t, true)
	p, _ := models.ParsePeriod("2025-W31")
	hs, err := Hotspots(ctx, db, p, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 {
		t.Fatalf("%d hotspots, want 1: %+v", len(hs), hs)
	}
	h := hs[0]
	if h.Ward != "26743" || len(h.Alerts) != 2 || fmt.Sprint(h.Streams) != "[petitions posts]" ||
		!h.Start.Equal(day("2025-07-30")) || !h.End.Equal(day("2025-07-31")) {
		t.Errorf("hotspot = %+v, want ward 26743 on 30 July with a petition and a posts alert", h)
	}
	if want := round2((h.Alerts[0].Score + h.Alerts[1].Score) * 1.5); h.Score != want {
		t.Errorf("score %v, want %v", h.Score, want)
	}
	var posts Alert
	for _, a := range h.Alerts {
		if a.Kind == AlertNegativePosts {
			posts = a
		}
	}
	// The ward's flooding posts: 8 + 1 on 30 July against a level of about half a post a day.
	if posts.Ward != "26743" || posts.Topic != "ngap_nuoc" || posts.Observed != 9 || posts.Expected > 1 ||
		posts.Link != "/sentiment?from=2025-07-30&to=2025-07-30&topic=ngap_nuoc&ward=26743" {
		t.Errorf("posts alert = %+v", posts)
	}
	if !strings.Contains(h.SummaryVI, "2 luồng dữ liệu") || !strings.Contains(h.SummaryEN, "2 streams rose together") {
		t.Errorf("summaries %q / %q", h.SummaryVI, h.SummaryEN)
	}
	// Another week has no hotspot.
	prev, _ := models.ParsePeriod("2025-W30")
	if hs, err := Hotspots(ctx, db, prev, Scope{}); err != nil || len(hs) != 0 {
		t.Errorf("week 30: %d hotspots (err %v), want none", len(hs), err)
	}
}

// TestHotspotsOfDetectedAlerts: joining the alerts DetectAlerts returned (as the dashboard does
// with its shared alerts) gives exactly what Hotspots gives, for the whole city and for a ward's
// scope, in a week with a hotspot and in one without, and leaves the alerts as they were.
func TestHotspotsOfDetectedAlerts(t *testing.T) {
	ctx := context.Background()
	db := alertFixtureDB(t, true)
	for _, c := range []struct {
		week  string
		scope Scope
		n     int
	}{{"2025-W31", Scope{}, 1}, {"2025-W31", Scope{Ward: "26743"}, 1}, {"2025-W31", Scope{Ward: "26734"}, 0}, {"2025-W30", Scope{}, 0}} {
		p, _ := models.ParsePeriod(c.week)
		alerts, err := DetectAlerts(ctx, db, p, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		before := slices.Clone(alerts)
		got, err := HotspotsOf(ctx, db, alerts)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Hotspots(ctx, db, p, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || len(got) != c.n {
			t.Errorf("%s %+v: HotspotsOf = %+v\nHotspots = %+v (want %d)", c.week, c.scope, got, want, c.n)
		}
		if !reflect.DeepEqual(alerts, before) {
			t.Errorf("%s %+v: HotspotsOf changed its alerts", c.week, c.scope)
		}
	}
}

// TestAlertDossierDueQuery checks alert_dossier_due by hand: unit U1's dossiers, judged as of
// 8 July 2025, stored as the pipeline stores them (latest state and lifecycle events). Due 1 July:
// A ended on time (its older version, still open, is replaced), B ended a day late, C is still
// open past its due time; due 2 July: D ended early but after two supplement requests (late by
// DOMAIN §3); E's three days of supplement pauses move its due time to 5 July, and it ended before
// that (on time, counted on the day of its due_at); F falls due after the as-of day and G was
// withdrawn: neither counts.
func TestAlertDossierDueQuery(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, models.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mk := func(id, status, due, ended string, supplements uint8, pausedSec uint32, version uint64) models.Dossier {
		d := models.Dossier{ID: id, ProcedureCode: "1.001", ProcedureName: "P", Field: "tu_phap", UnitCode: "U1", UnitName: "U1",
			Channel: "online", OnlineLevel: "full", Status: status, ReceivedAt: at("2025-06-20 09:00:00"), DueAt: at(due),
			UpdatedAt: at("2025-06-20 09:00:00").Add(time.Duration(version) * time.Hour), SupplementCount: supplements,
			SupplementPausedSeconds: pausedSec, Version: version, IngestedAt: at("2025-06-20 09:00:00"), Source: "test"}
		if ended != "" {
			e := at(ended)
			d.CompletedAt, d.UpdatedAt = &e, e
		}
		return d
	}
	rows := []models.Dossier{
		mk("A", "processing", "2025-07-01 10:00:00", "", 0, 0, 1),
		mk("A", "completed", "2025-07-01 10:00:00", "2025-06-30 16:00:00", 0, 0, 2),
		mk("B", "completed", "2025-07-01 10:00:00", "2025-07-02 10:00:00", 0, 0, 1),
		mk("C", "processing", "2025-07-01 15:00:00", "", 0, 0, 1),
		mk("D", "completed", "2025-07-02 09:00:00", "2025-07-01 09:00:00", 2, 0, 1),
		mk("E", "completed", "2025-07-02 09:00:00", "2025-07-03 09:00:00", 1, 3*86400, 1),
		mk("F", "processing", "2025-07-09 09:00:00", "", 0, 0, 1),
		mk("G", "withdrawn", "2025-07-01 09:00:00", "2025-07-03 09:00:00", 0, 0, 1),
	}
	insertDossiers(t, db, rows)
	text, err := sqlfiles.Query("alert_dossier_due")
	if err != nil {
		t.Fatal(err)
	}
	var got []alertRow
	if err := db.Query(ctx, &got, text, store.Params{"from": "2025-06-25", "to": "2025-07-12", "asof": "2025-07-08 00:00:00"}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b alertRow) int { return cmp.Compare(a.Day, b.Day) })
	want := []alertRow{{"2025-07-01", "U1", "", 2, 3}, {"2025-07-02", "U1", "", 1, 2}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}

// TestLateDrivers: the late dossiers of two overdue alerts read with one query and summed per
// alert by procedure. U1's alert covers 15–16 July: procedure 1.001 has three late dossiers due
// then (one still open, one ended a day late, one ended early after two supplement requests) and
// one due on 10 July, in the baseline; a dossier ended on time, a withdrawn one and one due on 17
// July (after the alert, though within the other alert's range that the query reads) do not
// count. U2's alert covers 18–19 July: one late dossier.
func TestLateDrivers(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, models.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mk := func(id, unit, proc, status, received, due, ended string, supplements uint8) models.Dossier {
		d := models.Dossier{ID: id, ProcedureCode: proc, ProcedureName: "P" + proc, Field: "tu_phap", UnitCode: unit, UnitName: unit,
			Channel: "online", OnlineLevel: "full", Status: status, ReceivedAt: at(received), DueAt: at(due),
			UpdatedAt: at(received), SupplementCount: supplements, Version: 1, IngestedAt: at(received), Source: "test"}
		if ended != "" {
			e := at(ended)
			d.CompletedAt, d.UpdatedAt = &e, e
		}
		return d
	}
	rec := "2025-07-01 09:00:00"
	rows := []models.Dossier{
		mk("A", "U1", "1.001", "processing", rec, "2025-07-15 10:00:00", "", 0),
		mk("B", "U1", "1.001", "completed", rec, "2025-07-16 10:00:00", "2025-07-17 10:00:00", 0),
		mk("C", "U1", "1.001", "completed", rec, "2025-07-16 10:00:00", "2025-07-15 10:00:00", 2),
		mk("D", "U1", "1.001", "completed", rec, "2025-07-10 10:00:00", "2025-07-11 10:00:00", 0),
		mk("E", "U1", "1.002", "completed", rec, "2025-07-16 10:00:00", "2025-07-15 10:00:00", 0),
		mk("F", "U1", "1.002", "withdrawn", rec, "2025-07-15 10:00:00", "2025-07-18 10:00:00", 0),
		mk("G", "U1", "1.002", "processing", rec, "2025-07-17 09:00:00", "", 0),
		mk("I", "U2", "2.001", "completed", rec, "2025-07-19 10:00:00", "2025-07-20 10:00:00", 0),
	}
	insertDossiers(t, db, rows)
	alerts := []Alert{
		{Kind: AlertOverdueSurge, Unit: "U1", Start: day("2025-07-15"), End: day("2025-07-17")},
		{Kind: AlertPetitionSurge, Ward: "W", Category: "c", Start: day("2025-06-01"), End: day("2025-06-02")},
		{Kind: AlertOverdueSurge, Unit: "U2", Start: day("2025-07-18"), End: day("2025-07-20")},
	}
	d := &detector{q: db}
	if err := d.loadLateDrivers(ctx, alerts); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int][]driverRow{0: {{"1.001", "P1.001", 3, 1}}, 2: {{"2.001", "P2.001", 1, 0}}} {
		got := d.lateDrivers(alerts[i])
		slices.SortFunc(got, func(a, b driverRow) int { return cmp.Compare(a.Code, b.Code) })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("alert %d: drivers %v, want %v", i, got, want)
		}
	}
}

// insertDossiers stores dossier versions (in order) as the pipeline does: every version in
// dossiers, and the lifecycle events of the 0002 contract in dossier_events — on first sight a
// 'received' event and, when the status is another, an event of it; later, an event when the
// status changes and no terminal event was recorded yet.
func insertDossiers(t *testing.T, db store.DB, rows []models.Dossier) {
	t.Helper()
	ctx := context.Background()
	if err := db.Insert(ctx, "dossiers", rows); err != nil {
		t.Fatal(err)
	}
	terminal := func(s string) bool {
		return slices.Contains([]string{"completed", "returned", "rejected", "withdrawn"}, s)
	}
	last := map[string]string{}
	var events []models.DossierEvent
	for _, d := range rows {
		prev, seen := last[d.ID]
		switch {
		case !seen:
			events = append(events, d.Event(models.DossierStatus("received"), d.ReceivedAt))
			if d.Status != "received" {
				events = append(events, d.Event(models.DossierStatus(d.Status), d.UpdatedAt))
			}
		case prev != d.Status && !terminal(prev):
			events = append(events, d.Event(models.DossierStatus(d.Status), d.UpdatedAt))
		}
		if !seen || !terminal(prev) {
			last[d.ID] = d.Status
		}
	}
	if err := db.Insert(ctx, "dossier_events", events); err != nil {
		t.Fatal(err)
	}
}
