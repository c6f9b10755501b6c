package pipeline

import (
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// TestSimulateIncidents checks that the planted incidents are in the manifest as promised and
// stand out of the data: each window's count is several times the same series' own level outside
// the window.
func TestSimulateIncidents(t *testing.T) {
	opts := testSimOptions(t, "2025-06-01", 120, 0.3) // summer and autumn: rainy season, enrolment
	w, err := newSimWorld(opts)
	if err != nil {
		t.Fatal(err)
	}
	man := w.manifest()
	kinds := map[string]int{}
	for i, inc := range man.Incidents {
		kinds[inc.Kind]++
		switch {
		case inc.ID == "" || (i > 0 && inc.Start.Before(man.Incidents[i-1].Start)):
			t.Errorf("incident %d: id %q or order wrong", i, inc.ID)
		case !inc.End.After(inc.Start) || inc.Start.Before(man.Start) || inc.End.After(man.Start.AddDate(0, 0, man.Days)):
			t.Errorf("%s: window %s–%s outside the run", inc.ID, inc.Start, inc.End)
		case inc.Start.Location() != models.Location || inc.Start.Hour() != 0:
			t.Errorf("%s: start %s is not a local midnight", inc.ID, inc.Start)
		case inc.Baseline <= 0 || inc.Description == "":
			t.Errorf("%s: baseline %g, description %q", inc.ID, inc.Baseline, inc.Description)
		}
	}
	months := float64(man.Days) / 30.44
	if n := len(man.Incidents); float64(n) < 2*months {
		t.Errorf("%d incidents in %.1f months, want at least 2 a month", n, months)
	}
	perMonth := map[string]int{}
	for _, inc := range man.Incidents {
		perMonth[inc.Start.Format("2006-01")]++
	}
	for _, m := range []string{"2025-06", "2025-07", "2025-08", "2025-09"} {
		if perMonth[m] < 2 {
			t.Errorf("%d incidents in %s, want at least 2 in every month (%v)", perMonth[m], m, perMonth)
		}
	}
	for _, k := range []string{IncidentPetitionSpike, IncidentNegativePosts, IncidentOverdueUnit, IncidentIntakeDrop, IncidentFloodStorm} {
		if kinds[k] == 0 {
			t.Errorf("no %s incident (kinds %v)", k, kinds)
		}
	}
	t.Logf("%d incidents: %v", len(man.Incidents), kinds)

	// Generate the run once, keeping what the checks need.
	type key struct {
		a, b string
		d    simDay
	}
	petitions := map[key]int{}   // ward, category, day
	negPosts := map[key]int{}    // ward, topic, day
	intake := map[key]int{}      // unit, "", day
	due := map[key][2]int{}      // unit, "", due day: late, all
	floodLow := map[simDay]int{} // flooding petitions from low-lying wards
	low := map[string]bool{}
	for _, wd := range w.wards {
		low[wd.Code] = wd.lowLying
	}
	for d := w.first; d < w.end; d++ {
		b := w.generateDay(d, simGenAll)
		for _, l := range b.petitions {
			ward := l.row.WardCode
			if ward == "" {
				continue
			}
			petitions[key{ward, l.row.Category, d}]++
			if l.row.Category == "ngap_nuoc" && low[ward] {
				floodLow[d]++
			}
		}
		for _, p := range b.posts {
			if p.polarity < 0 && p.ward != "" {
				negPosts[key{p.ward, p.topic, d}]++
				negPosts[key{p.ward, "", d}]++
			}
		}
		for i := range b.dossiers {
			l := &b.dossiers[i]
			intake[key{l.row.UnitCode, "", d}]++
			end := l.snapshot(l.end.Add(time.Hour))
			k := key{l.row.UnitCode, "", simDayOf(l.row.DueAt)}
			v := due[k]
			if ok := end.EndedOnTime(); ok != nil && !*ok {
				v[0]++
			}
			v[1]++
			due[k] = v
		}
	}
	// other reports whether another incident touches the series of inc on day d.
	other := func(inc Incident, d simDay) bool {
		for _, j := range w.byDay[d] {
			o := &w.incidents[j]
			if o.ID != inc.ID && ((inc.WardCode != "" && o.WardCode == inc.WardCode) || (inc.UnitCode != "" && o.UnitCode == inc.UnitCode) ||
				(o.Kind == IncidentFloodStorm && (inc.Category == "ngap_nuoc" || inc.Topic == "ngap_nuoc" || inc.Kind == IncidentFloodStorm))) {
				return true
			}
		}
		return false
	}
	// inOut sums f over the incident's days and over comparable days: the same weekdays of the
	// five weeks before and after, away from the window and from other incidents on the same
	// series (only working days for dossier series).
	inOut := func(inc Incident, workdays bool, f func(simDay) float64) (in, out float64, nIn, nOut int) {
		from, to := simDayOf(inc.Start), simDayOf(inc.End)
		for d := from; d < to; d++ {
			if workdays && !simWorkday(d) {
				continue
			}
			in += f(d)
			nIn++
			for k := simDay(-5); k <= 5; k++ {
				if o := d + 7*k; (o < from-3 || o >= to+3) && o >= w.first && o < w.end && (!workdays || simWorkday(o)) && !other(inc, o) {
					out += f(o)
					nOut++
				}
			}
		}
		return
	}
	for _, inc := range man.Incidents {
		switch inc.Kind {
		case IncidentPetitionSpike:
			in, out, nIn, nOut := inOut(inc, false, func(d simDay) float64 { return float64(petitions[key{inc.WardCode, inc.Category, d}]) })
			rate, base := in/float64(nIn), out/float64(nOut)
			t.Logf("%s %s %s/%s: %.2f a day in the window vs %.2f outside (manifest %g× of %g)", inc.ID, inc.Kind, inc.WardCode, inc.Category, rate, base, inc.Magnitude, inc.Baseline)
			if rate < 2.5*base || in < 3*inc.Baseline*float64(nIn) {
				t.Errorf("%s: %g petitions in %d days vs %.2f a day outside (manifest baseline %g): not a spike", inc.ID, in, nIn, base, inc.Baseline)
			}
		case IncidentNegativePosts:
			in, out, nIn, nOut := inOut(inc, false, func(d simDay) float64 { return float64(negPosts[key{inc.WardCode, "", d}]) })
			topicIn, _, _, _ := inOut(inc, false, func(d simDay) float64 { return float64(negPosts[key{inc.WardCode, inc.Topic, d}]) })
			rate, base := in/float64(nIn), out/float64(nOut)
			t.Logf("%s %s %s/%s: %.2f negative posts a day vs %.2f (manifest %g× of %g)", inc.ID, inc.Kind, inc.WardCode, inc.Topic, rate, base, inc.Magnitude, inc.Baseline)
			if rate < 2.5*base || in < 3*inc.Baseline*float64(nIn) || topicIn < in/2 {
				t.Errorf("%s: %g negative posts (%g on %s) in %d days vs %.2f a day outside", inc.ID, in, topicIn, inc.Topic, nIn, base)
			}
		case IncidentOverdueUnit:
			lateIn, lateOut, _, _ := inOut(inc, true, func(d simDay) float64 { return float64(due[key{inc.UnitCode, "", d}][0]) })
			allIn, allOut, _, _ := inOut(inc, true, func(d simDay) float64 { return float64(due[key{inc.UnitCode, "", d}][1]) })
			t.Logf("%s %s %s: late %.0f/%.0f in the window vs %.0f/%.0f outside (manifest %g×)", inc.ID, inc.Kind, inc.UnitCode, lateIn, allIn, lateOut, allOut, inc.Magnitude)
			if allIn == 0 || lateIn/allIn < 3*lateOut/allOut || lateIn/allIn < 0.25 {
				t.Errorf("%s: late share %.0f/%.0f in the window vs %.0f/%.0f outside", inc.ID, lateIn, allIn, lateOut, allOut)
			}
		case IncidentIntakeDrop:
			in, out, nIn, nOut := inOut(inc, true, func(d simDay) float64 { return float64(intake[key{inc.UnitCode, "", d}]) })
			rate, base := in/float64(nIn), out/float64(nOut)
			t.Logf("%s %s %s: %.1f dossiers a working day vs %.1f (manifest keeps %g of %g)", inc.ID, inc.Kind, inc.UnitCode, rate, base, inc.Magnitude, inc.Baseline)
			if rate > base/2.5 || base < 3 {
				t.Errorf("%s: intake %.1f a day in the window vs %.1f outside: no drop", inc.ID, rate, base)
			}
		case IncidentFloodStorm:
			in, out, nIn, nOut := inOut(inc, false, func(d simDay) float64 { return float64(floodLow[d]) })
			rate, base := in/float64(nIn), out/float64(nOut)
			t.Logf("%s %s: %.1f flooding petitions from low-lying wards vs %.1f a day (manifest %g× of %g)", inc.ID, inc.Kind, rate, base, inc.Magnitude, inc.Baseline)
			if rate < 2.5*base {
				t.Errorf("%s: %.1f flooding petitions in the storm vs %.1f a day", inc.ID, rate, base)
			}
		}
	}
}
