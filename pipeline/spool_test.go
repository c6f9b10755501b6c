package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func recs(stream string, from, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = Record{Stream: stream, Payload: []byte(fmt.Sprintf(`{"id":"%d"}`, from+i))}
	}
	return out
}

// collect is a Deliver that keeps what it is given.
type collect struct {
	mu   sync.Mutex
	segs []Segment
	fail error
}

func (c *collect) deliver(_ context.Context, seg Segment) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.segs = append(c.segs, seg)
	return nil
}

func (c *collect) ids() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]int{}
	for _, s := range c.segs {
		for _, r := range s.Records {
			m[string(r.Payload)]++
		}
	}
	return m
}

func TestSpoolAppendSealDeliver(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, SpoolOptions{SegmentBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if err := s.Append(recs("posts", i*5, 5)); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Segments < 2 {
		t.Fatalf("stats %+v: small segments should have been sealed", st)
	}
	var c collect
	if err := s.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	ids := c.ids()
	if len(ids) != 50 {
		t.Fatalf("delivered %d distinct records, want 50", len(ids))
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	// Delivery order follows append order.
	first := c.segs[0].Records[0]
	if string(first.Payload) != `{"id":"0"}` || first.Stream != "posts" {
		t.Errorf("first record %+v", first)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(left) != 0 || s.Stats().Bytes != 0 {
		t.Errorf("segments left after delivery: %v, stats %+v", left, s.Stats())
	}
}

func TestSpoolKeepsUndeliveredAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(recs("dossiers", 0, 3)); err != nil {
		t.Fatal(err)
	}
	failing := &collect{fail: errors.New("engine down")}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx, failing.deliver); err == nil {
		t.Fatal("Close reported success although delivery failed")
	}
	if err := s.Append(recs("dossiers", 3, 1)); !errors.Is(err, ErrSpoolClosed) {
		t.Errorf("append after close: %v", err)
	}
	s2, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := s2.Stats(); st.Segments != 1 {
		t.Fatalf("after restart stats %+v, want 1 segment to redeliver", st)
	}
	var c collect
	if err := s2.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	if len(c.ids()) != 3 {
		t.Errorf("redelivered %v, want 3 records", c.ids())
	}
	if c.segs[0].Name == "" {
		t.Error("segment name (the dedup token) is empty")
	}
}

func TestSpoolRunRetriesUntilDelivered(t *testing.T) {
	s, err := OpenSpool(t.TempDir(), SpoolOptions{SegmentAge: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	fails := 2
	var got []Segment
	deliver := func(_ context.Context, seg Segment) error {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return errors.New("engine busy")
		}
		got = append(got, seg)
		return nil
	}
	var errs []string
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx, deliver, func(seg string, err error) { errs = append(errs, seg+": "+err.Error()) })
		close(done)
	}()
	if err := s.Append(recs("posts", 0, 4)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("segment not delivered after retries")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if len(errs) != 2 {
		t.Errorf("errors reported %v, want 2", errs)
	}
	if len(got[0].Records) != 4 {
		t.Errorf("delivered %d records, want 4", len(got[0].Records))
	}
}

func TestSpoolFullRefusesWithoutLoss(t *testing.T) {
	s, err := OpenSpool(t.TempDir(), SpoolOptions{MaxBytes: 300})
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	var full error
	for i := 0; i < 100 && full == nil; i++ {
		if full = s.Append(recs("posts", i, 1)); full == nil {
			accepted++
		}
	}
	if !errors.Is(full, ErrSpoolFull) || accepted == 0 {
		t.Fatalf("accepted %d then %v, want ErrSpoolFull after some", accepted, full)
	}
	var c collect
	if err := s.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	if len(c.ids()) != accepted {
		t.Errorf("delivered %d, accepted %d", len(c.ids()), accepted)
	}
}

func TestSpoolCutsTornTail(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(recs("posts", 0, 2)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, s.curName)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{40, 0, 0, 0, 1, 2, 3, 4, 5, 'p', 'o'}) // a frame cut mid-write
	f.Close()
	s2, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s2.Recovered) != 1 {
		t.Fatalf("recovered notes %v, want one", s2.Recovered)
	}
	if _, err := os.Stat(path + ".torn"); err != nil {
		t.Errorf("torn bytes not kept: %v", err)
	}
	var c collect
	if err := s2.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	if len(c.ids()) != 2 {
		t.Errorf("delivered %v, want the 2 acknowledged records", c.ids())
	}
}

func TestSpoolConcurrentAppends(t *testing.T) {
	s, err := OpenSpool(t.TempDir(), SpoolOptions{SegmentBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if err := s.Append(recs("petitions", g*1000+i*2, 2)); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	var c collect
	if err := s.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	if len(c.ids()) != 800 {
		t.Errorf("delivered %d distinct, want 800", len(c.ids()))
	}
}

// TestSpoolSurvivesKill appends from a child process that prints each acknowledged id and is
// then killed with SIGKILL mid-stream; every acknowledged id must be in the spool afterwards.
func TestSpoolSurvivesKill(t *testing.T) {
	if dir := os.Getenv("GOVPULSE_SPOOL_CHILD"); dir != "" {
		s, err := OpenSpool(dir, SpoolOptions{SegmentBytes: 1 << 12})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		for i := 0; ; i++ {
			if err := s.Append(recs("posts", i, 1)); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			fmt.Println(i) // acknowledged
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpoolSurvivesKill$")
	cmd.Env = append(os.Environ(), "GOVPULSE_SPOOL_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	acked := -1
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("child: %s", sc.Text())
		}
		acked = n
		if acked == 300 {
			cmd.Process.Kill()
			break
		}
	}
	cmd.Wait()
	if acked < 300 {
		t.Fatalf("child acknowledged only %d records", acked)
	}
	s, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if err := s.Close(context.Background(), c.deliver); err != nil {
		t.Fatal(err)
	}
	ids := c.ids()
	for i := 0; i <= acked; i++ {
		if ids[fmt.Sprintf(`{"id":"%d"}`, i)] != 1 {
			t.Fatalf("acknowledged record %d lost or duplicated after kill (have %d records)", i, len(ids))
		}
	}
}
