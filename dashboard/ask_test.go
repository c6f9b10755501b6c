package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// stubAssistant answers from fields; release, when set, holds Ask until the test lets it go.
type stubAssistant struct {
	release chan struct{}
	saved   []assistant.VerifiedInput
	day     time.Time
}

func (s *stubAssistant) Ask(ctx context.Context, q, lang string) (assistant.Answer, error) {
	if q == "" {
		return assistant.Answer{}, &models.FieldError{Field: "question", Message: "empty question"}
	}
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

func newAskServer(t *testing.T, a Assistant) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(Options{DB: nil, Assistant: a}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAskRoutes(t *testing.T) {
	stub := &stubAssistant{}
	srv := newAskServer(t, stub)
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
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
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
	srv := newAskServer(t, stub)
	resp, err := http.Post(srv.URL+"/api/v1/ask/stream", "application/json", strings.NewReader(`{"question":"Hồ sơ tháng 10?","lang":"vi"}`))
	if err != nil {
		t.Fatal(err)
	}
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
	srv := newAskServer(t, &stubAssistant{})
	// POST /api/v1/ask streams too when the client accepts events.
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ask", strings.NewReader(`{"question":"","lang":"vi"}`))
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	readEvent(t, r) // progress
	if ev, data := readEvent(t, r); ev != "error" || !strings.Contains(data, `"status":400`) {
		t.Errorf("event %s %s, want error with status 400", ev, data)
	}
}

// TestAskEndToEnd runs the routes on a real assistant (offline mode) over a migrated database.
func TestAskEndToEnd(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `INSERT INTO dossier_intake_daily (day, unit_code, ward_code, field, channel, online_level, received)
		VALUES ('2025-10-05', 'U1', '25747', 'f1', 'online', 'full', 4), ('2025-10-20', 'U1', '25747', 'f1', 'online', 'full', 3)`, nil); err != nil {
		t.Fatal(err)
	}
	a, err := assistant.New(ctx, assistant.Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	srv := newAskServer(t, a)
	resp, err := http.Post(srv.URL+"/api/v1/ask/stream", "application/json", strings.NewReader(`{"question":"Số hồ sơ tiếp nhận tháng 10/2025","lang":"vi"}`))
	if err != nil {
		t.Fatal(err)
	}
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
	resp2, err := http.Get(srv.URL + "/api/v1/briefing?date=2025-10-20&lang=vi")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var b assistant.Briefing
	if err := json.NewDecoder(resp2.Body).Decode(&b); err != nil || resp2.StatusCode != 200 {
		t.Fatalf("briefing: %d %v", resp2.StatusCode, err)
	}
	if b.Mode != "offline" || b.Text == "" || len(b.Facts.Facts) == 0 || !strings.Contains(b.Text, "3 hồ sơ") {
		t.Errorf("briefing = %+v, want the offline text citing 3 dossiers received", b)
	}
}
