package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// faultFixture is the pipeline as serve wires it, delivering through a fault injector around the
// real engine, with a delivery loop running in the background as in serve.
type faultFixture struct {
	*pipelineFixture
	fault *storetest.FaultDB
	dims  store.Dimensions
	dir   string // the spool's directory

	mu       sync.Mutex
	failures []string // delivery errors reported to onError
	stop     func()
}

func newFaultFixture(t *testing.T, spoolOpts pipeline.SpoolOptions) *faultFixture {
	t.Helper()
	base := newFixture(t)
	dims, err := store.LoadDimensions(context.Background(), base.db)
	if err != nil {
		t.Fatal(err)
	}
	if spoolOpts.RetryMin == 0 {
		spoolOpts.RetryMin, spoolOpts.RetryMax = 5*time.Millisecond, 100*time.Millisecond
	}
	dir := t.TempDir()
	sp, err := pipeline.OpenSpool(dir, spoolOpts)
	if err != nil {
		t.Fatal(err)
	}
	f := &faultFixture{pipelineFixture: base, fault: storetest.NewFaultDB(base.db), dims: dims, dir: dir}
	f.spool = sp
	f.ingestor.Spool = sp
	f.deliverer = pipeline.NewDeliverer(store.Ingest{DB: f.fault}, 0)
	return f
}

// run starts the delivery loop (serve's), recording what it reports.
func (f *faultFixture) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.spool.Run(ctx, f.deliverer.Deliver, func(seg string, err error) {
			f.mu.Lock()
			f.failures = append(f.failures, seg+": "+err.Error())
			f.mu.Unlock()
		})
	}()
	f.stop = func() { cancel(); <-done }
	t.Cleanup(f.stop)
}

// drain seals and waits until the spool is empty.
func (f *faultFixture) drain(t *testing.T) {
	t.Helper()
	if err := f.spool.Seal(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for f.spool.Stats().Segments > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("spool not drained: %+v", f.spool.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *faultFixture) reported() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failures...)
}

// simBodies simulates a few days of the city and returns each stream's NDJSON body, with
// invalid lines added at the end of each (they become dead letters), and the number of distinct
// valid ids per stream.
type simBodies struct {
	body                         map[pipeline.Stream][]byte
	dossiers, petitions, posts   int
	dossierEvents, petitionEvent int // events the contracts derive from the snapshots
	bad                          int // invalid lines in all bodies together
}

func simulateBodies(t *testing.T, dims store.Dimensions, start string, days int, scale float64) simBodies {
	t.Helper()
	from, err := time.ParseInLocation("2006-01-02", start, models.Location)
	if err != nil {
		t.Fatal(err)
	}
	var d, pe, po bytes.Buffer
	sb := simBodies{body: map[pipeline.Stream][]byte{}}
	_, err = pipeline.Simulate(pipeline.SimOptions{Start: from, Days: days, Scale: scale, Seed: 11,
		Wards: dims.Wards, Units: dims.Units, Fields: dims.Fields, Categories: dims.Categories}, func(c pipeline.SimChunk) error {
		sb.dossiers += len(c.Dossiers)
		sb.petitions += len(c.Petitions)
		sb.posts += len(c.Posts)
		for _, r := range c.Dossiers {
			sb.dossierEvents++ // received
			if r.Status != string(models.DossierReceived) {
				sb.dossierEvents++
			}
		}
		for _, r := range c.Petitions {
			sb.petitionEvent++ // new
			if r.Status != string(models.PetitionNew) {
				sb.petitionEvent++
			}
		}
		return c.WriteNDJSON(&d, &pe, &po)
	})
	if err != nil {
		t.Fatal(err)
	}
	for s, b := range map[pipeline.Stream]*bytes.Buffer{pipeline.StreamDossiers: &d, pipeline.StreamPetitions: &pe, pipeline.StreamPosts: &po} {
		b.WriteString(`{"id":"bad-` + string(s) + `","status":"teleported"}` + "\n")
		sb.bad++
		sb.body[s] = b.Bytes()
	}
	if sb.dossiers == 0 || sb.petitions == 0 || sb.posts == 0 {
		t.Fatalf("simulation too small: %+v", sb)
	}
	return sb
}

// accept sends every stream's body through the ingestor (as the HTTP API does) and checks that
// each is acknowledged whole.
func (f *faultFixture) accept(t *testing.T, sb simBodies, source string) {
	t.Helper()
	for _, s := range []pipeline.Stream{pipeline.StreamDossiers, pipeline.StreamPetitions, pipeline.StreamPosts} {
		reply, err := f.ingestor.Accept(context.Background(), s, bytes.NewReader(sb.body[s]), pipeline.ParseOptions{Source: source})
		if err != nil {
			t.Fatalf("accept %s: %v", s, err)
		}
		if reply.Rejected != 1 {
			t.Fatalf("accept %s: %d rejected, want the 1 invalid line: %+v", s, reply.Rejected, reply.Errors)
		}
	}
}

// checkStoredOnce compares what the engine holds with the simulated input: every acknowledged
// row present (FINAL), none stored twice (the same count without FINAL, and exact event and
// rollup sums, which a duplicate insert would inflate).
func (f *faultFixture) checkStoredOnce(t *testing.T, sb simBodies, deadLetters int) {
	t.Helper()
	for _, c := range []struct {
		query string
		want  int
	}{
		{"SELECT count() FROM dossiers FINAL", sb.dossiers},
		{"SELECT count() FROM dossiers", sb.dossiers},
		{"SELECT count() FROM dossier_events", sb.dossierEvents},
		{"SELECT sum(received) FROM dossier_intake_daily", sb.dossiers},
		{"SELECT count() FROM petitions FINAL", sb.petitions},
		{"SELECT count() FROM petitions", sb.petitions},
		{"SELECT count() FROM petition_events", sb.petitionEvent},
		{"SELECT count() FROM posts FINAL", sb.posts},
		{"SELECT count() FROM posts", sb.posts},
		{"SELECT count() FROM dead_letters", deadLetters},
	} {
		if got := f.count(t, c.query); got != uint64(c.want) {
			t.Errorf("%s = %d, want %d", c.query, got, c.want)
		}
	}
}

// TestEngineErrorsMidBatch delivers one segment holding all three streams and their dead letters
// (six inserts) while the fault injector fails inserts in the middle of it: the engine refuses
// some (a real engine error, nothing stored) and loses the answer of others (stored, then the call
// fails). The spool retries with backoff until the segment is stored; the tables then hold every
// acknowledged row exactly once. A second round re-sends the same bodies (a sender retrying) under
// new faults and changes nothing. The failures are visible: reported to onError (serve logs them
// and counts govpulse_spool_delivery_errors_total) and in Stats (readyz, the banner).
func TestEngineErrorsMidBatch(t *testing.T) {
	f := newFaultFixture(t, pipeline.SpoolOptions{})
	sb := simulateBodies(t, f.dims, "2025-10-01", 3, 0.03)
	t.Logf("simulated %d dossiers (%d events), %d petitions (%d events), %d posts, %d invalid lines",
		sb.dossiers, sb.dossierEvents, sb.petitions, sb.petitionEvent, sb.posts, sb.bad)

	f.accept(t, sb, "api:fault")
	// Insert calls of the first attempt: 1 dead_letters, 2 dossier_events, 3 dossiers, ...
	// Faults land on calls of the first and of later attempts alike.
	faults := map[int]storetest.InsertFault{2: storetest.LoseAck, 3: storetest.RefuseInsert,
		8: storetest.LoseAck, 10: storetest.RefuseInsert}
	for n, fault := range faults {
		f.fault.FailInsert(n, fault)
	}
	f.run(t)
	f.drain(t)
	failed := f.fault.Failed()
	t.Logf("faults hit the inserts into %v; %d insert calls in all", failed, f.fault.Inserts())
	if len(failed) != len(faults) {
		t.Errorf("%d faults fired, want %d (the retries should have reached every armed call)", len(failed), len(faults))
	}
	reported := f.reported()
	if len(reported) != len(faults) {
		t.Errorf("%d delivery failures reported, want %d: %q", len(reported), len(faults), reported)
	}
	var refused, lost int
	for _, r := range reported {
		switch {
		case strings.Contains(r, "injected engine fault") && strings.Contains(r, "clickhouse error 395"):
			refused++
		case strings.Contains(r, "connection refused"):
			lost++
		}
	}
	if refused != 2 || lost != 2 {
		t.Errorf("reported %d engine refusals and %d lost answers, want 2 and 2: %q", refused, lost, reported)
	}
	st := f.spool.Stats()
	if st.Failures != 0 || st.LastError == "" || st.LastErrorAt.IsZero() || st.LastDeliveredAt.Before(st.LastErrorAt) || st.Segments != 0 {
		t.Errorf("stats after recovery = %+v, want no current failure, the last error kept, delivered after it", st)
	}
	f.checkStoredOnce(t, sb, sb.bad)

	// Round two: the same bodies again, with faults on the first calls of the new segment.
	f.fault.FailInsert(1, storetest.RefuseInsert)
	f.fault.FailInsert(2, storetest.LoseAck)
	f.accept(t, sb, "api:fault")
	f.drain(t)
	// The re-sent invalid lines are new dead letters (each rejection is kept), nothing else grows.
	f.checkStoredOnce(t, sb, 2*sb.bad)
	if n := len(f.reported()); n != len(faults)+2 {
		t.Errorf("%d failures reported after round two, want %d", n, len(faults)+2)
	}
}

// TestEngineGoneAndBack makes the engine unreachable while ingest goes on: the spool keeps
// accepting (acknowledged lines are durable on disk), delivery fails with a clear "unreachable"
// error and backs off, Stats shows the growing backlog and the current failure; when the engine
// comes back, the backlog drains and every acknowledged row is stored once.
func TestEngineGoneAndBack(t *testing.T) {
	f := newFaultFixture(t, pipeline.SpoolOptions{SegmentAge: 20 * time.Millisecond})
	sb := simulateBodies(t, f.dims, "2025-11-01", 2, 0.03)
	f.run(t)
	f.fault.SetGone(true)
	f.accept(t, sb, "api:gone")
	if err := f.spool.Seal(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(f.reported()) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("no repeated delivery failures while the engine is gone: %q", f.reported())
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := f.spool.Stats()
	if st.Segments == 0 || st.Failures < 3 || !strings.Contains(st.LastError, "unreachable") || st.OldestSealedAt.IsZero() {
		t.Errorf("stats while gone = %+v, want a backlog, ≥3 failures in a row, an unreachable error", st)
	}
	for _, r := range f.reported() {
		if !strings.Contains(r, "ClickHouse server unreachable") {
			t.Errorf("delivery error while gone is not clear: %q", r)
		}
	}
	if n := f.count(t, "SELECT count() FROM dossiers"); n != 0 {
		t.Errorf("%d dossiers stored while the engine was gone", n)
	}
	f.fault.SetGone(false)
	f.drain(t)
	if st := f.spool.Stats(); st.Failures != 0 || st.Bytes != 0 {
		t.Errorf("stats after the engine came back = %+v", st)
	}
	f.checkStoredOnce(t, sb, sb.bad)
	t.Logf("%d delivery failures while gone, then drained", len(f.reported()))
}

// fullDisk is a disk of limited free bytes shared by every segment file: a write beyond the free
// space writes what fits and fails with ENOSPC, as a real full file system does.
type fullDisk struct {
	mu           sync.Mutex
	free         int64
	failTruncate bool // the cut-back after a failed write fails too
}

func (d *fullDisk) setFree(n int64) { d.mu.Lock(); d.free = n; d.mu.Unlock() }

func (d *fullDisk) create(path string) (pipeline.SegmentFile, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.free <= 0 {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ENOSPC}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, err
	}
	return &diskFile{File: f, disk: d}, nil
}

type diskFile struct {
	*os.File
	disk *fullDisk
}

func (f *diskFile) Write(p []byte) (int, error) {
	f.disk.mu.Lock()
	defer f.disk.mu.Unlock()
	if int64(len(p)) <= f.disk.free {
		f.disk.free -= int64(len(p))
		return f.File.Write(p)
	}
	n, err := f.File.Write(p[:f.disk.free])
	f.disk.free -= int64(n)
	if err == nil {
		err = &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return n, err
}

func (f *diskFile) Truncate(size int64) error {
	f.disk.mu.Lock()
	fail := f.disk.failTruncate
	f.disk.mu.Unlock()
	if fail {
		return &os.PathError{Op: "truncate", Path: f.Name(), Err: syscall.EIO}
	}
	return f.File.Truncate(size)
}

// TestDiskFullUnderSpool fills the spool's disk between two ingests: the ingest that does not fit
// is refused with ErrSpoolWrite wrapping ENOSPC (the HTTP API answers 507) and none of its lines is
// acknowledged or stored; what was acknowledged before survives, the next ingests are refused
// while the disk stays full and accepted once space returns, and delivery stores exactly the
// acknowledged bodies. With the cut-back of the torn write failing too, delivery still finds the
// acknowledged frames before the tear.
func TestDiskFullUnderSpool(t *testing.T) {
	for _, failTruncate := range []bool{false, true} {
		t.Run(fmt.Sprintf("truncate_fails=%v", failTruncate), func(t *testing.T) {
			disk := &fullDisk{free: 1 << 30, failTruncate: failTruncate}
			f := newFaultFixture(t, pipeline.SpoolOptions{Create: disk.create})
			ctx := context.Background()
			send := func(ids ...string) error {
				var lines []string
				for _, id := range ids {
					lines = append(lines, dossierLine(id, "received", "2025-10-06T08:00:00+07:00", ""))
				}
				_, err := f.ingestor.Accept(ctx, pipeline.StreamDossiers, strings.NewReader(strings.Join(lines, "\n")), pipeline.ParseOptions{Source: "api:disk"})
				return err
			}
			if err := send("H29.1-251006-0001", "H29.1-251006-0002"); err != nil {
				t.Fatalf("first ingest: %v", err)
			}
			disk.setFree(40) // less than one frame: the next write tears
			for i, id := range []string{"H29.1-251006-0003", "H29.1-251006-0004"} {
				err := send(id)
				if !errors.Is(err, pipeline.ErrSpoolWrite) || !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("ingest %d on a full disk: %v, want ErrSpoolWrite wrapping ENOSPC", i, err)
				}
				t.Logf("full disk: %v", err)
			}
			if st := f.spool.Stats(); !strings.Contains(st.WriteError, "no space left") || st.WriteErrorAt.IsZero() {
				t.Errorf("stats on a full disk = %+v, want the write error", st)
			}
			disk.setFree(1 << 30)
			if err := send("H29.1-251006-0005"); err != nil {
				t.Fatalf("ingest once space returned: %v", err)
			}
			if st := f.spool.Stats(); st.WriteError != "" {
				t.Errorf("write error still set after a good write: %+v", st)
			}
			f.run(t)
			f.drain(t)
			var ids []string
			if err := f.db.Query(ctx, &ids, "SELECT id FROM dossiers FINAL ORDER BY id", nil); err != nil {
				t.Fatal(err)
			}
			want := "H29.1-251006-0001,H29.1-251006-0002,H29.1-251006-0005"
			if got := strings.Join(ids, ","); got != want {
				t.Errorf("stored %s, want exactly the acknowledged %s", got, want)
			}
			if r := f.reported(); len(r) != 0 {
				t.Errorf("delivery failures: %q", r)
			}
			// When the cut-back failed, delivery cut the torn tail itself and kept it aside.
			torn, _ := filepath.Glob(filepath.Join(f.dir, "*.torn"))
			if failTruncate != (len(torn) == 1) {
				t.Errorf("%d torn tails kept, want %d", len(torn), map[bool]int{true: 1}[failTruncate])
			}
		})
	}
}
