package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAcknowledgedIngestSurvivesKill streams dossiers from two senders into a real serve process,
// kills it with SIGKILL at random moments three times (restarting it each time on the same data
// directory), has the senders retry every batch that was not acknowledged, and then checks that
// every batch is stored exactly once: acknowledged ones were not lost, retried ones not doubled.
func TestAcknowledgedIngestSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "token", "add", "--stream", "dossiers", "--name", "crash test", "--data", dir, "--chdb-lib", chdbLib())
	needEngine(t, errs)
	if code != 0 {
		t.Fatal(errs)
	}
	token := regexp.MustCompile(`gpi_[0-9a-f]{64}`).FindString(out)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const senders, batchLines = 2, 25
	next := make([]int, senders)      // next batch number per sender
	pending := make([][]int, senders) // batches sent without an acknowledgement, to retry
	acked := 0
	for round := 0; round < 3; round++ {
		child := exec.Command(exe)
		child.Env = append(os.Environ(), "GOVPULSE_TEST_RUN_ARGS=serve --addr 127.0.0.1:0 --data "+dir)
		var childErr syncBuffer
		child.Stderr = &childErr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		addr := waitListening(t, &childErr)
		killAt := time.Duration(150+rng.IntN(400)) * time.Millisecond
		time.AfterFunc(killAt, func() { _ = child.Process.Kill() })
		var wg sync.WaitGroup
		var mu sync.Mutex
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func(s int) {
				defer wg.Done()
				for {
					mu.Lock()
					var batch int
					if len(pending[s]) > 0 {
						batch, pending[s] = pending[s][0], pending[s][1:]
					} else {
						batch = next[s]
						next[s]++
					}
					mu.Unlock()
					ok := postBatch(addr, token, s, batch, batchLines)
					mu.Lock()
					if ok {
						acked++
					} else {
						pending[s] = append(pending[s], batch) // the sender will retry it
					}
					mu.Unlock()
					if !ok {
						return
					}
				}
			}(s)
		}
		wg.Wait()
		_ = child.Wait()
	}
	// Last restart in-process: retry what is pending, let the spool replay, stop gracefully.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	listening := make(chan string, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--chdb-lib", chdbLib()},
			&Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: envOf(nil), Listening: func(a string) { listening <- a }})
	}()
	var addr string
	select {
	case addr = <-listening:
	case <-time.After(60 * time.Second):
		t.Fatalf("restart did not listen: %s", errb.String())
	}
	sent := 0
	for s := 0; s < senders; s++ {
		for _, b := range pending[s] {
			if !postBatch(addr, token, s, b, batchLines) {
				t.Fatalf("retry of sender %d batch %d failed", s, b)
			}
		}
		sent += next[s]
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("restart exited %d: %s", code, errb.String())
	}
	if acked == 0 || sent == 0 {
		t.Fatalf("nothing was acknowledged before the kills (sent %d batches)", sent)
	}
	want := uint64(sent * batchLines)
	if n := countIn(t, dir, "SELECT count() FROM dossiers FINAL"); n != want {
		t.Errorf("dossiers stored = %d, want %d (%d batches of %d, %d acknowledged before a kill)", n, want, sent, batchLines, acked)
	}
	if n := countIn(t, dir, "SELECT sum(received) FROM dossier_intake_daily"); n != want {
		t.Errorf("intake counted = %d, want %d: a retried or replayed batch was counted twice or lost", n, want)
	}
	t.Logf("%d batches sent, %d acknowledged before kills, %d lines stored once", sent, acked, want)
}

func waitListening(t *testing.T, log *syncBuffer) string {
	t.Helper()
	addrRe := regexp.MustCompile(`msg=listening addr=(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := addrRe.FindStringSubmatch(log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// postBatch sends one batch of dossiers and reports whether it was acknowledged (200 with every
// line accepted).
func postBatch(addr, token string, sender, batch, lines int) bool {
	var b strings.Builder
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&b, `{"id":"H29.26743-251006-%d-%05d-%02d","procedure_code":"1.001193","unit_code":"H29.26743","ward_code":"26743","channel":"online","online_level":"full","status":"received","received_at":"2025-10-06T08:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","updated_at":"2025-10-06T08:00:00+07:00"}`+"\n", sender, batch, i)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/ingest/dossiers", strings.NewReader(b.String()))
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var reply struct{ Accepted int }
	return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&reply) == nil && reply.Accepted == lines
}
