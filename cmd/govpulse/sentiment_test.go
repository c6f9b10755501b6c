package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

func runSentimentOn(t *testing.T, in string) []string {
	t.Helper()
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(in), Stdout: &out, Stderr: io.Discard, Getenv: envOf(nil)}
	if err := runSentiment(context.Background(), env, defaults()); err != nil {
		t.Fatalf("runSentiment: %v", err)
	}
	s := strings.TrimSuffix(out.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestSentimentCommand(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // label, or "error" for an error line
	}{
		{"empty input", "", nil},
		{"one line per text", "Cán bộ rất tận tình, cảm ơn!\nĐường ngập quá 😡\nUBND phường thông báo lịch tiếp dân.\n",
			[]string{"positive", "negative", "neutral"}},
		{"no final newline", "duong ngap qua", []string{"negative"}},
		{"blank lines answer too", "\n\ntốt\n", []string{"neutral", "neutral", "positive"}},
		{"crlf", "tệ quá\r\ntốt quá\r\n", []string{"negative", "positive"}},
		{"invalid utf-8 goes on", "tốt\n\xff\xfe ngập\nkẹt xe\n", []string{"positive", "error", "negative"}},
		{"too long goes on", "tốt\n" + strings.Repeat("ngập ", maxSentimentLineBytes/5+1) + "\nkẹt xe", []string{"positive", "error", "negative"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines := runSentimentOn(t, tc.in)
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d lines %q, want %d", len(lines), lines, len(tc.want))
			}
			for i, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("line %d %q: %v", i+1, l, err)
				}
				if tc.want[i] == "error" {
					if _, ok := m["error"].(string); !ok || len(m) != 1 {
						t.Errorf("line %d = %s, want only an error field", i+1, l)
					}
					continue
				}
				if len(m) != 2 || m["label"] != tc.want[i] {
					t.Errorf("line %d = %s, want label %q and score only", i+1, l, tc.want[i])
				}
				score, ok := m["score"].(float64)
				if !ok || score < -1 || score > 1 || math.Abs(math.Round(score*1e4)-score*1e4) > 1e-6 {
					t.Errorf("line %d = %s: want a score in [-1, 1] with at most 4 decimals", i+1, l)
				}
			}
		})
	}
}

// TestSentimentCommandShape pins the exact output contract (DESIGN.md §4).
func TestSentimentCommandShape(t *testing.T) {
	lines := runSentimentOn(t, "\nkhông hài lòng\n")
	if lines[0] != `{"label":"neutral","score":0}` {
		t.Errorf("empty text gave %s", lines[0])
	}
	if !strings.HasPrefix(lines[1], `{"label":"negative","score":-0.`) || !strings.HasSuffix(lines[1], "}") {
		t.Errorf("got %s, want {\"label\":\"negative\",\"score\":-0.…}", lines[1])
	}
}

func TestSentimentCommandCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := &Env{Stdin: strings.NewReader("tốt\n"), Stdout: io.Discard, Stderr: io.Discard, Getenv: envOf(nil)}
	if err := runSentiment(ctx, env, defaults()); !errors.Is(err, context.Canceled) {
		t.Errorf("runSentiment with a cancelled context = %v, want context.Canceled", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestSentimentCommandReadError(t *testing.T) {
	env := &Env{Stdin: failingReader{}, Stdout: io.Discard, Stderr: io.Discard, Getenv: envOf(nil)}
	if err := runSentiment(context.Background(), env, defaults()); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("runSentiment = %v, want the read error", err)
	}
}

func TestRoundScore(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0, 0}, {-0.00001, 0}, {0.123456, 0.1235}, {-0.99999, -1}, {1, 1}, {math.NaN(), 0},
	}
	for _, tc := range tests {
		got := roundScore(tc.in)
		if got != tc.want || math.Signbit(got) != math.Signbit(tc.want) {
			t.Errorf("roundScore(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
