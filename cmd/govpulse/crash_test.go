package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAcknowledgedIngestSurvivesKill posts to a real serve process, kills it with SIGKILL right
// after the 200 reply, restarts serve on the same data directory and checks that every
// acknowledged line was stored, once.
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
	child := exec.Command(exe)
	child.Env = append(os.Environ(), "GOVPULSE_TEST_RUN_ARGS=serve --addr 127.0.0.1:0 --data "+dir)
	var childErr syncBuffer
	child.Stderr = &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	addrRe := regexp.MustCompile(`msg=listening addr=(\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	var addr string
	for addr == "" {
		if m := addrRe.FindStringSubmatch(childErr.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", childErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var lines []string
	for i := 1; i <= 50; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":"H29.26743-251006-%04d","procedure_code":"1.001193","unit_code":"H29.26743","ward_code":"26743","channel":"online","online_level":"full","status":"received","received_at":"2025-10-06T08:00:00+07:00","due_at":"2025-10-09T17:00:00+07:00","updated_at":"2025-10-06T08:00:00+07:00"}`, i))
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/ingest/dossiers", strings.NewReader(strings.Join(lines, "\n")))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct{ Accepted, Rejected int }
	err = json.NewDecoder(resp.Body).Decode(&reply)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || reply.Accepted != 50 {
		t.Fatalf("ingest: %s %+v %v", resp.Status, reply, err)
	}
	// Killed at once: the spool's delivery has had no time to run.
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	// Restart: the spool is replayed and delivered, then a graceful stop.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	listening := make(chan string, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--chdb-lib", chdbLib()},
			&Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: envOf(nil), Listening: func(a string) { listening <- a }})
	}()
	select {
	case <-listening:
	case <-time.After(60 * time.Second):
		t.Fatalf("restart did not listen: %s", errb.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("restart exited %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "spool replay") {
		t.Errorf("restart log does not mention the replay: %s", errb.String())
	}
	if n := countIn(t, dir, "SELECT count() FROM dossiers FINAL"); n != 50 {
		t.Errorf("dossiers stored after kill and restart = %d, want 50", n)
	}
	if n := countIn(t, dir, "SELECT sum(received) FROM dossier_intake_daily"); n != 50 {
		t.Errorf("intake after kill and restart = %d, want 50", n)
	}
}
