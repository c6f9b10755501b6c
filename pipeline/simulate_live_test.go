package pipeline

import (
	"reflect"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// TestLiveContinuesHistory: a history cut at Now, followed by Live's chunks up to a later time,
// must leave every dossier and petition exactly as a history cut at that later time does.
func TestLiveContinuesHistory(t *testing.T) {
	opts := testSimOptions(t, "2025-10-01", 30, 0.1)
	opts.Now = time.Date(2025, 10, 30, 9, 40, 0, 0, models.Location) // the last day, Thursday morning
	later := opts
	later.Now = opts.Now.Add(150 * time.Minute)
	before, after := runSim(t, opts).all, runSim(t, later).all

	live, err := NewLive(opts)
	if err != nil {
		t.Fatal(err)
	}
	dossiers := map[string]models.Dossier{}
	for _, d := range before.Dossiers {
		dossiers[d.ID] = d
	}
	petitions := map[string]models.Petition{}
	for _, p := range before.Petitions {
		petitions[p.ID] = p
	}
	posts := map[string]bool{}
	for _, p := range before.Posts {
		posts[p.Platform+"/"+p.ID] = true
	}
	var arrivals, changes, resent int
	for _, at := range []time.Time{opts.Now.Add(time.Minute), opts.Now.Add(40 * time.Minute), opts.Now.Add(41 * time.Minute), later.Now} {
		c := live.Next(at)
		if len(c.Citizens) != len(c.Petitions) || len(c.Authors) != len(c.Posts) {
			t.Fatalf("chunk with %d petitions, %d citizens, %d posts, %d authors", len(c.Petitions), len(c.Citizens), len(c.Posts), len(c.Authors))
		}
		for _, d := range c.Dossiers {
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			old, seen := dossiers[d.ID]
			switch {
			case d.UpdatedAt.After(at):
				t.Fatalf("dossier %s updated %s, after %s", d.ID, d.UpdatedAt, at)
			case seen && d.Version <= old.Version:
				t.Fatalf("dossier %s re-sent at version %d after %d", d.ID, d.Version, old.Version)
			case seen:
				changes++
			default:
				arrivals++
			}
			dossiers[d.ID] = d
		}
		for _, p := range c.Petitions {
			if old, seen := petitions[p.ID]; seen && p.Version <= old.Version {
				t.Fatalf("petition %s re-sent at version %d after %d", p.ID, p.Version, old.Version)
			}
			petitions[p.ID] = p
		}
		for _, p := range c.Posts {
			if posts[p.Platform+"/"+p.ID] {
				resent++
			}
			posts[p.Platform+"/"+p.ID] = true
		}
	}
	t.Logf("live: %d dossier arrivals, %d dossier changes, %d post re-sends", arrivals, changes, resent)
	if arrivals == 0 || changes == 0 || resent == 0 {
		t.Errorf("live moved too little: %d arrivals, %d changes, %d re-sends", arrivals, changes, resent)
	}
	if len(dossiers) != len(after.Dossiers) {
		inAfter := map[string]bool{}
		for _, d := range after.Dossiers {
			inAfter[d.ID] = true
		}
		for id, d := range dossiers {
			if !inAfter[id] {
				t.Errorf("dossier %s (received %s, updated %s) not in the later history", id, d.ReceivedAt, d.UpdatedAt)
			}
		}
	}
	if len(dossiers) != len(after.Dossiers) || len(petitions) != len(after.Petitions) {
		t.Fatalf("history+live has %d dossiers and %d petitions, the later history %d and %d", len(dossiers), len(petitions), len(after.Dossiers), len(after.Petitions))
	}
	for _, d := range after.Dossiers {
		if got := dossiers[d.ID]; !reflect.DeepEqual(got, d) {
			t.Fatalf("dossier %s:\nlive    %+v\nhistory %+v", d.ID, got, d)
		}
	}
	for _, p := range after.Petitions {
		if got := petitions[p.ID]; !reflect.DeepEqual(got, p) {
			t.Fatalf("petition %s:\nlive    %+v\nhistory %+v", p.ID, got, p)
		}
	}
	for _, p := range after.Posts {
		if !posts[p.Platform+"/"+p.ID] {
			t.Fatalf("post %s/%s of the later history never sent", p.Platform, p.ID)
		}
	}
	if c := live.Next(later.Now); c.Len() != 0 {
		t.Errorf("a second call at the same time returned %d rows", c.Len())
	}
}

// TestLiveBeyondPeriod: past the simulated period the stream goes on at the same rates.
func TestLiveBeyondPeriod(t *testing.T) {
	opts := testSimOptions(t, "2025-10-01", 10, 0.2)
	live, err := NewLive(opts) // from the end of the period, midnight
	if err != nil {
		t.Fatal(err)
	}
	end := opts.Start.AddDate(0, 0, 10)
	var n int
	for h := 1; h <= 12; h++ {
		at := end.Add(time.Duration(h) * time.Hour)
		c := live.Next(at)
		for _, d := range c.Dossiers {
			if d.ReceivedAt.After(at) || d.UpdatedAt.After(at) {
				t.Fatalf("dossier %s from the future: received %s updated %s at %s", d.ID, d.ReceivedAt, d.UpdatedAt, at)
			}
			if !d.ReceivedAt.Before(end) {
				n++
			}
		}
	}
	if n < 50 {
		t.Errorf("%d dossiers received on the morning after the period, want a working Saturday's worth", n)
	}
}

// TestLiveLookback: nothing changes after the lookbacks NewLive relies on.
func TestLiveLookback(t *testing.T) {
	w, err := newSimWorld(testSimOptions(t, "2025-12-01", 60, 0.3))
	if err != nil {
		t.Fatal(err)
	}
	for d := w.first; d < w.end; d++ {
		b := w.generateDay(d, simGenDossiers|simGenPetitions)
		for i := range b.dossiers {
			if l := &b.dossiers[i]; !l.settled((d + liveDossierDays).start()) {
				t.Fatalf("dossier %s received %s still changes after %d days (ends %s, rated %s)", l.row.ID, l.row.ReceivedAt, liveDossierDays, l.end, l.rated)
			}
		}
		for i := range b.petitions {
			if l := &b.petitions[i]; !l.settled((d + livePetitionDays).start()) {
				t.Fatalf("petition %s received %s still changes after %d days", l.row.ID, l.row.ReceivedAt, livePetitionDays)
			}
		}
	}
}
