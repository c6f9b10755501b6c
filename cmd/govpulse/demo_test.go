package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestServeDemoSeedsOnce starts serve --demo at a small scale, checks the seeded history went
// through the pipeline (rollups filled, nothing rejected), and that a restart does not seed again.
func TestServeDemoSeedsOnce(t *testing.T) {
	dir := t.TempDir()
	for round := 0; round < 2; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		var errb syncBuffer
		listening := make(chan string, 1)
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, []string{"serve", "--demo", "--demo-scale", "0.01", "--addr", "127.0.0.1:0", "--data", dir, "--chdb-lib", chdbLib()},
				&Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: envOf(nil), Listening: func(a string) { listening <- a }})
		}()
		select {
		case <-listening:
		case code := <-done:
			needEngine(t, errb.String())
			t.Fatalf("serve --demo exited %d: %s", code, errb.String())
		case <-time.After(120 * time.Second):
			t.Fatalf("serve --demo did not start: %s", errb.String())
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		log := errb.String()
		if strings.Contains(log, "rejected") {
			t.Errorf("simulated lines were rejected: %s", log)
		}
		if round == 0 && !strings.Contains(log, "demo: seeded") {
			t.Errorf("first start did not seed: %s", log)
		}
		if round == 1 && !strings.Contains(log, "not seeding again") {
			t.Errorf("restart seeded again: %s", log)
		}
	}
	if n := countIn(t, dir, "SELECT sum(received) FROM dossier_intake_daily"); n < 5000 {
		t.Errorf("intake rollup holds %d dossiers, want a year at scale 0.01 (~12k)", n)
	}
	if n := countIn(t, dir, "SELECT count() FROM posts FINAL WHERE sentiment_source = 'lexicon' AND author_hash != ''"); n == 0 {
		t.Error("no scored posts stored")
	}
	if n := countIn(t, dir, "SELECT count() FROM petitions FINAL WHERE citizen_hash != '' AND citizen_phone_masked LIKE '%*%'"); n == 0 {
		t.Error("no petition with a masked phone and a citizen hash")
	}
}

// TestSimulateIntoStore runs `govpulse simulate` without --out twice: the simulation is stored
// through the pipeline, and storing it again changes nothing.
func TestSimulateIntoStore(t *testing.T) {
	dir := t.TempDir()
	args := []string{"simulate", "--days", "20", "--scale", "0.05", "--start", "2025-10-01", "--data", dir, "--chdb-lib", chdbLib()}
	var first uint64
	for i := 0; i < 2; i++ {
		code, out, errs := run(t, args...)
		needEngine(t, errs)
		if code != 0 || !strings.Contains(out, "stored ") {
			t.Fatalf("run %d: exit %d\n%s\n%s", i, code, out, errs)
		}
		n := countIn(t, dir, "SELECT sum(received) FROM dossier_intake_daily")
		if i == 0 {
			first = n
			if n == 0 {
				t.Fatal("nothing stored")
			}
		} else if n != first {
			t.Errorf("second run changed the intake from %d to %d", first, n)
		}
	}
}
