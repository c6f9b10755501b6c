package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

func TestIngestStates(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	in := store.Ingest{DB: db}
	at := time.Date(2025, 10, 6, 8, 0, 0, 0, store.Location)
	d := models.Dossier{ID: "H29.1-251006-0001", ProcedureCode: "1.001193", UnitCode: "U1", Channel: "online",
		OnlineLevel: "full", Status: "received", ReceivedAt: at, DueAt: at.Add(72 * time.Hour), UpdatedAt: at,
		Version: uint64(at.UnixMilli()), IngestedAt: at}
	done := d
	done.Status, done.UpdatedAt, done.Version = "completed", at.Add(time.Hour), uint64(at.Add(time.Hour).UnixMilli())
	other := d
	other.ID = "H29.1-251006-0002"
	if err := in.Insert(ctx, "dossiers", []models.Dossier{d, done, other}, "t1:dossiers"); err != nil {
		t.Fatal(err)
	}
	if err := in.Insert(ctx, "dossier_events", []models.DossierEvent{done.Event(models.DossierCompleted, done.UpdatedAt)}, "t1:events"); err != nil {
		t.Fatal(err)
	}
	states, err := in.DossierStates(ctx, []string{d.ID, other.ID, "unknown"}, at, at)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.LastState{}
	for _, s := range states {
		got[s.ID] = s
	}
	if len(got) != 2 || got[d.ID].Status != "completed" || got[d.ID].Version != done.Version || !got[d.ID].Ended ||
		got[other.ID].Status != "received" || got[other.ID].Ended {
		t.Errorf("dossier states = %+v", got)
	}
	// Outside the received_at range nothing is found: the look-up relies on the key.
	if states, err := in.DossierStates(ctx, []string{d.ID}, at.Add(time.Hour), at.Add(2*time.Hour)); err != nil || len(states) != 0 {
		t.Errorf("out-of-range look-up = %+v, %v", states, err)
	}

	p := models.Petition{ID: "PA-1", ReceivedAt: at, Channel: "hotline", Category: "ngap_nuoc", Status: "resolved",
		DueAt: at.Add(120 * time.Hour), UpdatedAt: at, ReopenCount: 2, Version: 7, IngestedAt: at}
	if err := in.Insert(ctx, "petitions", []models.Petition{p}, "t2:petitions"); err != nil {
		t.Fatal(err)
	}
	ps, err := in.PetitionStates(ctx, []string{"PA-1"}, at, at)
	if err != nil || len(ps) != 1 || ps[0].Status != "resolved" || ps[0].ReopenCount != 2 || ps[0].Version != 7 {
		t.Errorf("petition states = %+v, %v", ps, err)
	}

	post := models.Post{ID: "fb1", Platform: "facebook", PublishedAt: at, Text: "ngập quá", SentimentLabel: "negative",
		SentimentSource: "lexicon", FirstSeen: true, Version: 9, IngestedAt: at}
	if err := in.Insert(ctx, "posts", []models.Post{post}, ""); err != nil {
		t.Fatal(err)
	}
	pst, err := in.PostStates(ctx, []string{"facebook/fb1", "zalo/fb1"}, at, at)
	if err != nil || len(pst) != 1 || pst[0].ID != "facebook/fb1" || pst[0].Version != 9 {
		t.Errorf("post states = %+v, %v", pst, err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	toks := store.Tokens{DB: db}
	rec, token, err := toks.Create(ctx, "posts", "Social listening", "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "gpi_") || len(token) != 68 || rec.TokenHash == token || strings.Contains(rec.TokenHash, token) {
		t.Fatalf("token %q, record %+v", token, rec)
	}
	got, err := toks.Lookup(ctx, token)
	if err != nil || got.ID != rec.ID || got.Stream != "posts" {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	if _, err := toks.Lookup(ctx, token+"x"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("wrong token: %v", err)
	}
	if err := toks.Revoke(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := toks.Lookup(ctx, token); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("revoked token still accepted: %v", err)
	}
	list, err := toks.List(ctx)
	if err != nil || len(list) != 1 || !list[0].Revoked {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestLoadDimensions(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := store.LoadDimensions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Provinces) != 3 || len(d.Wards) != 385 || len(d.Fields) == 0 || len(d.Categories) == 0 {
		t.Errorf("loaded %d provinces, %d wards, %d fields, %d categories; want 3, 385 and some",
			len(d.Provinces), len(d.Wards), len(d.Fields), len(d.Categories))
	}
	for _, w := range d.Wards {
		if w.Code == "" || w.Name == "" || len(w.Aliases) == 0 {
			t.Fatalf("incomplete ward %+v", w)
		}
	}
}
