package pipeline

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRetryJitter checks the retry delay's spread: between half and all of the backoff, and not
// the same every time (several nodes retrying a server that came back must not retry in step).
func TestRetryJitter(t *testing.T) {
	for _, d := range []time.Duration{time.Millisecond, 100 * time.Millisecond, 30 * time.Second} {
		seen := map[time.Duration]bool{}
		for range 200 {
			j := jitter(d)
			if j < d/2 || j > d {
				t.Fatalf("jitter(%v) = %v, want within [%v, %v]", d, j, d/2, d)
			}
			seen[j] = true
		}
		if len(seen) < 10 {
			t.Errorf("jitter(%v) took only %d distinct values in 200 draws", d, len(seen))
		}
	}
	o := SpoolOptions{RetryMin: time.Second, RetryMax: time.Millisecond}.withDefaults()
	if o.RetryMax != time.Second {
		t.Errorf("RetryMax below RetryMin: got %v, want it raised to RetryMin", o.RetryMax)
	}
}

// TestSpoolBacklogAgeSurvivesRestart: a segment left by a past run counts as waiting since its
// last write, not since the reopen, so a long outage across a restart still shows as behind.
func TestSpoolBacklogAgeSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(recs("dossiers", 0, 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Seal(); err != nil {
		t.Fatal(err)
	}
	written := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(filepath.Join(dir, "00000000000000000001.seg"), written, written); err != nil {
		t.Fatal(err)
	}
	again, err := OpenSpool(dir, SpoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := again.Stats(); st.Segments != 1 || !st.OldestSealedAt.Equal(written) {
		t.Errorf("reopened stats = %+v, want 1 segment waiting since %v", st, written)
	}
}
