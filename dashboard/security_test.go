package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

// loadCorpus reads testdata/injection.txt and expands its byte markers.
func loadCorpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/injection.txt")
	if err != nil {
		t.Fatal(err)
	}
	marks := strings.NewReplacer("«NUL»", "\x00", "«CR»", "\r", "«LF»", "\n", "«FF»", "\xff", "«C0»", "\xc0")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutSuffix(line, "«LONG»"); ok {
			line = strings.Repeat(rest, 10000/len(rest)+1)[:10000]
		} else if i := strings.Index(line, "«LONG»"); i >= 0 {
			rest := strings.Replace(line, "«LONG»", "", 1)
			line = rest + strings.Repeat("A", 10000-len(rest))
		}
		out = append(out, marks.Replace(line))
	}
	return out
}

// recordingDB is the engine with every SQL text it is handed kept, so the test can check that
// a payload only ever travels as a bound parameter.
type recordingDB struct {
	store.DB
	mu   sync.Mutex
	sqls map[string]bool
}

func (r *recordingDB) add(q string) {
	r.mu.Lock()
	r.sqls[q] = true
	r.mu.Unlock()
}

func (r *recordingDB) Exec(ctx context.Context, q string, p store.Params) error {
	r.add(q)
	return r.DB.Exec(ctx, q, p)
}

func (r *recordingDB) Query(ctx context.Context, dest any, q string, p store.Params) error {
	r.add(q)
	return r.DB.Query(ctx, dest, q, p)
}

func (r *recordingDB) QueryReadOnly(ctx context.Context, q string, p store.Params) (*store.Table, error) {
	r.add(q)
	return r.DB.QueryReadOnly(ctx, q, p)
}

// directIngester parses with the real parser and stores at once (no spool), so the pages
// rendered next show what was sent.
type directIngester struct {
	parser *pipeline.Parser
	d      *pipeline.Deliverer
	n      int
	mu     sync.Mutex
}

func (in *directIngester) Accept(ctx context.Context, stream pipeline.Stream, r io.Reader, opts pipeline.ParseOptions) (pipeline.Reply, error) {
	reply := pipeline.Reply{Errors: []pipeline.Rejection{}}
	var b pipeline.Batch
	_, err := in.parser.Parse(ctx, stream, r, opts, func(c pipeline.Chunk) error {
		b.Dossiers = append(b.Dossiers, c.Dossiers...)
		b.Petitions = append(b.Petitions, c.Petitions...)
		b.Posts = append(b.Posts, c.Posts...)
		reply.Accepted += c.Accepted()
		reply.Rejected += len(c.Rejected)
		reply.Errors = append(reply.Errors, c.Rejected...)
		return nil
	})
	if err != nil {
		return reply, err
	}
	in.mu.Lock()
	in.n++
	key := fmt.Sprintf("sec-%d", in.n)
	in.mu.Unlock()
	return reply, in.d.Store(ctx, key, b)
}

// secEnv is one seeded database behind the full server (real assistant in offline mode, real
// parser for the ingest API) with its SQL recorded.
type secEnv struct {
	*authEnv
	rec    *recordingDB
	dims   store.Dimensions
	tokens map[string]string // stream → bearer token
}

func newSecEnv(t *testing.T) *secEnv {
	t.Helper()
	return newSecEnvWith(t, func(db store.DB) (Assistant, error) {
		return assistant.New(context.Background(), assistant.Options{DB: db, Province: "79"})
	})
}

// newSecEnvWith is newSecEnv with the assistant mk builds over the recorded engine.
func newSecEnvWith(t *testing.T, mk func(db store.DB) (Assistant, error)) *secEnv {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	db, dims := seededDB(t, 20, 0.01, now)
	rec := &recordingDB{DB: db, sqls: map[string]bool{}}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories, HashSecret: []byte("security-test-hash-secret")})
	if err != nil {
		t.Fatal(err)
	}
	asst, err := mk(rec)
	if err != nil {
		t.Fatal(err)
	}
	e := &authEnv{t: t, db: db, now: now}
	opts := Options{DB: rec, Ingest: &directIngester{parser: parser, d: pipeline.NewDeliverer(store.Ingest{DB: rec}, 0)},
		Tokens: store.Tokens{DB: rec}, Assistant: asst, Now: e.clock, MetricsToken: "scrape-secret"}
	e.s, e.r = newServer(opts)
	e.srv = httptest.NewServer(e.r)
	t.Cleanup(e.srv.Close)
	se := &secEnv{authEnv: e, rec: rec, dims: dims, tokens: map[string]string{}}
	for _, st := range []string{"dossiers", "petitions", "posts"} {
		_, tok, err := (store.Tokens{DB: db}).Create(ctx, st, "sec-"+st, "test")
		if err != nil {
			t.Fatal(err)
		}
		se.tokens[st] = tok
	}
	return se
}

// engineState is what an injection must not change: row counts and the tables that exist.
func (se *secEnv) engineState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var users, dossiers []uint64
	var tables []string
	if err := se.db.Query(ctx, &users, "SELECT count() FROM users", nil); err != nil {
		t.Fatal(err)
	}
	if err := se.db.Query(ctx, &dossiers, "SELECT count() FROM dossiers", nil); err != nil {
		t.Fatal(err)
	}
	if err := se.db.Query(ctx, &tables, "SELECT database || '.' || name FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY 1", nil); err != nil {
		t.Fatal(err)
	}
	// Only this test's database: other tests of the binary may create theirs concurrently.
	db := se.db.Info().Database
	var mine []string
	for _, tb := range tables {
		if strings.HasPrefix(tb, db+".") {
			mine = append(mine, tb)
		}
	}
	return fmt.Sprintf("users=%v dossiers=%v tables=%v", users, dossiers, mine)
}

func (se *secEnv) users(t *testing.T) uint64 {
	t.Helper()
	var n []uint64
	if err := se.db.Query(context.Background(), &n, "SELECT count() FROM users", nil); err != nil || len(n) != 1 {
		t.Fatal(n, err)
	}
	return n[0]
}

// leakRe finds engine error text in a reply.
var leakRe = regexp.MustCompile(`DB::Exception|Code: \d+\.|(?i)syntax error|UNKNOWN_(TABLE|IDENTIFIER|FUNCTION)|displayText|chdb_`)

// injectedMarkup reports markup in an HTML reply that no template writes: inline event
// handlers, inline scripts, javascript: URLs, frames and base/refresh tags. The templates use
// none of these (the CSP forbids inline scripts), so any is a payload turned into markup.
func injectedMarkup(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	inScript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.TextToken:
			if inScript && strings.TrimSpace(string(z.Text())) != "" {
				return "inline script: " + string(z.Text())
			}
		case html.EndTagToken:
			inScript = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script":
				inScript = tt == html.StartTagToken
				for _, a := range tok.Attr {
					if a.Key == "type" && strings.Contains(a.Val, "json") {
						inScript = false // data, not code
					}
				}
			case "iframe", "frame", "object", "embed", "base", "math":
				return "<" + tok.Data + "> element"
			case "meta":
				for _, a := range tok.Attr {
					if strings.EqualFold(a.Key, "http-equiv") && strings.EqualFold(a.Val, "refresh") {
						return "meta refresh"
					}
				}
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(a.Key, "on"):
					return fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val)
				case (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text/html")):
					return fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val)
				case tok.Data == "img" && a.Key == "src" && v == "x":
					return "<img src=x>"
				}
			}
		}
	}
}

// placeholderRe is a payload that is exactly one {name:Type} placeholder.
var placeholderRe = regexp.MustCompile(`^\{\w+:\w+\}$`)

// timeKey names a request's route for the time report.
func timeKey(path string) string {
	path, _, _ = strings.Cut(path, "?")
	for _, pre := range []string{"/units/", "/wards/", "/api/v1/series/"} {
		if strings.HasPrefix(path, pre) {
			return pre + "…"
		}
	}
	return path
}

// secReply is one reply to check.
type secReply struct {
	what   string
	status int
	header http.Header
	body   string
}

// checkReply applies the corpus checks to one reply.
func checkReply(t *testing.T, payload string, r secReply) {
	t.Helper()
	p := payload
	if len(p) > 60 {
		p = p[:60] + "…"
	}
	if r.status >= 500 {
		t.Errorf("%s with %q: status %d %.300s", r.what, p, r.status, r.body)
	}
	if m := leakRe.FindString(r.body); m != "" {
		t.Errorf("%s with %q: engine error text %q in the reply: %.300s", r.what, p, m, r.body)
	}
	for _, h := range r.header.Values("Set-Cookie") {
		if strings.Contains(h, "evil") {
			t.Errorf("%s with %q: injected Set-Cookie %q", r.what, p, h)
		}
	}
	if loc := r.header.Get("Location"); strings.Contains(loc, "evil.example") && !strings.Contains(loc, "%") {
		t.Errorf("%s with %q: injected Location %q", r.what, p, loc)
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		if m := injectedMarkup(r.body); m != "" {
			t.Errorf("%s with %q: payload became markup: %s", r.what, p, m)
		}
		if strings.ContainsAny(payload, `<>"'`) && strings.Contains(r.body, payload) {
			t.Errorf("%s with %q: the payload appears unescaped in the HTML", r.what, p)
		}
	}
}

func (b *browser) getReply(path string) secReply {
	b.e.t.Helper()
	r := b.get(path)
	return secReply{what: "GET " + path, status: r.StatusCode, header: r.Header, body: r.body}
}

// getInputs are the query parameters of the pages and JSON APIs, and the routes that read
// them; each payload goes into each parameter, on the routes in turn.
var getInputs = []struct {
	param  string
	extra  url.Values // the other half of a pair (from/to)
	routes []string
}{
	{"from", url.Values{"to": {"2026-01-31"}}, nil},
	{"to", url.Values{"from": {"2026-01-01"}}, nil},
	{"period", nil, nil},
	{"unit", nil, nil},
	{"ward", nil, nil},
	{"field", nil, nil},
	{"category", nil, nil},
	{"platform", nil, nil},
	{"lang", nil, nil},
	{"level", nil, nil},
	{"map", nil, nil},
	{"grain", nil, []string{"/api/v1/series/dossiers_received", "/api/v1/series/petitions_received"}},
	{"stream", nil, []string{"/api/v1/kpis"}},
	{"hotspots", nil, []string{"/api/v1/alerts"}},
	{"sort", nil, nil},
	{"date", nil, []string{"/api/v1/briefing"}},
	{"q", nil, []string{"/ask"}},
}

// secRoutes are the GET routes a payload goes through (every page and read API).
var secRoutes = []string{"/", "/rankings", "/dossiers", "/petitions", "/sentiment", "/ask", "/units/%s", "/wards/%s",
	"/api/v1/kpis", "/api/v1/series/dossiers_received", "/api/v1/alerts", "/api/v1/rankings", "/api/v1/wardmap",
	"/api/v1/rankings/export.csv", "/api/v1/rankings/export.xlsx", "/api/v1/briefing"}

// TestInjectionCorpus sends every payload of testdata/injection.txt through every input of the
// dashboard as a logged-in analyst: the common filters and period parameters of every page and
// read API, the path parameters, the ask question, the export parameters and the ingest API's
// text fields (then renders the pages that show them). No reply may be a 5xx or leak engine
// error text, no payload may become markup, the engine's tables must be unchanged, and no
// payload may appear inside any SQL text the server handed the engine.
func TestInjectionCorpus(t *testing.T) {
	corpus := loadCorpus(t)
	if len(corpus) < 100 {
		t.Fatalf("corpus has %d payloads; want ≥ 100", len(corpus))
	}
	se := newSecEnv(t)
	unit, ward := se.dims.Units[0].Code, se.dims.Wards[0].Code
	b := se.loggedIn("analyst", se.addUser("analyst", RoleAnalyst, "", ""))
	before := se.engineState(t)
	requests := 0
	took := map[string]time.Duration{}
	accepted := map[string]int{}
	ndjson := map[string][]byte{}
	get := func(payload, path string) {
		requests++
		t0 := time.Now()
		r := b.getReply(path)
		took[timeKey(path)] += time.Since(t0)
		checkReply(t, payload, r)
	}
	for i, payload := range corpus {
		// Query parameters.
		for j, in := range getInputs {
			routes := in.routes
			if routes == nil {
				routes = secRoutes
			}
			route := routes[(i+j)%len(routes)]
			if strings.Contains(route, "%s") {
				code := unit
				if strings.HasPrefix(route, "/wards/") {
					code = ward
				}
				route = fmt.Sprintf(route, code)
			}
			q := url.Values{}
			for k, v := range in.extra {
				q[k] = v
			}
			q.Set(in.param, payload)
			get(payload, route+"?"+q.Encode())
		}
		// Path parameters.
		esc := url.PathEscape(payload)
		for _, route := range []string{"/units/", "/wards/", "/api/v1/series/"} {
			get(payload, route+esc)
		}
		// The assistant's question.
		for _, path := range []string{"/api/v1/ask", "/api/v1/ask/stream"} {
			body, _ := json.Marshal(map[string]string{"question": payload, "lang": "vi"})
			req, _ := http.NewRequest(http.MethodPost, se.srv.URL+path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", b.cookie(csrfCookie).Value)
			t0 := time.Now()
			r := b.do(req)
			took["POST "+path] += time.Since(t0)
			requests++
			checkReply(t, payload, secReply{what: "POST " + path, status: r.StatusCode, header: r.Header, body: r.body})
		}
		// The ingest API's text fields.
		at := se.now.In(models.Location).Add(-time.Duration(i+1) * time.Minute).Format(time.RFC3339)
		lines := map[string]map[string]any{
			"petitions": {"id": fmt.Sprintf("sec-p-%d", i), "received_at": at, "updated_at": at, "channel": "web", "category": se.dims.Categories[0].Code,
				"ward_code": ward, "status": "new", "title": payload, "content": payload + " " + payload, "citizen_name": "Trần Thị Bảo " + payload},
			"posts": {"id": fmt.Sprintf("sec-s-%d", i), "platform": "forum", "published_at": at, "author_id": payload, "text": payload, "url": "https://example.org/" + esc},
		}
		for stream, line := range lines {
			body, _ := json.Marshal(line)
			ndjson[stream] = append(append(ndjson[stream], body...), '\n')
		}
	}
	// One NDJSON body per stream, a line per payload.
	for stream, body := range ndjson {
		t0 := time.Now()
		req, _ := http.NewRequest(http.MethodPost, se.srv.URL+"/api/v1/ingest/"+stream, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+se.tokens[stream])
		req.Header.Set("Content-Type", "application/x-ndjson")
		r := b.do(req)
		took["POST /api/v1/ingest"] += time.Since(t0)
		requests++
		for _, payload := range corpus {
			checkReply(t, payload, secReply{what: "POST ingest " + stream, status: r.StatusCode, header: r.Header, body: r.body})
		}
		var rep pipeline.Reply
		if err := json.Unmarshal([]byte(r.body), &rep); err != nil || rep.Accepted+rep.Rejected != len(corpus) {
			t.Errorf("ingest %s: %d %.500s", stream, r.StatusCode, r.body)
		}
		accepted[stream] += rep.Accepted
		for _, e := range rep.Errors {
			t.Logf("ingest %s line %d rejected: %s: %s", stream, e.Line, e.Field, e.Message)
		}
	}
	// What was stored is the text that was sent: the insert carried it as data, whole.
	var stored []struct {
		ID    string `ch:"id"`
		Title string `ch:"title"`
	}
	if err := se.db.Query(context.Background(), &stored, "SELECT id, title FROM petitions FINAL WHERE startsWith(id, 'sec-p-')", nil); err != nil {
		t.Fatal(err)
	}
	if len(stored) != accepted["petitions"] {
		t.Errorf("%d petitions stored; %d accepted", len(stored), accepted["petitions"])
	}
	same := 0
	for _, row := range stored {
		var i int
		fmt.Sscanf(row.ID, "sec-p-%d", &i)
		if row.Title == corpus[i] {
			same++
		} else if utf8.ValidString(corpus[i]) && !strings.ContainsAny(corpus[i], "\x00\r\n") && strings.TrimSpace(corpus[i]) == corpus[i] {
			t.Errorf("petition title stored as %.80q; sent %.80q", row.Title, corpus[i])
		}
	}
	t.Logf("%d of %d petition titles stored byte for byte", same, len(stored))

	// The pages that show ingested text, after all of it is stored.
	for _, path := range []string{"/", "/petitions", "/sentiment", "/wards/" + ward, "/api/v1/alerts?hotspots=1", "/ask"} {
		r := b.getReply(path)
		requests++
		for _, payload := range corpus {
			checkReply(t, payload, r)
		}
	}

	if after := se.engineState(t); after != before {
		t.Errorf("engine changed:\nbefore %s\nafter  %s", before, after)
	}
	se.rec.mu.Lock()
	sqls := se.rec.sqls
	se.rec.mu.Unlock()
	for sql := range sqls {
		for _, payload := range corpus {
			// A payload that is itself a placeholder of the query ({from:Date}) is found as
			// the query's own text; it is checked by the engine binding it, not by this scan.
			if placeholderRe.MatchString(payload) {
				continue
			}
			if len(strings.TrimSpace(payload)) >= 4 && strings.Contains(sql, payload) {
				t.Errorf("payload %.60q inside SQL text: %.300s", payload, sql)
			}
		}
	}
	t.Logf("time per route: %v", took)
	t.Logf("ingest lines accepted (stored, then rendered): %v", accepted)
	t.Logf("%d payloads, %d requests, %d distinct SQL texts checked", len(corpus), requests, len(sqls))
}

// TestWardScopeNeverLeaks logs in a leader scoped to one ward on a seeded database: asking for
// another ward is refused as not permitted (403, not an empty "no data" answer) in every page,
// JSON API and export; without a ward filter every answer holds the scoped ward's rows only
// and equals what a city-wide analyst gets filtered to that ward.
func TestWardScopeNeverLeaks(t *testing.T) {
	se := newSecEnv(t)
	ctx := context.Background()
	var busiest []struct {
		Ward string `ch:"ward_code"`
		N    uint64 `ch:"n"`
	}
	if err := se.db.Query(ctx, &busiest, "SELECT ward_code, count() AS n FROM petitions WHERE ward_code != '' GROUP BY ward_code ORDER BY n DESC, ward_code LIMIT 2", nil); err != nil || len(busiest) < 2 {
		t.Fatalf("two wards with petitions: %v %v", busiest, err)
	}
	mine, other := busiest[0].Ward, busiest[1].Ward
	scoped := se.loggedIn("ward-leader", se.addUser("ward-leader", RoleLeader, "", mine))
	analyst := se.loggedIn("analyst", se.addUser("analyst", RoleAnalyst, "", ""))
	per := se.now.In(models.Location).Format("2006-01")

	// Another ward: not permitted, everywhere.
	forOther := []string{
		"/?ward=" + other, "/dossiers?ward=" + other, "/petitions?ward=" + other, "/sentiment?ward=" + other,
		"/rankings?level=ward&ward=" + other, "/wards/" + other,
		"/api/v1/kpis?ward=" + other, "/api/v1/series/petitions_received?ward=" + other, "/api/v1/alerts?hotspots=1&ward=" + other,
		"/api/v1/rankings?level=ward&ward=" + other, "/api/v1/wardmap?ward=" + other,
		"/api/v1/rankings/export.csv?level=ward&period=" + per + "&ward=" + other,
		"/api/v1/rankings/export.xlsx?level=ward&period=" + per + "&ward=" + other,
		"/api/v1/briefing",
	}
	for _, path := range forOther {
		r := scoped.get(path)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as the %s leader: %d; want 403 not permitted: %.300s", path, mine, r.StatusCode, r.body)
			continue
		}
		if strings.HasPrefix(path, "/api/") && !strings.Contains(r.body, "not_permitted") {
			t.Errorf("GET %s as the %s leader: %.300s; want error not_permitted", path, mine, r.body)
		}
	}

	// The assistant (offline mode here): another ward is not permitted; a question without a
	// ward is answered for the leader's ward only (TestScopedAssistant covers LLM mode).
	if r := askJSON(t, scoped, "/api/v1/ask", "Số phản ánh tiếp nhận của "+other+" tháng này"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "not_permitted") {
		t.Errorf("ask about ward %s as the %s leader: %d %.300s; want 403 not_permitted", other, mine, r.StatusCode, r.body)
	}
	if a := answerOf(t, askJSON(t, scoped, "/api/v1/ask", "Số phản ánh tiếp nhận theo phường tháng này")); len(a.Rows) != 1 || fmt.Sprint(a.Rows[0][0]) != mine {
		t.Errorf("ask by ward as the %s leader: rows %v; want its ward only", mine, a.Rows)
	}

	// No ward filter: the scoped ward only.
	same := []string{"/api/v1/kpis", "/api/v1/kpis?stream=petitions", "/api/v1/series/petitions_received", "/api/v1/series/dossiers_received",
		"/api/v1/alerts?hotspots=1", "/api/v1/rankings?level=ward", "/api/v1/wardmap"}
	for _, path := range same {
		got := scoped.get(path)
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		want := analyst.get(path + sep + "ward=" + mine)
		if got.StatusCode != http.StatusOK || got.body != want.body {
			t.Errorf("GET %s as the %s leader: %d %.300s\nwant what an analyst gets with ward=%s: %d %.300s", path, mine, got.StatusCode, got.body, mine, want.StatusCode, want.body)
		}
		if city := analyst.get(path); path == "/api/v1/kpis" && city.body == got.body {
			t.Errorf("GET %s: the ward leader sees the city-wide figures", path)
		}
	}
	var alerts struct {
		Alerts   []struct{ Ward string } `json:"alerts"`
		Hotspots []struct{ Ward string } `json:"hotspots"`
	}
	if r := scoped.get("/api/v1/alerts?hotspots=1&period=" + per); json.Unmarshal([]byte(r.body), &alerts) != nil {
		t.Errorf("alerts: %d %.300s", r.StatusCode, r.body)
	}
	for _, a := range append(alerts.Alerts, alerts.Hotspots...) {
		if a.Ward != mine {
			t.Errorf("the %s leader is shown an alert or hotspot of ward %q", mine, a.Ward)
		}
	}
	// Rows of other wards in exports and pages: their ward committees' codes and ward links.
	var others []string
	for _, u := range se.dims.Units {
		if u.WardCode != "" && u.WardCode != mine {
			others = append(others, `"`+u.Code+`"`, u.Code+",")
		}
	}
	for _, path := range []string{"/api/v1/rankings?level=ward", "/api/v1/rankings/export.csv?level=ward&period=" + per} {
		r := scoped.get(path)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the %s leader: %d %.300s", path, mine, r.StatusCode, r.body)
		}
		for _, o := range others {
			if strings.Contains(r.body, o) {
				t.Errorf("GET %s as the %s leader shows another ward's row %s", path, mine, o)
				break
			}
		}
	}
	for _, path := range []string{"/", "/dossiers", "/petitions", "/sentiment", "/rankings?level=ward", "/wards/" + mine} {
		r := scoped.get(path)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the %s leader: %d", path, mine, r.StatusCode)
		}
		for _, w := range se.dims.Wards {
			if w.Code != mine && strings.Contains(r.body, `href="/wards/`+w.Code+`"`) {
				t.Errorf("GET %s as the %s leader links to ward %s", path, mine, w.Code)
				break
			}
		}
	}
}

// TestInjectionChecksCatch shows the corpus checks fail on what they look for, so a passing
// TestInjectionCorpus means the payloads were harmless, not that the checks were blind.
func TestInjectionChecksCatch(t *testing.T) {
	for _, body := range []string{
		`<p><img src=x onerror=alert(1)></p>`, `<div><script>alert(1)</script></div>`, `<a href=" JavaScript:alert(1)">x</a>`,
		`<svg onload=alert(1)>`, `<iframe src="//evil.example/"></iframe>`, `<meta http-equiv="refresh" content="0;url=//e">`,
		`<input autofocus onfocus=alert(1)>`, `<base href="//evil.example/">`,
	} {
		if injectedMarkup(body) == "" {
			t.Errorf("injectedMarkup missed %s", body)
		}
	}
	for _, body := range []string{
		`<script src="/static/app.js" defer></script><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`,
		`<script type="application/json">{"a":"\u003cscript\u003e"}</script><a href="/wards/26734?x=%3Cscript%3E">x</a>`,
	} {
		if m := injectedMarkup(body); m != "" {
			t.Errorf("injectedMarkup flags harmless %s: %s", body, m)
		}
	}
	if !leakRe.MatchString(`{"error":"Code: 62. DB::Exception: Syntax error: failed at position 1"}`) {
		t.Error("leakRe misses an engine exception")
	}
	if leakRe.MatchString(`{"error":"invalid","message":"period: cannot read \"' OR 1=1 --\""}`) {
		t.Error("leakRe flags a field error")
	}
}

// TestInjectionForms sends the corpus through the forms: the admin page's account and token
// forms and path parameters (then renders the admin page, which lists accounts, tokens and the
// audit log), and the login form (next, username, password). Same checks as
// TestInjectionCorpus; only the accounts the forms create may be new.
func TestInjectionForms(t *testing.T) {
	corpus := loadCorpus(t)
	e := newAuthEnv(t, Options{})
	se := &secEnv{authEnv: e}
	requests := 0
	// The admin forms' text fields, then the admin page that lists them with the audit log.
	admin := e.loggedIn("admin", e.addUser("admin", RoleAdmin, "", ""))
	createdUsers := 0
	for i, payload := range corpus {
		forms := []struct {
			path string
			form url.Values
		}{
			{"/admin/users", url.Values{"username": {payload}, "role": {RoleLeader}}},
			{"/admin/users", url.Values{"username": {fmt.Sprintf("sec-u-%d", i)}, "display_name": {payload}, "role": {RoleLeader}}},
			{"/admin/users", url.Values{"username": {fmt.Sprintf("sec-v-%d", i)}, "role": {payload}, "scope_ward": {payload}, "scope_unit": {payload}}},
			{"/admin/tokens", url.Values{"stream": {"posts"}, "name": {payload}}},
			{"/admin/tokens", url.Values{"stream": {payload}, "name": {"x"}}},
			{"/admin/users/" + url.PathEscape(payload) + "/disable", url.Values{}},
			{"/admin/tokens/" + url.PathEscape(payload) + "/revoke", url.Values{}},
		}
		// Creating an account hashes its password (argon2id, slow by design), even when the
		// form is then refused: every third payload goes through one of the three account
		// forms in turn, the others through the token forms and path parameters only.
		if i%3 == 0 {
			forms = append(forms[i/3%3:i/3%3+1], forms[3:]...)
		} else {
			forms = forms[3:]
		}
		for _, f := range forms {
			r := admin.post(f.path, f.form)
			requests++
			checkReply(t, payload, secReply{what: "POST " + f.path, status: r.StatusCode, header: r.Header, body: r.body})
			if f.path == "/admin/users" && r.StatusCode == http.StatusOK {
				createdUsers++
			}
		}
	}
	if r := admin.get("/admin"); r.StatusCode != http.StatusOK {
		t.Errorf("GET /admin: %d", r.StatusCode)
	} else {
		requests++
		for _, payload := range corpus {
			checkReply(t, payload, secReply{what: "GET /admin", status: r.StatusCode, header: r.Header, body: r.body})
		}
	}

	createdBefore := se.users(t)
	// The login form: the next parameter (a logged-in user is sent there), then username,
	// password and next of failed logins. The limiter allows 30 failures per address in 15
	// minutes; the clock moves past the window when it is reached.
	for i, payload := range corpus {
		r := admin.get("/login?next=" + url.QueryEscape(payload))
		requests++
		checkReply(t, payload, secReply{what: "GET /login?next=", status: r.StatusCode, header: r.Header, body: r.body})
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\r\n") {
			t.Errorf("GET /login?next=%.60q redirects to %q, off the site", payload, loc)
		}
		if i%25 == 24 {
			e.advance(16 * time.Minute)
		}
		if i%5 != 0 {
			continue // a failed login hashes too; every fifth payload
		}
		anon := e.browser()
		r = anon.login(payload, payload, payload)
		requests++
		checkReply(t, payload, secReply{what: "POST /login", status: r.StatusCode, header: r.Header, body: r.body})
		if r.StatusCode == http.StatusSeeOther || r.StatusCode == http.StatusTooManyRequests {
			t.Errorf("POST /login with %.60q as username and password: %d", payload, r.StatusCode)
		}
	}

	if got := se.users(t); got != createdBefore {
		t.Errorf("logins changed the accounts: %d → %d", createdBefore, got)
	}
	if want := uint64(createdUsers + 1); createdBefore != want {
		t.Errorf("%d accounts; want the admin and the %d the forms accepted", createdBefore, createdUsers)
	}
	var tables []string
	if err := e.db.Query(context.Background(), &tables, "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name", nil); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if strings.Contains(tb, "pwned") {
			t.Errorf("table %s created", tb)
		}
	}
	t.Logf("%d payloads, %d form requests, %d accounts created by the forms", len(corpus), requests, createdUsers)
}
