package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/govpulse/govpulse/pipeline"
)

// maxSentimentLineBytes is the longest text `govpulse sentiment` scores; a longer line gets an
// error line and the next line is read normally.
const maxSentimentLineBytes = 1 << 20

// sentimentResult is one output line: the contract of DESIGN.md §4 is exactly
// {"label":"negative|neutral|positive","score":-1..1}, score rounded to 4 decimals.
type sentimentResult struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// sentimentError replaces a result for a line that could not be scored, so that output line N
// still answers input line N.
type sentimentError struct {
	Error string `json:"error"`
}

// runSentiment reads one text per line on stdin and writes one JSON line per text on stdout.
// Empty lines are scored too (neutral, 0). A line that is not UTF-8 or is longer than 1 MiB
// gives {"error":"line N: …"} and the command goes on.
func runSentiment(ctx context.Context, env *Env, _ Config) error {
	in := bufio.NewReaderSize(env.Stdin, 64<<10)
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, out.Flush())
		}
		if in.Buffered() == 0 {
			// About to block on input: show what is done so far (interactive use, pipes).
			if err := out.Flush(); err != nil {
				return fmt.Errorf("sentiment: write: %w", err)
			}
		}
		line, tooLong, err := readSentimentLine(in, maxSentimentLineBytes)
		if errors.Is(err, io.EOF) && line == nil && !tooLong {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return errors.Join(fmt.Errorf("sentiment: read line %d: %w", n, err), out.Flush())
		}
		var v any
		switch {
		case tooLong:
			v = sentimentError{fmt.Sprintf("line %d: longer than %d bytes", n, maxSentimentLineBytes)}
		case !utf8.Valid(line):
			v = sentimentError{fmt.Sprintf("line %d: invalid UTF-8", n)}
		default:
			s := pipeline.ScoreSentiment(string(line))
			v = sentimentResult{Label: s.Label, Score: roundScore(s.Score)}
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("sentiment: write line %d: %w", n, err)
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("sentiment: write: %w", err)
	}
	return nil
}

// readSentimentLine reads one line without its "\n" or "\r\n". A line longer than limit is
// consumed to its end and reported as tooLong (its text is dropped). At the end of the input
// it returns the last unterminated line with io.EOF, or nil and io.EOF when there is none.
func readSentimentLine(r *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	var buf []byte
	seen := false
	for {
		chunk, err := r.ReadSlice('\n')
		seen = seen || len(chunk) > 0
		if !tooLong {
			if len(buf)+len(chunk) > limit+2 { // +2 leaves room for the "\r\n" trimmed below
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && !seen:
			return nil, false, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, err
		}
		line = trimEOL(buf)
		if tooLong || len(line) > limit {
			return nil, true, err
		}
		return line, false, err
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if b == nil {
		b = []byte{}
	}
	return b
}

// roundScore rounds to 4 decimals and never writes "-0".
func roundScore(s float64) float64 {
	r := math.Round(s*1e4) / 1e4
	if r == 0 || math.IsNaN(r) {
		return 0
	}
	return r
}
