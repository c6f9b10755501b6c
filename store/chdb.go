package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// ChDBOptions configure the embedded engine.
type ChDBOptions struct {
	Path     string         // data directory; created if missing
	LibPath  string         // explicit libchdb.so; empty means search (see libCandidates)
	Database string         // database to use; created if missing; empty means "govpulse"
	MaxConns int            // connections kept for concurrent queries; 0 means 2×GOMAXPROCS (≥4)
	ReadOnly ReadOnlyLimits // limits of QueryReadOnly
}

// engine is the one embedded ClickHouse of this process: chDB allows one data path per process,
// so every ChDB handle shares it and isolates itself by database.
var engine struct {
	mu   sync.Mutex
	lib  *chdbLib
	path string
	lock *os.File
	refs int
	boot unsafe.Pointer // the connection that booted the engine, closed with the last handle
}

// ChDB is a DB on the embedded engine.
type ChDB struct {
	lib      *chdbLib
	database string
	version  string
	conns    *connPool
	readOnly *connPool
	mu       sync.Mutex
	types    map[string]map[string]string // table -> column -> type, for inserts
	closed   bool
}

var _ DB = (*ChDB)(nil)

// OpenChDB opens database opts.Database on the embedded engine, booting the engine on opts.Path
// if this is the process's first handle. It fails with ErrEngineMissing when no libchdb.so is
// found, with ErrDataDirLocked when another process holds the path, and when a handle on a
// different path is still open.
func OpenChDB(ctx context.Context, opts ChDBOptions) (*ChDB, error) {
	if opts.Database == "" {
		opts.Database = "govpulse"
	}
	if !validIdentifier(opts.Database) {
		return nil, fmt.Errorf("store: invalid database name %q (letters, digits and _ only)", opts.Database)
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	path, err := filepath.Abs(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("store: data path %q: %w", opts.Path, err)
	}
	lib, err := acquireEngine(path, opts.LibPath)
	if err != nil {
		return nil, err
	}
	db := &ChDB{lib: lib, database: opts.Database, types: map[string]map[string]string{}}
	base := []string{"--path=" + path, "--session_timezone=" + TimeZone}
	boot, err := db.openConn(base, "")
	if err != nil {
		releaseEngine()
		return nil, err
	}
	if _, err := lib.query(connHandle(boot), "CREATE DATABASE IF NOT EXISTS "+opts.Database, "TSV", nil); err != nil {
		lib.closeConn(boot)
		releaseEngine()
		return nil, fmt.Errorf("store: create database %s: %w", opts.Database, err)
	}
	lib.closeConn(boot)
	db.conns = newConnPool(opts.MaxConns, func() (unsafe.Pointer, error) { return db.openConn(base, opts.Database) }, lib.closeConn)
	roArgs := append([]string{}, base...)
	roArgs = append(roArgs, "--readonly=1")
	for k, v := range opts.ReadOnly.settings() {
		roArgs = append(roArgs, "--"+k+"="+v)
	}
	db.readOnly = newConnPool(max(2, opts.MaxConns/2), func() (unsafe.Pointer, error) { return db.openConn(roArgs, opts.Database) }, lib.closeConn)
	var v []string
	if err := db.Query(ctx, &v, "SELECT version()", nil); err != nil {
		db.Close()
		return nil, err
	}
	db.version = v[0]
	return db, nil
}

// acquireEngine loads the library and boots the engine on path, or joins it when it runs there.
func acquireEngine(path, libPath string) (*chdbLib, error) {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.refs > 0 {
		if engine.path != path {
			return nil, fmt.Errorf("store: the embedded engine already runs on %s; one data path per process (asked for %s)", engine.path, path)
		}
		engine.refs++
		return engine.lib, nil
	}
	if engine.lib == nil {
		lib, err := loadChDB(libPath)
		if err != nil {
			return nil, err
		}
		engine.lib = lib
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	lock, err := lockDataDir(path)
	if err != nil {
		return nil, err
	}
	// A connection held for the engine's lifetime keeps it booted on path while handles come
	// and go, so a later handle never boots it a second time.
	boot, err := engine.lib.open([]string{"--path=" + path, "--session_timezone=" + TimeZone})
	// chDB refuses a new path until the previous engine has finished closing, which it may still
	// be doing just after our last handle closed (a query that outlived its caller's context
	// ends first): give it a few seconds before reporting the failure.
	for wait := 50 * time.Millisecond; err != nil && wait <= 3*time.Second; wait *= 2 {
		time.Sleep(wait)
		boot, err = engine.lib.open([]string{"--path=" + path, "--session_timezone=" + TimeZone})
	}
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("store: boot embedded engine on %s: %w", path, err)
	}
	engine.path, engine.lock, engine.refs, engine.boot = path, lock, 1, boot
	return engine.lib, nil
}

// lockDataDir takes an exclusive advisory lock on path/govpulse.lock, held until the file is
// closed, so two processes never open one data directory (which would corrupt it).
func lockDataDir(path string) (*os.File, error) {
	lock, err := os.OpenFile(filepath.Join(path, "govpulse.lock"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: open lock file: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder, _ := os.ReadFile(filepath.Join(path, "govpulse.lock"))
			return nil, fmt.Errorf("%w (%s, pid %s)", ErrDataDirLocked, path, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("store: lock data directory %s: %w", path, err)
	}
	_ = lock.Truncate(0)
	_, _ = fmt.Fprintf(lock, "%d\n", os.Getpid())
	return lock, nil
}

func releaseEngine() {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	engine.refs--
	if engine.refs > 0 {
		return
	}
	engine.lib.closeConn(engine.boot)
	engine.lock.Close()
	engine.path, engine.lock, engine.boot = "", nil, nil
}

// openConn opens a connection with args and, when database is set, makes it current.
func (db *ChDB) openConn(args []string, database string) (unsafe.Pointer, error) {
	pconn, err := db.lib.open(args)
	if err != nil {
		return nil, fmt.Errorf("store: connect embedded engine: %w", err)
	}
	if database != "" {
		if _, err := db.lib.query(connHandle(pconn), "USE "+database, "TSV", nil); err != nil {
			db.lib.closeConn(pconn)
			return nil, fmt.Errorf("store: use database %s: %w", database, err)
		}
	}
	return pconn, nil
}

// run executes fn on a pooled connection. chDB calls cannot be interrupted, so when ctx ends
// first run returns ctx.Err() and the call finishes in the background before the connection is
// reused.
func (db *ChDB) run(ctx context.Context, pool *connPool, fn func(conn uintptr) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	pconn, err := pool.get(ctx)
	if err != nil {
		return err
	}
	if ctx.Done() == nil {
		defer pool.put(pconn)
		return fn(connHandle(pconn))
	}
	done := make(chan error, 1)
	go func() {
		defer pool.put(pconn)
		done <- fn(connHandle(pconn))
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Exec implements DB.
func (db *ChDB) Exec(ctx context.Context, query string, params Params) error {
	p, err := formatParams(params)
	if err != nil {
		return err
	}
	return db.run(ctx, db.conns, func(conn uintptr) error {
		_, err := db.lib.query(conn, query, "Native", p)
		return err
	})
}

// Query implements DB.
func (db *ChDB) Query(ctx context.Context, dest any, query string, params Params) error {
	blocks, err := db.queryBlocks(ctx, db.conns, query, params)
	if err != nil {
		return err
	}
	return scanBlocks(blocks, dest)
}

// QueryReadOnly implements DB.
func (db *ChDB) QueryReadOnly(ctx context.Context, query string, params Params) (*Table, error) {
	blocks, err := db.queryBlocks(ctx, db.readOnly, query, params)
	if err != nil {
		return nil, err
	}
	return blocksTable(blocks), nil
}

func (db *ChDB) queryBlocks(ctx context.Context, pool *connPool, query string, params Params) ([]*proto.Block, error) {
	p, err := formatParams(params)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = db.run(ctx, pool, func(conn uintptr) error {
		var err error
		out, err = db.lib.query(conn, query, "Native", p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return decodeNative(out)
}

// decodeNative splits a Native-format stream into blocks. The reader buffers ahead, so the end
// of the stream is found by a clean EOF where the next block would start.
func decodeNative(data []byte) ([]*proto.Block, error) {
	var blocks []*proto.Block
	reader := chproto.NewReader(bytes.NewReader(data))
	for {
		b := proto.NewBlock()
		b.ServerContext.Timezone = Location
		if err := b.Decode(reader, 0); err != nil {
			if errors.Is(err, io.EOF) && len(blocks) > 0 || len(data) == 0 {
				return blocks, nil
			}
			return nil, fmt.Errorf("store: decode result block %d: %w", len(blocks)+1, err)
		}
		blocks = append(blocks, b)
	}
}

func scanBlocks(blocks []*proto.Block, dest any) error {
	var sink *rowSink
	var ptrs []any
	for _, b := range blocks {
		if sink == nil {
			var err error
			if sink, err = newRowSink(dest, b.ColumnsNames()); err != nil {
				return err
			}
		}
		for row := 0; row < b.Rows(); row++ {
			ptrs = sink.next(ptrs)
			for i, c := range b.Columns {
				if err := c.ScanRow(ptrs[i], row); err != nil {
					return fmt.Errorf("store: scan column %s: %w", c.Name(), err)
				}
			}
		}
	}
	if sink == nil {
		// No blocks: still validate dest so a wrong type is never silently accepted.
		return checkSliceDest(dest)
	}
	return nil
}

func blocksTable(blocks []*proto.Block) *Table {
	t := &Table{Rows: [][]any{}}
	for _, b := range blocks {
		if t.Columns == nil {
			for _, c := range b.Columns {
				t.Columns = append(t.Columns, Column{Name: c.Name(), Type: string(c.Type())})
			}
		}
		for row := 0; row < b.Rows(); row++ {
			r := make([]any, len(b.Columns))
			for i, c := range b.Columns {
				r[i] = c.Row(row, false)
			}
			t.Rows = append(t.Rows, r)
		}
	}
	return t
}

// Insert implements DB: rows become one Native block streamed into the table.
func (db *ChDB) Insert(ctx context.Context, table string, rows any, opts ...InsertOption) error {
	settings, err := insertSettingsOf(opts)
	if err != nil {
		return err
	}
	src, err := newRowSource(rows)
	if err != nil {
		return err
	}
	if src.len() == 0 {
		return nil
	}
	types, err := db.columnTypes(ctx, table)
	if err != nil {
		return err
	}
	block := proto.NewBlock()
	block.ServerContext.Timezone = Location
	for _, c := range src.columns {
		t, ok := types[c]
		if !ok {
			return fmt.Errorf("store: insert into %s: table has no column %q", table, c)
		}
		if err := block.AddColumn(c, column.Type(t)); err != nil {
			return fmt.Errorf("store: insert into %s: column %s: %w", table, c, err)
		}
	}
	var vals []any
	for i := 0; i < src.len(); i++ {
		vals = src.values(i, vals)
		if err := block.Append(vals...); err != nil {
			return fmt.Errorf("store: insert into %s (row %d): %w", table, i, err)
		}
	}
	var buf chproto.Buffer
	if err := block.Encode(&buf, 0); err != nil {
		return fmt.Errorf("store: encode block for %s: %w", table, err)
	}
	head := insertHead(table, src.columns)
	if len(settings) > 0 {
		// Values are checked by insertSettingsOf: letters, digits and "._:-" only.
		var parts []string
		for k, v := range settings {
			parts = append(parts, k+" = '"+v+"'")
		}
		sort.Strings(parts)
		head += " SETTINGS " + strings.Join(parts, ", ")
	}
	err = db.run(ctx, db.conns, func(conn uintptr) error { return db.lib.insert(conn, head, buf.Buf) })
	if err != nil {
		return fmt.Errorf("store: insert into %s (rows=%d): %w", table, src.len(), err)
	}
	return nil
}

// columnTypes returns table's column types, cached for the handle's life (migrations run before
// inserts; a changed table needs a new handle).
func (db *ChDB) columnTypes(ctx context.Context, table string) (map[string]string, error) {
	db.mu.Lock()
	t, ok := db.types[table]
	db.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := describeColumns(ctx, db, table)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	db.types[table] = t
	db.mu.Unlock()
	return t, nil
}

// Ping implements DB.
func (db *ChDB) Ping(ctx context.Context) error {
	var one []uint8
	return db.Query(ctx, &one, "SELECT 1", nil)
}

// Info implements DB.
func (db *ChDB) Info() Info {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	return Info{Engine: "chdb", Database: db.database, Version: db.version, Location: engine.path}
}

// Close implements DB. Closing the last handle of the process shuts the engine down and releases
// the data directory.
func (db *ChDB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	db.mu.Unlock()
	db.conns.close()
	db.readOnly.close()
	releaseEngine()
	return nil
}

// connPool keeps up to max engine connections and opens them on demand.
//
// A connection still busy when the pool closes — a call whose caller's context ended first keeps
// running in the background, since chDB calls cannot be interrupted — is closed when it comes
// back, and close waits for it (up to closeWait): a connection left open would keep the engine
// booted on its path, and chDB then refuses every later engine on another path in this process.
type connPool struct {
	idle      chan unsafe.Pointer
	sem       chan struct{}
	open      func() (unsafe.Pointer, error)
	closeConn func(unsafe.Pointer)

	mu     sync.Mutex
	closed bool
	busy   sync.WaitGroup
}

// closeWait bounds how long close waits for calls still running on the pool's connections.
const closeWait = 60 * time.Second

func newConnPool(max int, open func() (unsafe.Pointer, error), closeConn func(unsafe.Pointer)) *connPool {
	return &connPool{idle: make(chan unsafe.Pointer, max), sem: make(chan struct{}, max), open: open, closeConn: closeConn}
}

func (p *connPool) get(ctx context.Context) (unsafe.Pointer, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errors.New("store: the embedded engine handle is closed")
	}
	p.busy.Add(1)
	p.mu.Unlock()
	c, err := p.take(ctx)
	if err != nil {
		p.busy.Done()
	}
	return c, err
}

func (p *connPool) take(ctx context.Context) (unsafe.Pointer, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
	}
	select {
	case c := <-p.idle:
		return c, nil
	case p.sem <- struct{}{}:
		c, err := p.open()
		if err != nil {
			<-p.sem
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put gives back a connection from get; after close it is closed instead.
func (p *connPool) put(c unsafe.Pointer) {
	defer p.busy.Done()
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		p.closeConn(c)
		return
	}
	p.idle <- c
}

// close stops the pool: idle connections are closed now, busy ones when their call returns,
// which close waits for (bounded by closeWait).
func (p *connPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.drain()
	done := make(chan struct{})
	go func() { p.busy.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
	p.drain() // a put racing with the closed flag may have queued one
}

func (p *connPool) drain() {
	for {
		select {
		case c := <-p.idle:
			p.closeConn(c)
		default:
			return
		}
	}
}
