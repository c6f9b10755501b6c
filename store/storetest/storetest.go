// Package storetest gives tests a real ClickHouse database of their own: the embedded engine
// shared by the whole test binary (one per process, as chDB requires), or the server named by
// GOVPULSE_TEST_CLICKHOUSE_URL. Each call creates a fresh database and drops it when the test
// ends. When the embedded engine is missing the test is skipped, except under CI=true, where it
// fails: CI must never pass by running nothing.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
)

var shared struct {
	once sync.Once
	path string
	err  error
}

// Engine names the engine the tests run on: "server" when GOVPULSE_TEST_CLICKHOUSE_URL is set,
// else "chdb".
func Engine() string {
	if os.Getenv("GOVPULSE_TEST_CLICKHOUSE_URL") != "" {
		return "server"
	}
	return "chdb"
}

// Open returns a DB on a new, empty database named after the test.
func Open(tb testing.TB) store.DB {
	tb.Helper()
	if Engine() == "server" {
		return OpenServer(tb, os.Getenv("GOVPULSE_TEST_CLICKHOUSE_URL"))
	}
	return OpenChDB(tb)
}

// OpenChDB returns a DB on a new database of the process's embedded engine.
func OpenChDB(tb testing.TB) store.DB {
	tb.Helper()
	return OpenChDBLimited(tb, store.ReadOnlyLimits{})
}

// OpenChDBLimited is OpenChDB with the given limits on QueryReadOnly (tests of a query that runs
// past its limit).
func OpenChDBLimited(tb testing.TB, limits store.ReadOnlyLimits) store.DB {
	tb.Helper()
	shared.once.Do(bootShared)
	if shared.err != nil {
		Unavailable(tb, shared.err)
	}
	name := DatabaseName(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: shared.path, LibPath: os.Getenv("GOVPULSE_CHDB_LIB"), Database: name, ReadOnly: limits})
	if err != nil {
		tb.Fatalf("storetest: open chdb database %s: %v", name, err)
	}
	tb.Cleanup(func() { drop(tb, db, name) })
	return db
}

// OpenServer returns a DB on a new database of the server at url.
func OpenServer(tb testing.TB, url string) store.DB {
	tb.Helper()
	name := DatabaseName(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.OpenServer(ctx, store.ServerOptions{URL: url, Database: name})
	if err != nil {
		tb.Fatalf("storetest: open server database %s: %v", name, err)
	}
	tb.Cleanup(func() { drop(tb, db, name) })
	return db
}

// Unavailable skips the test, or fails it under CI=true, because the engine cannot be used.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("storetest: embedded engine unavailable under CI: %v", err)
	}
	tb.Skipf("storetest: embedded engine unavailable (run `make deps`): %v", err)
}

// DatabaseName is a unique, valid database name derived from the test's name.
func DatabaseName(tb testing.TB) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(tb.Name()) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() > 40 {
			break
		}
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	return b.String() + "_" + hex.EncodeToString(rnd[:])
}

func drop(tb testing.TB, db store.DB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" SYNC", nil); err != nil {
		tb.Errorf("storetest: drop database %s: %v", name, err)
	}
	if err := db.Close(); err != nil {
		tb.Errorf("storetest: close %s: %v", name, err)
	}
}

// bootShared boots the process's engine on a fresh temporary directory and keeps one handle open
// for the life of the test binary, so databases come and go without rebooting the engine.
func bootShared() {
	sweepStale()
	dir, err := os.MkdirTemp("", "govpulse-test-")
	if err != nil {
		shared.err = err
		return
	}
	shared.path = dir
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, shared.err = store.OpenChDB(ctx, store.ChDBOptions{Path: dir, LibPath: os.Getenv("GOVPULSE_CHDB_LIB"), Database: "storetest_keepalive"})
}

// sweepStale removes engine directories left by test binaries that have exited (their lock is
// free), so repeated test runs do not fill the disk.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "govpulse-test-*"))
	for _, d := range dirs {
		f, err := os.OpenFile(filepath.Join(d, "govpulse.lock"), os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			if info, err := os.Stat(d); err == nil && time.Since(info.ModTime()) > time.Hour {
				os.RemoveAll(d)
			}
			continue
		}
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(d)
		}
		f.Close()
	}
}
