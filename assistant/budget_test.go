package assistant

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// failTransport fails every request: the tokenizer must load without the network.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("network request to %s", r.URL)
	return nil, errors.New("no network in tests")
}

func TestBudgetOffline(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = failTransport{t}
	t.Cleanup(func() { http.DefaultTransport = old })
	encodings.Clear()
	tests := []struct {
		model, enc string
		window     int
	}{
		{"gpt-4o-mini", "o200k_base", 128000},
		{"gpt-4", "cl100k_base", 8192},
		{"qwen2.5:7b-instruct", "cl100k_base", 32768},
		{"some-local-model", "cl100k_base", 8192},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			b, err := NewBudget(tt.model, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if b.Encoding != tt.enc || b.Window != tt.window {
				t.Errorf("encoding, window = %s, %d; want %s, %d", b.Encoding, b.Window, tt.enc, tt.window)
			}
			// "hello world" is two tokens in both encodings.
			if n := b.Count("hello world"); n != 2 {
				t.Errorf("Count(hello world) = %d, want 2", n)
			}
			if n := b.Count("Tỷ lệ hồ sơ đúng hạn"); n < 6 {
				t.Errorf("Count(Vietnamese) = %d: implausibly few tokens", n)
			}
		})
	}
}

func TestBudgetFit(t *testing.T) {
	b, err := NewBudget("gpt-4", 200, 100)
	if err != nil {
		t.Fatal(err)
	}
	word := func(n int) string { return strings.Repeat(" hello", n) } // n tokens
	parts := []Part{
		{Name: "system", Text: word(30), Required: true},   // 34
		{Name: "example1", Text: word(30), Priority: 2},    // 34
		{Name: "example2", Text: word(30), Priority: 3},    // 34: does not fit after example1
		{Name: "question", Text: word(10), Required: true}, // 14
		{Name: "hint", Text: word(10), Priority: 1},        // 14
	}
	kept, total, err := b.Fit(parts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range kept {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "system,example1,question,hint" {
		t.Errorf("kept %s, want system,example1,question,hint", got)
	}
	if total != 96 {
		t.Errorf("total = %d, want 96", total)
	}
	if _, _, err := b.Fit([]Part{{Text: word(120), Required: true}}); !errors.Is(err, ErrBudgetExceeded) {
		t.Errorf("oversized required part: err = %v, want ErrBudgetExceeded", err)
	}
	if _, err := NewBudget("gpt-4", 100, 100); err == nil {
		t.Error("reply reserve as large as the window was accepted")
	}
}
