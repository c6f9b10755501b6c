package pipeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// pipelineFixture is a migrated database with the pipeline wired to it as serve wires it.
type pipelineFixture struct {
	db        store.DB
	ingestor  *pipeline.Ingestor
	spool     *pipeline.Spool
	deliverer *pipeline.Deliverer
}

func newFixture(t testing.TB) *pipelineFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	dims, err := store.LoadDimensions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories,
		HashSecret: []byte("test-secret-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := pipeline.OpenSpool(t.TempDir(), pipeline.SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &pipelineFixture{db: db, ingestor: &pipeline.Ingestor{Parser: parser, Spool: sp}, spool: sp,
		deliverer: pipeline.NewDeliverer(store.Ingest{DB: db}, 0)}
}

// flush seals and delivers everything spooled, like a graceful stop.
func (f *pipelineFixture) flush(t testing.TB) {
	t.Helper()
	if err := f.spool.Seal(); err != nil {
		t.Fatal(err)
	}
	for f.spool.Stats().Segments > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		done := make(chan struct{})
		go func() {
			f.spool.Run(ctx, f.deliverer.Deliver, func(seg string, err error) { t.Errorf("deliver %s: %v", seg, err) })
			close(done)
		}()
		for f.spool.Stats().Segments > 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-done
	}
}

func (f *pipelineFixture) count(t testing.TB, query string) uint64 {
	t.Helper()
	var n []uint64
	if err := f.db.Query(context.Background(), &n, query, nil); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n[0]
}

func dossierLine(id, status, updated string, extra string) string {
	return fmt.Sprintf(`{"id":%q,"procedure_code":"1.001193","procedure_name":"Đăng ký khai sinh","field":"ho_tich","unit_code":"26743","unit_name":"UBND Phường Bến Thành","ward_code":"26743","channel":"online","online_level":"full","status":%q,"received_at":"2025-10-06T08:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","updated_at":%q,"supplement_count":0,"fee_vnd":8000,"paid_online":true,"digitized":true,"e_result":true,"satisfaction":null%s}`,
		id, status, updated, extra)
}

func TestPipelineEndToEnd(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	body := strings.Join([]string{
		dossierLine("H29.1-251006-0001", "received", "2025-10-06T08:00:00+07:00", ""),
		dossierLine("H29.1-251006-0002", "completed", "2025-10-08T10:00:00+07:00", `,"completed_at":"2025-10-08T10:00:00+07:00"`),
		`{"id":"bad-1","status":"teleported"}`,
		dossierLine("H29.1-251006-0003", "received", "2025-10-06T08:00:00+07:00", `,"due_at":"2025-10-01T00:00:00+07:00"`),
	}, "\n")
	reply, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, strings.NewReader(body), pipeline.ParseOptions{Source: "api:test"})
	if err != nil {
		t.Fatal(err)
	}
	if reply.Accepted != 2 || reply.Rejected != 2 || len(reply.Errors) != 2 || reply.Errors[0].Line != 3 || reply.Errors[1].Line != 4 || reply.Errors[1].Field != "due_at" {
		t.Fatalf("reply = %+v", reply)
	}
	f.flush(t)
	if n := f.count(t, "SELECT sum(received) FROM dossier_intake_daily"); n != 2 {
		t.Errorf("intake rollup = %d, want 2", n)
	}
	if n := f.count(t, "SELECT count() FROM dossier_outcome_daily"); n != 1 {
		t.Errorf("outcome rollup rows = %d, want 1", n)
	}
	if n := f.count(t, "SELECT count() FROM dead_letters WHERE source = 'api:test'"); n != 2 {
		t.Errorf("dead letters = %d, want 2", n)
	}

	// The same body again (a sender retrying) and a newer snapshot of dossier 1: nothing counts
	// twice, dossier 1 moves to completed once.
	if _, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, strings.NewReader(body), pipeline.ParseOptions{Source: "api:test"}); err != nil {
		t.Fatal(err)
	}
	done := dossierLine("H29.1-251006-0001", "completed", "2025-10-07T09:00:00+07:00", `,"completed_at":"2025-10-07T09:00:00+07:00"`)
	for i := 0; i < 2; i++ {
		if _, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, strings.NewReader(done), pipeline.ParseOptions{Source: "api:test"}); err != nil {
			t.Fatal(err)
		}
	}
	f.flush(t)
	if n := f.count(t, "SELECT sum(received) FROM dossier_intake_daily"); n != 2 {
		t.Errorf("after re-send: intake = %d, want 2", n)
	}
	if n := f.count(t, "SELECT count() FROM dossier_events WHERE status = 'completed'"); n != 2 {
		t.Errorf("completed events = %d, want 2", n)
	}
	if n := f.count(t, "SELECT countIf(status = 'completed') FROM dossiers FINAL"); n != 2 {
		t.Errorf("completed dossiers = %d, want 2", n)
	}
}

// TestDeliverTwiceStoresOnce replays a segment after a simulated crash between the insert and
// the spool's delete, with a fresh Deliverer (an empty cache, as after a restart).
func TestDeliverTwiceStoresOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	lines := []string{
		dossierLine("H29.1-251006-0010", "processing", "2025-10-06T09:00:00+07:00", ""),
		`{"id":"fb_1","platform":"facebook","published_at":"2025-10-06T20:00:00+07:00","author_id":"u1","text":"Đường Lê Lợi phường Bến Thành ngập sâu quá, xe chết máy hết 😡","likes":10}`,
	}
	if _, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, strings.NewReader(lines[0]), pipeline.ParseOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ingestor.Accept(ctx, pipeline.StreamPosts, strings.NewReader(lines[1]), pipeline.ParseOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.spool.Seal(); err != nil {
		t.Fatal(err)
	}
	var seg pipeline.Segment
	capture := func(_ context.Context, s pipeline.Segment) error { seg = s; return nil }
	if err := f.spool.Close(ctx, capture); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		d := pipeline.NewDeliverer(store.Ingest{DB: f.db}, 0)
		if err := d.Deliver(ctx, seg); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, "SELECT count() FROM dossier_events"); n != 2 { // received + processing
		t.Errorf("events = %d, want 2", n)
	}
	if n := f.count(t, "SELECT sum(received) FROM dossier_intake_daily"); n != 1 {
		t.Errorf("intake = %d, want 1", n)
	}
	if n := f.count(t, "SELECT sum(posts) FROM post_daily"); n != 1 {
		t.Errorf("post_daily posts = %d, want 1", n)
	}
	var posts []models.Post
	if err := f.db.Query(ctx, &posts, "SELECT * FROM posts FINAL", nil); err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].SentimentLabel != "negative" || posts[0].WardCode == "" || posts[0].AuthorHash == "" || posts[0].AuthorHash == "u1" {
		t.Errorf("post = %+v", posts)
	}
}
