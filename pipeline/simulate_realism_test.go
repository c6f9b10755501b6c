package pipeline

import (
	"math"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Realism checks (DOMAIN §2) on a 60-day run, April–May 2025: dry season then the first rainy
// month. Tolerances are wide enough for the randomness of a small scale, narrow enough to catch a
// broken mix.

type shareCheck struct {
	name     string
	got      float64
	min, max float64
}

func checkShares(t *testing.T, checks []shareCheck) {
	t.Helper()
	for _, c := range checks {
		if math.IsNaN(c.got) || c.got < c.min || c.got > c.max {
			t.Errorf("%s = %.4f, want in [%.3f, %.3f]", c.name, c.got, c.min, c.max)
		} else {
			t.Logf("%s = %.4f", c.name, c.got)
		}
	}
}

func ratio(a, b int) float64 { return float64(a) / float64(b) }

func TestSimulateRealism(t *testing.T) {
	opts := testSimOptions(t, "2025-04-01", 60, 0.1)
	run := runSim(t, opts)

	// Dossiers.
	byWeekday := map[time.Weekday]int{}
	days := map[time.Weekday]map[string]bool{}
	var online, ended, onTime, supp, fee, feeOnline, paidOnline, rated, satisfied, digitized, dept int
	for _, d := range run.all.Dossiers {
		wd := d.ReceivedAt.Weekday()
		byWeekday[wd]++
		if days[wd] == nil {
			days[wd] = map[string]bool{}
		}
		days[wd][d.ReceivedAt.Format(time.DateOnly)] = true
		if d.Channel == "online" {
			online++
			if d.FeeVND > 0 {
				feeOnline++
				if d.PaidOnline {
					paidOnline++
				}
			}
		}
		if ok := d.EndedOnTime(); ok != nil {
			ended++
			if *ok {
				onTime++
			}
		}
		if d.SupplementCount > 0 {
			supp++
		}
		if d.FeeVND > 0 {
			fee++
		}
		if d.Satisfaction != nil {
			rated++
			if *d.Satisfaction == "satisfied" {
				satisfied++
			}
		}
		if d.Digitized {
			digitized++
		}
		if !(len(d.UnitCode) > 4 && d.UnitCode[4] >= '0' && d.UnitCode[4] <= '9') {
			dept++
		}
	}
	var withFee int
	procs := SimProcedures()
	for _, p := range procs {
		if p.FeeVND > 0 {
			withFee++
		}
	}
	perDay := func(wd time.Weekday) float64 { return float64(byWeekday[wd]) / float64(max(1, len(days[wd]))) }
	n := len(run.all.Dossiers)
	// 60 days of a year of 1.2M at scale 0.1, April–May (holidays 7/4, 30/4, 1/5 included).
	checkShares(t, []shareCheck{
		{"dossiers per day vs 1.2M/year", float64(n) / 60 / (1.2e6 * 0.1 / 365), 0.8, 1.2},
		{"Monday / Sunday dossiers", perDay(time.Monday) / max(1, perDay(time.Sunday)), 15, 200},
		{"Monday / Thursday dossiers", perDay(time.Monday) / perDay(time.Thursday), 1.05, 1.5},
		{"Saturday / Thursday dossiers", perDay(time.Saturday) / perDay(time.Thursday), 0.1, 0.4},
		{"online share (target 48% in spring 2025)", ratio(online, n), 0.42, 0.58},
		{"on-time share of ended dossiers", ratio(onTime, ended), 0.90, 0.99},
		{"supplement requested share", ratio(supp, n), 0.05, 0.11},
		{"procedures with a fee (catalogue)", ratio(withFee, len(procs)), 0.25, 0.35},
		{"fee-bearing share of dossiers (certified copies are the commonest)", ratio(fee, n), 0.35, 0.6},
		{"paid online among online fee-bearing", ratio(paidOnline, feeOnline), 0.4, 0.8},
		{"rated share", ratio(rated, n), 0.2, 0.45},
		{"satisfied among rated", ratio(satisfied, rated), 0.75, 0.95},
		{"digitised share", ratio(digitized, n), 0.65, 0.95},
		{"department share", ratio(dept, n), 0.2, 0.4},
	})

	// Petitions.
	cat := map[string]int{}
	floodApr, floodMay, aprN, mayN := 0, 0, 0, 0
	var fwdFast, closed, closedOnTime, pRated, pSat int
	for _, p := range run.all.Petitions {
		cat[p.Category]++
		if p.ReceivedAt.Month() == time.April {
			aprN++
			if p.Category == "ngap_nuoc" {
				floodApr++
			}
		} else {
			mayN++
			if p.Category == "ngap_nuoc" {
				floodMay++
			}
		}
		if p.ForwardedAt != nil && p.ForwardedAt.Sub(p.ReceivedAt) <= 5*time.Minute {
			fwdFast++
		}
		if c := p.ClosedAt(); c != nil {
			closed++
			if !c.After(p.DueAt) {
				closedOnTime++
			}
		}
		if p.Satisfaction != nil {
			pRated++
			if *p.Satisfaction == "satisfied" {
				pSat++
			}
		}
	}
	np := len(run.all.Petitions)
	checkShares(t, []shareCheck{
		{"petitions per month vs 14,700", float64(np) / 2 / (14700 * 0.1), 0.8, 1.2},
		{"public administration share", ratio(cat["hanh_chinh_cong"], np), 0.36, 0.48},
		{"urban infrastructure share", ratio(cat["ha_tang_do_thi"], np), 0.13, 0.24},
		{"noise share", ratio(cat["tieng_on"], np), 0.06, 0.12},
		{"traffic and buses share", ratio(cat["giao_thong"], np), 0.05, 0.11},
		{"flooding share, April", ratio(floodApr, aprN), 0, 0.025},
		{"flooding share, May", ratio(floodMay, mayN), 0.015, 0.08},
		{"forwarded within 5 minutes", ratio(fwdFast, np), 0.8, 0.97},
		{"answered on time", ratio(closedOnTime, closed), 0.88, 0.99},
		{"satisfied among rated petitions", ratio(pSat, pRated), 0.7, 0.95},
	})
	if floodMay*aprN <= 2*floodApr*mayN {
		t.Errorf("flooding share May %d/%d not well above April %d/%d", floodMay, mayN, floodApr, aprN)
	}

	// Posts.
	var platforms = map[string]int{}
	var topic, ward, folded int
	for _, p := range run.all.Posts {
		platforms[p.Platform]++
		if p.Topic != "" {
			topic++
		}
		if p.WardCode != "" {
			ward++
		}
		if !HasDiacritics(p.Text) {
			folded++
		}
	}
	ns := len(run.all.Posts)
	checkShares(t, []shareCheck{
		{"posts per day vs 500k/year", float64(ns) / 60 / (5e5 * 0.1 / 365), 0.8, 1.2},
		{"facebook share", ratio(platforms["facebook"], ns), 0.45, 0.65},
		{"topic tagged share", ratio(topic, ns), 0.6, 0.8},
		{"ward tagged share", ratio(ward, ns), 0.1, 0.22},
		{"texts without diacritics", ratio(folded, ns), 0.12, 0.3},
	})
}

// TestSimulatePostPolarity checks the texts against the pipeline's own scorer: what the
// simulator wrote as negative must mostly score negative, and the reverse.
func TestSimulatePostPolarity(t *testing.T) {
	w, err := newSimWorld(testSimOptions(t, "2025-09-01", 20, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	agree := map[int8][2]int{}
	mentioned, total := 0, 0
	for d := w.first; d < w.end; d++ {
		for _, p := range w.postsOn(d) {
			s := ScoreSentiment(p.row.Text)
			want := map[int8]string{-1: SentimentNegative, 0: SentimentNeutral, 1: SentimentPositive}[p.polarity]
			a := agree[p.polarity]
			a[1]++
			if s.Label == want {
				a[0]++
			}
			agree[p.polarity] = a
			total++
			if p.ward != "" {
				mentioned++
			}
		}
	}
	for pol, a := range agree {
		t.Logf("polarity %d: scorer agrees on %d of %d", pol, a[0], a[1])
	}
	checkShares(t, []shareCheck{
		{"negative posts scored negative", ratio(agree[-1][0], agree[-1][1]), 0.7, 1},
		{"positive posts scored positive", ratio(agree[1][0], agree[1][1]), 0.6, 1},
		{"share of negative posts", ratio(agree[-1][1], total), 0.3, 0.5},
		{"posts naming a ward", ratio(mentioned, total), 0.45, 0.6},
	})
}

func TestSimulateCalendar(t *testing.T) {
	tet := simDate(2026, 2, 17)
	if w := simDossierDayWeight(tet + 1); w > 0.05 {
		t.Errorf("dossier weight in Tết = %g, want a collapse", w)
	}
	if simDossierDayWeight(tet-10) <= simDossierDayWeight(tet-10-35) {
		t.Errorf("no pre-Tết rush: %g vs %g five weeks earlier", simDossierDayWeight(tet-10), simDossierDayWeight(tet-45))
	}
	if simWorkday(tet+3) || !simWorkday(simDate(2026, 3, 2)) || simWorkday(simDate(2026, 3, 1)) {
		t.Error("working days around Tết 2026 are wrong")
	}
	// Friday 2025-08-29 + 2 working days skips the weekend and 1–2/9.
	if got := simAddWorkdays(simDate(2025, 8, 29), 2); got != simDate(2025, 9, 4) {
		y, m, d := got.date()
		t.Errorf("2 working days after 29/8/2025 = %d-%d-%d, want 2025-09-04", y, m, d)
	}
	if simDayOf(simDate(2025, 8, 12).at(23*3600+59*60)) != simDate(2025, 8, 12) {
		t.Error("simDay.at and simDayOf disagree")
	}
	if w := simDate(2025, 8, 12).weekday(); w != time.Tuesday {
		t.Errorf("2025-08-12 is a %s", w)
	}
	if got := simDate(2025, 8, 12).at(9 * 3600).Format(time.RFC3339); got != "2025-08-12T09:00:00+07:00" {
		t.Errorf("at = %s", got)
	}
	if simDate(2025, 3, 31).start().Location() != models.Location {
		t.Error("days start in the wrong zone")
	}
}

// TestSimulateYearVolumes checks the base rates: a year at scale 1 carries DOMAIN §2's volumes.
func TestSimulateYearVolumes(t *testing.T) {
	w, err := newSimWorld(testSimOptions(t, "2025-01-01", 365, 1))
	if err != nil {
		t.Fatal(err)
	}
	var dossiers, petitions, posts float64
	for d := w.first; d < w.end; d++ {
		dm := w.dossierBase * simDossierDayWeight(d)
		if simSchoolSeason(d) > 1 {
			dm *= w.procCumEdu[len(w.procCumEdu)-1] / w.procCum[len(w.procCum)-1]
		}
		dossiers += dm
		petitions += w.petitionBase * simPetitionDayWeight(d) * w.categorySum(d)
		posts += w.postBase * simPostDayWeight(d)
	}
	checkShares(t, []shareCheck{
		{"dossiers a year / 1.2M", dossiers / 1.2e6, 0.97, 1.1},
		{"petitions a year / 176k", petitions / 176e3, 0.99, 1.01},
		{"posts a year / 500k", posts / 5e5, 0.99, 1.01},
	})
}
