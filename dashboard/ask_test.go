package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// stubAssistant answers from fields; release, when set, holds Ask until the test lets it go.
type stubAssistant struct {
	release chan struct{}
	saved   []assistant.VerifiedInput
	day     time.Time
	scope   assistant.Scope // of the last question
}

func (s *stubAssistant) Ask(ctx context.Context, q, lang string) (assistant.Answer, error) {
	if q == "" {
		return assistant.Answer{}, &models.FieldError{Field: "question", Message: "empty question"}
	}
	s.scope = assistant.ScopeOf(ctx)
	if s.release != nil {
		assistant.Progress(ctx, assistant.StageUnderstanding)
		select {
		case <-s.release:
		case <-ctx.Done():
			return assistant.Answer{}, ctx.Err()
		}
	}
	return assistant.Answer{Question: q, Mode: "offline", Text: "Có 7 hồ sơ.", Rows: [][]any{{"25747", 7}}}, nil
}

func (s *stubAssistant) Briefing(_ context.Context, day time.Time, lang string, _ assistant.BriefOptions) (assistant.Briefing, error) {
	s.day = day
	return assistant.Briefing{Date: day.Format(time.DateOnly), Lang: lang, Text: "Bản tin.", Mode: "offline", PromptVersion: assistant.OfflinePromptVersion,
		Facts: assistant.FactSheet{Facts: []assistant.Fact{{ID: "F1", Text: "Hồ sơ tiếp nhận: 120"}}}}, nil
}

func (s *stubAssistant) SaveVerified(_ context.Context, in assistant.VerifiedInput, user string) (models.SavedQuestion, error) {
	if in.Spec == nil && in.SQL == "" {
		return models.SavedQuestion{}, &models.FieldError{Field: "spec", Message: "a spec or SQL is required"}
	}
	s.saved = append(s.saved, in)
	return models.SavedQuestion{ID: "q_1", Question: in.Question, Verified: true}, nil
}

// askClient is an analyst logged in to a server whose assistant is made by mk over the server's
// migrated test database.
type askClient struct {
	e *authEnv
	b *browser
}

func newAskServer(t *testing.T, mk func(db store.DB) Assistant) *askClient {
	t.Helper()
	var a lazyAssistant
	e := newAuthEnv(t, Options{Assistant: &a})
	a.Assistant = mk(e.db)
	pw := e.addUser("analyst", RoleAnalyst, "", "")
	return &askClient{e: e, b: e.loggedIn("analyst", pw)}
}

// lazyAssistant lets the test build the assistant after the server's database exists.
type lazyAssistant struct{ Assistant }

// req is a JSON request carrying the session's CSRF token, as the Ask page sends it.
func (c *askClient) req(method, path, body string) *http.Request {
	req, _ := http.NewRequest(method, c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if ck := c.b.cookie(csrfCookie); ck != nil {
		req.Header.Set("X-CSRF-Token", ck.Value)
	}
	return req
}

func (c *askClient) do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := c.b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func fixed(a Assistant) func(store.DB) Assistant { return func(store.DB) Assistant { return a } }

func TestAskRoutes(t *testing.T) {
	stub := &stubAssistant{}
	c := newAskServer(t, fixed(stub))
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"ask", "POST", "/api/v1/ask", `{"question":"Hồ sơ tháng 10?","lang":"vi"}`, 200, `"answer":"Có 7 hồ sơ."`},
		{"ask empty", "POST", "/api/v1/ask", `{"question":"","lang":"vi"}`, 400, `empty question`},
		{"ask bad JSON", "POST", "/api/v1/ask", `{"question":`, 400, `invalid JSON`},
		{"ask unknown field", "POST", "/api/v1/ask", `{"q":"x"}`, 400, `invalid JSON`},
		{"briefing", "GET", "/api/v1/briefing?date=2025-11-02&lang=en", "", 200, `"prompt_version":"offline-1"`},
		{"briefing bad date", "GET", "/api/v1/briefing?date=02/11/2025", "", 400, `YYYY-MM-DD`},
		{"verified", "POST", "/api/v1/ask/verified", `{"question":"Hồ sơ tháng 10?","lang":"vi","spec":{"metrics":["dossiers_received"],"period":{"text":"2025-10"}}}`, 201, `"verified":true`},
		{"verified without spec", "POST", "/api/v1/ask/verified", `{"question":"x","lang":"vi"}`, 400, `spec or SQL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := c.do(t, c.req(tt.method, tt.path, tt.body))
			defer resp.Body.Close()
			var b strings.Builder
			bufio.NewReader(resp.Body).WriteTo(&b)
			if resp.StatusCode != tt.status || !strings.Contains(b.String(), tt.want) {
				t.Errorf("%s %s = %d %s; want %d containing %s", tt.method, tt.path, resp.StatusCode, b.String(), tt.status, tt.want)
			}
		})
	}
	if got := stub.day.Format(time.DateOnly); got != "2025-11-02" || stub.day.Location() != models.Location {
		t.Errorf("briefing day = %v, want 2025-11-02 in Asia/Ho_Chi_Minh", stub.day)
	}
	if len(stub.saved) != 1 || stub.saved[0].Spec.Metrics[0] != "dossiers_received" {
		t.Errorf("saved = %+v", stub.saved)
	}
}

// readEvent reads one server-sent event.
func readEvent(t *testing.T, r *bufio.Reader) (string, string) {
	t.Helper()
	var event, data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v (event %q)", err, event)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			return event, data
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func TestAskStream(t *testing.T) {
	stub := &stubAssistant{release: make(chan struct{})}
	c := newAskServer(t, fixed(stub))
	resp := c.do(t, c.req("POST", "/api/v1/ask/stream", `{"question":"Hồ sơ tháng 10?","lang":"vi"}`))
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	// The first event arrives while the answer is still held back: progress is streamed.
	if ev, data := readEvent(t, r); ev != "progress" || !strings.Contains(data, `"stage":"received"`) {
		t.Fatalf("first event %s %s, want progress received", ev, data)
	}
	for {
		// The ticker's "working" events may come first on a slow machine.
		ev, data := readEvent(t, r)
		if ev == "progress" && strings.Contains(data, `"stage":"working"`) {
			continue
		}
		if ev != "progress" || !strings.Contains(data, `"stage":"understanding"`) {
			t.Fatalf("event %s %s, want progress understanding", ev, data)
		}
		break
	}
	close(stub.release)
	for {
		ev, data := readEvent(t, r)
		if ev == "progress" {
			continue
		}
		if ev != "answer" {
			t.Fatalf("event %s %s, want answer", ev, data)
		}
		var ans assistant.Answer
		if err := json.Unmarshal([]byte(data), &ans); err != nil || ans.Text != "Có 7 hồ sơ." || ans.Mode != "offline" {
			t.Errorf("answer = %+v, %v", ans, err)
		}
		break
	}
}

func TestAskStreamError(t *testing.T) {
	c := newAskServer(t, fixed(&stubAssistant{}))
	// POST /api/v1/ask streams too when the client accepts events.
	req := c.req("POST", "/api/v1/ask", `{"question":"","lang":"vi"}`)
	req.Header.Set("Accept", "text/event-stream")
	resp := c.do(t, req)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	readEvent(t, r) // progress
	if ev, data := readEvent(t, r); ev != "error" || !strings.Contains(data, `"status":400`) {
		t.Errorf("event %s %s, want error with status 400", ev, data)
	}
}

// TestAskEndToEnd runs the routes on a real assistant (offline mode) over a migrated database.
func TestAskEndToEnd(t *testing.T) {
	ctx := context.Background()
	c := newAskServer(t, func(db store.DB) Assistant {
		// Base rows (4 dossiers on 5 Oct, 3 on 20 Oct), so every rollup the assistant and the
		// briefing's KPIs read is filled by the engine's views, as in production.
		var dossiers []models.Dossier
		var events []models.DossierEvent
		for i, day := range []int{5, 5, 5, 5, 20, 20, 20} {
			at := time.Date(2025, 10, day, 9, i, 0, 0, models.Location)
			d := models.Dossier{ID: fmt.Sprintf("ASK-%d", i), ProcedureCode: "1.000001", ProcedureName: "Cấp phiếu lý lịch tư pháp", Field: "f1",
				UnitCode: "U1", UnitName: "U1", WardCode: "25747", Channel: "online", OnlineLevel: "full", Status: string(models.DossierReceived),
				ReceivedAt: at, DueAt: at.AddDate(0, 0, 5), UpdatedAt: at, Version: uint64(at.UnixMilli()), IngestedAt: at, Source: "test"}
			dossiers = append(dossiers, d)
			events = append(events, d.Event(models.DossierReceived, at))
		}
		if err := db.Insert(ctx, "dossiers", dossiers); err != nil {
			t.Fatal(err)
		}
		if err := db.Insert(ctx, "dossier_events", events); err != nil {
			t.Fatal(err)
		}
		a, err := assistant.New(ctx, assistant.Options{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		return a
	})
	resp := c.do(t, c.req("POST", "/api/v1/ask/stream", `{"question":"Số hồ sơ tiếp nhận tháng 10/2025","lang":"vi"}`))
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		ev, data := readEvent(t, r)
		if ev == "progress" {
			continue
		}
		var ans assistant.Answer
		if ev != "answer" || json.Unmarshal([]byte(data), &ans) != nil {
			t.Fatalf("event %s %s, want the answer", ev, data)
		}
		if ans.Mode != "offline" || ans.SQL == "" || len(ans.Rows) != 1 || !strings.Contains(ans.Text, "7") {
			t.Errorf("answer = %+v, want one row of 7 dossiers", ans)
		}
		break
	}
	resp2 := c.do(t, c.req("GET", "/api/v1/briefing?date=2025-10-20&lang=vi", ""))
	defer resp2.Body.Close()
	var b assistant.Briefing
	if err := json.NewDecoder(resp2.Body).Decode(&b); err != nil || resp2.StatusCode != 200 {
		t.Fatalf("briefing: %d %v", resp2.StatusCode, err)
	}
	if b.Mode != "offline" || b.Text == "" || len(b.Facts.Facts) == 0 || !strings.Contains(b.Text, "3 hồ sơ") {
		t.Errorf("briefing = %+v, want the offline text citing 3 dossiers received", b)
	}
}

// TestAskAccess: the assistant's routes need a login and a CSRF token; verified examples are the
// analysts' and admins'; accounts scoped to one place are refused (the assistant's answers span
// the city).
func TestAskAccess(t *testing.T) {
	stub := &stubAssistant{}
	c := newAskServer(t, fixed(stub))
	body := `{"question":"Hồ sơ tháng 10?","lang":"vi"}`
	status := func(b *browser, req *http.Request) int {
		t.Helper()
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	anon := c.e.browser()
	if got := status(anon, c.req("POST", "/api/v1/ask", body)); got != http.StatusUnauthorized {
		t.Errorf("anonymous ask: %d, want 401", got)
	}
	noCSRF := c.req("POST", "/api/v1/ask", body)
	noCSRF.Header.Del("X-CSRF-Token")
	if got := status(c.b, noCSRF); got != http.StatusForbidden {
		t.Errorf("ask without CSRF token: %d, want 403", got)
	}
	planner := c.e.loggedIn("planner", c.e.addUser("planner", RolePlanner, "", ""))
	pc := &askClient{e: c.e, b: planner}
	if got := status(planner, pc.req("POST", "/api/v1/ask", body)); got != http.StatusOK {
		t.Errorf("planner ask: %d, want 200", got)
	}
	if got := status(planner, pc.req("POST", "/api/v1/ask/verified", `{"question":"x","lang":"vi","sql":"SELECT 1"}`)); got != http.StatusForbidden {
		t.Errorf("planner saving a verified example: %d, want 403", got)
	}
	ward := c.e.loggedIn("ward", c.e.addUser("ward", RoleLeader, "", "26734"))
	wc := &askClient{e: c.e, b: ward}
	// A ward-scoped account asks within its ward (the assistant confines it; TestScopedAssistant);
	// the city-wide briefing is refused.
	if got := status(ward, wc.req("POST", "/api/v1/ask", body)); got != http.StatusOK || stub.scope != (assistant.Scope{Ward: "26734"}) {
		t.Errorf("ward-scoped ask: %d, scope %+v; want 200 with the ward's scope passed to the assistant", got, stub.scope)
	}
	if got := status(ward, wc.req("GET", "/api/v1/briefing", "")); got != http.StatusForbidden {
		t.Errorf("ward-scoped briefing: %d, want 403 not permitted", got)
	}
}
