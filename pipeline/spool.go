package pipeline

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrSpoolFull reports that the spool holds its maximum bytes; the caller should ask the sender
// to retry later (HTTP 503 with Retry-After) rather than drop data.
var ErrSpoolFull = errors.New("pipeline: spool is full")

// ErrSpoolClosed reports an Append after Close.
var ErrSpoolClosed = errors.New("pipeline: spool is closed")

// ErrSpoolWrite reports that the spool could not make records durable (disk full, quota, I/O
// error); the error also wraps the system's cause (errors.Is(err, syscall.ENOSPC) for a full
// disk). Nothing of that Append is acknowledged or delivered; earlier records are untouched, and
// the next Append tries again on a fresh segment.
var ErrSpoolWrite = errors.New("pipeline: spool cannot write to disk")

// SegmentFile is what the spool needs of an open segment file; *os.File implements it. The
// seam exists so tests can make the disk fill up (SpoolOptions.Create).
type SegmentFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Close() error
}

// SpoolOptions bound the spool. Zero values take the documented defaults.
type SpoolOptions struct {
	MaxBytes     int64         // bytes on disk before Append refuses (default 1 GiB)
	SegmentBytes int64         // a segment is sealed for delivery past this size (default 16 MiB)
	SegmentAge   time.Duration // a non-empty segment is sealed after this age (default 1 s)
	// RetryMin and RetryMax bound the delay between failed deliveries: it doubles from RetryMin
	// to RetryMax (defaults 100 ms and 30 s), and each wait is jittered to between half and all
	// of it so that several nodes do not retry in step.
	RetryMin, RetryMax time.Duration
	// Create opens a new segment file for appending (nil: os.OpenFile with O_CREATE|O_EXCL|
	// O_APPEND). Tests use it to simulate a full disk.
	Create func(path string) (SegmentFile, error)
}

func (o SpoolOptions) withDefaults() SpoolOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 30
	}
	if o.SegmentBytes <= 0 {
		o.SegmentBytes = 16 << 20
	}
	if o.SegmentAge <= 0 {
		o.SegmentAge = time.Second
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 100 * time.Millisecond
	}
	if o.RetryMax <= 0 {
		o.RetryMax = 30 * time.Second
	}
	o.RetryMax = max(o.RetryMax, o.RetryMin)
	if o.Create == nil {
		o.Create = func(path string) (SegmentFile, error) {
			return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
		}
	}
	return o
}

// Record is one accepted line, already validated and normalised, waiting to be stored.
type Record struct {
	Stream  string // "dossiers", "petitions" or "posts"
	Payload []byte // the normalised record, JSON
}

// Segment is a sealed spool file handed to the deliverer. Name is stable across restarts, so it
// serves as the insert deduplication token: a segment delivered twice (crash after the insert,
// before the delete) is stored once.
type Segment struct {
	Name    string
	Records []Record
}

// Spool is a durable on-disk queue of accepted records: append-only segment files of
// CRC-checked frames. Append returns only after the frames are fsynced, so an acknowledged
// record survives a crash. Sealed segments are delivered oldest first and deleted only after
// delivery succeeded; on open, segments left by a previous run are delivered again. Safe for
// concurrent use.
type Spool struct {
	dir  string
	opts SpoolOptions

	mu       sync.Mutex
	cur      SegmentFile
	curName  string
	curSize  int64
	curSince time.Time
	seq      uint64
	sealed   []string    // sealed segment names, oldest first
	sealedAt []time.Time // when each sealed segment was sealed (last written, for those of a past run)
	total    int64       // bytes of every segment on disk
	closed   bool
	wake     chan struct{}
	health   deliveryHealth
	// Recovered describes torn tails cut from segments at open (never acknowledged data).
	Recovered []string
}

const segmentExt = ".seg"

// OpenSpool opens (creating if needed) the spool in dir and seals every segment found there for
// redelivery. A torn final frame (a crash mid-write, before the fsync that acknowledges it) is cut
// off and kept beside the segment as <name>.torn for inspection.
func OpenSpool(dir string, opts SpoolOptions) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("pipeline: create spool %s: %w", dir, err)
	}
	s := &Spool{dir: dir, opts: opts.withDefaults(), wake: make(chan struct{}, 1)}
	names, err := filepath.Glob(filepath.Join(dir, "*"+segmentExt))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, path := range names {
		name := filepath.Base(path)
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, segmentExt), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("pipeline: spool file %s is not a segment", path)
		}
		size, note, err := repairSegment(path)
		if err != nil {
			return nil, err
		}
		if note != "" {
			s.Recovered = append(s.Recovered, note)
		}
		s.seq = max(s.seq, seq)
		if size == 0 {
			os.Remove(path)
			continue
		}
		at := time.Now()
		if info, err := os.Stat(path); err == nil {
			at = info.ModTime() // its last acknowledged write: the backlog's age survives a restart
		}
		s.sealed = append(s.sealed, name)
		s.sealedAt = append(s.sealedAt, at)
		s.total += size
	}
	if len(s.sealed) > 0 {
		s.signal()
	}
	return s, nil
}

// Append writes records as one fsynced write. On return without error they are durable.
func (s *Spool) Append(records []Record) error {
	if len(records) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, r := range records {
		if err := encodeFrame(&buf, r); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrSpoolClosed
	}
	if s.total+int64(buf.Len()) > s.opts.MaxBytes {
		return fmt.Errorf("%w (%d of %d bytes)", ErrSpoolFull, s.total, s.opts.MaxBytes)
	}
	if err := s.writeLocked(buf.Bytes()); err != nil {
		s.health.writeError, s.health.writeErrorAt = err.Error(), time.Now()
		return err
	}
	s.health.writeError = ""
	s.curSize += int64(buf.Len())
	s.total += int64(buf.Len())
	if s.curSize >= s.opts.SegmentBytes {
		return s.sealLocked()
	}
	return nil
}

// writeLocked appends one fsynced write to the current segment. On failure it cuts the segment
// back to its acknowledged size and closes it (sealed if it holds acknowledged frames), so no
// later frame lands behind a torn one and the next Append starts a fresh segment.
func (s *Spool) writeLocked(data []byte) error {
	if s.cur == nil {
		if err := s.openSegment(); err != nil {
			return fmt.Errorf("%w: %w", ErrSpoolWrite, err)
		}
	}
	_, err := s.cur.Write(data)
	step := "write"
	if err == nil {
		step = "fsync"
		err = s.cur.Sync()
	}
	if err == nil {
		return nil
	}
	name := s.curName
	// Best effort: a tail that stays is unacknowledged and cut by deliverOne or the next open.
	_ = s.cur.Truncate(s.curSize)
	if s.curSize > 0 {
		_ = s.sealLocked()
	} else {
		_ = s.cur.Close()
		_ = os.Remove(filepath.Join(s.dir, name))
		s.cur, s.curName = nil, ""
	}
	return fmt.Errorf("%w: %s %s: %w", ErrSpoolWrite, step, name, err)
}

func (s *Spool) openSegment() error {
	s.seq++
	name := fmt.Sprintf("%020d%s", s.seq, segmentExt)
	f, err := s.opts.Create(filepath.Join(s.dir, name))
	if err != nil {
		return fmt.Errorf("pipeline: create spool segment: %w", err)
	}
	// The directory entry must be durable too, or a crash could lose the whole new file.
	if err := syncDir(s.dir); err != nil {
		f.Close()
		os.Remove(filepath.Join(s.dir, name))
		return err
	}
	s.cur, s.curName, s.curSize, s.curSince = f, name, 0, time.Now()
	return nil
}

func (s *Spool) sealLocked() error {
	if s.cur == nil {
		return nil
	}
	err := s.cur.Close()
	s.sealed = append(s.sealed, s.curName)
	s.sealedAt = append(s.sealedAt, time.Now())
	s.cur, s.curName, s.curSize = nil, "", 0
	s.signal()
	if err != nil {
		return fmt.Errorf("pipeline: close spool segment: %w", err)
	}
	return nil
}

func (s *Spool) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Seal closes the current segment, if any, so it can be delivered now.
func (s *Spool) Seal() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealLocked()
}

// SpoolStats reports the spool's size, backlog and the health of its writes and deliveries.
type SpoolStats struct {
	Bytes    int64 // on disk
	MaxBytes int64
	Segments int // sealed, awaiting delivery
	// OldestSealedAt is when the oldest segment awaiting delivery was sealed (zero: none); its
	// age is how far delivery is behind.
	OldestSealedAt time.Time
	// Failures counts delivery attempts that failed in a row (0 after a success).
	Failures int
	// LastError is the last delivery error and LastErrorAt its time (kept after a success, for
	// the record; Failures tells whether it is current).
	LastError   string
	LastErrorAt time.Time
	// LastDeliveredAt is when a segment was last delivered (zero: not yet in this run).
	LastDeliveredAt time.Time
	// WriteError is the last failed Append's error ("" once an Append succeeds again) and
	// WriteErrorAt its time: while set, ingest is refused (disk full, I/O error).
	WriteError   string
	WriteErrorAt time.Time
}

// deliveryHealth is what Run and Append record for Stats.
type deliveryHealth struct {
	failures                 int
	lastError                string
	lastErrorAt, deliveredAt time.Time
	writeError               string
	writeErrorAt             time.Time
}

// Stats returns the current size, backlog and health.
func (s *Spool) Stats() SpoolStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := SpoolStats{Bytes: s.total, MaxBytes: s.opts.MaxBytes, Segments: len(s.sealed),
		Failures: s.health.failures, LastError: s.health.lastError, LastErrorAt: s.health.lastErrorAt,
		LastDeliveredAt: s.health.deliveredAt, WriteError: s.health.writeError, WriteErrorAt: s.health.writeErrorAt}
	if len(s.sealedAt) > 0 {
		st.OldestSealedAt = s.sealedAt[0]
	}
	return st
}

// Deliver is called with each sealed segment, oldest first. It must store every record or
// return an error; the segment is deleted only after it returns nil.
type Deliver func(ctx context.Context, seg Segment) error

// Run delivers segments until ctx ends, sealing the open segment when it reaches
// SegmentAge. A failed delivery is reported through onError, counted in Stats, and retried
// after a capped, jittered exponential backoff (SpoolOptions.RetryMin to RetryMax); the segment
// stays on disk meanwhile, and later segments wait behind it (delivery is in order).
func (s *Spool) Run(ctx context.Context, deliver Deliver, onError func(seg string, err error)) {
	tick := time.NewTicker(s.opts.SegmentAge / 2)
	defer tick.Stop()
	backoff := time.Duration(0)
	for {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(jitter(backoff)):
			}
		}
		seg := s.oldest()
		err := s.deliverOne(ctx, deliver)
		switch {
		case err == nil:
			backoff = 0
			continue
		case errors.Is(err, errNothingSealed):
			backoff = 0
		case ctx.Err() != nil:
			return // stopping: the segment stays for Close or the next start
		default:
			s.mu.Lock()
			s.health.failures++
			s.health.lastError, s.health.lastErrorAt = err.Error(), time.Now()
			s.mu.Unlock()
			if onError != nil {
				onError(seg, err)
			}
			backoff = min(max(2*backoff, s.opts.RetryMin), s.opts.RetryMax)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
			s.mu.Lock()
			if s.cur != nil && time.Since(s.curSince) >= s.opts.SegmentAge {
				_ = s.sealLocked()
			}
			s.mu.Unlock()
		}
	}
}

// jitter returns a random delay between d/2 and d.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

var errNothingSealed = errors.New("pipeline: no sealed segment")

func (s *Spool) oldest() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sealed) == 0 {
		return ""
	}
	return s.sealed[0]
}

// deliverOne delivers the oldest sealed segment and deletes it.
func (s *Spool) deliverOne(ctx context.Context, deliver Deliver) error {
	name := s.oldest()
	if name == "" {
		return errNothingSealed
	}
	path := filepath.Join(s.dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("pipeline: read spool segment %s: %w", name, err)
	}
	records, valid, err := decodeFrames(data)
	if errors.Is(err, errTorn) {
		// A write that failed in this run (disk full) and could not be cut back: the frames
		// before the tear are all the acknowledged ones (the spool never writes past a failed
		// write in the same segment). Cut the tail as a reopen would, then deliver the rest.
		if _, _, rerr := repairSegment(path); rerr != nil {
			return rerr
		}
		data, err = data[:valid], nil
	}
	if err != nil {
		return fmt.Errorf("pipeline: spool segment %s: %w", name, err)
	}
	if err := deliver(ctx, Segment{Name: strings.TrimSuffix(name, segmentExt), Records: records}); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("pipeline: remove delivered segment %s: %w", name, err)
	}
	s.mu.Lock()
	s.sealed, s.sealedAt = s.sealed[1:], s.sealedAt[1:]
	s.total -= int64(len(data))
	s.health.failures = 0
	s.health.deliveredAt = time.Now()
	s.mu.Unlock()
	return nil
}

// Close seals the open segment and delivers what it can before ctx ends (give it its own
// timeout: the context that asked for the stop is usually already cancelled). Whatever is not
// delivered stays on disk and is delivered at the next open.
func (s *Spool) Close(ctx context.Context, deliver Deliver) error {
	s.mu.Lock()
	s.closed = true
	err := s.sealLocked()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		err := s.deliverOne(ctx, deliver)
		if errors.Is(err, errNothingSealed) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("pipeline: final flush (%d segments kept on disk): %w", s.Stats().Segments, err)
		}
	}
	return fmt.Errorf("pipeline: final flush timed out (%d segments kept on disk): %w", s.Stats().Segments, ctx.Err())
}

// Frame layout: uint32 length of body | uint32 CRC-32C of body | body, where body is
// uint8 stream length | stream | payload.
const frameHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func encodeFrame(w *bytes.Buffer, r Record) error {
	if len(r.Stream) == 0 || len(r.Stream) > 255 {
		return fmt.Errorf("pipeline: invalid stream name %q", r.Stream)
	}
	body := make([]byte, 0, 1+len(r.Stream)+len(r.Payload))
	body = append(body, byte(len(r.Stream)))
	body = append(body, r.Stream...)
	body = append(body, r.Payload...)
	var hdr [frameHeader]byte
	binary.LittleEndian.PutUint32(hdr[0:4], uint32(len(body)))
	binary.LittleEndian.PutUint32(hdr[4:8], crc32.Checksum(body, castagnoli))
	w.Write(hdr[:])
	w.Write(body)
	return nil
}

var errTorn = errors.New("torn or corrupt frame")

// decodeFrames parses frames; it returns the records, the length of the valid prefix and
// errTorn if bytes after that prefix do not form a valid frame.
func decodeFrames(data []byte) ([]Record, int, error) {
	var out []Record
	off := 0
	for off < len(data) {
		if len(data)-off < frameHeader {
			return out, off, errTorn
		}
		n := int(binary.LittleEndian.Uint32(data[off : off+4]))
		sum := binary.LittleEndian.Uint32(data[off+4 : off+8])
		if n < 1 || len(data)-off-frameHeader < n {
			return out, off, errTorn
		}
		body := data[off+frameHeader : off+frameHeader+n]
		if crc32.Checksum(body, castagnoli) != sum || int(body[0])+1 > len(body) {
			return out, off, errTorn
		}
		sl := int(body[0])
		out = append(out, Record{Stream: string(body[1 : 1+sl]), Payload: bytes.Clone(body[1+sl:])})
		off += frameHeader + n
	}
	return out, off, nil
}

// repairSegment cuts a torn tail off a segment, keeping the cut bytes in <path>.torn, and
// returns the segment's valid size and a note when it cut something.
func repairSegment(path string) (int64, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, "", fmt.Errorf("pipeline: read spool segment: %w", err)
	}
	_, valid, err := decodeFrames(data)
	if err == nil {
		return int64(len(data)), "", nil
	}
	if err := os.WriteFile(path+".torn", data[valid:], 0o640); err != nil {
		return 0, "", fmt.Errorf("pipeline: keep torn tail of %s: %w", path, err)
	}
	if err := os.Truncate(path, int64(valid)); err != nil {
		return 0, "", fmt.Errorf("pipeline: cut torn tail of %s: %w", path, err)
	}
	note := fmt.Sprintf("%s: cut %d unacknowledged bytes after %d valid (kept in %s.torn)", filepath.Base(path), len(data)-valid, valid, filepath.Base(path))
	return int64(valid), note, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("pipeline: fsync spool directory: %w", err)
	}
	return nil
}
