package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// slowQuery reads an endless table, so only a limit stops it.
const slowQuery = "SELECT count() FROM system.numbers WHERE NOT ignore(sipHash64(number))"

// TestQueryPastItsLimit runs queries that the real engine stops at their time limit: the
// read-only path under a 1-second max_execution_time, and a plain query with a 0.1-second limit of
// its own. Both errors match store.ErrQueryTimeout and context.DeadlineExceeded, so callers show
// "took too long" instead of engine text.
func TestQueryPastItsLimit(t *testing.T) {
	db := storetest.OpenChDBLimited(t, store.ReadOnlyLimits{MaxExecutionSeconds: 1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	_, roErr := db.QueryReadOnly(ctx, slowQuery, nil)
	var n []uint64
	qErr := db.Query(ctx, &n, slowQuery+" SETTINGS max_execution_time = 0.1", nil)
	for name, err := range map[string]error{"read-only, 1 s": roErr, "query, 0.1 s": qErr} {
		var ee *store.EngineError
		switch {
		case err == nil:
			t.Errorf("%s: an endless query returned without error", name)
		case !errors.As(err, &ee) || ee.Code != 159:
			t.Errorf("%s: %v, want engine error 159 (TIMEOUT_EXCEEDED)", name, err)
		case !errors.Is(err, store.ErrQueryTimeout) || !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%s: %v does not match ErrQueryTimeout and context.DeadlineExceeded", name, err)
		}
		t.Logf("%s: %v", name, err)
	}

	// Other engine errors are not time-outs.
	err := db.Query(ctx, &n, "SELECT throwIf(1, 'not a timeout')", nil)
	if err == nil || errors.Is(err, store.ErrQueryTimeout) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("throwIf: %v, want an engine error that is not a time-out", err)
	}
	if err != nil && !strings.Contains(err.Error(), "not a timeout") {
		t.Errorf("throwIf: %v, want the engine's message", err)
	}
}

// TestUnreachableIsTransportOnly: only a failed connection is ErrUnreachable; an engine's answer
// and the caller's own deadline are not.
func TestUnreachableIsTransportOnly(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"eof", fmt.Errorf("handshake: %w", io.EOF), true},
		{"engine", &store.EngineError{Code: 60, Message: "Unknown table"}, false},
		{"own deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{"cancelled", context.Canceled, false},
	} {
		if got := errors.Is(store.Unreachable("[127.0.0.1:9000]", c.err), store.ErrUnreachable); got != c.want {
			t.Errorf("%s: unreachable = %v, want %v", c.name, got, c.want)
		}
	}
}
