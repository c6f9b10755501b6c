package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
)

type fakeIngester struct {
	err    error
	got    string
	stream pipeline.Stream
	opts   pipeline.ParseOptions
}

func (f *fakeIngester) Accept(_ context.Context, s pipeline.Stream, r io.Reader, o pipeline.ParseOptions) (pipeline.Reply, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return pipeline.Reply{}, err
	}
	f.got, f.stream, f.opts = string(b), s, o
	if f.err != nil {
		return pipeline.Reply{}, f.err
	}
	return pipeline.Reply{Accepted: 2, Rejected: 1, Errors: []pipeline.Rejection{{Line: 3, Field: "status", Message: "unknown"}}}, nil
}

type fakeTokens map[string]models.IngestToken

func (f fakeTokens) Lookup(_ context.Context, token string) (models.IngestToken, error) {
	if t, ok := f[token]; ok {
		return t, nil
	}
	return models.IngestToken{}, models.ErrNotFound
}

// fakeDB answers readiness; the rest of store.DB is nil (the ingest and metrics tests never reach it).
type fakeDB struct{ store.DB }

func (fakeDB) Ping(context.Context) error { return nil }
func (fakeDB) Info() store.Info           { return store.Info{Engine: "fake"} }

func TestIngestRoute(t *testing.T) {
	tokens := fakeTokens{"gpi_good": {ID: "tok_1", Stream: "petitions"}}
	cases := []struct {
		name, path, auth, body, contentType string
		ingestErr                           error
		want                                int
		wantIn                              string
	}{
		{"accepted", "/api/v1/ingest/petitions", "Bearer gpi_good", "{}\n{}\n{}", "", nil, 200, `"accepted":2`},
		{"csv", "/api/v1/ingest/petitions", "Bearer gpi_good", "a,b", "text/csv", nil, 200, `"rejected":1`},
		{"no token", "/api/v1/ingest/petitions", "", "{}", "", nil, 401, "missing bearer"},
		{"unknown token", "/api/v1/ingest/petitions", "Bearer gpi_bad", "{}", "", nil, 401, "unknown or revoked"},
		{"other stream", "/api/v1/ingest/posts", "Bearer gpi_good", "{}", "", nil, 403, "only send petitions"},
		{"unknown stream", "/api/v1/ingest/votes", "Bearer gpi_good", "{}", "", nil, 404, "unknown stream"},
		{"spool full", "/api/v1/ingest/petitions", "Bearer gpi_good", "{}", "", pipeline.ErrSpoolFull, 503, "retry later"},
		{"too large", "/api/v1/ingest/petitions", "Bearer gpi_good", "{}", "", &http.MaxBytesError{Limit: 1}, 413, "64 MiB"},
		{"internal", "/api/v1/ingest/petitions", "Bearer gpi_good", "{}", "", errors.New("disk on fire"), 500, "nothing was stored"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ing := &fakeIngester{err: c.ingestErr}
			h := New(Options{DB: fakeDB{}, Ingest: ing, Tokens: tokens})
			req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want || !strings.Contains(rec.Body.String(), c.wantIn) {
				t.Fatalf("got %d %s, want %d containing %q", rec.Code, rec.Body.String(), c.want, c.wantIn)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") {
				t.Error("an internal error reached the sender")
			}
			if c.want == 503 && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if c.want == 200 {
				var reply pipeline.Reply
				if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || reply.Errors[0].Line != 3 || reply.Errors[0].Field != "status" {
					t.Errorf("reply %s: %v", rec.Body.String(), err)
				}
				if ing.opts.Source != "api:tok_1" || ing.got != c.body || (c.contentType == "text/csv") != (ing.opts.Format == "csv") {
					t.Errorf("ingester got stream %s opts %+v body %q", ing.stream, ing.opts, ing.got)
				}
			}
		})
	}
}

func TestMetricsEndpoint(t *testing.T) {
	m := NewMetrics(nil)
	m.Accepted("posts", 7)
	m.Rejected("posts", "published_at", 2)
	m.Stored("posts", 7, 3*time.Millisecond)
	cases := []struct {
		name, token, auth, remote string
		want                      int
	}{
		{"loopback without token", "", "", "127.0.0.1:5000", 200},
		{"remote without token", "", "", "10.1.2.3:5000", 403},
		{"token required", "s3cret", "", "127.0.0.1:5000", 401},
		{"token given", "s3cret", "Bearer s3cret", "10.1.2.3:5000", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := New(Options{DB: fakeDB{}, Metrics: m, MetricsToken: c.token})
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.RemoteAddr = c.remote
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body.String())
			}
			if c.want == 200 {
				body := rec.Body.String()
				for _, s := range []string{`govpulse_ingest_accepted_lines_total{stream="posts"} 7`,
					`govpulse_ingest_rejected_lines_total{field="published_at",stream="posts"} 2`,
					`govpulse_store_batch_rows_count{table="posts"} 1`, "go_goroutines"} {
					if !strings.Contains(body, s) {
						t.Errorf("metrics lack %s", s)
					}
				}
			}
		})
	}
}
