package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// ChDBVersion is the pinned version of the npm package @chdb/lib-linux-x64-gnu that
// scripts/deps.sh installs; the setup cache is keyed by it.
const ChDBVersion = "26.7.3-stable.1"

// ChDBCachePath is where scripts/deps.sh unpacks libchdb.so:
// ${XDG_CACHE_HOME:-$HOME/.cache}/govpulse/chdb/<ChDBVersion>/libchdb.so.
func ChDBCachePath(getenv func(string) string) string {
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		base = filepath.Join(getenv("HOME"), ".cache")
	}
	return filepath.Join(base, "govpulse", "chdb", ChDBVersion, "libchdb.so")
}

// libCandidates lists where libchdb.so is looked for, in order: the explicit path (flag or
// GOVPULSE_CHDB_LIB), the setup cache, next to the running binary, then the system's library
// search path (the bare name handed to dlopen).
func libCandidates(explicit string) []string {
	var c []string
	if explicit != "" {
		return append(c, explicit)
	}
	c = append(c, ChDBCachePath(os.Getenv))
	if exe, err := os.Executable(); err == nil {
		c = append(c, filepath.Join(filepath.Dir(exe), "libchdb.so"))
	}
	return append(c, "libchdb.so")
}

// chdbLib holds the C functions of libchdb used by the engine.
type chdbLib struct {
	path string

	connect       func(argc int32, argv **byte) unsafe.Pointer
	closeConn     func(pconn unsafe.Pointer)
	queryN        func(conn uintptr, q *byte, ql uintptr, f *byte, fl uintptr) uintptr
	queryParamsN  func(conn uintptr, q *byte, ql uintptr, f *byte, fl uintptr, names **byte, nameLens *uintptr, values **byte, valueLens *uintptr, n uintptr) uintptr
	resultBuffer  func(r uintptr) *byte
	resultLength  func(r uintptr) uintptr
	resultError   func(r uintptr) *byte
	destroyResult func(r uintptr)
	streamInsert  func(conn uintptr, q *byte, f *byte) uintptr
	streamAppend  func(s uintptr, data unsafe.Pointer, n uintptr) int32
	streamDone    func(s uintptr) uintptr
	streamError   func(s uintptr) *byte
	destroyStream func(s uintptr)
	rowsWritten   func(r uintptr) uint64
}

// loadChDB opens the first libchdb.so found among the candidates.
func loadChDB(explicit string) (*chdbLib, error) {
	var tried []string
	for _, p := range libCandidates(explicit) {
		if filepath.IsAbs(p) {
			if _, err := os.Stat(p); err != nil {
				tried = append(tried, p)
				continue
			}
		}
		h, err := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
			continue
		}
		lib := &chdbLib{path: p}
		if err := lib.bind(h); err != nil {
			return nil, fmt.Errorf("store: %s is not a usable libchdb (want %s): %w", p, ChDBVersion, err)
		}
		return lib, nil
	}
	if explicit != "" {
		return nil, fmt.Errorf("%w (looked at %s)", ErrEngineMissing, explicit)
	}
	return nil, fmt.Errorf("%w (looked in: %v)", ErrEngineMissing, tried)
}

func (l *chdbLib) bind(h uintptr) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	for _, s := range []string{"chdb_connect", "chdb_query_with_params_n", "chdb_stream_insert", "chdb_set_signal_handlers_enabled"} {
		if _, e := purego.Dlsym(h, s); e != nil {
			return errors.New("missing symbol " + s)
		}
	}
	purego.RegisterLibFunc(&l.connect, h, "chdb_connect")
	purego.RegisterLibFunc(&l.closeConn, h, "chdb_close_conn")
	purego.RegisterLibFunc(&l.queryN, h, "chdb_query_n")
	purego.RegisterLibFunc(&l.queryParamsN, h, "chdb_query_with_params_n")
	purego.RegisterLibFunc(&l.resultBuffer, h, "chdb_result_buffer")
	purego.RegisterLibFunc(&l.resultLength, h, "chdb_result_length")
	purego.RegisterLibFunc(&l.resultError, h, "chdb_result_error")
	purego.RegisterLibFunc(&l.destroyResult, h, "chdb_destroy_query_result")
	purego.RegisterLibFunc(&l.streamInsert, h, "chdb_stream_insert")
	purego.RegisterLibFunc(&l.streamAppend, h, "chdb_stream_append")
	purego.RegisterLibFunc(&l.streamDone, h, "chdb_stream_done")
	purego.RegisterLibFunc(&l.streamError, h, "chdb_stream_insert_error")
	purego.RegisterLibFunc(&l.destroyStream, h, "chdb_destroy_insert_stream")
	purego.RegisterLibFunc(&l.rowsWritten, h, "chdb_result_rows_written")
	// chDB installs process-wide handlers for SIGSEGV and friends by default; they take the
	// signals the Go runtime turns into panics (a nil dereference then hangs the process).
	// Go keeps its own handlers.
	var setSignalHandlers func(enabled int32)
	purego.RegisterLibFunc(&setSignalHandlers, h, "chdb_set_signal_handlers_enabled")
	setSignalHandlers(0)
	return nil
}

// cstring returns a NUL-terminated copy of s; the caller keeps the slice alive during the call.
func cstring(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// gostring copies a NUL-terminated C string.
func gostring(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// open opens one engine connection with the given arguments (after argv[0]).
func (l *chdbLib) open(args []string) (unsafe.Pointer, error) {
	argv := append([]string{"govpulse"}, args...)
	bufs := make([][]byte, len(argv))
	ptrs := make([]*byte, len(argv)+1)
	for i, a := range argv {
		bufs[i] = cstring(a)
		ptrs[i] = &bufs[i][0]
	}
	pconn := l.connect(int32(len(argv)), &ptrs[0])
	if pconn == nil {
		return nil, errors.New("chdb_connect returned no connection")
	}
	return pconn, nil
}

// connHandle returns the connection handle inside the pointer chdb_connect returned.
func connHandle(pconn unsafe.Pointer) uintptr { return *(*uintptr)(pconn) }

// result copies a query result's buffer and frees it, turning an engine error into EngineError.
func (l *chdbLib) result(r uintptr) ([]byte, error) {
	if r == 0 {
		return nil, errors.New("store: chdb returned no result")
	}
	defer l.destroyResult(r)
	if e := l.resultError(r); e != nil {
		if msg := gostring(e); msg != "" {
			return nil, parseEngineError(msg)
		}
	}
	n := l.resultLength(r)
	if n == 0 {
		return nil, nil
	}
	out := make([]byte, n)
	copy(out, unsafe.Slice(l.resultBuffer(r), n))
	return out, nil
}

// query runs one statement on conn and returns its output in format.
func (l *chdbLib) query(conn uintptr, query, format string, params map[string]string) ([]byte, error) {
	q := cstring(query)
	f := cstring(format)
	if len(params) == 0 {
		return l.result(l.queryN(conn, &q[0], uintptr(len(query)), &f[0], uintptr(len(format))))
	}
	var (
		keep      [][]byte
		names     = make([]*byte, 0, len(params))
		values    = make([]*byte, 0, len(params))
		nameLens  = make([]uintptr, 0, len(params))
		valueLens = make([]uintptr, 0, len(params))
	)
	for k, v := range params {
		kb, vb := cstring(k), cstring(v)
		keep = append(keep, kb, vb)
		names, nameLens = append(names, &kb[0]), append(nameLens, uintptr(len(k)))
		values, valueLens = append(values, &vb[0]), append(valueLens, uintptr(len(v)))
	}
	r := l.queryParamsN(conn, &q[0], uintptr(len(query)), &f[0], uintptr(len(format)),
		&names[0], &nameLens[0], &values[0], &valueLens[0], uintptr(len(params)))
	runtime.KeepAlive(keep)
	return l.result(r)
}

// insert streams one Native-encoded block into the INSERT statement head (no FORMAT clause).
func (l *chdbLib) insert(conn uintptr, head string, native []byte) error {
	q, f := cstring(head), cstring("Native")
	s := l.streamInsert(conn, &q[0], &f[0])
	if s == 0 {
		return errors.New("store: chdb returned no insert stream")
	}
	defer l.destroyStream(s)
	if e := gostring(l.streamError(s)); e != "" {
		return parseEngineError(e)
	}
	if len(native) > 0 {
		if l.streamAppend(s, unsafe.Pointer(&native[0]), uintptr(len(native))) != 0 {
			if e := gostring(l.streamError(s)); e != "" {
				return parseEngineError(e)
			}
			return errors.New("store: chdb insert stream refused data")
		}
	}
	_, err := l.result(l.streamDone(s))
	return err
}
