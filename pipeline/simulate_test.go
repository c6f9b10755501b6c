package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// simRun collects a whole run.
type simRun struct {
	man    Manifest
	chunks int
	all    SimChunk
}

func runSim(tb testing.TB, opts SimOptions) simRun {
	tb.Helper()
	var r simRun
	man, err := Simulate(opts, func(c SimChunk) error {
		if c.Len() > MaxSimChunkRows {
			tb.Fatalf("chunk of %d rows, want at most %d", c.Len(), MaxSimChunkRows)
		}
		if len(c.Citizens) != len(c.Petitions) || len(c.Authors) != len(c.Posts) {
			tb.Fatalf("chunk with %d petitions and %d citizens, %d posts and %d authors", len(c.Petitions), len(c.Citizens), len(c.Posts), len(c.Authors))
		}
		r.chunks++
		r.all.Dossiers = append(r.all.Dossiers, c.Dossiers...)
		r.all.Petitions = append(r.all.Petitions, c.Petitions...)
		r.all.Citizens = append(r.all.Citizens, c.Citizens...)
		r.all.Posts = append(r.all.Posts, c.Posts...)
		r.all.Authors = append(r.all.Authors, c.Authors...)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	r.man = man
	return r
}

func ndjsonHash(tb testing.TB, c SimChunk) string {
	tb.Helper()
	var d, p, s bytes.Buffer
	if err := c.WriteNDJSON(&d, &p, &s); err != nil {
		tb.Fatal(err)
	}
	h := sha256.New()
	h.Write(d.Bytes())
	h.Write(p.Bytes())
	h.Write(s.Bytes())
	return hex.EncodeToString(h.Sum(nil))
}

func TestSimulateDeterministic(t *testing.T) {
	opts := testSimOptions(t, "2025-09-01", 20, 0.03)
	a, b := runSim(t, opts), runSim(t, opts)
	if ha, hb := ndjsonHash(t, a.all), ndjsonHash(t, b.all); ha != hb {
		t.Fatalf("same options gave different output: %s vs %s", ha, hb)
	}
	if !slices.EqualFunc(a.man.Incidents, b.man.Incidents, func(x, y Incident) bool { return x == y }) {
		t.Fatal("same options gave different incidents")
	}
	// The dimension rows may come in any order.
	shuffled := opts
	shuffled.Wards = slices.Clone(opts.Wards)
	shuffled.Units = slices.Clone(opts.Units)
	slices.Reverse(shuffled.Wards)
	slices.Reverse(shuffled.Units)
	if h := ndjsonHash(t, runSim(t, shuffled).all); h != ndjsonHash(t, a.all) {
		t.Error("the order of the dimension rows changed the output")
	}
	other := opts
	other.Seed++
	if ndjsonHash(t, runSim(t, other).all) == ndjsonHash(t, a.all) {
		t.Error("another seed gave the same output")
	}
}

func TestSimulateRowsValid(t *testing.T) {
	opts := testSimOptions(t, "2026-01-20", 45, 0.25)               // across Tết 2026
	opts.Now = time.Date(2026, 3, 5, 15, 30, 0, 0, models.Location) // the last day, Thursday afternoon
	run := runSim(t, opts)
	dims := testSimDims(t)
	units := map[string]models.Unit{}
	for _, u := range dims.units {
		units[u.Code] = u
	}
	wards := map[string]bool{}
	for _, w := range dims.wards {
		wards[w.Code] = w.ProvinceCode == "79"
	}
	cats := map[string]string{}
	for _, c := range dims.categories {
		cats[c.Code] = c.Parent
	}
	procs := map[string]models.Procedure{}
	for _, p := range SimProcedures() {
		procs[p.Code] = p
	}
	if c := run.man.Counts; c.Dossiers != len(run.all.Dossiers) || c.Petitions != len(run.all.Petitions) || c.Posts != len(run.all.Posts) {
		t.Errorf("manifest counts %+v, delivered %d/%d/%d", c, len(run.all.Dossiers), len(run.all.Petitions), len(run.all.Posts))
	}
	if run.chunks < 2 {
		t.Errorf("%d chunks; the run should need several", run.chunks)
	}

	ids := map[string]bool{}
	statuses := map[string]int{}
	var prev time.Time
	for i, d := range run.all.Dossiers {
		if err := d.Validate(); err != nil {
			t.Fatalf("dossier %d %s: %v", i, d.ID, err)
		}
		if ids[d.ID] {
			t.Fatalf("dossier id %s twice", d.ID)
		}
		ids[d.ID] = true
		if d.ReceivedAt.Before(prev) {
			t.Fatalf("dossier %s received %s before the previous one (%s)", d.ID, d.ReceivedAt, prev)
		}
		prev = d.ReceivedAt
		u, ok := units[d.UnitCode]
		switch {
		case !ok:
			t.Fatalf("dossier %s: unknown unit %s", d.ID, d.UnitCode)
		case !strings.HasPrefix(d.ID, d.UnitCode+"-"+d.ReceivedAt.Format("060102")+"-"):
			t.Fatalf("dossier id %s does not start with its unit and date", d.ID)
		case u.Name != d.UnitName:
			t.Fatalf("dossier %s: unit name %q, want %q", d.ID, d.UnitName, u.Name)
		case d.WardCode != "" && !wards[d.WardCode]:
			t.Fatalf("dossier %s: ward %s is not of the city", d.ID, d.WardCode)
		case u.Type == "ward" && d.WardCode != u.WardCode:
			t.Fatalf("dossier %s of ward unit %s has ward %s", d.ID, u.Code, d.WardCode)
		case procs[d.ProcedureCode].Field != d.Field || procs[d.ProcedureCode].Name != d.ProcedureName:
			t.Fatalf("dossier %s: procedure %s %q field %s does not match the catalogue", d.ID, d.ProcedureCode, d.ProcedureName, d.Field)
		case d.Version != uint64(d.UpdatedAt.UnixMilli()):
			t.Fatalf("dossier %s: version %d is not updated_at", d.ID, d.Version)
		case d.UpdatedAt.After(opts.Now) || d.ReceivedAt.After(opts.Now):
			t.Fatalf("dossier %s updated %s, after now", d.ID, d.UpdatedAt)
		case models.DossierStatus(d.Status).Terminal() != (d.CompletedAt != nil):
			t.Fatalf("dossier %s: status %s with completed_at %v", d.ID, d.Status, d.CompletedAt)
		case d.PaidOnline && (d.FeeVND == 0 || d.Channel != "online"):
			t.Fatalf("dossier %s paid online without a fee or offline", d.ID)
		case d.Source != SimSource:
			t.Fatalf("dossier %s: source %q", d.ID, d.Source)
		}
		statuses[d.Status]++
	}
	for _, s := range models.DossierStatuses() {
		if statuses[string(s)] == 0 {
			t.Errorf("no dossier in status %s at now (statuses %v)", s, statuses)
		}
	}

	pstat := map[string]int{}
	prev = time.Time{}
	ids = map[string]bool{}
	for i, p := range run.all.Petitions {
		if err := p.Validate(); err != nil {
			t.Fatalf("petition %d %s: %v", i, p.ID, err)
		}
		if ids[p.ID] {
			t.Fatalf("petition id %s twice", p.ID)
		}
		ids[p.ID] = true
		if p.ReceivedAt.Before(prev) {
			t.Fatalf("petition %s out of order", p.ID)
		}
		prev = p.ReceivedAt
		parent, ok := cats[p.Category]
		switch {
		case !ok || parent != "":
			t.Fatalf("petition %s: category %q is not a top-level category", p.ID, p.Category)
		case p.Subcategory != "" && cats[p.Subcategory] != p.Category:
			t.Fatalf("petition %s: subcategory %s is not under %s", p.ID, p.Subcategory, p.Category)
		case p.WardCode != "" && !wards[p.WardCode]:
			t.Fatalf("petition %s: ward %s", p.ID, p.WardCode)
		case (p.Status == "new") != (p.UnitCode == ""):
			t.Fatalf("petition %s: status %s with unit %q", p.ID, p.Status, p.UnitCode)
		case p.UnitCode != "" && units[p.UnitCode].Code == "":
			t.Fatalf("petition %s: unknown unit %s", p.ID, p.UnitCode)
		case p.Title == "" || p.Content == "" || strings.Contains(p.Title+p.Content, "{"):
			t.Fatalf("petition %s: title %q content %q", p.ID, p.Title, p.Content)
		case p.Version != uint64(p.UpdatedAt.UnixMilli()) || p.UpdatedAt.After(opts.Now):
			t.Fatalf("petition %s: version %d updated %s", p.ID, p.Version, p.UpdatedAt)
		case !p.DueAt.Equal(p.ReceivedAt.Add(5 * 24 * time.Hour)):
			t.Fatalf("petition %s: due %s, want 5 days after %s", p.ID, p.DueAt, p.ReceivedAt)
		}
		if c := run.all.Citizens[i]; (c.Phone == "") != (c.Name == "") || (c.Phone != "" && !strings.HasPrefix(c.Phone, "09000")) || (c.Phone != "" && len(c.Phone) != 10) {
			t.Fatalf("petition %s: citizen %+v", p.ID, c)
		}
		pstat[p.Status]++
	}
	for _, s := range models.PetitionStatuses() {
		if pstat[string(s)] == 0 && s != models.PetitionNew && s != models.PetitionReopened {
			t.Errorf("no petition in status %s (statuses %v)", s, pstat)
		}
	}

	ids = map[string]bool{}
	for i, p := range run.all.Posts {
		// The pipeline scores sentiment; a scored post must then pass.
		scored := p
		scored.SentimentLabel, scored.SentimentSource = "neutral", "lexicon"
		if err := scored.Validate(); err != nil {
			t.Fatalf("post %d %s: %v", i, p.ID, err)
		}
		key := p.Platform + "/" + p.ID
		if ids[key] {
			t.Fatalf("post %s twice", key)
		}
		ids[key] = true
		switch {
		case p.Text == "" || strings.Contains(p.Text, "{"):
			t.Fatalf("post %s: text %q", p.ID, p.Text)
		case !strings.HasPrefix(p.URL, "https://"):
			t.Fatalf("post %s: url %q", p.ID, p.URL)
		case p.WardCode != "" && !wards[p.WardCode]:
			t.Fatalf("post %s: ward %s", p.ID, p.WardCode)
		case p.Topic != "" && cats[p.Topic] != "":
			t.Fatalf("post %s: topic %s is not a top-level category", p.ID, p.Topic)
		case p.Sentiment != 0 || p.SentimentLabel != "" || p.AuthorHash != "":
			t.Fatalf("post %s carries what the pipeline computes", p.ID)
		case run.all.Authors[i] == "":
			t.Fatalf("post %s has no author", p.ID)
		case time.UnixMilli(int64(p.Version)).Before(p.PublishedAt) || time.UnixMilli(int64(p.Version)).After(opts.Now):
			t.Fatalf("post %s: version %d", p.ID, p.Version)
		}
	}
}

func TestSimulateOptionsErrors(t *testing.T) {
	good := testSimOptions(t, "2025-01-01", 10, 0.01)
	cases := []struct {
		name string
		edit func(*SimOptions)
		want string
	}{
		{"no start", func(o *SimOptions) { o.Start = time.Time{} }, "start"},
		{"no days", func(o *SimOptions) { o.Days = 0 }, "days"},
		{"negative scale", func(o *SimOptions) { o.Scale = -1 }, "scale"},
		{"NaN scale", func(o *SimOptions) { o.Scale = math.NaN() }, "scale"},
		{"unknown province", func(o *SimOptions) { o.Province = "01" }, "province"},
		{"no units", func(o *SimOptions) { o.Units = nil }, "unit"},
		{"no fields", func(o *SimOptions) { o.Fields = nil }, "field"},
		{"no categories", func(o *SimOptions) { o.Categories = nil }, "categor"},
		{"now before start", func(o *SimOptions) { o.Now = o.Start.Add(-time.Hour) }, "now"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := good
			c.edit(&o)
			_, err := Simulate(o, func(SimChunk) error { return nil })
			if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrInvalid mentioning %q", err, c.want)
			}
		})
	}
	t.Run("callback error stops the run", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		_, err := Simulate(good, func(SimChunk) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err = %v after %d calls, want stop after 1", err, calls)
		}
	})
}

// TestSimulateOtherCities runs Hải Phòng and Cần Thơ: ward units only, no departments.
func TestSimulateOtherCities(t *testing.T) {
	for _, prov := range []string{"31", "92"} {
		t.Run(prov, func(t *testing.T) {
			opts := testSimOptions(t, "2025-10-01", 14, 0.1)
			opts.Province = prov
			run := runSim(t, opts)
			if run.man.Wards < 100 || len(run.all.Dossiers) == 0 || len(run.all.Petitions) == 0 || len(run.all.Posts) == 0 {
				t.Fatalf("%s: %d wards, %d/%d/%d rows", prov, run.man.Wards, len(run.all.Dossiers), len(run.all.Petitions), len(run.all.Posts))
			}
			for _, d := range run.all.Dossiers {
				if !strings.HasPrefix(d.UnitCode, "H"+prov+".") {
					t.Fatalf("dossier %s of unit %s, not of the city", d.ID, d.UnitCode)
				}
				if err := d.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range run.all.Petitions {
				if p.UnitCode != "" && !strings.HasPrefix(p.UnitCode, "H"+prov+".") {
					t.Fatalf("petition %s handled by %s", p.ID, p.UnitCode)
				}
			}
		})
	}
}

// TestSimulateNDJSONParses feeds the contract lines to the pipeline's own parser: nothing may be
// rejected.
func TestSimulateNDJSONParses(t *testing.T) {
	opts := testSimOptions(t, "2025-10-01", 10, 0.05)
	run := runSim(t, opts)
	dims := testSimDims(t)
	p, err := NewParser(ParserConfig{Wards: dims.wards, Units: dims.units, Categories: dims.categories,
		HashSecret: []byte("simulator-test-secret"), Provinces: []string{"79"}})
	if err != nil {
		t.Fatal(err)
	}
	var d, pe, po bytes.Buffer
	if err := run.all.WriteNDJSON(&d, &pe, &po); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		stream Stream
		body   *bytes.Buffer
		want   int
	}{{StreamDossiers, &d, len(run.all.Dossiers)}, {StreamPetitions, &pe, len(run.all.Petitions)}, {StreamPosts, &po, len(run.all.Posts)}} {
		sum, err := p.Parse(context.Background(), s.stream, s.body, ParseOptions{Source: "import:simulated"}, func(c Chunk) error {
			for _, r := range c.Rejected {
				t.Errorf("%s line %d rejected: %s: %s", s.stream, r.Line, r.Field, r.Message)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Accepted != s.want || sum.Rejected != 0 {
			t.Errorf("%s: accepted %d, rejected %d of %d", s.stream, sum.Accepted, sum.Rejected, s.want)
		}
	}
}

func TestSimJSONString(t *testing.T) {
	got := string(simJSONString(nil, "a\"b\\c\nd\te\x01 Đường ngập 😡"))
	want := `"a\"b\\c\nd\te\u0001 Đường ngập 😡"`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	line := string(AppendDossierNDJSON(nil, models.Dossier{ID: "H29.26743-250812-0007", ReceivedAt: time.Date(2025, 8, 12, 9, 15, 0, 0, time.UTC)}))
	if !strings.Contains(line, `"received_at":"2025-08-12T16:15:00+07:00"`) || !strings.Contains(line, `"completed_at":null`) ||
		!strings.Contains(line, `"satisfaction":null`) || !strings.HasSuffix(line, "}\n") {
		t.Errorf("line %s", line)
	}
}
