package pipeline

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/govpulse/govpulse/models"
)

// Parsing turns raw ingest lines into validated, normalised and enriched model rows: decode
// (NDJSON or CSV, gzip or not) → validate (DESIGN §3 contracts, models' Validate methods) →
// normalise (NFC text, local times, versions, ward codes) → enrich (sentiment, topic, ward from
// text, PII masking and hashing). A bad line is rejected with its line number, field and a
// message safe to show the sender; it never stops the parse.

// Stream names one of the three ingest streams. It is models.Stream, so a value read from the
// ingest_tokens table passes straight through.
type Stream = models.Stream

// The ingest streams.
const (
	StreamDossiers  = models.StreamDossiers
	StreamPetitions = models.StreamPetitions
	StreamPosts     = models.StreamPosts
)

// Limits of one input line and of the texts in it.
const (
	MaxLineBytes    = 1 << 20 // a longer NDJSON line (or CSV record) is rejected
	MaxRawBytes     = 64 << 10
	MaxIDBytes      = 128   // ids and codes
	MaxNameChars    = 1000  // titles and names
	MaxTextChars    = 20000 // petition content, post text
	MaxURLBytes     = 2048
	MaxFeeVND       = 1e12
	DefaultChunk    = 10000
	maxFutureOffset = 24 * time.Hour
)

// Vietnam's bounding box, with the Hoàng Sa and Trường Sa archipelagos: coordinates outside it
// are a swapped pair or a wrong datum, not a place in a Vietnamese city.
const (
	minLat, maxLat = 6.0, 24.0
	minLon, maxLon = 102.0, 118.0
)

// The oldest and newest times a DateTime column can hold.
var (
	minStoredTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxStoredTime = time.Date(2105, 12, 31, 0, 0, 0, 0, time.UTC)
)

// ErrTooLarge reports an input past ParseOptions.MaxBytes (after decompression).
var ErrTooLarge = errors.New("pipeline: input is larger than allowed")

// Rejection is one refused line: which line (1-based, of the input as the sender numbered it;
// for CSV the data line counting the header as line 1), which field ("" for the whole line), why
// (a user-safe message). Raw is the line as received, cut to 64 KiB, for the dead-letter table;
// in petitions and posts the values of citizen_phone, citizen_name and author_id are replaced by
// "[REDACTED]" and the rest is PII-masked (MaskPII), so no personal data reaches dead letters.
// A CSV record's Raw is the record re-encoded with the file's delimiter.
type Rejection struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Raw     string `json:"-"`
}

// FieldError returns r as the models' user-safe error type.
func (r Rejection) FieldError() *models.FieldError {
	return &models.FieldError{Line: r.Line, Field: r.Field, Message: r.Message}
}

// Chunk is a run of consecutive input lines after parsing: the accepted rows of the stream (only
// one of the three slices is used), the rejected lines, and the first and last line numbers of
// the run (blank lines included). Rows and rejections are in input order. Strings in a Chunk may
// share memory with the chunk's input; copy one to keep it long after the chunk.
type Chunk struct {
	Dossiers  []models.Dossier
	Petitions []models.Petition
	Posts     []models.Post
	Rejected  []Rejection
	FirstLine int
	LastLine  int
}

// Accepted returns the number of rows in c.
func (c Chunk) Accepted() int { return len(c.Dossiers) + len(c.Petitions) + len(c.Posts) }

// ParserConfig is what a Parser needs to know about the installation.
type ParserConfig struct {
	Wards      []models.Ward             // gazetteer (the wards table)
	Units      []models.Unit             // may be empty; fills dossiers' unit names and wards
	Categories []models.PetitionCategory // category codes, names and sla_days; empty: not checked
	// HashSecret keys the HMAC-SHA256 of author ids and citizens (at least 16 bytes). Changing it
	// makes every later hash differ from the stored ones.
	HashSecret []byte
	// Now gives ingested_at and the "not in the future" bound; default time.Now. Parse calls it
	// from several goroutines.
	Now func() time.Time
	// Provinces, when set, keeps only the wards of these province codes ("79"): a ward of another
	// city is then unknown, and a name shared with another city is not ambiguous.
	Provinces []string
}

// Parser parses ingest input into model rows. It is safe for concurrent use after NewParser.
type Parser struct {
	gaz        *Gazetteer
	units      map[string]models.Unit
	categories map[string]models.PetitionCategory
	catNames   map[string]string // folded Vietnamese or English name → code
	parents    map[string]string // category and topic code → parent code
	secret     []byte
	now        func() time.Time
}

// NewParser checks cfg and indexes its reference data.
func NewParser(cfg ParserConfig) (*Parser, error) {
	if len(cfg.HashSecret) < 16 {
		return nil, errors.New("pipeline: parser hash secret must be at least 16 bytes")
	}
	p := &Parser{
		units:      make(map[string]models.Unit, len(cfg.Units)),
		categories: make(map[string]models.PetitionCategory, len(cfg.Categories)),
		catNames:   map[string]string{},
		parents:    map[string]string{},
		secret:     append([]byte(nil), cfg.HashSecret...),
		now:        cfg.Now,
	}
	if p.now == nil {
		p.now = time.Now
	}
	wards := cfg.Wards
	if len(cfg.Provinces) > 0 {
		keep := map[string]bool{}
		for _, c := range cfg.Provinces {
			keep[strings.TrimSpace(c)] = true
		}
		wards = nil
		for _, w := range cfg.Wards {
			if keep[w.ProvinceCode] {
				wards = append(wards, w)
			}
		}
	}
	p.gaz = NewGazetteer(wards)
	for _, u := range cfg.Units {
		p.units[u.Code] = u
	}
	for _, r := range topicRules {
		p.parents[r.Code] = r.Parent
	}
	for _, c := range cfg.Categories {
		p.categories[c.Code] = c
		p.parents[c.Code] = c.Parent
		for _, n := range []string{c.NameVI, c.NameEN, c.Code} {
			if k := wordKey(Fold(NormalizeText(n))); k != "" {
				if _, taken := p.catNames[k]; !taken {
					p.catNames[k] = c.Code
				}
			}
		}
	}
	return p, nil
}

// Gazetteer returns the parser's ward index.
func (p *Parser) Gazetteer() *Gazetteer { return p.gaz }

// ParseOptions says how to read one input.
type ParseOptions struct {
	Format     string   // "ndjson" (default) or "csv"
	Mapping    *Mapping // column mapping (CSV columns and NDJSON keys); nil: contract names
	ChunkLines int      // lines per Chunk, default 10000
	Source     string   // the rows' Source column, e.g. "api:tok_12", "import:file.csv"
	// Workers parse chunks in parallel (fn still sees them in input order); default GOMAXPROCS.
	Workers int
	// MaxBytes bounds the input after gzip decompression; past it Parse stops with ErrTooLarge.
	// 0: no bound.
	MaxBytes int64
}

// Summary counts one Parse: Lines is the number of input lines read (blank lines and a CSV header
// included: the last line number), Accepted + Rejected the non-blank data lines.
type Summary struct {
	Lines, Accepted, Rejected int
}

// Parse reads r (gzip detected by its magic bytes, transparently) and calls fn for each chunk in
// input order, from the calling goroutine. A bad line never stops the parse; an I/O error, a bad
// CSV header or mapping, ctx's end or fn's error does, and Parse returns it with the Summary of
// the chunks fn accepted. A header or mapping problem is a *models.FieldError (errors.Is
// ErrInvalid). Parse reads r only until it returns.
//
// Rows come out ready to store except for what needs stored state, which is the caller's: the
// lifecycle events of dossiers and petitions, posts' FirstSeen (left false) and petitions'
// ReopenCount when the source does not send reopen_count. Personal data never leaves Parse:
// citizen_phone, citizen_name and author_id survive only as masked forms and keyed hashes.
func (p *Parser) Parse(ctx context.Context, stream Stream, r io.Reader, opts ParseOptions, fn func(Chunk) error) (Summary, error) {
	if !stream.Valid() {
		return Summary{}, &models.FieldError{Field: "stream", Message: fmt.Sprintf("unknown stream %s; want dossiers, petitions or posts", quoteValue(string(stream)))}
	}
	format := strings.ToLower(strings.TrimSpace(opts.Format))
	switch format {
	case "", "ndjson", "jsonl", "json":
		format = "ndjson"
	case "csv":
	default:
		return Summary{}, &models.FieldError{Field: "format", Message: fmt.Sprintf("unknown format %s; want ndjson or csv", quoteValue(opts.Format))}
	}
	if opts.ChunkLines <= 0 {
		opts.ChunkLines = DefaultChunk
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	spec := streamSpecs[stream]
	cm, err := compileMapping(opts.Mapping, stream, spec)
	if err != nil {
		return Summary{}, err
	}
	br, release, err := openInput(r, opts.MaxBytes)
	if err != nil {
		return Summary{}, err
	}
	defer release()
	run := &parseRun{p: p, stream: stream, spec: spec, m: cm, opts: opts}
	var src chunkSource
	if format == "csv" {
		src, err = run.newCSVSource(br)
		if err != nil {
			return Summary{}, err
		}
	} else {
		src = &ndjsonSource{r: br, chunkLines: opts.ChunkLines}
	}
	return run.run(ctx, src, fn)
}

// Readers are pooled: a line reader holds a 1 MiB buffer, too much to allocate per request.
var (
	headReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	lineReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, MaxLineBytes+2) }}
)

// openInput wraps r: gzip when the first bytes say so, a size bound, a UTF-8 BOM dropped. The
// caller calls release once it no longer reads (no row refers to the readers' buffers).
func openInput(r io.Reader, maxBytes int64) (*bufio.Reader, func(), error) {
	head := headReaders.Get().(*bufio.Reader)
	head.Reset(r)
	lines := lineReaders.Get().(*bufio.Reader)
	var zr *gzip.Reader
	release := func() {
		if zr != nil {
			_ = zr.Close() // reading is over; a close error changes nothing
		}
		head.Reset(nil)
		lines.Reset(nil)
		headReaders.Put(head)
		lineReaders.Put(lines)
	}
	magic, err := head.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		release()
		return nil, nil, fmt.Errorf("pipeline: read input: %w", err)
	}
	var in io.Reader = head
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err = gzip.NewReader(head)
		if err != nil {
			zr = nil
			release()
			return nil, nil, fmt.Errorf("pipeline: read gzip input: %w", err)
		}
		in = zr
	}
	if maxBytes > 0 {
		in = &limitReader{r: in, left: maxBytes}
	}
	lines.Reset(in)
	if bom, err := lines.Peek(3); err == nil && string(bom) == "\xEF\xBB\xBF" {
		_, _ = lines.Discard(3)
	}
	return lines, release, nil
}

// limitReader fails with ErrTooLarge past its bound (io.LimitReader would end silently).
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.left <= 0 {
		// One more byte tells a input of exactly the bound from a larger one.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= int64(n)
	return n, err
}

// lineItem is one non-blank input line waiting to be parsed.
type lineItem struct {
	line   int
	text   string   // NDJSON: the line
	fields []string // CSV: the record
	rej    *Rejection
}

// chunkJob is one chunk's worth of items, parsed by a worker and emitted in order.
type chunkJob struct {
	items      []lineItem
	first      int
	last       int
	err        error // a read error after the items
	chunk      Chunk
	done       chan struct{}
	terminates bool
}

// chunkSource cuts the input into jobs; next returns nil at the end.
type chunkSource interface {
	next() (*chunkJob, error)
}

type parseRun struct {
	p      *Parser
	stream Stream
	spec   *streamSpec
	m      *compiledMapping
	opts   ParseOptions
	csvCol []int // CSV column → field index (-1: ignored)
	csvHdr []string
	delim  rune
}

// run drives the source, the workers and fn.
func (run *parseRun) run(ctx context.Context, src chunkSource, fn func(Chunk) error) (Summary, error) {
	var sum Summary
	stop := make(chan struct{})
	work := make(chan *chunkJob, run.opts.Workers)
	order := make(chan *chunkJob, run.opts.Workers+1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // reader
		defer wg.Done()
		defer close(order)
		defer close(work)
		for {
			if ctx.Err() != nil {
				return
			}
			j, err := src.next()
			if j == nil && err == nil {
				return
			}
			if j == nil {
				j = &chunkJob{terminates: true}
			}
			j.err = err
			j.done = make(chan struct{})
			select {
			case order <- j:
			case <-stop:
				return
			}
			select {
			case work <- j:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for range run.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := run.newWorker()
			for j := range work {
				select {
				case <-stop:
				default:
					w.parseJob(j)
				}
				close(j.done)
			}
		}()
	}
	finish := func(err error) (Summary, error) {
		close(stop)
		for range order { // drain, so that the reader never blocks on a full channel
		}
		wg.Wait()
		return sum, err
	}
	for j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			return finish(ctx.Err())
		}
		if !j.terminates {
			if err := fn(j.chunk); err != nil {
				return finish(err)
			}
			sum.Lines = max(sum.Lines, j.last)
			sum.Accepted += j.chunk.Accepted()
			sum.Rejected += len(j.chunk.Rejected)
		}
		if j.err != nil {
			return finish(j.err)
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	return sum, nil
}

// ndjsonSource reads lines; each job holds up to chunkLines lines, blank ones counted.
type ndjsonSource struct {
	r          *bufio.Reader
	chunkLines int
	line       int
	arena      []byte
	eof        bool
}

func (s *ndjsonSource) next() (*chunkJob, error) {
	if s.eof {
		return nil, nil
	}
	type span struct {
		line   int
		lo, hi int
	}
	var spans []span
	var rejs []lineItem
	// The arena is reused: rows reference the string copy made below, never the arena.
	s.arena = s.arena[:0]
	first := s.line + 1
	var readErr error
	for n := 0; n < s.chunkLines; n++ {
		b, err := s.r.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			// Keep the head for the dead letter, drop the rest of the line.
			head := string(b[:min(len(b), MaxRawBytes)])
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = s.r.ReadSlice('\n')
			}
			tooLong = true
			b = []byte(head)
		}
		if err != nil && !errors.Is(err, io.EOF) && !tooLong {
			// A line cut short by a read error is not a line the sender wrote: drop it.
			readErr = fmt.Errorf("pipeline: read line %d: %w", s.line+1, err)
			s.eof = true
			break
		}
		if len(b) == 0 && err != nil {
			s.eof = true
			break
		}
		s.line++
		if !tooLong {
			b = bytes.TrimRight(b, "\r\n")
			tooLong = len(b) > MaxLineBytes
		}
		if tooLong {
			rejs = append(rejs, lineItem{line: s.line, rej: &Rejection{Line: s.line, Message: fmt.Sprintf("line is longer than %d bytes (1 MiB)", MaxLineBytes), Raw: truncateUTF8(strings.ToValidUTF8(string(b), "\uFFFD"), MaxRawBytes)}})
		} else {
			if len(bytes.TrimSpace(b)) > 0 {
				lo := len(s.arena)
				s.arena = append(s.arena, b...)
				spans = append(spans, span{s.line, lo, len(s.arena)})
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("pipeline: read line %d: %w", s.line+1, err)
			}
			s.eof = true
			break
		}
	}
	if s.line < first && readErr == nil {
		return nil, nil
	}
	j := &chunkJob{first: first, last: s.line}
	text := string(s.arena) // one copy per chunk: every line is a slice of it
	j.items = make([]lineItem, 0, len(spans)+len(rejs))
	ri := 0
	for _, sp := range spans {
		for ri < len(rejs) && rejs[ri].line < sp.line {
			j.items = append(j.items, rejs[ri])
			ri++
		}
		j.items = append(j.items, lineItem{line: sp.line, text: text[sp.lo:sp.hi]})
	}
	j.items = append(j.items, rejs[ri:]...)
	if s.line < first {
		return nil, readErr
	}
	return j, readErr
}

// csvSource reads records after the header.
type csvSource struct {
	r          *csv.Reader
	chunkLines int
	line       int
	eof        bool
}

// newCSVSource reads the header, detects the delimiter and maps the columns.
func (run *parseRun) newCSVSource(br *bufio.Reader) (chunkSource, error) {
	delim := run.m.delimiter
	if delim == 0 {
		head, _ := br.Peek(64 << 10) // what there is: a short input ends the peek early
		delim = detectDelimiter(head)
	}
	run.delim = delim
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = false
	src := &csvSource{r: cr, chunkLines: run.opts.ChunkLines}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		src.eof = true
		return src, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &models.FieldError{Line: 1, Message: "CSV header: " + pe.Err.Error()}
		}
		return nil, fmt.Errorf("pipeline: read CSV header: %w", err)
	}
	src.line = 1
	run.csvHdr = make([]string, len(header))
	run.csvCol = make([]int, len(header))
	given := make([]string, len(run.spec.fields))
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, &models.FieldError{Line: 1, Message: fmt.Sprintf("CSV header column %d is not valid UTF-8", i+1)}
		}
		h = strings.TrimSpace(norm.NFC.String(h))
		run.csvHdr[i] = h
		f := run.m.resolve(h)
		run.csvCol[i] = f
		if f < 0 {
			continue
		}
		if given[f] != "" {
			return nil, &models.FieldError{Line: 1, Field: run.spec.fields[f].name,
				Message: fmt.Sprintf("columns %s and %s both give this field", quoteValue(given[f]), quoteValue(h))}
		}
		given[f] = h
	}
	for f, fs := range run.spec.fields {
		if fs.required && given[f] == "" && !run.m.hasConstant(f) {
			return nil, &models.FieldError{Line: 1, Field: fs.name, Message: "no column gives this required field (check the header or the mapping's columns)"}
		}
	}
	return src, nil
}

// detectDelimiter picks ';', ',' or a tab, whichever the header line (outside quotes) has most.
func detectDelimiter(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '\n' && !quoted {
			break
		}
		switch c {
		case '"':
			quoted = !quoted
		case ';', ',', '\t':
			if !quoted {
				counts[c]++
			}
		}
	}
	best, n := byte(','), counts[',']
	for _, c := range []byte{';', '\t'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}

func (s *csvSource) next() (*chunkJob, error) {
	if s.eof {
		return nil, nil
	}
	j := &chunkJob{first: s.line + 1}
	for len(j.items) < s.chunkLines {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			s.eof = true
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			s.eof = true
			j.last = s.line
			if len(j.items) == 0 {
				return nil, fmt.Errorf("pipeline: read CSV after line %d: %w", s.line, err)
			}
			return j, fmt.Errorf("pipeline: read CSV after line %d: %w", s.line, err)
		}
		line := s.line + 1
		if pe != nil {
			line = pe.StartLine
		} else if len(rec) > 0 {
			line, _ = s.r.FieldPos(0)
		}
		if len(rec) > 0 {
			if end, _ := s.r.FieldPos(len(rec) - 1); end > line {
				s.line = max(s.line, end)
			}
		}
		s.line = max(s.line, line)
		it := lineItem{line: line, fields: rec}
		switch {
		case pe != nil && errors.Is(pe.Err, csv.ErrFieldCount):
			it.rej = &Rejection{Line: line, Message: "wrong number of fields: the header has a different number of columns"}
		case pe != nil:
			it.rej = &Rejection{Line: line, Message: "invalid CSV: " + pe.Err.Error()}
			s.line = max(s.line, pe.Line)
		}
		j.items = append(j.items, it)
	}
	j.last = s.line
	if len(j.items) == 0 {
		return nil, nil
	}
	return j, nil
}

// ---- workers ----

// parseWorker holds one goroutine's buffers.
type parseWorker struct {
	run   *parseRun
	p     *Parser
	spec  *streamSpec
	rec   lineRecord
	err   *models.FieldError
	mac   hash.Hash
	now   time.Time
	limit time.Time // now + 1 day: the latest time an event may carry
	ing   time.Time // ingested_at
	times [maxFields]time.Time
	// csv re-encoding of rejected records
	rawBuf bytes.Buffer
}

func (run *parseRun) newWorker() *parseWorker {
	return &parseWorker{run: run, p: run.p, spec: run.spec, mac: hmac.New(sha256.New, run.p.secret)}
}

func (w *parseWorker) parseJob(j *chunkJob) {
	now := w.p.now()
	w.now = now
	w.limit = now.Add(maxFutureOffset)
	w.ing = now.In(models.Location)
	c := &j.chunk
	c.FirstLine, c.LastLine = j.first, j.last
	switch w.run.stream {
	case StreamDossiers:
		c.Dossiers = make([]models.Dossier, 0, len(j.items))
	case StreamPetitions:
		c.Petitions = make([]models.Petition, 0, len(j.items))
	case StreamPosts:
		c.Posts = make([]models.Post, 0, len(j.items))
	}
	for i := range j.items {
		it := &j.items[i]
		if it.rej != nil {
			rej := *it.rej
			if rej.Raw == "" && it.fields != nil {
				rej.Raw = w.csvRaw(it.fields)
			} else if rej.Raw != "" && w.run.stream != StreamDossiers {
				rej.Raw = truncateUTF8(MaskPII(redactKeys(rej.Raw, w.run.m.personalKeys)), MaxRawBytes)
			}
			c.Rejected = append(c.Rejected, rej)
			continue
		}
		w.parseItem(c, it)
	}
}

// parseItem decodes, builds and checks one line, appending a row or a rejection to c.
func (w *parseWorker) parseItem(c *Chunk, it *lineItem) {
	w.rec.reset()
	w.err = nil
	if it.fields != nil {
		w.decodeCSV(it.fields)
	} else {
		w.decodeNDJSON(it.text)
	}
	if w.err == nil {
		w.run.m.apply(&w.rec)
		switch w.run.stream {
		case StreamDossiers:
			if d, ok := w.dossier(); ok {
				c.Dossiers = append(c.Dossiers, d)
				return
			}
		case StreamPetitions:
			if p, ok := w.petition(); ok {
				c.Petitions = append(c.Petitions, p)
				return
			}
		case StreamPosts:
			if p, ok := w.post(); ok {
				c.Posts = append(c.Posts, p)
				return
			}
		}
	}
	rej := Rejection{Line: it.line, Field: w.err.Field, Message: w.err.Message}
	if rej.Field != "" {
		if col := w.run.m.source(w.spec.index(rej.Field)); col != "" && col != rej.Field {
			rej.Message += fmt.Sprintf(" (column %s)", quoteValue(col))
		}
	}
	if it.fields != nil {
		rej.Raw = w.csvRaw(it.fields)
	} else {
		rej.Raw = w.redactedRaw(it.text)
	}
	c.Rejected = append(c.Rejected, rej)
}

// fail records the first error of the line.
func (w *parseWorker) fail(f int, format string, args ...any) {
	if w.err != nil {
		return
	}
	name := ""
	if f >= 0 {
		name = w.spec.fields[f].name
	}
	w.err = &models.FieldError{Field: name, Message: fmt.Sprintf(format, args...)}
}

func (w *parseWorker) failLine(msg string) {
	if w.err == nil {
		w.err = &models.FieldError{Message: msg}
	}
}

// redactedRaw is the line for the dead-letter table: personal fields replaced, PII masked.
func (w *parseWorker) redactedRaw(line string) string {
	if !utf8.ValidString(line) {
		// The decoder never ran (no spans to redact); the keys are still found below.
		line = strings.ToValidUTF8(line, "\uFFFD")
	} else if w.run.stream != StreamDossiers {
		line = redactSpans(line, &w.rec, w.spec)
	}
	if w.run.stream == StreamDossiers {
		return truncateUTF8(line, MaxRawBytes)
	}
	var names []string
	if f := w.spec.index("citizen_name"); f >= 0 && w.rec.vals[f].kind == jString {
		names = append(names, w.rec.vals[f].s)
	}
	// A line the decoder gave up on may hold personal values it never reached.
	line = redactKeys(line, w.run.m.personalKeys)
	return truncateUTF8(MaskPII(line, names...), MaxRawBytes)
}

// redactKeys replaces the string after each `"key":` in a (possibly broken) JSON line by
// "[REDACTED]", up to its closing quote or the end of the line.
func redactKeys(line string, keys []string) string {
	for _, k := range keys {
		quotedKey := `"` + k + `"`
		from := 0
		for {
			i := strings.Index(line[from:], quotedKey)
			if i < 0 {
				break
			}
			j := from + i + len(quotedKey)
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			if j >= len(line) || line[j] != ':' {
				from = j
				continue
			}
			j++
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			if j >= len(line) || line[j] != '"' || strings.HasPrefix(line[j:], `"[REDACTED]"`) {
				from = j
				continue
			}
			end := j + 1
			for end < len(line) && line[end] != '"' {
				if line[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, len(line))
			line = line[:j] + `"[REDACTED]"` + line[end:]
			from = j + len(`"[REDACTED]"`)
		}
	}
	return line
}

// redactSpans replaces every personal value's JSON token in line by "[REDACTED]".
func redactSpans(line string, rec *lineRecord, spec *streamSpec) string {
	type sp struct{ lo, hi int }
	var spans []sp
	for f := range spec.fields {
		v := &rec.vals[f]
		if spec.fields[f].personal && v.kind != jAbsent && v.hi > v.lo {
			spans = append(spans, sp{int(v.lo), int(v.hi)})
		}
	}
	for i := 1; i < len(spans); i++ { // tiny: insertion sort
		for k := i; k > 0 && spans[k].lo < spans[k-1].lo; k-- {
			spans[k], spans[k-1] = spans[k-1], spans[k]
		}
	}
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.lo < pos {
			continue
		}
		b.WriteString(line[pos:s.lo])
		b.WriteString(`"[REDACTED]"`)
		pos = s.hi
	}
	b.WriteString(line[pos:])
	return b.String()
}

// csvRaw re-encodes a CSV record for the dead-letter table, personal columns redacted.
func (w *parseWorker) csvRaw(fields []string) string {
	out := fields
	var names []string
	if w.run.stream != StreamDossiers {
		out = make([]string, len(fields))
		copy(out, fields)
		for i := range out {
			if i < len(w.run.csvCol) && w.run.csvCol[i] >= 0 && w.spec.fields[w.run.csvCol[i]].personal {
				if w.spec.fields[w.run.csvCol[i]].name == "citizen_name" {
					names = append(names, out[i])
				}
				out[i] = "[REDACTED]"
			}
		}
	}
	w.rawBuf.Reset()
	cw := csv.NewWriter(&w.rawBuf)
	cw.Comma = w.run.delim
	if cw.Comma == 0 {
		cw.Comma = ','
	}
	_ = cw.Write(out) // a bytes.Buffer does not fail
	cw.Flush()
	raw := strings.TrimRight(strings.ToValidUTF8(w.rawBuf.String(), "\uFFFD"), "\r\n")
	if w.run.stream != StreamDossiers {
		raw = MaskPII(raw, names...)
	}
	return truncateUTF8(raw, MaxRawBytes)
}

// ---- decoding ----

// decodeCSV fills the record from a CSV record (every value a string).
func (w *parseWorker) decodeCSV(fields []string) {
	total := 0
	for i, v := range fields {
		total += len(v)
		if !utf8.ValidString(v) {
			col := ""
			if i < len(w.run.csvHdr) {
				col = w.run.csvHdr[i]
			}
			w.failLine(fmt.Sprintf("column %d %s is not valid UTF-8", i+1, quoteValue(col)))
			return
		}
		if i >= len(w.run.csvCol) {
			continue
		}
		if f := w.run.csvCol[i]; f >= 0 {
			w.rec.vals[f] = rawVal{s: v, kind: jString}
		}
	}
	if total > MaxLineBytes {
		w.failLine(fmt.Sprintf("line is longer than %d bytes (1 MiB)", MaxLineBytes))
	}
}

// decodeNDJSON fills the record from one JSON object.
func (w *parseWorker) decodeNDJSON(line string) {
	if !utf8.ValidString(line) {
		off := 0
		for off < len(line) {
			r, n := utf8.DecodeRuneInString(line[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		w.failLine(fmt.Sprintf("line is not valid UTF-8 (byte %d)", off+1))
		return
	}
	d := jsonDecoder{s: line}
	if err := d.object(func(key string, v rawVal) {
		if f := w.run.m.resolveKey(key); f >= 0 {
			w.rec.vals[f] = v
		}
	}); err != "" {
		w.failLine(err)
	}
}

// ---- record and value conversion ----

// jsonKind is the JSON type a value arrived as; CSV values are all jString.
type jsonKind uint8

const (
	jAbsent jsonKind = iota
	jString
	jNumber
	jBool
	jNull
	jObject
	jArray
)

func (k jsonKind) String() string {
	return [...]string{"absent", "a string", "a number", "a boolean", "null", "an object", "an array"}[k]
}

// rawVal is one field's value as received: its text (a string unescaped, a number's literal,
// "true"/"false") and where its JSON token sits in the line (for redaction).
type rawVal struct {
	s      string
	kind   jsonKind
	lo, hi int32
}

const maxFields = 24

type lineRecord struct {
	vals [maxFields]rawVal
}

func (r *lineRecord) reset() { r.vals = [maxFields]rawVal{} }

// present reports a value that counts as given: not absent, not null, not empty or blank.
func (w *parseWorker) present(f int) bool {
	v := &w.rec.vals[f]
	switch v.kind {
	case jAbsent, jNull:
		return false
	case jString:
		return strings.TrimSpace(v.s) != ""
	}
	return true
}

// scalar returns the value's text, failing on objects and arrays.
func (w *parseWorker) scalar(f int, want string) (string, bool) {
	v := &w.rec.vals[f]
	switch v.kind {
	case jObject, jArray, jBool:
		w.fail(f, "must be %s, not %s", want, v.kind)
		return "", false
	}
	return v.s, true
}

// str returns a code or id: NFC, trimmed, at most MaxIDBytes.
func (w *parseWorker) str(f int, required bool) string {
	if !w.present(f) {
		if required {
			w.fail(f, "is required")
		}
		return ""
	}
	s, ok := w.scalar(f, "a string")
	if !ok {
		return ""
	}
	s = cleanString(s)
	if len(s) > MaxIDBytes {
		w.fail(f, "is longer than %d bytes", MaxIDBytes)
		return ""
	}
	return s
}

// name returns a one-line text (names, titles): NFC, control characters dropped, white space
// collapsed, at most maxChars characters.
func (w *parseWorker) name(f int, required bool, maxChars int) string {
	return w.cleaned(f, required, cleanName, maxChars)
}

// text returns a free text (content, post text): NFC, trimmed, line breaks kept (at most one blank
// line in a row), other white space collapsed, at most MaxTextChars characters.
func (w *parseWorker) text(f int, required bool) string {
	return w.cleaned(f, required, cleanText, MaxTextChars)
}

// cleaned reads a string field, normalises it with clean and bounds its length in characters.
func (w *parseWorker) cleaned(f int, required bool, clean func(string) string, maxChars int) string {
	if !w.present(f) {
		if required {
			w.fail(f, "is required")
		}
		return ""
	}
	s, ok := w.scalar(f, "a string")
	if !ok {
		return ""
	}
	s = clean(s)
	if n := utf8.RuneCountInString(s); n > maxChars {
		w.fail(f, "is longer than %d characters (%d)", maxChars, n)
		return ""
	}
	return s
}

// enum returns the canonical value of a closed vocabulary (matching is case-insensitive), or ""
// when absent. Unknown values are left for the models' Validate to name.
func (w *parseWorker) enum(f int, values []string) string {
	if !w.present(f) {
		return ""
	}
	s, ok := w.scalar(f, "a string")
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	for _, v := range values {
		if strings.EqualFold(s, v) {
			return v
		}
	}
	if strings.ContainsAny(s, " -") {
		alt := strings.ToLower(strings.NewReplacer(" ", "_", "-", "_").Replace(s))
		for _, v := range values {
			if alt == v {
				return v
			}
		}
	}
	return s
}

// tm returns a time in Asia/Ho_Chi_Minh, or the zero time when absent.
func (w *parseWorker) tm(f int, required bool) time.Time {
	if !w.present(f) {
		if required {
			w.fail(f, "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)")
		}
		return time.Time{}
	}
	v := &w.rec.vals[f]
	if v.kind != jString && v.kind != jNumber {
		w.fail(f, "must be a time string, not %s", v.kind)
		return time.Time{}
	}
	t, err := w.run.m.parseTime(f, strings.TrimSpace(v.s), v.kind == jNumber)
	if err != "" {
		w.fail(f, "%s", err)
		return time.Time{}
	}
	if t.Before(minStoredTime) || t.After(maxStoredTime) {
		w.fail(f, "%s is outside the years 1970–2105", t.In(models.Location).Format(time.RFC3339))
		return time.Time{}
	}
	t = t.In(models.Location)
	w.times[f] = t
	return t
}

// uint returns a whole number in [0, hi].
func (w *parseWorker) uint(f int, hi uint64) uint64 {
	if !w.present(f) {
		return 0
	}
	s, ok := w.scalar(f, "a number")
	if !ok {
		return 0
	}
	s = strings.TrimSpace(s)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		fl, ferr := parseFloatLoose(s, w.rec.vals[f].kind == jString)
		switch {
		case ferr == nil && fl < 0:
			w.fail(f, "must be ≥ 0, got %s", quoteValue(s))
			return 0
		case ferr == nil && fl == math.Trunc(fl) && fl <= float64(hi):
			n = uint64(fl)
		case ferr == nil && fl > float64(hi):
			w.fail(f, "must be at most %d, got %s", hi, quoteValue(s))
			return 0
		default:
			w.fail(f, "must be a whole number ≥ 0, got %s", quoteValue(s))
			return 0
		}
	}
	if n > hi {
		w.fail(f, "must be at most %d, got %s", hi, quoteValue(s))
		return 0
	}
	return n
}

// float returns a number and whether it was given.
func (w *parseWorker) float(f int) (float64, bool) {
	if !w.present(f) {
		return 0, false
	}
	s, ok := w.scalar(f, "a number")
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	x, err := parseFloatLoose(s, w.rec.vals[f].kind == jString)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		w.fail(f, "must be a number, got %s", quoteValue(s))
		return 0, false
	}
	return x, true
}

// boolean reads true/false, 1/0, and the words of CSV exports (x, có, không, yes, no).
func (w *parseWorker) boolean(f int) bool {
	v := &w.rec.vals[f]
	if v.kind == jBool {
		return v.s == "true"
	}
	if !w.present(f) {
		return false
	}
	s, ok := w.scalar(f, "true or false")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(norm.NFC.String(s))) {
	case "true", "1", "x", "có", "co", "yes", "y", "đúng", "dung", "t":
		return true
	case "false", "0", "không", "khong", "no", "n", "sai", "f", "-":
		return false
	}
	w.fail(f, "must be true or false, got %s", quoteValue(s))
	return false
}

// parseFloatLoose parses a JSON number, or for strings also a decimal comma ("10,77") and
// thousands separators ("1.500.000").
func parseFloatLoose(s string, lenient bool) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err == nil || !lenient {
		return x, err
	}
	if groupedDigits(s) {
		return strconv.ParseFloat(strings.NewReplacer(".", "", ",", "", " ", "").Replace(s), 64)
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		return strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	}
	return x, err
}

// groupedDigits reports digits in groups of three: "1.500.000", "1,500,000", "1 500 000".
func groupedDigits(s string) bool {
	s = strings.TrimPrefix(s, "-")
	var sep byte
	parts := 0
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIIDigit(c):
			run++
		case c == '.' || c == ',' || c == ' ':
			if sep != 0 && c != sep || run == 0 || (parts == 0 && run > 3) || (parts > 0 && run != 3) {
				return false
			}
			sep = c
			parts++
			run = 0
		default:
			return false
		}
	}
	return sep != 0 && run == 3
}

// cleanString: NFC and trimmed.
func cleanString(s string) string {
	s = strings.TrimSpace(s)
	if !textIsASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

// cleanName: NFC, control characters removed, white space collapsed.
func cleanName(s string) string {
	s = cleanString(s)
	if !needsCollapse(s, false) {
		return s
	}
	return CollapseSpace(strings.Map(dropControl, s))
}

func dropControl(r rune) rune {
	if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
		return -1
	}
	return r
}

// needsCollapse reports white space other than single ASCII spaces (or, with keepNewlines, line
// breaks) and control characters.
func needsCollapse(s string, keepNewlines bool) bool {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return true
			}
			prevSpace = true
			continue
		case c == '\n' && keepNewlines:
			prevSpace = true
			continue
		case c < 0x20 || c == 0x7f:
			return true
		case c >= utf8.RuneSelf:
			r, _ := utf8.DecodeRuneInString(s[i:])
			if r == 0x85 || r == 0xA0 || r == 0x1680 || r >= 0x2000 && r <= 0x200A || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000 {
				return true
			}
		}
		prevSpace = false
	}
	return false
}

// cleanText normalises a free text, keeping its paragraphs.
func cleanText(s string) string {
	s = cleanString(s)
	if !needsCollapse(s, true) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for _, l := range lines {
		l = CollapseSpace(strings.Map(dropControl, l))
		if l == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank > 0 {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(l)
	}
	return b.String()
}

// ---- checks shared by the streams ----

// notFuture rejects event times more than a day ahead of now (clock skew allowance).
func (w *parseWorker) notFuture(f int, t time.Time) {
	if !t.IsZero() && t.After(w.limit) {
		w.fail(f, "%s is in the future (more than 1 day after now)", t.Format(time.RFC3339))
	}
}

// modelErr turns a models Validate error into the line's error, naming the times of an order
// rule ("due_at 2025-01-01T00:00:00+07:00 is before received_at 2025-02-01T08:00:00+07:00").
func (w *parseWorker) modelErr(err error) {
	if err == nil || w.err != nil {
		return
	}
	var fe *models.FieldError
	if !errors.As(err, &fe) {
		w.failLine("invalid record")
		return
	}
	msg := fe.Message
	if ref, ok := strings.CutPrefix(msg, "is before "); ok {
		f, r := w.spec.index(fe.Field), w.spec.index(ref)
		if f >= 0 && r >= 0 && !w.times[f].IsZero() && !w.times[r].IsZero() {
			msg = fmt.Sprintf("%s %s is before %s %s", fe.Field, w.times[f].Format(time.RFC3339), ref, w.times[r].Format(time.RFC3339))
		}
	}
	w.err = &models.FieldError{Field: fe.Field, Message: msg}
}

// ward resolves an explicit ward field: a code or a name; unknown values are the sender's error.
func (w *parseWorker) ward(f int) string {
	if !w.present(f) {
		return ""
	}
	s, ok := w.scalar(f, "a string")
	if !ok {
		return ""
	}
	s = cleanString(s)
	if w.p.gaz.Len() == 0 {
		// No gazetteer configured: codes pass as five digits, names cannot be resolved.
		if !allASCIIDigits(s) || len(s) > 12 {
			w.fail(f, "unknown ward name %s (no wards are configured)", quoteValue(s))
			return ""
		}
		return canonWardCode(s)
	}
	ward, err := w.p.gaz.Lookup(s)
	if err != nil {
		w.fail(f, "%s", err.Error())
		return ""
	}
	return ward.Code
}

// hash keys a personal identifier with the installation secret.
func (w *parseWorker) hash(domain, value string) string {
	return piiHasher{secret: w.p.secret}.sumWith(w.mac, domain, value)
}

// ---- dossiers ----

func (w *parseWorker) dossier() (models.Dossier, bool) {
	var d models.Dossier
	d.ID = w.str(dID, true)
	d.ProcedureCode = w.str(dProcedureCode, true)
	d.ProcedureName = w.name(dProcedureName, false, MaxNameChars)
	d.Field = w.str(dField, false)
	d.UnitCode = w.str(dUnitCode, true)
	d.UnitName = w.name(dUnitName, false, MaxNameChars)
	d.WardCode = w.ward(dWardCode)
	if !w.present(dChannel) {
		w.fail(dChannel, "is required")
	}
	d.Channel = w.enum(dChannel, dossierChannelNames)
	d.OnlineLevel = w.enum(dOnlineLevel, onlineLevelNames)
	if !w.present(dStatus) {
		w.fail(dStatus, "is required")
	}
	d.Status = w.enum(dStatus, dossierStatusNames)
	d.ReceivedAt = w.tm(dReceivedAt, true)
	d.DueAt = w.tm(dDueAt, true)
	if t := w.tm(dCompletedAt, false); !t.IsZero() {
		d.CompletedAt = &t
	}
	d.UpdatedAt = w.tm(dUpdatedAt, true)
	d.SupplementCount = uint8(w.uint(dSupplementCount, math.MaxUint8))
	d.SupplementPausedSeconds = uint32(w.uint(dSupplementPaused, math.MaxUint32))
	d.FeeVND = w.uint(dFeeVND, MaxFeeVND)
	d.PaidOnline = w.boolean(dPaidOnline)
	d.Digitized = w.boolean(dDigitized)
	d.EResult = w.boolean(dEResult)
	if s := w.enum(dSatisfaction, dossierSatisfactionNames); s != "" {
		d.Satisfaction = &s
	}
	if w.err != nil {
		return d, false
	}
	// The contract's optional online_level: "none" when the source does not say.
	if d.OnlineLevel == "" {
		d.OnlineLevel = string(models.OnlineNone)
	}
	w.modelErr(d.Validate())
	w.notFuture(dReceivedAt, d.ReceivedAt)
	w.notFuture(dUpdatedAt, d.UpdatedAt)
	if d.CompletedAt != nil {
		w.notFuture(dCompletedAt, *d.CompletedAt)
	}
	if w.err != nil {
		return d, false
	}
	if u, ok := w.p.units[d.UnitCode]; ok {
		if d.UnitName == "" {
			d.UnitName = u.Name
		}
		if d.WardCode == "" && u.WardCode != "" {
			d.WardCode = u.WardCode
		}
	}
	d.Version = uint64(d.UpdatedAt.UnixMilli())
	d.IngestedAt = w.ing
	d.Source = w.run.opts.Source
	return d, true
}

// ---- petitions ----

func (w *parseWorker) petition() (models.Petition, bool) {
	var p models.Petition
	p.ID = w.str(pID, true)
	p.ReceivedAt = w.tm(pReceivedAt, true)
	if !w.present(pChannel) {
		w.fail(pChannel, "is required")
	}
	p.Channel = w.enum(pChannel, petitionChannelNames)
	p.Category = w.category(pCategory, true)
	p.Subcategory = w.category(pSubcategory, false)
	p.WardCode = w.ward(pWardCode)
	p.UnitCode = w.str(pUnitCode, false)
	if !w.present(pStatus) {
		w.fail(pStatus, "is required")
	}
	p.Status = w.enum(pStatus, petitionStatusNames)
	if t := w.tm(pForwardedAt, false); !t.IsZero() {
		p.ForwardedAt = &t
	}
	p.DueAt = w.tm(pDueAt, false)
	if t := w.tm(pResolvedAt, false); !t.IsZero() {
		p.ResolvedAt = &t
	}
	p.UpdatedAt = w.tm(pUpdatedAt, true)
	if s := w.enum(pSatisfaction, petitionSatisfactionNames); s != "" {
		p.Satisfaction = &s
	}
	title := w.name(pTitle, false, MaxNameChars)
	content := w.text(pContent, false)
	if lat, ok := w.float(pLat); ok {
		p.Lat = &lat
	}
	if lon, ok := w.float(pLon); ok {
		p.Lon = &lon
	}
	phone := w.name(pCitizenPhone, false, 64)
	citizen := w.name(pCitizenName, false, 256)
	p.ReopenCount = uint8(w.uint(pReopenCount, math.MaxUint8))
	if w.err != nil {
		return p, false
	}
	if p.DueAt.IsZero() && !p.ReceivedAt.IsZero() {
		// 0003: received_at plus the category's sla_days.
		c, ok := w.p.categories[p.Category]
		switch {
		case ok && c.SLADays > 0:
			p.DueAt = p.ReceivedAt.AddDate(0, 0, int(c.SLADays))
		case ok:
			w.fail(pDueAt, "is required: category %s has no answer deadline (sla_days 0)", quoteValue(p.Category))
		default:
			w.fail(pDueAt, "is required: no answer deadline is configured for category %s", quoteValue(p.Category))
		}
	}
	// Personal data: only a masked phone and a keyed hash are kept; the texts are masked.
	if phone != "" {
		digits, ok := NormalizePhone(phone)
		p.CitizenPhoneMasked = MaskPhone(digits)
		if ok || len(digits) >= 8 {
			p.CitizenHash = w.hash("citizen-phone", digits)
		}
	}
	if p.CitizenHash == "" && citizen != "" && hasLetter(citizen) {
		p.CitizenHash = w.hash("citizen-name", normalizeName(citizen))
	}
	var names [][]string
	if citizen != "" {
		if nw := nameWords(citizen); len(nw) >= 2 {
			names = [][]string{nw}
		}
	}
	p.Title = maskPII(title, names)
	p.Content = maskPII(content, names)
	if p.Lat != nil && p.Lon != nil {
		// Before the models' check, which knows only the globe: a swapped pair gets a hint.
		w.checkLatLon(*p.Lat, *p.Lon)
	}
	w.modelErr(p.Validate())
	w.notFuture(pReceivedAt, p.ReceivedAt)
	w.notFuture(pUpdatedAt, p.UpdatedAt)
	if p.ForwardedAt != nil {
		w.notFuture(pForwardedAt, *p.ForwardedAt)
	}
	if p.ResolvedAt != nil {
		w.notFuture(pResolvedAt, *p.ResolvedAt)
	}
	if w.err != nil {
		return p, false
	}
	// Enrichment: tone, topic, ward from the text.
	joined := p.Title
	if p.Content != "" {
		joined = p.Title + "\n" + p.Content
	}
	if joined != "" {
		p.Sentiment = float32(ScoreSentiment(joined).Score)
	}
	var ws wordScan
	scanned := false
	scan := func() *wordScan {
		if !scanned {
			ws, scanned = scanWords(joined), true
		}
		return &ws
	}
	switch {
	case p.Subcategory != "":
		p.Topic = p.Subcategory
	default:
		p.Topic = p.Category
		if joined != "" {
			t := inferTopicWords(scan())
			if t != "" && (openTopics[p.Category] || topicWithin(t, p.Category, w.p.parents)) {
				p.Topic = t
			}
		}
	}
	if p.WardCode == "" && joined != "" {
		if ward, ok := w.p.gaz.findInWords(scan()); ok {
			p.WardCode = ward.Code
		}
	}
	p.Version = uint64(p.UpdatedAt.UnixMilli())
	p.IngestedAt = w.ing
	p.Source = w.run.opts.Source
	return p, true
}

// category resolves a category code, or a category's Vietnamese or English name, against the
// configured categories (any value is kept when none are configured).
func (w *parseWorker) category(f int, required bool) string {
	s := w.str(f, required)
	if s == "" {
		return ""
	}
	if len(w.p.categories) == 0 {
		return s
	}
	if _, ok := w.p.categories[s]; ok {
		return s
	}
	if code, ok := w.p.catNames[wordKey(Fold(NormalizeText(s)))]; ok {
		return code
	}
	if code := strings.ToLower(s); code != s {
		if _, ok := w.p.categories[code]; ok {
			return code
		}
	}
	w.fail(f, "unknown category %s", quoteValue(s))
	return ""
}

func (w *parseWorker) checkLatLon(lat, lon float64) {
	switch {
	case lat < minLat || lat > maxLat:
		hint := ""
		if lon >= minLat && lon <= maxLat && lat >= minLon && lat <= maxLon {
			hint = "; lat and lon look swapped"
		}
		w.fail(pLat, "%g is outside Vietnam (latitude %g to %g)%s", lat, minLat, maxLat, hint)
	case lon < minLon || lon > maxLon:
		w.fail(pLon, "%g is outside Vietnam (longitude %g to %g)", lon, minLon, maxLon)
	}
}

// ---- posts ----

func (w *parseWorker) post() (models.Post, bool) {
	var p models.Post
	p.ID = w.str(sID, true)
	if !w.present(sPlatform) {
		w.fail(sPlatform, "is required")
	}
	p.Platform = w.enum(sPlatform, platformNames)
	p.PublishedAt = w.tm(sPublishedAt, true)
	updated := w.tm(sUpdatedAt, false)
	author := w.name(sAuthorID, false, 256)
	text := w.text(sText, true)
	p.URL = w.str2048(sURL)
	p.WardCode = w.ward(sWardCode)
	topic := w.name(sTopic, false, MaxIDBytes)
	p.Likes = uint32(w.uint(sLikes, math.MaxUint32))
	p.Shares = uint32(w.uint(sShares, math.MaxUint32))
	p.Comments = uint32(w.uint(sComments, math.MaxUint32))
	upstream, hasScore := w.float(sSentiment)
	if hasScore && (upstream < -1 || upstream > 1) {
		w.fail(sSentiment, "must be between -1 and 1, got %g", upstream)
	}
	if w.err != nil {
		return p, false
	}
	var scanned *wordScan
	p.Text, scanned = maskPIIScan(text, nil)
	if author != "" {
		p.AuthorHash = w.hash("post-author", p.Platform+"\x00"+author)
	}
	if hasScore {
		p.Sentiment = float32(upstream)
		p.SentimentLabel = defaultSentimentScorer().Label(upstream)
		p.SentimentSource = string(models.SentimentFromUpstream)
	} else {
		s := ScoreSentiment(p.Text)
		p.Sentiment = float32(s.Score)
		p.SentimentLabel = s.Label
		p.SentimentSource = string(models.SentimentFromLexicon)
	}
	w.modelErr(p.Validate())
	w.notFuture(sPublishedAt, p.PublishedAt)
	if !updated.IsZero() {
		w.notFuture(sUpdatedAt, updated)
		if updated.Before(p.PublishedAt) && w.err == nil {
			w.fail(sUpdatedAt, "updated_at %s is before published_at %s", updated.Format(time.RFC3339), p.PublishedAt.Format(time.RFC3339))
		}
	}
	if w.err != nil {
		return p, false
	}
	scan := func() *wordScan {
		if scanned == nil {
			ws := scanWords(p.Text)
			scanned = &ws
		}
		return scanned
	}
	if topic != "" {
		p.Topic = w.normalizeTopic(topic)
	} else if t := inferTopicWords(scan()); t != "" {
		p.Topic, p.TopicInferred = t, true
	}
	if p.WardCode == "" {
		if ward, ok := w.p.gaz.findInWords(scan()); ok {
			p.WardCode, p.WardInferred = ward.Code, true
		}
	}
	// 0004: version is the snapshot time: the source's updated_at, else the ingest time.
	if !updated.IsZero() {
		p.Version = uint64(updated.UnixMilli())
	} else {
		p.Version = uint64(w.now.UnixMilli())
	}
	p.IngestedAt = w.ing
	p.Source = w.run.opts.Source
	return p, true
}

// str2048 reads a URL: http or https only (it becomes a link in the dashboard).
func (w *parseWorker) str2048(f int) string {
	if !w.present(f) {
		return ""
	}
	s, ok := w.scalar(f, "a string")
	if !ok {
		return ""
	}
	s = cleanString(s)
	if len(s) > MaxURLBytes {
		w.fail(f, "is longer than %d bytes", MaxURLBytes)
		return ""
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") || strings.ContainsAny(s, " \t\n") {
		w.fail(f, "must be an http or https URL")
		return ""
	}
	return s
}

// normalizeTopic maps an upstream topic that names a category ("Ngập nước", "Flooding",
// "ngap_nuoc") to its code, and keeps any other value as sent.
func (w *parseWorker) normalizeTopic(t string) string {
	if _, ok := w.p.parents[t]; ok {
		return t
	}
	key := wordKey(Fold(NormalizeText(t)))
	if code, ok := w.p.catNames[key]; ok {
		return code
	}
	if _, ok := w.p.parents[strings.ReplaceAll(key, " ", "_")]; ok {
		return strings.ReplaceAll(key, " ", "_")
	}
	return t
}

// ---- field tables ----

type fieldKind uint8

const (
	kString fieldKind = iota
	kText
	kEnum
	kTime
	kUint
	kFloat
	kBool
	kWard
)

// fieldSpec is one field of a stream's contract.
type fieldSpec struct {
	name     string
	kind     fieldKind
	required bool // must be given (petitions' due_at is filled, so it is not)
	personal bool // never stored raw; redacted from dead letters
}

type streamSpec struct {
	fields []fieldSpec
	byName map[string]int
}

func (s *streamSpec) index(name string) int {
	if i, ok := s.byName[name]; ok {
		return i
	}
	return -1
}

// Field indexes of each stream, in contract order (the order of first-error checks).
const (
	dID = iota
	dProcedureCode
	dProcedureName
	dField
	dUnitCode
	dUnitName
	dWardCode
	dChannel
	dOnlineLevel
	dStatus
	dReceivedAt
	dDueAt
	dCompletedAt
	dUpdatedAt
	dSupplementCount
	dSupplementPaused
	dFeeVND
	dPaidOnline
	dDigitized
	dEResult
	dSatisfaction
)

const (
	pID = iota
	pReceivedAt
	pChannel
	pCategory
	pSubcategory
	pWardCode
	pUnitCode
	pStatus
	pForwardedAt
	pDueAt
	pResolvedAt
	pUpdatedAt
	pSatisfaction
	pTitle
	pContent
	pLat
	pLon
	pCitizenPhone
	pCitizenName
	pReopenCount
)

const (
	sID = iota
	sPlatform
	sPublishedAt
	sUpdatedAt
	sAuthorID
	sText
	sURL
	sWardCode
	sTopic
	sLikes
	sShares
	sComments
	sSentiment
)

func newSpec(fields ...fieldSpec) *streamSpec {
	if len(fields) > maxFields {
		panic("pipeline: too many fields in a stream spec")
	}
	s := &streamSpec{fields: fields, byName: map[string]int{}}
	for i, f := range fields {
		s.byName[f.name] = i
	}
	return s
}

var streamSpecs = map[Stream]*streamSpec{
	StreamDossiers: newSpec(
		fieldSpec{name: "id", required: true},
		fieldSpec{name: "procedure_code", required: true},
		fieldSpec{name: "procedure_name", kind: kText},
		fieldSpec{name: "field"},
		fieldSpec{name: "unit_code", required: true},
		fieldSpec{name: "unit_name", kind: kText},
		fieldSpec{name: "ward_code", kind: kWard},
		fieldSpec{name: "channel", kind: kEnum, required: true},
		fieldSpec{name: "online_level", kind: kEnum},
		fieldSpec{name: "status", kind: kEnum, required: true},
		fieldSpec{name: "received_at", kind: kTime, required: true},
		fieldSpec{name: "due_at", kind: kTime, required: true},
		fieldSpec{name: "completed_at", kind: kTime},
		fieldSpec{name: "updated_at", kind: kTime, required: true},
		fieldSpec{name: "supplement_count", kind: kUint},
		fieldSpec{name: "supplement_paused_seconds", kind: kUint},
		fieldSpec{name: "fee_vnd", kind: kUint},
		fieldSpec{name: "paid_online", kind: kBool},
		fieldSpec{name: "digitized", kind: kBool},
		fieldSpec{name: "e_result", kind: kBool},
		fieldSpec{name: "satisfaction", kind: kEnum},
	),
	StreamPetitions: newSpec(
		fieldSpec{name: "id", required: true},
		fieldSpec{name: "received_at", kind: kTime, required: true},
		fieldSpec{name: "channel", kind: kEnum, required: true},
		fieldSpec{name: "category", required: true},
		fieldSpec{name: "subcategory"},
		fieldSpec{name: "ward_code", kind: kWard},
		fieldSpec{name: "unit_code"},
		fieldSpec{name: "status", kind: kEnum, required: true},
		fieldSpec{name: "forwarded_at", kind: kTime},
		fieldSpec{name: "due_at", kind: kTime},
		fieldSpec{name: "resolved_at", kind: kTime},
		fieldSpec{name: "updated_at", kind: kTime, required: true},
		fieldSpec{name: "satisfaction", kind: kEnum},
		fieldSpec{name: "title", kind: kText},
		fieldSpec{name: "content", kind: kText},
		fieldSpec{name: "lat", kind: kFloat},
		fieldSpec{name: "lon", kind: kFloat},
		fieldSpec{name: "citizen_phone", personal: true},
		fieldSpec{name: "citizen_name", personal: true},
		fieldSpec{name: "reopen_count", kind: kUint},
	),
	StreamPosts: newSpec(
		fieldSpec{name: "id", required: true},
		fieldSpec{name: "platform", kind: kEnum, required: true},
		fieldSpec{name: "published_at", kind: kTime, required: true},
		fieldSpec{name: "updated_at", kind: kTime},
		fieldSpec{name: "author_id", personal: true},
		fieldSpec{name: "text", kind: kText, required: true},
		fieldSpec{name: "url"},
		fieldSpec{name: "ward_code", kind: kWard},
		fieldSpec{name: "topic"},
		fieldSpec{name: "likes", kind: kUint},
		fieldSpec{name: "shares", kind: kUint},
		fieldSpec{name: "comments", kind: kUint},
		fieldSpec{name: "sentiment", kind: kFloat},
	),
}

// StreamFields returns the ingest field names of a stream in contract order (nil for an unknown
// stream): what a CSV header or a mapping's columns may name.
func StreamFields(s Stream) []string {
	spec, ok := streamSpecs[s]
	if !ok {
		return nil
	}
	out := make([]string, len(spec.fields))
	for i, f := range spec.fields {
		out[i] = f.name
	}
	return out
}

func enumNames[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var (
	dossierChannelNames       = enumNames(models.DossierChannels())
	onlineLevelNames          = enumNames(models.OnlineLevels())
	dossierStatusNames        = enumNames(models.DossierStatuses())
	dossierSatisfactionNames  = enumNames(models.DossierSatisfactions())
	petitionChannelNames      = enumNames(models.PetitionChannels())
	petitionStatusNames       = enumNames(models.PetitionStatuses())
	petitionSatisfactionNames = enumNames(models.PetitionSatisfactions())
	platformNames             = enumNames(models.Platforms())
)

// ---- JSON ----

// jsonDecoder reads one flat JSON object: scalar values are kept as text, nested objects and
// arrays are checked and kept as their kind only (no field of the contract holds one). It is
// stricter than needed nowhere and looser nowhere: what encoding/json rejects, it rejects.
type jsonDecoder struct {
	s string
	i int
}

const maxJSONDepth = 64

func (d *jsonDecoder) errf(format string, args ...any) string {
	return fmt.Sprintf("invalid JSON at byte %d: ", d.i+1) + fmt.Sprintf(format, args...)
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// object decodes the top-level object, calling set for each member (a repeated key: the last one
// wins, as with encoding/json). It returns "" or a message.
func (d *jsonDecoder) object(set func(key string, v rawVal)) string {
	d.space()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		if d.i < len(d.s) && d.s[d.i] == '[' {
			return d.errf("a line must hold one object, not an array")
		}
		return d.errf("a line must hold one JSON object")
	}
	d.i++
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return d.end()
	}
	for {
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return d.errf("expected a quoted key")
		}
		key, msg := d.str()
		if msg != "" {
			return msg
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return d.errf("expected ':' after key %s", quoteValue(key))
		}
		d.i++
		d.space()
		v, msg := d.value(1)
		if msg != "" {
			return msg
		}
		set(key, v)
		d.space()
		if d.i >= len(d.s) {
			return d.errf("unexpected end of line inside the object")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			continue
		case '}':
			d.i++
			return d.end()
		}
		return d.errf("expected ',' or '}'")
	}
}

func (d *jsonDecoder) end() string {
	d.space()
	if d.i != len(d.s) {
		return d.errf("unexpected data after the object")
	}
	return ""
}

// value reads one value at depth.
func (d *jsonDecoder) value(depth int) (rawVal, string) {
	if d.i >= len(d.s) {
		return rawVal{}, d.errf("expected a value")
	}
	lo := d.i
	switch c := d.s[d.i]; {
	case c == '"':
		s, msg := d.str()
		return rawVal{s: s, kind: jString, lo: int32(lo), hi: int32(d.i)}, msg
	case c == '{' || c == '[':
		if msg := d.skip(depth); msg != "" {
			return rawVal{}, msg
		}
		k := jObject
		if c == '[' {
			k = jArray
		}
		return rawVal{s: d.s[lo:d.i], kind: k, lo: int32(lo), hi: int32(d.i)}, ""
	case c == 't':
		return d.literal("true", jBool)
	case c == 'f':
		return d.literal("false", jBool)
	case c == 'n':
		return d.literal("null", jNull)
	case c == '-' || isASCIIDigit(c):
		if msg := d.number(); msg != "" {
			return rawVal{}, msg
		}
		return rawVal{s: d.s[lo:d.i], kind: jNumber, lo: int32(lo), hi: int32(d.i)}, ""
	}
	return rawVal{}, d.errf("unexpected character %q", d.s[d.i])
}

func (d *jsonDecoder) literal(word string, k jsonKind) (rawVal, string) {
	if !strings.HasPrefix(d.s[d.i:], word) {
		return rawVal{}, d.errf("unknown literal (want %s)", word)
	}
	lo := d.i
	d.i += len(word)
	return rawVal{s: word, kind: k, lo: int32(lo), hi: int32(d.i)}, ""
}

// number checks the JSON number grammar.
func (d *jsonDecoder) number() string {
	s := d.s
	if s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(s) && s[d.i] == '0':
		d.i++
	case d.i < len(s) && s[d.i] >= '1' && s[d.i] <= '9':
		for d.i < len(s) && isASCIIDigit(s[d.i]) {
			d.i++
		}
	default:
		return d.errf("invalid number")
	}
	if d.i < len(s) && s[d.i] == '.' {
		d.i++
		if d.i >= len(s) || !isASCIIDigit(s[d.i]) {
			return d.errf("invalid number")
		}
		for d.i < len(s) && isASCIIDigit(s[d.i]) {
			d.i++
		}
	}
	if d.i < len(s) && (s[d.i] == 'e' || s[d.i] == 'E') {
		d.i++
		if d.i < len(s) && (s[d.i] == '+' || s[d.i] == '-') {
			d.i++
		}
		if d.i >= len(s) || !isASCIIDigit(s[d.i]) {
			return d.errf("invalid number")
		}
		for d.i < len(s) && isASCIIDigit(s[d.i]) {
			d.i++
		}
	}
	return ""
}

// str reads a string starting at its opening quote; strings without escapes are slices of the
// line.
func (d *jsonDecoder) str() (string, string) {
	d.i++ // opening quote
	start := d.i
	s := d.s
	for d.i < len(s) {
		c := s[d.i]
		switch {
		case c == '"':
			out := s[start:d.i]
			d.i++
			return out, ""
		case c == '\\':
			return d.strSlow(start)
		case c < 0x20:
			return "", d.errf("control character in a string (escape it)")
		}
		d.i++
	}
	return "", d.errf("unterminated string")
}

// strSlow decodes a string with escapes from start (just after the opening quote).
func (d *jsonDecoder) strSlow(start int) (string, string) {
	s := d.s
	b := make([]byte, 0, d.i-start+16)
	b = append(b, s[start:d.i]...)
	for d.i < len(s) {
		c := s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), ""
		case c < 0x20:
			return "", d.errf("control character in a string (escape it)")
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(s) {
			break
		}
		e := s[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errf("invalid \\u escape")
			}
			if r >= 0xD800 && r < 0xDC00 {
				// A high surrogate wants a low one next; alone it is U+FFFD, as in encoding/json.
				if strings.HasPrefix(s[d.i:], `\u`) {
					save := d.i
					d.i += 2
					r2, ok2 := d.hex4()
					if ok2 && r2 >= 0xDC00 && r2 < 0xE000 {
						r = (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000
					} else {
						d.i = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default:
			d.i -= 2 // point at the backslash
			return "", d.errf("invalid escape \\%c", e)
		}
	}
	return "", d.errf("unterminated string")
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for k := range 4 {
		c := d.s[d.i+k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// skip checks and passes a nested object or array.
func (d *jsonDecoder) skip(depth int) string {
	if depth > maxJSONDepth {
		return d.errf("nested more than %d levels deep", maxJSONDepth)
	}
	open := d.s[d.i]
	d.i++
	d.space()
	closer := byte('}')
	if open == '[' {
		closer = ']'
	}
	if d.i < len(d.s) && d.s[d.i] == closer {
		d.i++
		return ""
	}
	for {
		d.space()
		if open == '{' {
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				return d.errf("expected a quoted key")
			}
			if _, msg := d.str(); msg != "" {
				return msg
			}
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return d.errf("expected ':'")
			}
			d.i++
			d.space()
		}
		if _, msg := d.value(depth + 1); msg != "" {
			return msg
		}
		d.space()
		if d.i >= len(d.s) {
			return d.errf("unexpected end of line inside a nested value")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			continue
		case closer:
			d.i++
			return ""
		}
		return d.errf("expected ',' or %q", closer)
	}
}
