package assistant

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pkoukk/tiktoken-go"
	tiktokenloader "github.com/pkoukk/tiktoken-go-loader"
)

// The BPE files come embedded in tiktoken-go-loader: counting tokens never touches the network
// (tiktoken-go's default loader downloads them).
func init() { tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader()) }

// ErrBudgetExceeded reports that the parts a call cannot do without do not fit the model's
// window.
var ErrBudgetExceeded = errors.New("assistant: prompt does not fit the model's context window")

// Budget counts tokens the way the model does and trims context to its window. Safe for
// concurrent use.
type Budget struct {
	Model    string
	Encoding string // tiktoken encoding name
	Window   int    // the model's context window, tokens
	Reply    int    // tokens kept free for the reply
	enc      *tiktoken.Tiktoken
}

var encodings sync.Map // encoding name -> *tiktoken.Tiktoken

// NewBudget returns the budget of model: its tiktoken encoding (o200k_base for the gpt-4o/o1
// families, cl100k_base for other and unknown models, which are mostly Llama-, Qwen- or
// Mistral-like and count within a few percent of it), and window tokens (0: a default by model
// name) of which reply are kept for the answer (0: 1024).
func NewBudget(model string, window, reply int) (*Budget, error) {
	name := encodingName(model)
	enc, err := encoding(name)
	if err != nil {
		return nil, err
	}
	if window <= 0 {
		window = defaultWindow(model)
	}
	if reply <= 0 {
		reply = 1024
	}
	if reply >= window {
		return nil, fmt.Errorf("assistant: reply reserve %d tokens does not fit a window of %d", reply, window)
	}
	return &Budget{Model: model, Encoding: name, Window: window, Reply: reply, enc: enc}, nil
}

// encodingName is the tiktoken encoding of model: o200k_base for OpenAI's gpt-4o, gpt-4.1, o-series
// and gpt-5 families, cl100k_base for everything else.
func encodingName(model string) string {
	m := strings.ToLower(model)
	for _, p := range []string{"gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4", "chatgpt-4o"} {
		if strings.HasPrefix(m, p) {
			return "o200k_base"
		}
	}
	return "cl100k_base"
}

func encoding(name string) (*tiktoken.Tiktoken, error) {
	if e, ok := encodings.Load(name); ok {
		return e.(*tiktoken.Tiktoken), nil
	}
	e, err := tiktoken.GetEncoding(name)
	if err != nil {
		return nil, fmt.Errorf("assistant: tokenizer %s: %w", name, err)
	}
	encodings.Store(name, e)
	return e, nil
}

// defaultWindow is a conservative context window for well-known model families; unknown
// (local) models get 8192, which GOVPULSE_LLM_CONTEXT_WINDOW overrides.
func defaultWindow(model string) int {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "gpt-4o"), strings.Contains(m, "gpt-4.1"), strings.Contains(m, "gpt-4-turbo"), strings.HasPrefix(m, "o1"), strings.HasPrefix(m, "o3"), strings.HasPrefix(m, "gpt-5"):
		return 128000
	case strings.Contains(m, "gpt-3.5"):
		return 16385
	case strings.Contains(m, "gpt-4"):
		return 8192
	case strings.Contains(m, "qwen2.5"), strings.Contains(m, "llama3.1"), strings.Contains(m, "llama-3.1"):
		return 32768
	}
	return 8192
}

// Count returns the tokens of s.
func (b *Budget) Count(s string) int { return len(b.enc.EncodeOrdinary(s)) }

// perMessage is the framing the chat format adds to every message (role and separators).
const perMessage = 4

// Part is one piece of a prompt: a message's text, or a block of context that may be dropped.
// Parts with a lower Priority number are kept first; Required parts are never dropped.
type Part struct {
	Name     string
	Text     string
	Priority int
	Required bool
	tokens   int
}

// Fit keeps the parts that fit Window-Reply tokens: every required part, then optional parts by
// priority (ties in the given order). It returns the kept parts in their original order and
// their token count, or ErrBudgetExceeded when the required parts alone are too long.
func (b *Budget) Fit(parts []Part) ([]Part, int, error) {
	limit := b.Window - b.Reply
	total := 0
	idx := make([]int, 0, len(parts))
	for i := range parts {
		parts[i].tokens = b.Count(parts[i].Text) + perMessage
		if parts[i].Required {
			total += parts[i].tokens
		} else {
			idx = append(idx, i)
		}
	}
	if total > limit {
		return nil, total, fmt.Errorf("%w: %d tokens required, %d available", ErrBudgetExceeded, total, limit)
	}
	sort.SliceStable(idx, func(a, c int) bool { return parts[idx[a]].Priority < parts[idx[c]].Priority })
	keep := make([]bool, len(parts))
	for i := range parts {
		keep[i] = parts[i].Required
	}
	for _, i := range idx {
		if total+parts[i].tokens <= limit {
			keep[i] = true
			total += parts[i].tokens
		}
	}
	out := make([]Part, 0, len(parts))
	for i, p := range parts {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out, total, nil
}
