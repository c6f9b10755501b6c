package pipeline

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Sentiment labels, as stored in posts and written by `govpulse sentiment`.
const (
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
	SentimentPositive = "positive"
)

// Sentiment is the opinion a text expresses about the city and its services.
type Sentiment struct {
	// Label is SentimentNegative, SentimentNeutral or SentimentPositive.
	Label string
	// Score is in [-1, 1]: below zero negative, above zero positive, 0 for no opinion found.
	Score float64
}

// SentimentOptions tunes a SentimentScorer. The zero value means the documented defaults.
type SentimentOptions struct {
	// PositiveThreshold: a score ≥ it is labelled positive. Zero means 0.2.
	PositiveThreshold float64
	// NegativeThreshold: a score ≤ −it is labelled negative. Zero means 0.2.
	NegativeThreshold float64
	// Alpha is the squashing constant of score = x / √(x² + Alpha), where x is the weighted sum
	// of the opinion phrases found (lexicon weights run from about −3 to +3; one clear phrase of
	// weight 1.5 with the default gives 0.6). Zero means 2.25.
	Alpha float64
}

// Defaults of SentimentOptions.
const (
	DefaultSentimentThreshold = 0.2
	DefaultSentimentAlpha     = 2.25
)

func (o SentimentOptions) withDefaults() SentimentOptions {
	if o.PositiveThreshold <= 0 {
		o.PositiveThreshold = DefaultSentimentThreshold
	}
	if o.NegativeThreshold <= 0 {
		o.NegativeThreshold = DefaultSentimentThreshold
	}
	if o.Alpha <= 0 {
		o.Alpha = DefaultSentimentAlpha
	}
	return o
}

// SentimentScorer scores Vietnamese posts, comments and petitions with govpulse's own lexicon
// (sentiment_lexicon.txt) and a few rules: negation, intensifiers and diminishers, contrast
// ("nhưng"), requests and questions, text without diacritics, teencode, emoji and textEmoticons,
// exclamation marks and stretched words. It is read-only after construction and safe for
// concurrent use.
type SentimentScorer struct {
	lex  *sentLexicon
	opts SentimentOptions
}

// NewSentimentScorer returns a scorer with the built-in lexicon and opts (zero fields take the
// defaults).
func NewSentimentScorer(opts SentimentOptions) *SentimentScorer {
	return &SentimentScorer{lex: defaultSentLexicon(), opts: opts.withDefaults()}
}

var defaultSentimentScorer = sync.OnceValue(func() *SentimentScorer { return NewSentimentScorer(SentimentOptions{}) })

// ScoreSentiment scores text with the default options: the pipeline's entry point for posts
// and petitions that arrive without an upstream score. Empty text, or text with no opinion
// phrase, is neutral with score 0. Safe for concurrent use.
func ScoreSentiment(text string) Sentiment {
	return defaultSentimentScorer().Score(text)
}

// Label maps a score to its label with the scorer's thresholds.
func (s *SentimentScorer) Label(score float64) string {
	switch {
	case score >= s.opts.PositiveThreshold:
		return SentimentPositive
	case score <= -s.opts.NegativeThreshold:
		return SentimentNegative
	}
	return SentimentNeutral
}

// Score scores one text (a post, a comment, a petition's title and content).
func (s *SentimentScorer) Score(text string) Sentiment {
	x := s.lex.sum(text)
	if x == 0 || math.IsNaN(x) {
		return Sentiment{Label: SentimentNeutral}
	}
	if math.IsInf(x, 0) {
		x = math.Copysign(1e6, x)
	}
	score := x / math.Sqrt(x*x+s.opts.Alpha)
	score = math.Max(-1, math.Min(1, score))
	return Sentiment{Label: s.Label(score), Score: score}
}

// Rule constants. They are part of the method, not configuration: change them with the tests.
const (
	sentNegWindow      = 3    // words after a negator that it can reach
	sentIntensWindow   = 2    // words after an intensifier or diminisher that it can reach
	sentNegPosFloor    = 0.9  // a negated positive phrase weighs at least this much against
	sentNegNegFlip     = 0.5  // "không tệ": a negated negative turns mildly positive
	sentStrongNegFlip  = 0.8  // "chưa bao giờ thất vọng"
	sentReducerFlip    = 0.8  // "không còn ngập", "hết kẹt xe": the problem went away
	sentReducerPosFlip = 0.7  // "bớt nhiệt tình"
	sentContrastBefore = 0.5  // what is said before "nhưng" counts half
	sentConcessive     = 0.5  // a "tuy"/"mặc dù" clause counts half
	sentIrrealisPos    = 0.25 // a positive word inside a request ("đề nghị sớm xử lý") counts a quarter
	sentQuestionPos    = 0.15 // positive words in a question ("có nhanh không?", "chỗ nào làm nhanh?")
	sentQuestionNeg    = 0.8  // negative words in a question ("bao giờ mới hết ngập?") count nearly full
	sentInquiryNeg     = 0.5  // negative words after "cho hỏi" ("bị mất căn cước thì làm ở đâu")
	sentForecast       = 0.4  // a "dự báo"/"dự kiến" clause
	sentHeadline       = 0.4  // a text that opens with "Thông báo", "Bản tin", "Lịch" …
	sentStretched      = 1.3  // "chậmmmm", "quáaaa"
	sentExclamation    = 0.1  // each '!' (up to three) adds 10% to the whole
	sentInability      = -1.0 // "không vào được", "chưa làm được": a negated "được" after a verb
	sentNPI            = -0.8 // "không hướng dẫn gì cả": an emphasised negation with no opinion word
	sentAdverse        = -0.5 // "bị trừ tiền", "bị đào lên": the passive of misfortune
	sentAdverseWindow  = 2    // words after "bị" in which an opinion takes over its weight
)

// sentNegKind is the kind of negation a word starts.
type sentNegKind uint8

const (
	sentNegNone    sentNegKind = iota
	sentNegNormal              // không, chẳng, chưa, ko, k …
	sentNegStrong              // không hề, chưa bao giờ …
	sentNegReducer             // không còn, hết, bớt, đỡ, giảm …: the problem went away
)

// sentRole is what a word does to its clause.
type sentRole uint8

const (
	sentRoleNone       sentRole = iota
	sentRoleContrast            // nhưng, tuy nhiên: what came before counts less
	sentRoleConcessive          // tuy, mặc dù: this clause counts less
	sentRoleIrrealis            // đề nghị, mong, nên: positive words are wishes, not facts
	sentRoleQuestion            // bao nhiêu, có phải, ở đâu: a question
	sentRoleInquiry             // cho hỏi, ai biết: the text asks for information from here on
	sentRoleForecast            // dự báo, dự kiến: a clause about the future, not an opinion
	sentRoleHeadline            // thông báo, bản tin, lịch (first word only): an announcement
)

// sentRule is what one phrase of the index does. Lexicon lines give weight only; the modifiers
// below give the rest.
type sentRule struct {
	weight    float64     // opinion weight (0: none; a phrase with nothing else blocks shorter matches)
	neg       sentNegKind // negation started for the next words
	postNeg   bool        // negates the opinion just before ("có nhanh đâu")
	pre       float64     // multiplier for the next opinion (0: none)
	post      float64     // multiplier for the opinion just before (0: none); used instead of weight
	role      sentRole    // effect on the clause
	npi       bool        // "chút nào", "gì cả": emphasises a negation, before or after it
	adverse   bool        // "bị": an adverse passive, mildly negative unless an opinion follows
	exactOnly bool        // never matched from text without diacritics (too ambiguous folded)
}

// sentModifiers are the rule words. Weight here is the word's own opinion when no other role
// applies ("kinh khủng" alone is negative; after an opinion it intensifies it).
var sentModifiers = []struct {
	phrase string
	rule   sentRule
}{
	// Negators.
	{"không", sentRule{neg: sentNegNormal}},
	{"chẳng", sentRule{neg: sentNegNormal}},
	{"chả", sentRule{neg: sentNegNormal, exactOnly: true}},
	{"chưa", sentRule{neg: sentNegNormal}},
	{"chưa từng", sentRule{neg: sentNegNormal}},
	{"đâu có", sentRule{neg: sentNegNormal}},
	{"có đâu", sentRule{neg: sentNegNormal}},
	{"không phải", sentRule{neg: sentNegNormal}},
	{"chẳng phải", sentRule{neg: sentNegNormal}},
	{"không thể", sentRule{neg: sentNegNormal}},
	{"không được", sentRule{neg: sentNegNormal}},
	{"không có", sentRule{neg: sentNegNormal}},
	{"không ai", sentRule{neg: sentNegNormal, weight: -0.3}},
	{"chẳng ai", sentRule{neg: sentNegNormal, weight: -0.3}},
	{"chả ai", sentRule{neg: sentNegNormal, weight: -0.3}},
	{"chưa ai", sentRule{neg: sentNegNormal, weight: -0.3}},
	{"thiếu", sentRule{neg: sentNegNormal, weight: -0.5}},
	{"kém", sentRule{neg: sentNegNormal, weight: -1.5}},
	{"không hề", sentRule{neg: sentNegStrong}},
	{"chẳng hề", sentRule{neg: sentNegStrong}},
	{"chả hề", sentRule{neg: sentNegStrong}},
	{"chưa hề", sentRule{neg: sentNegStrong}},
	{"chưa bao giờ", sentRule{neg: sentNegStrong}},
	{"không bao giờ", sentRule{neg: sentNegStrong}},
	{"chẳng bao giờ", sentRule{neg: sentNegStrong}},
	{"không còn", sentRule{neg: sentNegReducer}},
	{"chẳng còn", sentRule{neg: sentNegReducer}},
	{"hết", sentRule{neg: sentNegReducer, post: 1.2}},
	{"hết hẳn", sentRule{neg: sentNegReducer}},
	{"đã hết", sentRule{neg: sentNegReducer}},
	{"bớt", sentRule{neg: sentNegReducer}},
	{"đỡ", sentRule{neg: sentNegReducer}},
	{"giảm", sentRule{neg: sentNegReducer}},
	{"giảm bớt", sentRule{neg: sentNegReducer}},
	{"giảm thiểu", sentRule{neg: sentNegReducer}},
	{"hạn chế", sentRule{neg: sentNegReducer}},
	{"chấm dứt", sentRule{neg: sentNegReducer}},
	{"xóa", sentRule{neg: sentNegReducer}},
	{"xoá", sentRule{neg: sentNegReducer}},
	{"đâu", sentRule{postNeg: true}},
	{"khỏi", sentRule{neg: sentNegReducer}},
	{"khỏi phải", sentRule{neg: sentNegReducer}},
	{"chút nào", sentRule{post: 1.5, npi: true}},
	{"gì cả", sentRule{post: 1.3, npi: true}},
	{"gì hết", sentRule{post: 1.3, npi: true}},
	{"nào cả", sentRule{post: 1.3, npi: true}},
	{"bị", sentRule{adverse: true}},
	// Intensifiers (before and/or after the opinion).
	{"rất", sentRule{pre: 1.5}},
	{"rất là", sentRule{pre: 1.5}},
	{"quá", sentRule{pre: 1.5, post: 1.5}},
	{"quá là", sentRule{pre: 1.5}},
	{"quá trời", sentRule{pre: 1.6, post: 1.6}},
	{"quá xá", sentRule{post: 1.6}},
	{"quá chừng", sentRule{post: 1.6}},
	{"lắm", sentRule{post: 1.4}},
	{"lắm luôn", sentRule{post: 1.5}},
	{"cực", sentRule{pre: 1.6, exactOnly: true}},
	{"cực kỳ", sentRule{pre: 1.8, post: 1.8}},
	{"cực kì", sentRule{pre: 1.8, post: 1.8}},
	{"vô cùng", sentRule{pre: 1.8, post: 1.8}},
	{"thật sự", sentRule{pre: 1.4}},
	{"thực sự", sentRule{pre: 1.4}},
	{"thật", sentRule{pre: 1.3, post: 1.3}},
	{"thiệt", sentRule{pre: 1.3, post: 1.3, exactOnly: true}},
	{"siêu", sentRule{pre: 1.6}},
	{"hết sức", sentRule{pre: 1.6}},
	{"hơi bị", sentRule{pre: 1.4}},
	{"đặc biệt", sentRule{pre: 1.3}},
	{"cực độ", sentRule{post: 1.8}},
	{"tột độ", sentRule{post: 1.8}},
	{"kinh khủng", sentRule{post: 1.6, weight: -2}},
	{"khủng khiếp", sentRule{post: 1.6, weight: -2.2}},
	{"dã man", sentRule{post: 1.5, weight: -1.5}},
	{"ghê", sentRule{pre: 1.3, post: 1.3, weight: -0.5}},
	{"ghê gớm", sentRule{post: 1.5, weight: -1}},
	{"vl", sentRule{post: 1.5, weight: -1}},
	{"vcl", sentRule{post: 1.5, weight: -1.2}},
	{"vkl", sentRule{post: 1.5, weight: -1.2}},
	{"vãi", sentRule{post: 1.5, weight: -0.8}},
	{"dữ", sentRule{post: 1.3}},
	{"dữ lắm", sentRule{post: 1.5}},
	{"hoài", sentRule{post: 1.3}},
	{"mãi", sentRule{post: 1.3, weight: -0.4}},
	{"nhất", sentRule{post: 1.4}},
	{"ngày càng", sentRule{pre: 1.3}},
	{"càng ngày càng", sentRule{pre: 1.4}},
	{"thường xuyên", sentRule{pre: 1.3, post: 1.3}},
	{"liên tục", sentRule{pre: 1.2, post: 1.2}},
	{"luôn", sentRule{pre: 1.1, post: 1.1}},
	{"tuyệt đối", sentRule{pre: 1.3}},
	{"nghiêm trọng", sentRule{post: 1.4, weight: -1.5}},
	// Diminishers.
	{"hơi", sentRule{pre: 0.6}},
	{"hơi hơi", sentRule{pre: 0.5}},
	{"khá", sentRule{pre: 0.8}},
	{"tạm", sentRule{pre: 0.6, exactOnly: true}},
	{"tương đối", sentRule{pre: 0.7}},
	{"có vẻ", sentRule{pre: 0.8}},
	{"cũng", sentRule{pre: 0.85}},
	{"một chút", sentRule{pre: 0.7, post: 0.7}},
	{"chút", sentRule{pre: 0.7, post: 0.7}},
	{"một ít", sentRule{post: 0.7}},
	// Contrast and concession.
	{"nhưng", sentRule{role: sentRoleContrast}},
	{"nhưng mà", sentRule{role: sentRoleContrast}},
	{"tuy nhiên", sentRule{role: sentRoleContrast}},
	{"song", sentRule{role: sentRoleContrast, exactOnly: true}},
	{"có điều", sentRule{role: sentRoleContrast}},
	{"chỉ tiếc", sentRule{role: sentRoleContrast, weight: -0.8}},
	{"tuy", sentRule{role: sentRoleConcessive}},
	{"tuy là", sentRule{role: sentRoleConcessive}},
	{"tuy rằng", sentRule{role: sentRoleConcessive}},
	{"mặc dù", sentRule{role: sentRoleConcessive}},
	{"dù", sentRule{role: sentRoleConcessive, exactOnly: true}},
	{"dù rằng", sentRule{role: sentRoleConcessive}},
	{"dẫu", sentRule{role: sentRoleConcessive}},
	// Requests, wishes and conditions: a positive word in them is not a fact.
	{"đề nghị", sentRule{role: sentRoleIrrealis}},
	{"kiến nghị", sentRule{role: sentRoleIrrealis}},
	{"yêu cầu", sentRule{role: sentRoleIrrealis}},
	{"mong", sentRule{role: sentRoleIrrealis}},
	{"mong muốn", sentRule{role: sentRoleIrrealis}},
	{"rất mong", sentRule{role: sentRoleIrrealis}},
	{"hy vọng", sentRule{role: sentRoleIrrealis}},
	{"hi vọng", sentRule{role: sentRoleIrrealis}},
	{"cần", sentRule{role: sentRoleIrrealis}},
	{"nên", sentRule{role: sentRoleIrrealis}},
	{"muốn", sentRule{role: sentRoleIrrealis}},
	{"hãy", sentRule{role: sentRoleIrrealis, exactOnly: true}},
	{"nếu", sentRule{role: sentRoleIrrealis}},
	{"giá mà", sentRule{role: sentRoleIrrealis}},
	{"ước gì", sentRule{role: sentRoleIrrealis}},
	{"làm ơn", sentRule{role: sentRoleIrrealis}},
	{"xin", sentRule{role: sentRoleIrrealis}},
	{"sớm", sentRule{role: sentRoleIrrealis}},
	{"để", sentRule{role: sentRoleIrrealis, exactOnly: true}},
	// Questions.
	{"cho hỏi", sentRule{role: sentRoleInquiry}},
	{"xin hỏi", sentRule{role: sentRoleInquiry}},
	{"hỏi", sentRule{role: sentRoleQuestion, exactOnly: true}},
	{"có phải", sentRule{role: sentRoleQuestion}},
	{"bao nhiêu", sentRule{role: sentRoleQuestion}},
	{"như thế nào", sentRule{role: sentRoleQuestion}},
	{"thế nào", sentRule{role: sentRoleQuestion}},
	{"ra sao", sentRule{role: sentRoleQuestion}},
	{"ở đâu", sentRule{role: sentRoleQuestion}},
	{"làm sao", sentRule{role: sentRoleQuestion}},
	{"khi nào", sentRule{role: sentRoleQuestion}},
	{"có được không", sentRule{role: sentRoleQuestion}},
	{"cho mình hỏi", sentRule{role: sentRoleInquiry}},
	{"cho em hỏi", sentRule{role: sentRoleInquiry}},
	{"cho tôi hỏi", sentRule{role: sentRoleInquiry}},
	{"ai biết", sentRule{role: sentRoleInquiry}},
	{"có ai", sentRule{role: sentRoleInquiry}},
	// Announcements and forecasts.
	{"dự báo", sentRule{role: sentRoleForecast}},
	{"dự kiến", sentRule{role: sentRoleForecast}},
	{"kế hoạch", sentRule{role: sentRoleForecast}},
	{"theo kế hoạch", sentRule{role: sentRoleForecast}},
	{"thông báo", sentRule{role: sentRoleHeadline}},
	{"bản tin", sentRule{role: sentRoleHeadline}},
	{"lịch", sentRule{role: sentRoleHeadline}},
	{"hướng dẫn", sentRule{role: sentRoleHeadline}},
	{"theo", sentRule{role: sentRoleHeadline}},
	{"từ ngày", sentRule{role: sentRoleHeadline}},
	{"không ạ", sentRule{role: sentRoleQuestion}},
	{"chưa ạ", sentRule{role: sentRoleQuestion}},
}

// sentParticles end a question after "không"/"chưa" ("được không ạ", "xong chưa vậy").
var sentParticles = map[string]bool{"ạ": true, "à": true, "vậy": true, "nhỉ": true, "hả": true, "nhé": true, "ta": true, "a": true, "vay": true, "ha": true}

// sentTeencode rewrites informal spellings to the words the lexicon knows. Keys are lower case.
var sentTeencode = map[string]string{
	"ko": "không", "k": "không", "kh": "không", "khg": "không", "hok": "không", "hông": "không",
	"hổng": "không", "khum": "không", "hem": "không", "kô": "không", "k0": "không", "khong": "không",
	"kp": "không phải", "kbh": "không bao giờ",
	"dc": "được", "đc": "được", "dk": "được", "đk": "được", "duoc": "được",
	"j": "gì", "z": "vậy", "zậy": "vậy", "dzậy": "vậy", "vs": "với", "bt": "bình thường",
	"oki": "ok", "okie": "ok", "oke": "ok", "okela": "ok", "okay": "ok", "okê": "ok", "okey": "ok",
	"thik": "thích", "thick": "thích", "thix": "thích", "iu": "yêu",
	"tks": "cảm ơn", "thks": "cảm ơn", "thanks": "cảm ơn", "thank": "cảm ơn", "thx": "cảm ơn",
	"cám": "cảm", "camon": "cảm ơn", "cmon": "cảm ơn",
	"qá": "quá", "wá": "quá", "wa": "quá", "qúa": "quá", "lém": "lắm", "lun": "luôn",
	"r": "rồi", "ms": "mới", "mn": "mọi người", "mng": "mọi người", "trc": "trước", "cx": "cũng",
	"cg": "cũng", "ntn": "như thế nào", "bh": "bao giờ", "bjo": "bao giờ", "bik": "biết",
	"bít": "biết", "nhìu": "nhiều", "thui": "thôi", "hix": "hic", "hichic": "hic", "huhu": "hu hu",
	"nhg": "nhưng", "nhma": "nhưng mà", "nma": "nhưng mà",
}

// sentLexiconText is govpulse's own Vietnamese opinion lexicon: one "phrase<TAB>weight" a line.
//
//go:embed sentiment_lexicon.txt
var sentLexiconText string

// sentEntry is one phrase of the index with its rule.
type sentEntry struct {
	syll  []string // the phrase's syllables as written (NFC, lower case)
	fold  []string // the same without diacritics
	exact bool     // the phrase has no diacritics, so folded and exact forms are one
	rule  sentRule
}

// sentNode is a trie node keyed by folded syllables.
type sentNode struct {
	next    map[string]*sentNode
	entries []*sentEntry
}

// sentLexicon is the matching index: a trie over folded syllables whose entries keep the exact
// spelling, so text with diacritics matches exactly and text without matches by fold.
type sentLexicon struct {
	root  sentNode
	known map[string]bool // every syllable of the index, exact and folded (for teencode guesses)
	size  int
}

var defaultSentLexicon = sync.OnceValue(func() *sentLexicon {
	lx, err := parseSentLexicon(sentLexiconText)
	if err != nil {
		// The lexicon is embedded and tested; a broken one is a build defect.
		panic(err)
	}
	return lx
})

// parseSentLexicon builds the index from lexicon text and the built-in modifiers.
func parseSentLexicon(text string) (*sentLexicon, error) {
	lx := &sentLexicon{known: map[string]bool{}}
	seen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "# ") || line == "#" {
			continue
		}
		phrase, weight, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("pipeline: sentiment lexicon line %d: want phrase<TAB>weight, got %q", n, line)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(weight), 64)
		if err != nil || math.IsNaN(w) || math.IsInf(w, 0) || math.Abs(w) > 3 {
			return nil, fmt.Errorf("pipeline: sentiment lexicon line %d: weight %q: want a number in [-3, 3]", n, weight)
		}
		key := NormalizeText(phrase)
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("pipeline: sentiment lexicon line %d: %q repeats line %d", n, phrase, prev)
		}
		seen[key] = n
		if err := lx.add(phrase, sentRule{weight: w}); err != nil {
			return nil, fmt.Errorf("pipeline: sentiment lexicon line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pipeline: sentiment lexicon: %w", err)
	}
	for _, m := range sentModifiers {
		key := NormalizeText(m.phrase)
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("pipeline: sentiment modifier %q is also lexicon line %d", m.phrase, prev)
		}
		seen[key] = -1
		if err := lx.add(m.phrase, m.rule); err != nil {
			return nil, fmt.Errorf("pipeline: sentiment modifier: %w", err)
		}
	}
	return lx, nil
}

// add indexes one phrase.
func (lx *sentLexicon) add(phrase string, r sentRule) error {
	toks := TokenizeText(phrase)
	if len(toks) == 0 {
		return fmt.Errorf("phrase %q has no token", phrase)
	}
	e := &sentEntry{rule: r, exact: true}
	for _, t := range toks {
		if t.Kind == TokenPunct {
			return fmt.Errorf("phrase %q: punctuation %q inside a phrase", phrase, t.Text)
		}
		f := Fold(t.Text)
		e.syll = append(e.syll, t.Text)
		e.fold = append(e.fold, f)
		e.exact = e.exact && f == t.Text
		lx.known[t.Text] = true
		lx.known[f] = true
	}
	if len(toks) > 1 {
		for _, t := range toks {
			if t.Kind == TokenEmoji || t.Kind == TokenEmoticon {
				return fmt.Errorf("phrase %q: an emoji or emoticon must stand alone", phrase)
			}
		}
	}
	n := &lx.root
	for _, f := range e.fold {
		if n.next == nil {
			n.next = map[string]*sentNode{}
		}
		c := n.next[f]
		if c == nil {
			c = &sentNode{}
			n.next[f] = c
		}
		n = c
	}
	n.entries = append(n.entries, e)
	lx.size++
	return nil
}

// sentUnit is one token prepared for matching.
type sentUnit struct {
	text      string // word as the lexicon would spell it (teencode expanded, repeats squeezed)
	fold      string
	bare      bool // written without diacritics, so it may match a phrase by fold
	stretched bool // written with a letter repeated three times or more
	kind      TextTokenKind
}

// units prepares the tokens of text.
func (lx *sentLexicon) units(text string) []sentUnit {
	toks := TokenizeText(text)
	us := make([]sentUnit, 0, len(toks)+4)
	for _, t := range toks {
		if t.Kind != TokenWord {
			us = append(us, sentUnit{text: t.Text, fold: t.Text, kind: t.Kind})
			continue
		}
		if strings.HasPrefix(t.Text, "colon") && lx.known[t.Text] {
			// UIT-VSFC and similar corpora spell textEmoticons as words ("colonsmile").
			us = append(us, sentUnit{text: t.Text, fold: t.Text, kind: TokenEmoticon})
			continue
		}
		w, stretched := t.Text, false
		if !lx.known[w] && !lx.known[Fold(w)] {
			// "quáaaa" → "quá"; but "kkk" (laughter) must not become the negator "k".
			if sq, emph := SqueezeRepeats(w); sq != w && len([]rune(sq)) > 1 {
				w, stretched = sq, emph
			}
		}
		if exp, ok := sentTeencode[w]; ok {
			for _, x := range strings.Fields(exp) {
				us = append(us, sentUnit{text: x, fold: Fold(x), stretched: stretched, kind: TokenWord})
			}
			continue
		}
		if !lx.known[w] && !lx.known[Fold(w)] {
			w = lx.guessTeencode(w)
		}
		f := Fold(w)
		us = append(us, sentUnit{text: w, fold: f, bare: f == w, stretched: stretched, kind: TokenWord})
	}
	return us
}

// sentOnsets are informal spellings of initial consonants ("zui" → "vui", "wá" → "quá",
// "fục vụ" → "phục vụ", "jờ" → "giờ") and of final ones ("thik" → "thich").
var sentOnsets = [][2]string{{"dz", "v"}, {"z", "v"}, {"w", "qu"}, {"f", "ph"}, {"j", "gi"}}

// guessTeencode rewrites one unknown word by the informal spelling rules when that makes it a
// syllable the index knows; otherwise it returns w.
func (lx *sentLexicon) guessTeencode(w string) string {
	for _, o := range sentOnsets {
		if rest, ok := strings.CutPrefix(w, o[0]); ok && rest != "" {
			c := o[1] + rest
			if lx.known[c] || lx.known[Fold(c)] {
				return c
			}
		}
	}
	if rest, ok := strings.CutSuffix(w, "k"); ok && rest != "" {
		if c := rest + "ch"; lx.known[c] || lx.known[Fold(c)] {
			return c
		}
	}
	return w
}

// match finds the longest phrase starting at us[i] and returns its rule and length (0: none).
// A unit written with diacritics must equal the phrase's syllable; a bare unit may equal its
// fold. Among phrases that match a span equally, an exact spelling wins; folded ones that
// disagree make the span neutral (so "ồn"/"ổn" written "on" says nothing).
func (lx *sentLexicon) match(us []sentUnit, i int) (sentRule, int) {
	var best sentRule
	bestLen := 0
	n := &lx.root
	for j := i; j < len(us); j++ {
		u := us[j]
		if u.kind == TokenPunct || u.kind == TokenNumber {
			break
		}
		n = n.next[u.fold]
		if n == nil {
			break
		}
		if len(n.entries) == 0 {
			continue
		}
		if r, ok := resolveSent(n.entries, us[i:j+1]); ok {
			best, bestLen = r, j-i+1
		}
	}
	return best, bestLen
}

// resolveSent picks the rule of the entries that fit span.
func resolveSent(entries []*sentEntry, span []sentUnit) (sentRule, bool) {
	var fits []*sentEntry
	for _, e := range entries {
		exact, ok := true, true
		for k, u := range span {
			if u.text == e.syll[k] {
				continue
			}
			exact = false
			if !u.bare || u.fold != e.fold[k] || e.rule.exactOnly {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if exact {
			return e.rule, true
		}
		fits = append(fits, e)
	}
	switch len(fits) {
	case 0:
		return sentRule{}, false
	case 1:
		return fits[0].rule, true
	}
	// Several spellings fold to this text. Agreeing opinions keep the mildest weight; anything
	// else (opposite signs, a modifier against an opinion) is too uncertain to use.
	w := fits[0].rule.weight
	for _, e := range fits {
		r := e.rule
		if r.neg != sentNegNone || r.postNeg || r.npi || r.adverse || r.pre != 0 || r.post != 0 || r.role != sentRoleNone || r.weight*w <= 0 {
			return sentRule{}, true
		}
		if math.Abs(r.weight) < math.Abs(w) {
			w = r.weight
		}
	}
	return sentRule{weight: w}, true
}

// sentState is the scan's state: pending modifiers, the current clause and the running total.
type sentState struct {
	negPending  sentNegKind // negation waiting for an opinion (sentNegNone: none)
	negLeft     int         // words left in the negation window
	negGap      int         // words seen since the negator
	intens      float64
	intensLeft  int
	intensInNeg bool // the intensifier came after a negator ("không quá tệ", "không tốt lắm")
	irrealis    bool
	question    bool
	forecast    bool
	inquiry     bool // sticky: the text asks for information (survives clause ends)
	headline    bool // sticky: the text is an announcement
	concede     bool
	pos, neg    float64 // this clause's positive and negative sums
	lastIdx     int     // unit index of the last opinion in this clause (-1: none)
	lastVal     float64 // its contribution
	lastNeg     bool    // it was negated
	clauseNeg   bool    // a negator appeared in this clause
	adverseLeft int     // words left before a pending "bị" counts on its own (0: none)
	total       float64
}

// flush closes the current clause into the total.
func (st *sentState) flush() {
	if st.adverseLeft > 0 {
		st.neg += sentAdverse
	}
	p, n := st.pos, st.neg
	switch {
	case st.inquiry:
		p *= sentQuestionPos
		n *= sentInquiryNeg
	case st.question:
		p *= sentQuestionPos
		n *= sentQuestionNeg
	}
	c := p + n
	if st.concede {
		c *= sentConcessive
	}
	if st.forecast {
		c *= sentForecast
	}
	st.total += c
	*st = sentState{total: st.total, lastIdx: -1, inquiry: st.inquiry, headline: st.headline}
}

// add records one opinion contribution of the current clause.
func (st *sentState) add(v float64, i int) {
	if v > 0 {
		st.pos += v
	} else {
		st.neg += v
	}
	st.lastIdx, st.lastVal = i, v
}

// rescale replaces the last contribution v by v*m (a word after it changed it).
func (st *sentState) rescale(m float64) {
	v := st.lastVal
	nv := v * m
	if v > 0 {
		st.pos -= v
	} else {
		st.neg -= v
	}
	if nv > 0 {
		st.pos += nv
	} else {
		st.neg += nv
	}
	st.lastVal = nv
}

// tick moves the windows on by one word.
func (st *sentState) tick() {
	if st.adverseLeft > 0 {
		st.adverseLeft--
		if st.adverseLeft == 0 {
			st.neg += sentAdverse
		}
	}
	if st.negLeft > 0 {
		st.negLeft--
		st.negGap++
		if st.negLeft == 0 {
			st.negPending = sentNegNone
		}
	}
	if st.intensLeft > 0 {
		st.intensLeft--
		if st.intensLeft == 0 {
			st.intens = 0
		}
	}
}

// negate applies a pending negation to an opinion weight.
func (st *sentState) negate(v float64) float64 {
	switch st.negPending {
	case sentNegNormal:
		if v > 0 {
			return -math.Max(v, sentNegPosFloor)
		}
		return -v * sentNegNegFlip
	case sentNegStrong:
		if v > 0 {
			return -math.Max(v, sentNegPosFloor) * 1.2
		}
		return -v * sentStrongNegFlip
	case sentNegReducer:
		if v > 0 {
			return -v * sentReducerPosFlip
		}
		return -v * sentReducerFlip
	}
	return v
}

// sum returns the weighted opinion sum of text, before squashing.
func (lx *sentLexicon) sum(text string) float64 {
	us := lx.units(text)
	st := sentState{lastIdx: -1}
	exclam := 0
	for i := 0; i < len(us); {
		u := us[i]
		switch u.kind {
		case TokenPunct:
			switch u.text {
			case "!":
				exclam++
				st.flush()
			case "?":
				st.question = true
				st.flush()
			default:
				st.flush()
			}
			i++
			continue
		case TokenNumber:
			st.tick()
			i++
			continue
		}
		r, n := lx.match(us, i)
		if n == 0 {
			// "không vào được": a negated ability is a complaint.
			if u.text == "được" && st.negPending != sentNegNone && st.negGap > 0 && u.kind == TokenWord {
				st.add(sentInability, i)
				st.negPending, st.negLeft = sentNegNone, 0
				i++
				continue
			}
			st.tick()
			i++
			continue
		}
		stretched := false
		for _, x := range us[i : i+n] {
			stretched = stretched || x.stretched
		}
		lx.apply(&st, r, i, n, stretched, us)
		i += n
	}
	st.flush()
	x := st.total
	if st.headline {
		x *= sentHeadline
	}
	if exclam > 0 {
		x *= 1 + sentExclamation*float64(min(exclam, 3))
	}
	return x
}

// apply runs one matched phrase's rule at units [i, i+n).
func (lx *sentLexicon) apply(st *sentState, r sentRule, i, n int, stretched bool, us []sentUnit) {
	emojiLike := us[i].kind == TokenEmoji || us[i].kind == TokenEmoticon
	adjacent := st.lastIdx >= 0 && i-st.lastIdx <= 2
	if r.npi && !adjacent {
		// "không hướng dẫn gì cả": the negation had no opinion word to fall on.
		if st.clauseNeg {
			st.add(sentNPI, i+n-1)
			st.negPending, st.negLeft = sentNegNone, 0
		}
		return
	}
	if r.adverse {
		if st.negPending == sentNegNone {
			st.adverseLeft = sentAdverseWindow + 1
		}
		return
	}
	if r.post > 0 && adjacent {
		m := r.post
		if stretched {
			m *= sentStretched
		}
		if st.lastNeg && m > 1 && !r.npi {
			m = 1 / m
		}
		st.rescale(m)
		st.lastIdx = i + n - 1
		return
	}
	if r.postNeg {
		if adjacent {
			st.rescale(-1)
		}
		return
	}
	if r.weight != 0 {
		v := r.weight
		if stretched {
			v *= sentStretched
		}
		negated, lastKind := false, sentNegNone
		if !emojiLike {
			if st.intens != 0 {
				if st.negPending != sentNegNone && st.intensInNeg {
					// "không quá tệ", "không tốt lắm": negation softens, not strengthens.
					v /= st.intens
				} else {
					v *= st.intens
				}
				st.intens, st.intensLeft = 0, 0
			}
			if st.negPending != sentNegNone {
				v = st.negate(v)
				lastKind = st.negPending
				st.negPending, st.negLeft = sentNegNone, 0
				negated = true
			}
			if st.irrealis && v > 0 {
				v *= sentIrrealisPos
			}
		}
		st.add(v, i+n-1)
		st.lastNeg = negated
		st.adverseLeft = 0
		if negated {
			// "không còn cảnh chờ đợi mòn mỏi": the negation also covers an opinion right after.
			st.negPending, st.negLeft, st.negGap = lastKind, 1, 0
		}
	} else if r.neg == sentNegNone && r.pre == 0 && r.role == sentRoleNone {
		// A neutral phrase: it only takes room in the windows.
		st.tick()
	}
	if r.neg != sentNegNone {
		// A bare negator ends its clause ("có nhanh không", "xong chưa"): a question particle.
		j := i + n
		for j < len(us) && us[j].kind == TokenWord && sentParticles[us[j].text] {
			j++
		}
		if r.neg == sentNegNormal && r.weight == 0 && (j >= len(us) || us[j].kind == TokenPunct) {
			st.question = true
			return
		}
		st.negPending, st.negLeft, st.negGap = r.neg, sentNegWindow, 0
		st.clauseNeg = true
		if r.weight != 0 {
			// "kém", "thiếu": the word was an opinion itself; what follows is negated too.
			st.negLeft = 1
		}
	}
	if r.pre != 0 {
		m := r.pre
		if stretched {
			m *= sentStretched
		}
		if st.intens != 0 {
			m *= st.intens
		}
		st.intens, st.intensLeft = m, sentIntensWindow+1
		st.intensInNeg = st.negPending != sentNegNone
	}
	switch r.role {
	case sentRoleContrast:
		st.flush()
		st.total *= sentContrastBefore
	case sentRoleConcessive:
		st.concede = true
	case sentRoleIrrealis:
		st.irrealis = true
	case sentRoleQuestion:
		st.question = true
	case sentRoleInquiry:
		st.inquiry = true
	case sentRoleForecast:
		st.forecast = true
	case sentRoleHeadline:
		if i == 0 {
			st.headline = true
		}
	}
}
