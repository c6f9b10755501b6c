package store_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// TestEngineRebootAfterAbandonedQuery: a query whose caller gave up keeps running on its
// connection (chDB calls cannot be interrupted). Closing the handle must still shut the engine
// down once that query ends, so the process can boot the engine on another path. Before the fix
// the abandoned connection went back to the pool after Close and stayed open for ever, and every
// later engine in the process failed with "chdb_connect returned no connection" (seen in CI as
// all cmd/govpulse engine tests failing after one briefing test).
//
// The check runs in a child process: the test binary's other tests keep a shared engine booted
// (storetest), and one process can run the engine on only one path at a time.
func TestEngineRebootAfterAbandonedQuery(t *testing.T) {
	if os.Getenv("GOVPULSE_REBOOT_CHILD") == "1" {
		rebootChild(t)
		return
	}
	if _, err := os.Stat(os.Getenv("GOVPULSE_CHDB_LIB")); os.Getenv("GOVPULSE_CHDB_LIB") == "" || err != nil {
		storetest.Unavailable(t, errors.New("GOVPULSE_CHDB_LIB is not set to an existing libchdb.so"))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEngineRebootAfterAbandonedQuery$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOVPULSE_REBOOT_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func rebootChild(t *testing.T) {
	lib := os.Getenv("GOVPULSE_CHDB_LIB")
	open := func(path string) *store.ChDB {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: path, LibPath: lib, Database: "reboot"})
		if err != nil {
			t.Fatalf("open engine on %s: %v", path, err)
		}
		return db
	}
	first := open(t.TempDir())
	// About 2 s of engine time in 0.5 s blocks; the caller gives up after 100 ms.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	var n []uint8
	err := first.Query(ctx, &n, "SELECT sleepEachRow(0.5) FROM numbers(4) SETTINGS max_block_size = 1", nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("abandoned query: got %v, want context.DeadlineExceeded", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	// Calls after Close fail clearly instead of reviving a connection.
	if err := first.Ping(context.Background()); err == nil {
		t.Fatal("ping on a closed handle succeeded")
	}
	second := open(t.TempDir())
	defer second.Close()
	if err := second.Ping(context.Background()); err != nil {
		t.Fatalf("ping on the rebooted engine: %v", err)
	}
}
