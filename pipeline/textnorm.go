package pipeline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Text normalisation shared by the pipeline's enrichment steps (sentiment, ward matching, topic
// inference). Everything here is pure and safe for concurrent use.

// NormalizeText returns s in Unicode NFC, lower-cased, with every run of white space (including
// line breaks and non-breaking spaces) collapsed to one ASCII space and no leading or trailing
// space. Vietnamese text typed on different keyboards (precomposed "ạ" or "a"+U+0323) compares
// equal after it. Invalid UTF-8 bytes become U+FFFD.
func NormalizeText(s string) string {
	return CollapseSpace(strings.ToLower(norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))))
}

// CollapseSpace replaces each run of Unicode white space in s by one ASCII space and trims both
// ends. It does not change letters.
func CollapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Fold removes Vietnamese (and other Latin) diacritics from s: "Đường ngập" becomes "Duong ngap".
// It decomposes s (NFD), drops the combining marks, maps đ→d and Đ→D (a letter of its own, not a
// d with a mark), and recomposes the rest (NFC). Case and everything else are kept, so
// Fold(NormalizeText(s)) is the key to compare text written with and without diacritics. Fold is
// safe for concurrent use.
func Fold(s string) string {
	if textIsASCII(s) {
		return s
	}
	// Fast path for text already in NFC whose runes all have a one-rune fold (all of Vietnamese):
	// the table below was built with the same transform, so both paths agree.
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		f := foldTableRune(r)
		if f < 0 {
			return foldSlow(s)
		}
		b.WriteRune(f)
	}
	return b.String()
}

// foldSlow is Fold by the book: NFD, drop combining marks (Unicode category Mn), map đ→d, NFC.
func foldSlow(s string) string {
	// A transform.Chain holds state, so each call builds its own.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldDStroke), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		// Only reachable with a broken transformer; fall back to the input rather than lose text.
		return s
	}
	return out
}

// foldTableSize covers Latin-1, Latin Extended A/B, IPA, combining marks and Latin Extended
// Additional (U+1E00–U+1EFF, where most Vietnamese letters with two marks live).
const foldTableSize = 0x1F00

// foldTable maps each rune below foldTableSize to its fold, or to -1 when the fold is not one rune
// or the rune is a combining mark (then Fold takes the slow path).
var foldTable = func() []rune {
	t := make([]rune, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		if r < utf8.RuneSelf {
			t[r] = r
			continue
		}
		if !utf8.ValidRune(r) || unicode.Is(unicode.Mn, r) || !norm.NFC.IsNormalString(string(r)) {
			t[r] = -1
			continue
		}
		f := []rune(foldSlow(string(r)))
		if len(f) != 1 {
			t[r] = -1
			continue
		}
		t[r] = f[0]
	}
	return t
}()

// foldTableRune folds one NFC rune by the table; -1 means "use the slow path".
func foldTableRune(r rune) rune {
	if r < foldTableSize {
		return foldTable[r]
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	return r
}

// foldDStroke maps the Vietnamese letter đ/Đ (and the look-alike eth used by some keyboards) to d/D.
func foldDStroke(r rune) rune {
	switch r {
	case 'đ', 'ð':
		return 'd'
	case 'Đ', 'Ð':
		return 'D'
	}
	return r
}

// foldRune returns the base letter of one rune without its diacritics ('ệ'→'e', 'đ'→'d'); runes
// without a decomposition come back unchanged.
func foldRune(r rune) rune {
	if f := foldTableRune(r); f >= 0 {
		return f
	}
	return r
}

// HasDiacritics reports whether s contains a letter that Fold would change.
func HasDiacritics(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) && foldRune(r) != r {
			return true
		}
		if unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}

func textIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TextTokenKind says what a TextToken is.
type TextTokenKind uint8

// The kinds of TextToken.
const (
	// TokenWord is a run of letters, possibly with digits ("ngập", "q7", "1022a"): for Vietnamese,
	// one syllable.
	TokenWord TextTokenKind = iota
	// TokenNumber is a run of digits, with inner separators kept ("1022", "8:30", "1.500.000").
	TokenNumber
	// TokenEmoji is one emoji or pictographic symbol, with its ZWJ sequence, without variation
	// selectors or skin-tone modifiers ("❤️" and "❤" give the same token).
	TokenEmoji
	// TokenEmoticon is an ASCII emoticon such as ":)", ":((" or "<3", with repeated closing
	// characters squeezed to at most two (":)))))" → ":))").
	TokenEmoticon
	// TokenPunct is one sentence punctuation mark: . , ; : ! ? … or a dash between spaces.
	TokenPunct
)

// String names the kind ("word", "number", "emoji", "emoticon", "punct").
func (k TextTokenKind) String() string {
	switch k {
	case TokenWord:
		return "word"
	case TokenNumber:
		return "number"
	case TokenEmoji:
		return "emoji"
	case TokenEmoticon:
		return "emoticon"
	case TokenPunct:
		return "punct"
	}
	return "unknown"
}

// TextToken is one token of TokenizeText: its normalised text and its kind.
type TextToken struct {
	Text string
	Kind TextTokenKind
}

// textEmoticons lists the ASCII textEmoticons TokenizeText keeps, lower-cased, longest first within each
// shared prefix so that the first match is the longest.
var textEmoticons = []string{
	">:(", ":'(", ":-)", ":-(", ":-d", ":-p", ":))", ":((", "=))", "=((", "^_^", "-_-", "t_t", "=.=", "-.-",
	":)", ":(", ":d", ":p", ":v", ":3", ":/", ":|", ":o", ";)", "=)", "=(", "<3", "^^",
}

// TokenizeText splits s into tokens for matching Vietnamese text: it normalises s (NFC, lower
// case), drops URLs (http://, https://, www.), @mentions and e-mail addresses, keeps the word of a
// hashtag without its '#', and returns words (syllables: Vietnamese separates syllables by
// spaces), numbers, emoji, ASCII textEmoticons and sentence punctuation, in order. Other symbols are
// dropped. Words keep their letters as written, including repeated ones ("quáaaa").
func TokenizeText(s string) []TextToken {
	s = strings.ToLower(norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")))
	toks := make([]TextToken, 0, len(s)/4+1)
	for _, field := range strings.FieldsFunc(s, unicode.IsSpace) {
		// A URL glued to the text before it ("xem:https://…") is cut off; the text is kept.
		if i := textURLStart(field); i >= 0 {
			field = field[:i]
		}
		if strings.ContainsRune(field, '@') {
			// @mention or e-mail address: personal data and no opinion.
			continue
		}
		toks = appendTextFieldTokens(toks, field)
	}
	return toks
}

// textURLStart returns the byte offset where a URL begins in field, or -1.
func textURLStart(field string) int {
	best := -1
	for _, p := range []string{"http://", "https://", "www."} {
		if i := strings.Index(field, p); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// appendTextFieldTokens tokenizes one white-space separated field.
func appendTextFieldTokens(toks []TextToken, f string) []TextToken {
	i := 0
	for i < len(f) {
		r, size := utf8.DecodeRuneInString(f[i:])
		if e, n := matchEmoticon(f[i:]); n > 0 && emoticonBoundary(f, i, i+n) {
			toks = append(toks, TextToken{Text: e, Kind: TokenEmoticon})
			i += n
			continue
		}
		switch {
		case isWordRune(r):
			j := i + size
			digits := unicode.IsDigit(r)
			for j < len(f) {
				r2, s2 := utf8.DecodeRuneInString(f[j:])
				if isWordRune(r2) {
					digits = digits && unicode.IsDigit(r2)
					j += s2
					continue
				}
				// Keep "8:30", "1.500.000" and "2,5" together as one number.
				if digits && (r2 == '.' || r2 == ',' || r2 == ':' || r2 == '/') && j+1 < len(f) && f[j+1] >= '0' && f[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			kind := TokenWord
			if digits {
				kind = TokenNumber
			}
			toks = append(toks, TextToken{Text: f[i:j], Kind: kind})
			i = j
		case isEmojiRune(r):
			j := i + size
			var b strings.Builder
			b.WriteRune(r)
			for j < len(f) {
				r2, s2 := utf8.DecodeRuneInString(f[j:])
				if isEmojiModifier(r2) {
					j += s2
					continue
				}
				if r2 == '\u200d' { // zero width joiner: the next emoji is part of this one
					r3, s3 := utf8.DecodeRuneInString(f[j+s2:])
					if isEmojiRune(r3) {
						b.WriteRune(r2)
						b.WriteRune(r3)
						j += s2 + s3
						continue
					}
					j += s2
					continue
				}
				break
			}
			toks = append(toks, TextToken{Text: b.String(), Kind: TokenEmoji})
			i = j
		default:
			if r == '#' || r == '@' {
				i += size
				continue
			}
			if p, ok := textPunctMark(r, len(f) == size); ok {
				toks = append(toks, TextToken{Text: p, Kind: TokenPunct})
			}
			i += size
		}
	}
	return toks
}

// isWordRune reports whether r belongs inside a word: a letter, a digit or a combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isEmojiRune reports whether r is an emoji or another pictographic symbol worth a token.
func isEmojiRune(r rune) bool {
	if r < 0x2000 || r == utf8.RuneError {
		return false
	}
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF: // textEmoticons, pictographs, transport, supplemental symbols
		return !isEmojiModifier(r)
	case r >= 0x2600 && r <= 0x27BF: // miscellaneous symbols and dingbats (☹ ❤ ✌ ✅)
		return true
	case r == 0x2B50 || r == 0x2B55 || r == 0x203C || r == 0x2049 || r == 0x2B06 || r == 0x2B07:
		return true
	}
	return unicode.Is(unicode.So, r)
}

// isEmojiModifier reports runes that only change how the emoji before them looks.
func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x20E3 || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// matchEmoticon returns the emoticon at the start of s with its closing character squeezed, and
// the number of bytes it spans in s (0 when there is none).
func matchEmoticon(s string) (string, int) {
	for _, e := range textEmoticons {
		if !strings.HasPrefix(s, e) {
			continue
		}
		n := len(e)
		last := e[len(e)-1]
		// ":)))))" and ":(((" repeat the mouth: swallow the repeats.
		if last == ')' || last == '(' || last == 'd' || last == '3' || last == 'v' {
			for n < len(s) && s[n] == last {
				n++
			}
		}
		return e, n
	}
	return "", 0
}

// emoticonBoundary rejects textEmoticons inside words or numbers: "8:30" has no ":3", "bt_t" no
// "t_t", "p:do" no ":d". An emoticon of punctuation may follow a word directly ("ok:)").
func emoticonBoundary(f string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(f[:start])
		first, _ := utf8.DecodeRuneInString(f[start:])
		if unicode.IsDigit(r) || (isWordRune(first) && isWordRune(r)) {
			return false
		}
	}
	if end < len(f) {
		r, _ := utf8.DecodeRuneInString(f[end:])
		if isWordRune(r) {
			return false
		}
	}
	return true
}

// textPunctMark maps sentence punctuation to a token text; alone tells whether r is the whole field
// (a dash between spaces separates clauses, a dash inside a word does not).
func textPunctMark(r rune, alone bool) (string, bool) {
	switch r {
	case '.', ',', ';', ':', '!', '?':
		return string(r), true
	case '…':
		return "…", true
	case '-', '–', '—':
		if alone || r != '-' {
			return "-", true
		}
	}
	return "", false
}

// WordTokens returns the texts of the word and number tokens of s, in order: the syllables to
// match against dictionaries. Emoji, textEmoticons and punctuation are left out.
func WordTokens(s string) []string {
	toks := TokenizeText(s)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Kind == TokenWord || t.Kind == TokenNumber {
			out = append(out, t.Text)
		}
	}
	return out
}

// SqueezeRepeats collapses runs of the same letter (ignoring diacritics) in one word to a single
// letter, keeping the one that carries a diacritic: "quáaaa" → "quá", "đẹppp" → "đẹp". It reports
// whether any run of three or more letters was found (a sign of emphasis in informal writing).
// Words with an ordinary double letter ("xoong") lose it, so callers should look the original up
// first.
func SqueezeRepeats(w string) (string, bool) {
	if len(w) < 2 {
		return w, false
	}
	rs := []rune(w)
	out := make([]rune, 0, len(rs))
	emphatic := false
	for i := 0; i < len(rs); {
		j := i + 1
		keep := rs[i]
		base := foldRune(unicode.ToLower(rs[i]))
		for j < len(rs) && unicode.IsLetter(rs[j]) && foldRune(unicode.ToLower(rs[j])) == base {
			if keep == base && rs[j] != base {
				keep = rs[j]
			}
			j++
		}
		if j-i >= 3 {
			emphatic = true
		}
		out = append(out, keep)
		i = j
	}
	return string(out), emphatic
}
