package analytics

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// finalReadCounter counts the KPI reads of the latest-state tables (the satisfaction queries),
// the cost the result cache saves.
type finalReadCounter struct {
	store.DB
	dossiers, petitions atomic.Int64
}

func (c *finalReadCounter) Query(ctx context.Context, dest any, query string, params store.Params) error {
	if strings.Contains(query, "FROM dossiers AS d FINAL") {
		c.dossiers.Add(1)
	}
	if strings.Contains(query, "FROM petitions AS p FINAL") {
		c.petitions.Add(1)
	}
	return c.DB.Query(ctx, dest, query, params)
}

// TestKPICacheInvalidation: a cached satisfaction rate is read again after a new rating (a
// latest-state row without an event) or new data in the period, and not after data of another
// month; every answer equals the uncached one.
func TestKPICacheInvalidation(t *testing.T) {
	ctx := context.Background()
	db := &finalReadCounter{DB: kpiDB(t)}
	ref := uncachedQuerier{Querier: db.DB}
	oct := kpiPeriod(t, "2025-10")
	dossierKPIs := func(q Querier) []KPI {
		t.Helper()
		k, err := DossierKPIs(ctx, q, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	satisfaction := func(k []KPI) Rate {
		t.Helper()
		for _, x := range k {
			if x.Key == KeyDossierSatisfaction {
				return *x.Current.Rate
			}
		}
		t.Fatal("no dossier satisfaction KPI")
		return Rate{}
	}
	// step runs DossierKPIs through the cache, checks it against the engine and returns the
	// number of dossiers FINAL reads it made.
	step := func(name string) ([]KPI, int64) {
		t.Helper()
		before := db.dossiers.Load()
		got := dossierKPIs(db)
		reads := db.dossiers.Load() - before
		if want := dossierKPIs(ref); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cached KPIs differ from the engine's:\n%+v\n%+v", name, got, want)
		}
		return got, reads
	}
	ins := func(rows []models.Dossier, events []models.DossierEvent) {
		t.Helper()
		if len(events) > 0 {
			if err := db.Insert(ctx, "dossier_events", events); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Insert(ctx, "dossiers", rows); err != nil {
			t.Fatal(err)
		}
	}
	byID := map[string]kpiDossier{}
	for _, d := range kpiDossiers() {
		byID[d.received.ID] = d
	}

	first, reads := step("first")
	if reads != 3 {
		t.Fatalf("first call read dossiers FINAL %d times, want 3 (the three periods)", reads)
	}
	if got := satisfaction(first); got.Num != 2 || got.Den != 3 {
		t.Fatalf("October satisfaction %v/%v, want 2/3", got.Num, got.Den)
	}
	if _, reads = step("unchanged"); reads != 0 {
		t.Errorf("an unchanged database read dossiers FINAL %d times", reads)
	}

	// A rating of D3 (ended 10-10, received in October) arrives alone: a new latest-state row,
	// no event. Only October's partition changed: one read.
	d3 := byID["D3"].ended
	rating, when := "satisfied", d3.UpdatedAt.Add(48*time.Hour)
	d3.Satisfaction, d3.UpdatedAt, d3.Version = &rating, when, uint64(when.UnixMilli())
	ins([]models.Dossier{d3}, nil)
	got, reads := step("rating")
	if reads != 1 {
		t.Errorf("a new rating in October: %d reads of dossiers FINAL, want 1", reads)
	}
	if s := satisfaction(got); s.Num != 3 || s.Den != 4 {
		t.Errorf("October satisfaction after D3's rating %v/%v, want 3/4", s.Num, s.Den)
	}

	// A dossier received and rated in October (events and state): read again.
	d := models.Dossier{ID: "D20", ProcedureCode: "1.001193", Field: "F1", UnitCode: "U1", WardCode: "W1",
		Channel: "online", OnlineLevel: "full", Status: string(models.DossierReceived),
		ReceivedAt: at(2025, 10, 20, 8), DueAt: at(2025, 10, 22, 17), UpdatedAt: at(2025, 10, 20, 8),
		Version: uint64(at(2025, 10, 20, 8).UnixMilli()), IngestedAt: at(2025, 10, 20, 8), Source: "test"}
	bad := "dissatisfied"
	rated := d
	rated.Satisfaction, rated.UpdatedAt, rated.Version = &bad, at(2025, 10, 20, 9), uint64(at(2025, 10, 20, 9).UnixMilli())
	ins([]models.Dossier{d, rated}, []models.DossierEvent{d.Event(models.DossierReceived, d.ReceivedAt)})
	got, reads = step("new dossier")
	if reads != 1 {
		t.Errorf("a new dossier in October: %d reads of dossiers FINAL, want 1", reads)
	}
	if s := satisfaction(got); s.Num != 3 || s.Den != 5 {
		t.Errorf("October satisfaction after D20 %v/%v, want 3/5", s.Num, s.Den)
	}
	if n := *got[0].Current.Count; got[0].Key != KeyDossiersReceived || n != 11 {
		t.Errorf("%s = %d after D20, want dossiers_received 11", got[0].Key, n)
	}

	// A dossier of December 2025 (another month, in none of the three periods): no read, same
	// answer.
	dec := d
	dec.ID, dec.ReceivedAt, dec.DueAt, dec.UpdatedAt = "D21", at(2025, 12, 3, 8), at(2025, 12, 5, 17), at(2025, 12, 3, 8)
	dec.Version = uint64(dec.ReceivedAt.UnixMilli())
	ins([]models.Dossier{dec}, []models.DossierEvent{dec.Event(models.DossierReceived, dec.ReceivedAt)})
	again, reads := step("other month")
	if reads != 0 {
		t.Errorf("a dossier of December: %d reads of dossiers FINAL, want 0", reads)
	}
	if !reflect.DeepEqual(again, got) {
		t.Errorf("a dossier of December changed October's KPIs")
	}

	// Petitions: a rating of P3 alone invalidates October's petition satisfaction.
	petitionKPIs := func(q Querier) []KPI {
		t.Helper()
		k, err := PetitionKPIs(ctx, q, oct, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	petitionKPIs(db)
	before := db.petitions.Load()
	petitionKPIs(db)
	if n := db.petitions.Load() - before; n != 0 {
		t.Errorf("unchanged petitions read %d times", n)
	}
	_, states := kpiPetitions()
	var p3 models.Petition
	for _, p := range states {
		if p.ID == "P3" && p.Version >= p3.Version {
			p3 = p
		}
	}
	good := "satisfied"
	p3.Satisfaction, p3.UpdatedAt = &good, p3.UpdatedAt.Add(time.Hour)
	p3.Version = uint64(p3.UpdatedAt.UnixMilli())
	if err := db.Insert(ctx, "petitions", []models.Petition{p3}); err != nil {
		t.Fatal(err)
	}
	before = db.petitions.Load()
	pk := petitionKPIs(db)
	if n := db.petitions.Load() - before; n != 1 {
		t.Errorf("a new petition rating: %d reads of petitions FINAL, want 1", n)
	}
	if want := petitionKPIs(ref); !reflect.DeepEqual(pk, want) {
		t.Errorf("cached petition KPIs differ from the engine's")
	}
	for _, x := range pk {
		if x.Key == KeyPetitionSatisfaction && (x.Current.Rate.Num != 3 || x.Current.Rate.Den != 4) {
			t.Errorf("October petition satisfaction %v/%v after P3's rating, want 3/4", x.Current.Rate.Num, x.Current.Rate.Den)
		}
	}
}
