package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// ErrUnreachable reports that the engine could not be reached: in server mode a refused, reset
// or timed-out connection. Nothing was done; the call can be retried once the server is back.
var ErrUnreachable = errors.New("store: ClickHouse server unreachable")

// ErrQueryTimeout reports a query the engine stopped at its time limit (max_execution_time:
// TIMEOUT_EXCEEDED, code 159; TOO_SLOW, code 160). An *EngineError with one of those codes
// matches it, and matches context.DeadlineExceeded as well, so callers that already treat a
// deadline as "took too long" treat the engine's limit the same way.
var ErrQueryTimeout = errors.New("store: query took longer than its time limit")

// Engine error codes with a meaning of their own in govpulse.
const (
	codeTimeoutExceeded = 159
	codeTooSlow         = 160
)

// Is lets errors.Is match ErrQueryTimeout and context.DeadlineExceeded on time-limit errors.
func (e *EngineError) Is(target error) bool {
	if e.Code != codeTimeoutExceeded && e.Code != codeTooSlow {
		return false
	}
	return target == ErrQueryTimeout || target == context.DeadlineExceeded
}

// unreachable wraps err in ErrUnreachable, naming the server, when it is a transport failure
// rather than an answer from the engine; other errors pass through.
func unreachable(location string, err error) error {
	if err == nil || !isTransportError(err) {
		return err
	}
	return fmt.Errorf("%w (%s): %w", ErrUnreachable, location, err)
}

func isTransportError(err error) bool {
	var ex *clickhouse.Exception
	var ee *EngineError
	// The caller's own deadline or cancellation is not the server's fault (context errors
	// also satisfy net.Error).
	if errors.As(err, &ex) || errors.As(err, &ee) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, clickhouse.ErrAcquireConnTimeout)
}
