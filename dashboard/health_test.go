package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// faultEnv is the server as serve wires it (ingest API, spool, delivery loop, health), on a real
// engine behind a fault injector, with a spool disk that the test can fill.
type faultEnv struct {
	*authEnv
	real  store.DB
	fault *storetest.FaultDB
	spool *pipeline.Spool
	token string
	full  atomic.Bool // the spool's disk is full
}

// fillableFile is a segment file whose writes fail with ENOSPC while its disk is full.
type fillableFile struct {
	*os.File
	full *atomic.Bool
}

func (f fillableFile) Write(p []byte) (int, error) {
	if f.full.Load() {
		return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	ctx := context.Background()
	real := storetest.Open(t)
	if _, err := store.Migrate(ctx, real, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	dims, err := store.LoadDimensions(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories,
		HashSecret: []byte("fault-test-hash-secret")})
	if err != nil {
		t.Fatal(err)
	}
	fe := &faultEnv{real: real, fault: storetest.NewFaultDB(real)}
	sp, err := pipeline.OpenSpool(t.TempDir(), pipeline.SpoolOptions{SegmentAge: 20 * time.Millisecond,
		RetryMin: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond,
		Create: func(path string) (pipeline.SegmentFile, error) {
			f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
			if err != nil {
				return nil, err
			}
			return fillableFile{File: f, full: &fe.full}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	fe.spool = sp
	deliverer := pipeline.NewDeliverer(store.Ingest{DB: fe.fault}, 0)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sp.Run(runCtx, deliverer.Deliver, nil) }()
	t.Cleanup(func() { stop(); <-done })

	asst, err := assistant.New(ctx, assistant.Options{DB: fe.fault, Province: "79"})
	if err != nil {
		t.Fatal(err)
	}
	e := &authEnv{t: t, db: fe.fault, now: time.Now()}
	e.s, e.r = newServer(Options{DB: fe.fault, Ingest: &pipeline.Ingestor{Parser: parser, Spool: sp},
		Tokens: store.Tokens{DB: fe.fault}, Spool: sp, Assistant: asst, Now: e.clock})
	e.srv = httptest.NewServer(e.r)
	t.Cleanup(e.srv.Close)
	fe.authEnv = e
	_, fe.token, err = store.Tokens{DB: real}.Create(ctx, "dossiers", "fault test", "test")
	if err != nil {
		t.Fatal(err)
	}
	return fe
}

// ingest posts one dossier line through the ingest API and returns the status and body.
func (fe *faultEnv) ingest(id string) (int, string) {
	fe.t.Helper()
	line := `{"id":"` + id + `","procedure_code":"1.001193","procedure_name":"Đăng ký khai sinh","field":"ho_tich","unit_code":"26743","unit_name":"UBND Phường Bến Thành","ward_code":"26743","channel":"online","online_level":"full","status":"received","received_at":"2025-10-06T08:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","updated_at":"2025-10-06T08:00:00+07:00","supplement_count":0,"fee_vnd":8000,"paid_online":true,"digitized":true,"e_result":true,"satisfaction":null}`
	req, _ := http.NewRequest(http.MethodPost, fe.srv.URL+"/api/v1/ingest/dossiers", strings.NewReader(line))
	req.Header.Set("Authorization", "Bearer "+fe.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fe.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

type readyzReply struct {
	Status   string   `json:"status"`
	Degraded bool     `json:"degraded"`
	Reasons  []string `json:"reasons"`
	EngineUp bool     `json:"engine_up"`
	Spool    *struct {
		Segments int  `json:"segments"`
		Failures int  `json:"delivery_failures_in_row"`
		Writing  bool `json:"write_failing"`
	} `json:"spool"`
	raw  string
	code int
}

func (fe *faultEnv) readyz() readyzReply {
	fe.t.Helper()
	resp, err := http.Get(fe.srv.URL + "/readyz")
	if err != nil {
		fe.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := readyzReply{raw: string(raw), code: resp.StatusCode}
	if err := json.Unmarshal([]byte(r.raw), &r); err != nil {
		fe.t.Fatalf("readyz: %v: %s", err, r.raw)
	}
	return r
}

// waitFor polls cond until it holds (bounded), failing with what.
func (fe *faultEnv) waitFor(what string, cond func(pipeline.SpoolStats) bool) {
	fe.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond(fe.spool.Stats()) {
		if time.Now().After(deadline) {
			fe.t.Fatalf("timed out waiting for %s: %+v", what, fe.spool.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stored lists the dossier ids in the real engine.
func (fe *faultEnv) stored() []string {
	fe.t.Helper()
	var ids []string
	if err := fe.real.Query(context.Background(), &ids, "SELECT id FROM dossiers FINAL ORDER BY id", nil); err != nil {
		fe.t.Fatal(err)
	}
	return ids
}

// bannerOf is the degraded banner's text in a page ("" when the page has none).
func bannerOf(page string) string {
	if !strings.Contains(page, `id="degraded"`) {
		return ""
	}
	return between(page, `id="degraded"`, "</div>")
}

// TestDegradedBanner walks the server through the faults of issue 7 on a real engine and checks
// what a leader and a monitor see: the banner on every page (Vietnamese by default, English with
// ?lang=en), /readyz's degraded flag and reasons, the ingest API's answers, and that the banner
// goes away and every acknowledged line is stored once the fault is over.
func TestDegradedBanner(t *testing.T) {
	fe := newFaultEnv(t)
	vi, en := Translator{Lang: "vi"}, Translator{Lang: "en"}
	b := fe.loggedIn("analyst1", fe.addUser("analyst1", RoleAnalyst, "", ""))
	healthy := func(when string) {
		t.Helper()
		fe.advance(healthTTL) // the banner's ping result is reused for healthTTL
		if r := fe.readyz(); r.code != http.StatusOK || r.Degraded || len(r.Reasons) != 0 || !r.EngineUp {
			t.Errorf("%s: readyz %d %s, want 200 and not degraded", when, r.code, r.raw)
		}
		if p := b.get("/"); p.StatusCode != http.StatusOK || bannerOf(p.body) != "" {
			t.Errorf("%s: GET / %d with banner %q, want 200 and no banner", when, p.StatusCode, bannerOf(p.body))
		}
	}
	healthy("at start")
	if code, body := fe.ingest("H29.1-251006-0001"); code != http.StatusOK {
		t.Fatalf("ingest: %d %s", code, body)
	}

	t.Run("engine gone and back", func(t *testing.T) {
		fe.fault.SetGone(true)
		// Past the session re-check too: the last answer about the session stands while the
		// engine is away, so the page still renders, with the banner.
		fe.advance(sessionRecheck + healthTTL)
		r := fe.readyz()
		if r.code != http.StatusServiceUnavailable || !r.Degraded || !slices.Contains(r.Reasons, reasonEngineUnreachable) ||
			r.EngineUp || strings.Contains(r.raw, "refused") {
			t.Errorf("readyz while gone: %d %s, want 503, degraded, engine_unreachable, no error text", r.code, r.raw)
		}
		p := b.get("/")
		if banner := bannerOf(p.body); p.StatusCode != http.StatusOK || !strings.Contains(banner, vi.T("health.degraded")) ||
			!strings.Contains(banner, vi.T("health.engine_unreachable")) {
			t.Errorf("GET / while gone: %d, banner %q; want the Vietnamese banner", p.StatusCode, banner)
		}
		p = b.get("/dossiers?lang=en")
		if banner := bannerOf(p.body); !strings.Contains(banner, en.T("health.engine_unreachable")) {
			t.Errorf("GET /dossiers?lang=en while gone: banner %q, want the English banner", banner)
		}
		// Ingest goes on: the token's last good answer stands, the spool takes the line.
		if code, body := fe.ingest("H29.1-251006-0002"); code != http.StatusOK || !strings.Contains(body, `"accepted":1`) {
			t.Errorf("ingest while gone: %d %s, want 200 accepted", code, body)
		}
		fe.waitFor("delivery failures while gone", func(s pipeline.SpoolStats) bool { return s.Failures >= degradedFailures })
		fe.fault.SetGone(false)
		fe.waitFor("the backlog to drain", func(s pipeline.SpoolStats) bool { return s.Segments == 0 && s.Failures == 0 })
		healthy("after the engine came back")
		if ids := fe.stored(); !slices.Equal(ids, []string{"H29.1-251006-0001", "H29.1-251006-0002"}) {
			t.Errorf("stored %v, want both acknowledged dossiers", ids)
		}
	})

	t.Run("delivery failing", func(t *testing.T) {
		fe.fault.FailEvery(storetest.RefuseInsert)
		if code, body := fe.ingest("H29.1-251006-0003"); code != http.StatusOK {
			t.Fatalf("ingest: %d %s", code, body)
		}
		fe.waitFor("failed deliveries", func(s pipeline.SpoolStats) bool { return s.Failures >= degradedFailures })
		fe.advance(healthTTL)
		r := fe.readyz()
		if r.code != http.StatusOK || !slices.Equal(r.Reasons, []string{reasonDeliveryFailing}) || r.Spool == nil || r.Spool.Segments == 0 {
			t.Errorf("readyz with delivery failing: %d %s, want 200, delivery_failing, a backlog", r.code, r.raw)
		}
		// The backlog limit shortened below the waiting segment's age: delivery is behind too.
		fe.s.health.behind.Store(int64(time.Millisecond))
		defer fe.s.health.behind.Store(int64(degradedBacklog))
		if r := fe.readyz(); !slices.Equal(r.Reasons, []string{reasonDeliveryFailing, reasonDeliveryBehind}) {
			t.Errorf("readyz with a backlog past the limit: %s, want delivery_failing and delivery_behind", r.raw)
		}
		if banner := bannerOf(b.get("/?lang=en").body); !strings.Contains(banner, en.T("health.delivery_failing")) ||
			!strings.Contains(banner, en.T("health.delivery_behind")) {
			t.Errorf("banner with delivery failing and behind: %q", banner)
		}
		fe.fault.FailEvery(0)
		fe.waitFor("the backlog to drain", func(s pipeline.SpoolStats) bool { return s.Segments == 0 && s.Failures == 0 })
		healthy("after delivery recovered")
	})

	t.Run("spool disk full", func(t *testing.T) {
		fe.full.Store(true)
		code, body := fe.ingest("H29.1-251006-0004")
		if code != http.StatusInsufficientStorage || !strings.Contains(body, "disk is full") || !strings.Contains(body, "nothing was stored") {
			t.Errorf("ingest on a full disk: %d %s, want 507 saying nothing was stored", code, body)
		}
		fe.advance(healthTTL)
		if r := fe.readyz(); !slices.Contains(r.Reasons, reasonSpoolWriteFailing) || r.Spool == nil || !r.Spool.Writing {
			t.Errorf("readyz on a full disk: %s", r.raw)
		}
		if banner := bannerOf(b.get("/?lang=vi").body); !strings.Contains(banner, vi.T("health.spool_write_failing")) {
			t.Errorf("banner on a full disk: %q", banner)
		}
		fe.full.Store(false)
		if code, body := fe.ingest("H29.1-251006-0005"); code != http.StatusOK {
			t.Errorf("ingest once space returned: %d %s", code, body)
		}
		fe.waitFor("the backlog to drain", func(s pipeline.SpoolStats) bool { return s.Segments == 0 && s.Bytes == 0 })
		healthy("after space returned")
		want := []string{"H29.1-251006-0001", "H29.1-251006-0002", "H29.1-251006-0003", "H29.1-251006-0005"}
		if ids := fe.stored(); !slices.Equal(ids, want) {
			t.Errorf("stored %v, want %v (the refused line absent)", ids, want)
		}
	})

	t.Run("query past its limit", func(t *testing.T) {
		fe.fault.SetSlow(true)
		defer fe.fault.SetSlow(false)
		// The KPI API answers per stream: each group is in the too_slow state, none has cards.
		r := b.get("/api/v1/kpis?lang=en&from=2025-10-01&to=2025-10-31")
		var kpis struct {
			Groups []struct {
				Status string `json:"status"`
				Cards  []any  `json:"cards"`
			} `json:"groups"`
		}
		_ = json.Unmarshal([]byte(r.body), &kpis)
		if r.StatusCode != http.StatusOK || len(kpis.Groups) != 3 {
			t.Errorf("kpis past the limit: %d %s, want 200 with three groups", r.StatusCode, r.body)
		}
		for _, g := range kpis.Groups {
			if g.Status != string(statusTooSlow) || len(g.Cards) != 0 {
				t.Errorf("kpi group past the limit: %+v, want too_slow without cards", g)
			}
		}
		// A single-answer API maps the error to 504 with the message in the asked language.
		s := b.get("/api/v1/series/dossiers_received?lang=en&from=2025-10-01&to=2025-10-31")
		var body struct{ Error, Message string }
		_ = json.Unmarshal([]byte(s.body), &body)
		if s.StatusCode != http.StatusGatewayTimeout || body.Error != string(statusTooSlow) || body.Message != en.T("state.too_slow") {
			t.Errorf("series past the limit: %d %s, want 504 too_slow with the English message", s.StatusCode, s.body)
		}
		p := b.get("/dossiers?lang=vi&from=2025-10-01&to=2025-10-31")
		if p.StatusCode != http.StatusOK || !strings.Contains(p.body, `data-state="too_slow"`) || !strings.Contains(p.body, vi.T("state.too_slow")) {
			t.Errorf("dossiers page past the limit: %d, want panels in the too_slow state: %s", p.StatusCode, p.body)
		}
		// The assistant's question (offline mode) runs read-only on the same engine: 504.
		req, _ := http.NewRequest(http.MethodPost, fe.srv.URL+"/api/v1/ask", strings.NewReader(`{"question":"Số hồ sơ tiếp nhận tháng 10/2025?","lang":"vi"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.cookie(csrfCookie).Value)
		a := b.do(req)
		if a.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("ask past the limit: %d %s, want 504", a.StatusCode, a.body)
		}
		for _, leak := range []string{"TIMEOUT_EXCEEDED", "Timeout exceeded", "clickhouse error", "Code: 159"} {
			if strings.Contains(r.body, leak) || strings.Contains(s.body, leak) || strings.Contains(p.body, leak) || strings.Contains(a.body, leak) {
				t.Errorf("engine text %q reached the user", leak)
			}
		}
	})
}

// TestSpoolNearlyFull fills a real spool past 90 % of its bytes: /readyz says so, and says
// nothing once the spool is delivered.
func TestSpoolNearlyFull(t *testing.T) {
	sp, err := pipeline.OpenSpool(t.TempDir(), pipeline.SpoolOptions{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	h := newHealth(fakeDB{}, sp, time.Now, slog.New(slog.DiscardHandler))
	if st := h.state(context.Background(), true); st.Degraded {
		t.Fatalf("empty spool: %+v", st)
	}
	if err := sp.Append([]pipeline.Record{{Stream: "dossiers", Payload: make([]byte, 900)}}); err != nil {
		t.Fatal(err)
	}
	if st := h.state(context.Background(), true); !slices.Equal(st.Reasons, []string{reasonSpoolNearlyFull}) || !st.EngineUp {
		t.Errorf("spool at %d of 1000 bytes: %+v, want spool_nearly_full only", sp.Stats().Bytes, st)
	}
	if err := sp.Close(context.Background(), func(context.Context, pipeline.Segment) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if st := h.state(context.Background(), true); st.Degraded {
		t.Errorf("delivered spool: %+v", st)
	}
}

// TestIngestTokenOutlivesAnOutage: a token the store confirmed within tokenStaleTTL keeps
// working while look-ups fail; an unknown token never does, and a token confirmed too long ago
// is refused until the store answers.
func TestIngestTokenOutlivesAnOutage(t *testing.T) {
	store := &flakyTokens{fakeTokens: fakeTokens{"gpi_good": {ID: "tok_1", Stream: "dossiers"}}}
	c := &tokenCache{lookup: store, seen: map[string]cachedToken{}}
	ctx := context.Background()
	if _, err := c.get(ctx, "gpi_good"); err != nil {
		t.Fatal(err)
	}
	store.down = true
	c.seen["gpi_good"] = cachedToken{tok: c.seen["gpi_good"].tok, at: time.Now().Add(-time.Minute)}
	if tok, err := c.get(ctx, "gpi_good"); err != nil || tok.ID != "tok_1" {
		t.Errorf("known token while the store is down: %v %v, want the last good answer", tok, err)
	}
	calls := store.calls
	if _, err := c.get(ctx, "gpi_good"); err != nil || store.calls != calls {
		t.Errorf("second request while down: err %v, %d look-ups, want no new look-up for tokenTTL", err, store.calls-calls)
	}
	if _, err := c.get(ctx, "gpi_other"); err == nil {
		t.Error("unknown token accepted while the store is down")
	}
	c.seen["gpi_good"] = cachedToken{tok: c.seen["gpi_good"].tok, at: time.Now().Add(-tokenStaleTTL)}
	if _, err := c.get(ctx, "gpi_good"); err == nil {
		t.Error("token confirmed longer than tokenStaleTTL ago accepted while the store is down")
	}
}

type flakyTokens struct {
	fakeTokens
	down  bool
	calls int
}

func (f *flakyTokens) Lookup(ctx context.Context, token string) (models.IngestToken, error) {
	f.calls++
	if f.down {
		return models.IngestToken{}, store.ErrUnreachable
	}
	return f.fakeTokens.Lookup(ctx, token)
}
