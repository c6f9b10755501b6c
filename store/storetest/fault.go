package storetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"

	"github.com/govpulse/govpulse/store"
)

// InsertFault is how FaultDB fails one insert.
type InsertFault int

const (
	// RefuseInsert: the engine refuses the insert (a real engine error, raised by the engine
	// with throwIf) and nothing is stored.
	RefuseInsert InsertFault = iota + 1
	// LoseAck: the insert is stored, then the call fails as if the answer was lost on the way
	// back (a timeout after the commit). A retry must not store the rows twice.
	LoseAck
)

// FaultDB wraps a real store.DB and injects the failures of the fault-tolerance tests: chosen
// inserts fail with a real engine error, the engine can "go away" (every call fails as a
// refused connection of the server engine would, with store.ErrUnreachable) and come back, and
// reads can run past a time limit (the real engine stops a real query at a 50 ms
// max_execution_time). Everything else passes through. Safe for concurrent use.
type FaultDB struct {
	store.DB

	mu      sync.Mutex
	inserts int                 // Insert calls seen
	faults  map[int]InsertFault // Insert call number (1-based) -> fault
	failed  []string            // tables whose insert was failed, in order
	every   InsertFault         // fault of every insert while set
	gone    bool
	slow    bool
}

var _ store.DB = (*FaultDB)(nil)

// NewFaultDB wraps db; no fault is armed.
func NewFaultDB(db store.DB) *FaultDB {
	return &FaultDB{DB: db, faults: map[int]InsertFault{}}
}

// FailInsert arms a fault for the n-th Insert call from now (n ≥ 1).
func (f *FaultDB) FailInsert(n int, fault InsertFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[f.inserts+n] = fault
}

// FailEvery fails every Insert with fault until called with 0.
func (f *FaultDB) FailEvery(fault InsertFault) {
	f.mu.Lock()
	f.every = fault
	f.mu.Unlock()
}

// SetGone makes the engine unreachable (true) or brings it back (false).
func (f *FaultDB) SetGone(gone bool) {
	f.mu.Lock()
	f.gone = gone
	f.mu.Unlock()
}

// SetSlow makes every Query and QueryReadOnly run past a tiny time limit on the real engine.
func (f *FaultDB) SetSlow(slow bool) {
	f.mu.Lock()
	f.slow = slow
	f.mu.Unlock()
}

// Inserts is the number of Insert calls seen.
func (f *FaultDB) Inserts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inserts
}

// Failed lists the tables whose insert an armed fault hit, in order.
func (f *FaultDB) Failed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failed...)
}

// goneAddr is the address the unreachable server is said to have.
const goneAddr = "127.0.0.1:9000"

// errGone is the error a server engine returns when its server refuses connections.
func errGone() error {
	op := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	return fmt.Errorf("%w ([%s]): %w", store.ErrUnreachable, goneAddr, op)
}

func (f *FaultDB) state() (gone, slow bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gone, f.slow
}

// slowQuery never ends by itself; the real engine stops it at 50 ms with TIMEOUT_EXCEEDED.
const slowQuery = "SELECT count() FROM system.numbers WHERE NOT ignore(sipHash64(number)) SETTINGS max_execution_time = 0.05"

func (f *FaultDB) runSlow(ctx context.Context) error {
	var n []uint64
	err := f.DB.Query(ctx, &n, slowQuery, nil)
	if err == nil {
		return fmt.Errorf("storetest: the slow query finished within its limit")
	}
	return err
}

// Insert implements store.DB, failing the call an armed fault points at.
func (f *FaultDB) Insert(ctx context.Context, table string, rows any, opts ...store.InsertOption) error {
	f.mu.Lock()
	f.inserts++
	fault := f.faults[f.inserts]
	delete(f.faults, f.inserts)
	if f.every != 0 {
		fault = f.every
	}
	if fault != 0 {
		f.failed = append(f.failed, table)
	}
	gone, n := f.gone, f.inserts
	f.mu.Unlock()
	if gone {
		return errGone()
	}
	switch fault {
	case RefuseInsert:
		msg := fmt.Sprintf("storetest: injected engine fault in insert %d into %s", n, table)
		err := f.DB.Exec(ctx, "SELECT throwIf(1, {msg:String})", store.Params{"msg": msg})
		if err == nil {
			return fmt.Errorf("storetest: throwIf did not throw")
		}
		return fmt.Errorf("store: insert into %s: %w", table, err)
	case LoseAck:
		if err := f.DB.Insert(ctx, table, rows, opts...); err != nil {
			return err
		}
		return fmt.Errorf("store: insert into %s: %w", table, errGone())
	}
	return f.DB.Insert(ctx, table, rows, opts...)
}

// Exec implements store.DB.
func (f *FaultDB) Exec(ctx context.Context, query string, params store.Params) error {
	if gone, _ := f.state(); gone {
		return errGone()
	}
	return f.DB.Exec(ctx, query, params)
}

// Query implements store.DB.
func (f *FaultDB) Query(ctx context.Context, dest any, query string, params store.Params) error {
	gone, slow := f.state()
	switch {
	case gone:
		return errGone()
	case slow:
		return f.runSlow(ctx)
	}
	return f.DB.Query(ctx, dest, query, params)
}

// QueryReadOnly implements store.DB.
func (f *FaultDB) QueryReadOnly(ctx context.Context, query string, params store.Params) (*store.Table, error) {
	gone, slow := f.state()
	switch {
	case gone:
		return nil, errGone()
	case slow:
		return nil, f.runSlow(ctx)
	}
	return f.DB.QueryReadOnly(ctx, query, params)
}

// Ping implements store.DB.
func (f *FaultDB) Ping(ctx context.Context) error {
	if gone, _ := f.state(); gone {
		return errGone()
	}
	return f.DB.Ping(ctx)
}
