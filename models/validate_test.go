package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validDossier() Dossier {
	at := time.Date(2025, 10, 1, 8, 30, 0, 0, Location)
	return Dossier{
		ID: "H29.123.45-251001-0007", ProcedureCode: "1.001193", ProcedureName: "Đăng ký khai sinh",
		Field: "ho_tich", UnitCode: "H29.123.45", UnitName: "UBND phường Bến Thành", WardCode: "26734",
		Channel: "online", OnlineLevel: "full", Status: "processing",
		ReceivedAt: at, DueAt: at.Add(72 * time.Hour), UpdatedAt: at.Add(time.Hour),
	}
}

func ptr[T any](v T) *T { return &v }

func TestDossierValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Dossier)
		field  string // "" when valid
	}{
		{"valid", func(*Dossier) {}, ""},
		{"valid ended and rated", func(d *Dossier) {
			d.Status, d.CompletedAt, d.Satisfaction = "completed", ptr(d.ReceivedAt.Add(2*time.Hour)), ptr("neutral")
		}, ""},
		{"no id", func(d *Dossier) { d.ID = "" }, "id"},
		{"huge id", func(d *Dossier) { d.ID = strings.Repeat("x", 200) }, "id"},
		{"no unit", func(d *Dossier) { d.UnitCode = "" }, "unit_code"},
		{"bad channel", func(d *Dossier) { d.Channel = "fax" }, "channel"},
		{"bad level", func(d *Dossier) { d.OnlineLevel = "4" }, "online_level"},
		{"bad status", func(d *Dossier) { d.Status = "done" }, "status"},
		{"no received_at", func(d *Dossier) { d.ReceivedAt = time.Time{} }, "received_at"},
		{"due before receipt", func(d *Dossier) { d.DueAt = d.ReceivedAt.Add(-time.Hour) }, "due_at"},
		{"completed before receipt", func(d *Dossier) { d.CompletedAt = ptr(d.ReceivedAt.Add(-time.Hour)) }, "completed_at"},
		{"bad rating", func(d *Dossier) { d.Satisfaction = ptr("meh") }, "satisfaction"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validDossier()
			c.change(&d)
			checkValidate(t, d.Validate(), c.field)
		})
	}
}

func TestPetitionAndPostValidate(t *testing.T) {
	at := time.Date(2025, 10, 1, 8, 30, 0, 0, Location)
	petition := func() Petition {
		return Petition{ID: "1022-1", ReceivedAt: at, Channel: "hotline", Category: "ngap_nuoc", Status: "new",
			DueAt: at.AddDate(0, 0, 5), UpdatedAt: at, Sentiment: -0.5}
	}
	post := func() Post {
		return Post{ID: "fb-1", Platform: "facebook", PublishedAt: at, Sentiment: 0.2,
			SentimentLabel: "positive", SentimentSource: "lexicon"}
	}
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"petition valid", petition().Validate(), ""},
		{"petition with place", func() error { p := petition(); p.Lat, p.Lon = ptr(10.77), ptr(106.70); return p.Validate() }(), ""},
		{"petition bad channel", func() error { p := petition(); p.Channel = "fax"; return p.Validate() }(), "channel"},
		{"petition no category", func() error { p := petition(); p.Category = ""; return p.Validate() }(), "category"},
		{"petition no due", func() error { p := petition(); p.DueAt = time.Time{}; return p.Validate() }(), "due_at"},
		{"petition lat without lon", func() error { p := petition(); p.Lat = ptr(10.77); return p.Validate() }(), "lat"},
		{"petition lat out of range", func() error { p := petition(); p.Lat, p.Lon = ptr(91.0), ptr(106.0); return p.Validate() }(), "lat"},
		{"petition sentiment out of range", func() error { p := petition(); p.Sentiment = 2; return p.Validate() }(), "sentiment"},
		{"petition bad rating", func() error { p := petition(); p.Satisfaction = ptr("neutral"); return p.Validate() }(), "satisfaction"},
		{"post valid", post().Validate(), ""},
		{"post bad platform", func() error { p := post(); p.Platform = "x"; return p.Validate() }(), "platform"},
		{"post no time", func() error { p := post(); p.PublishedAt = time.Time{}; return p.Validate() }(), "published_at"},
		{"post bad label", func() error { p := post(); p.SentimentLabel = ""; return p.Validate() }(), "sentiment_label"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkValidate(t, c.err, c.field) })
	}
}

func checkValidate(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Validate() = %v, want a FieldError for %s", err, field)
	}
}

func TestEnumMessageIsSafeAndShort(t *testing.T) {
	d := validDossier()
	d.Status = strings.Repeat("<script>", 50)
	err := d.Validate()
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "want one of received, processing") {
		t.Errorf("message = %q", err)
	}
}

func TestDossierDerived(t *testing.T) {
	d := validDossier()
	d.SupplementPausedSeconds = 3600
	due := d.DueAt
	cases := []struct {
		name   string
		change func(*Dossier)
		ended  bool
		onTime bool
	}{
		{"open", func(*Dossier) {}, false, false},
		{"completed on time", func(d *Dossier) { d.Status, d.CompletedAt = "completed", ptr(due) }, true, true},
		{"late but within the paused hour", func(d *Dossier) { d.Status, d.CompletedAt = "completed", ptr(due.Add(30*time.Minute)) }, true, true},
		{"late", func(d *Dossier) { d.Status, d.CompletedAt = "completed", ptr(due.Add(2*time.Hour)) }, true, false},
		{"two supplement requests", func(d *Dossier) {
			d.Status, d.CompletedAt, d.SupplementCount = "completed", ptr(due.Add(-time.Hour)), 2
		}, true, false},
		{"rejected without completed_at uses updated_at", func(d *Dossier) { d.Status, d.UpdatedAt = "rejected", due.Add(-time.Hour) }, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := d
			c.change(&x)
			end, ok := x.EndedAt(), x.EndedOnTime()
			if (end != nil) != c.ended || (ok != nil) != c.ended {
				t.Fatalf("EndedAt = %v, EndedOnTime = %v; want ended = %v", end, ok, c.ended)
			}
			if ok != nil && *ok != c.onTime {
				t.Errorf("EndedOnTime = %v, want %v", *ok, c.onTime)
			}
		})
	}
	ev := d.Event(DossierReceived, d.ReceivedAt)
	if ev.Status != "received" || !ev.EventAt.Equal(d.ReceivedAt) || ev.ID != d.ID || ev.UnitCode != d.UnitCode || ev.SupplementPausedSeconds != 3600 {
		t.Errorf("Event = %+v", ev)
	}
}
