package pipeline

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PII masking: personal data in free text (petition titles and contents, post texts) is replaced
// by tokens before it is stored, and long before anything could reach an LLM (DESIGN §5).
// The tokens say what was there, so an officer or the assistant still reads "gọi [SĐT]".
const (
	TokenPhone   = "[SĐT]"    // a Vietnamese mobile or landline number
	TokenCCCD    = "[CCCD]"   // a 12-digit citizen identity card number
	TokenCMND    = "[CMND]"   // a 9-digit former identity card number
	TokenEmail   = "[EMAIL]"  // an e-mail address
	TokenName    = "[TÊN]"    // the citizen's own name
	TokenAddress = "[SỐ NHÀ]" // a house number in "số 12 đường …"
)

// MaskPII returns text with personal data replaced by the tokens above: Vietnamese phone numbers
// in the usual ways of writing them (0903123456, 0903 123 456, 0903.123.456, 090-312-3456,
// +84 903 123 456, 84903123456, (028) 3823 4567), 12-digit CCCD and 9-digit CMND numbers,
// e-mail addresses, each of names (a person's full name of two words or more, matched with or
// without diacritics and in any case) and house numbers written "số 12 đường …". Hotlines such as
// 1022 or 1900 1234 are public and stay. The result is NFC. Safe for concurrent use.
func MaskPII(text string, names ...string) string {
	if text == "" {
		return text
	}
	var nws [][]string
	for _, n := range names {
		if nw := nameWords(n); len(nw) >= 2 {
			nws = append(nws, nw)
		}
	}
	return maskPII(toNFC(text), nws)
}

// maskPII is MaskPII for NFC text and names already cut into folded words (two or more each).
func maskPII(text string, names [][]string) string {
	out, _ := maskPIIScan(text, names)
	return out
}

// maskPIIScan is maskPII that also returns the word scan it made of text, when it made one and
// changed nothing (so the scan is the result's too); else nil.
func maskPIIScan(text string, names [][]string) (string, *wordScan) {
	if text == "" {
		return text, nil
	}
	var reps []piiSpan
	hasDigit := strings.ContainsAny(text, "0123456789")
	if strings.IndexByte(text, '@') >= 0 {
		reps = appendEmails(reps, text)
	}
	if hasDigit {
		reps = appendNumbers(reps, text)
	}
	var ws *wordScan
	for _, nw := range names {
		if ws == nil {
			s := scanWords(text)
			ws = &s
		}
		reps = appendName(reps, ws, nw)
	}
	if hasDigit {
		if ws == nil {
			s := scanWords(text)
			ws = &s
		}
		reps = appendHouseNumbers(reps, ws)
	}
	if len(reps) == 0 {
		return text, ws
	}
	return applySpans(text, reps), nil
}

// piiSpan is a byte range of the text and its replacement token.
type piiSpan struct {
	start, end int
	token      string
}

// applySpans replaces the spans. Overlapping spans merge into one covering both, with the more
// specific token (numbers and e-mails before names, names before house numbers), so that nothing
// found is left visible.
func applySpans(text string, reps []piiSpan) string {
	slices.SortStableFunc(reps, func(a, b piiSpan) int { return a.start - b.start })
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for i := 0; i < len(reps); {
		cur := reps[i]
		for i++; i < len(reps) && reps[i].start < cur.end; i++ {
			cur.end = max(cur.end, reps[i].end)
			if tokenRank(reps[i].token) < tokenRank(cur.token) {
				cur.token = reps[i].token
			}
		}
		b.WriteString(text[pos:cur.start])
		b.WriteString(cur.token)
		pos = cur.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// tokenRank orders tokens from the most specific.
func tokenRank(t string) int {
	switch t {
	case TokenName:
		return 1
	case TokenAddress:
		return 2
	}
	return 0
}

func isEmailLocal(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

func isEmailDomain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// appendEmails finds name@domain.tld.
func appendEmails(reps []piiSpan, s string) []piiSpan {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		lo := i
		for lo > 0 && isEmailLocal(s[lo-1]) {
			lo--
		}
		hi := i + 1
		for hi < len(s) && isEmailDomain(s[hi]) {
			hi++
		}
		// A sentence may end right after the address.
		for hi > i+1 && (s[hi-1] == '.' || s[hi-1] == '-') {
			hi--
		}
		domain := s[i+1 : hi]
		if lo == i || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.Contains(domain, "..") {
			continue
		}
		reps = append(reps, piiSpan{lo, hi, TokenEmail})
		i = hi - 1
	}
	return reps
}

// digitGroup is one run of digits inside a number sequence.
type digitGroup struct{ start, end int }

// isNumSep reports bytes that may sit between the digit groups of one written number.
func isNumSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' }

// appendNumbers finds phone numbers and identity numbers. It cuts the text into sequences of digit
// groups joined by short separators ("0903 123 456"), then, from each group, takes the longest run
// of whole groups that reads as a phone number; single unseparated runs of 12 or 9 digits are
// identity numbers.
func appendNumbers(reps []piiSpan, s string) []piiSpan {
	var groups []digitGroup
	var digits []byte
	taken := len(reps) // spans found before (e-mails): numbers do not start inside them
	inTaken := func(i int) int {
		for _, r := range reps[:taken] {
			if i >= r.start && i < r.end {
				return r.end
			}
		}
		return -1
	}
	i := 0
	for i < len(s) {
		if !isASCIIDigit(s[i]) || (i > 0 && isASCIIDigit(s[i-1])) {
			i++
			continue
		}
		if end := inTaken(i); end >= 0 {
			i = end
			continue
		}
		// A number inside a longer token ("v1.0903…", "x2") is no phone: require that the digits
		// do not continue a decimal number written with a separator ("1.500.000").
		groups = groups[:0]
		j := i
		for {
			k := j
			for k < len(s) && isASCIIDigit(s[k]) {
				k++
			}
			groups = append(groups, digitGroup{j, k})
			// Up to three separator bytes, then more digits.
			m := k
			for m < len(s) && m-k < 3 && isNumSep(s[m]) {
				m++
			}
			if m == k || m >= len(s) || !isASCIIDigit(s[m]) || inTaken(m) >= 0 {
				j = k
				break
			}
			j = m
		}
		plus := plusBefore(s, i)
		for a := 0; a < len(groups); {
			matched := false
			digits = digits[:0]
			best, bestTok := -1, ""
			minGroup := len(s)
			for b := a; b < len(groups) && len(digits) <= 13; b++ {
				digits = append(digits, s[groups[b].start:groups[b].end]...)
				minGroup = min(minGroup, groups[b].end-groups[b].start)
				tok := classifyNumber(digits, plus && a == 0, a == b, minGroup)
				if tok == TokenCMND && moneyAfter(s, groups[b].end) {
					tok = ""
				}
				if tok != "" {
					best, bestTok = b, tok
				}
			}
			if best >= 0 {
				start, end := groups[a].start, groups[best].end
				if a == 0 {
					start, end = widenNumber(s, start, end)
				}
				reps = append(reps, piiSpan{start, end, bestTok})
				a = best + 1
				matched = true
			}
			if !matched {
				a++
			}
		}
		i = j
	}
	return reps
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// plusBefore reports a "+" (optionally inside a parenthesis: "(+84)") right before position i.
func plusBefore(s string, i int) bool {
	if i > 0 && s[i-1] == '+' {
		return true
	}
	return i > 1 && s[i-1] == '(' && s[i-2] == '+' || i > 1 && s[i-2] == '(' && s[i-1] == '+'
}

// widenNumber takes a leading "+" into a match, and parentheses when they pair up around part of
// it: "(028) 3823 4567", "(+84) 903…", but not the "(" of "(0903 123 456, …".
func widenNumber(s string, start, end int) (int, int) {
	if start > 0 && s[start-1] == '+' {
		start--
	}
	if start > 0 && s[start-1] == '(' && strings.IndexByte(s[start:end], ')') >= 0 {
		start--
	}
	return start, end
}

// classifyNumber says what a digit string is: TokenPhone, TokenCCCD, TokenCMND or "".
// intl is true when a "+" came before it; single when the digits were written without
// separators; minGroup is the length of the shortest digit group.
func classifyNumber(d []byte, intl, single bool, minGroup int) string {
	if national, ok := nationalPhone(d, intl); ok && isVNPhone(national) {
		return TokenPhone
	}
	switch {
	case single && len(d) == 12 && d[0] == '0':
		return TokenCCCD
	case single && len(d) == 9:
		return TokenCMND
	case !single && len(d) == 12 && d[0] == '0' && minGroup >= 3:
		// "079 090 123 456": a CCCD written in groups (not "01 0903123456", a day and a phone).
		return TokenCCCD
	}
	return ""
}

// moneyAfter reports an amount: digits followed by a currency ("150000000 đồng", "… VNĐ").
func moneyAfter(s string, end int) bool {
	rest := strings.TrimLeft(s[end:], " ")
	rest = strings.ToLower(rest[:min(len(rest), 8)])
	for _, c := range []string{"đ", "vnd", "vnđ", "dong", "usd", "$", "k ", "tr"} {
		if strings.HasPrefix(rest, c) {
			return true
		}
	}
	return false
}

// nationalPhone rewrites an international form (+84 903…, 84903…, +84 0903…) to the national
// one (0903…). The bool is false when d cannot be a Vietnamese number.
func nationalPhone(d []byte, intl bool) ([]byte, bool) {
	if len(d) >= 11 && d[0] == '8' && d[1] == '4' {
		rest := d[2:]
		if rest[0] == '0' {
			return rest, true
		}
		// Without "+", "84…" is a phone only when it has the exact length of one.
		if intl || len(rest) == 9 || len(rest) == 10 {
			n := make([]byte, 0, len(rest)+1)
			n = append(n, '0')
			return append(n, rest...), true
		}
		return nil, false
	}
	if intl {
		return nil, false // another country's number
	}
	return d, true
}

// isVNPhone checks a national number: mobile 0[35789]x + 7 digits (10 digits), landline 02xx (11
// digits), and the retired 11-digit mobiles 01xx that people still write.
func isVNPhone(d []byte) bool {
	if len(d) < 10 || d[0] != '0' {
		return false
	}
	switch len(d) {
	case 10:
		return strings.IndexByte("35789", d[1]) >= 0
	case 11:
		return d[1] == '2' || d[1] == '1'
	}
	return false
}

// NormalizePhone returns the national digits of a Vietnamese phone number ("+84 903-123-456" →
// "0903123456") and whether it looks like one. Other inputs return their digits (with any
// international prefix) and false.
func NormalizePhone(s string) (string, bool) {
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isASCIIDigit(s[i]) {
			d = append(d, s[i])
		}
	}
	intl := strings.HasPrefix(strings.TrimLeft(strings.TrimSpace(s), "("), "+")
	if n, ok := nationalPhone(d, intl); ok && isVNPhone(n) {
		return string(n), true
	}
	return string(d), false
}

// MaskPhone shows the first three and last three digits of a phone number ("0903123456" →
// "090****456"); numbers of fewer than 8 digits are starred out entirely.
func MaskPhone(digits string) string {
	if digits == "" {
		return ""
	}
	if len(digits) < 8 {
		return strings.Repeat("*", len(digits))
	}
	return digits[:3] + strings.Repeat("*", len(digits)-6) + digits[len(digits)-3:]
}

// nameWords folds a person's name into its words: "  Nguyễn  Văn An" → [nguyen van an]. A name
// of one word ("An") is an ordinary word too often to be masked: callers skip names of fewer than
// two words.
func nameWords(name string) []string {
	ws := scanWords(NormalizeText(name))
	out := make([]string, len(ws.words))
	for i := range ws.words {
		out[i] = ws.folded(i)
	}
	return out
}

// appendName finds the name's words, folded, in a row.
func appendName(reps []piiSpan, ws *wordScan, name []string) []piiSpan {
	for i := 0; i+len(name) <= len(ws.words); i++ {
		ok := true
		for j, w := range name {
			if ws.folded(i+j) != w {
				ok = false
				break
			}
		}
		if ok {
			reps = append(reps, piiSpan{int(ws.words[i].start), int(ws.words[i+len(name)-1].end), TokenName})
			i += len(name) - 1
		}
	}
	return reps
}

// streetWords follow a house number in an address.
var streetWords = map[string]bool{"duong": true, "hem": true, "ngo": true, "ngach": true, "kiet": true, "pho": true, "hxh": true}

// appendHouseNumbers masks N in "số N đường/hẻm/ngõ/kiệt …" and "nhà (số) N đường …": the street
// stays (it says where the problem is), the house does not.
func appendHouseNumbers(reps []piiSpan, ws *wordScan) []piiSpan {
	for i := 0; i+2 < len(ws.words); i++ {
		w := ws.folded(i)
		if w != "so" && w != "nha" {
			continue
		}
		if ws.accented && ws.wordHasMarks(i) && ws.lowerWord(i) != "số" && ws.lowerWord(i) != "nhà" {
			continue
		}
		n := i + 1
		if w == "nha" && ws.folded(n) == "so" {
			n++
		}
		if n+1 >= len(ws.words) || !isASCIIDigit(ws.fold[ws.words[n].flo]) {
			continue
		}
		// The house number may be written 12/3A or 12-14: take the words up to the street word.
		end := n
		for end+1 < len(ws.words) && end-n < 3 && isASCIIDigit(ws.fold[ws.words[end+1].flo]) {
			end++
		}
		if end+1 >= len(ws.words) || !streetWords[ws.folded(end+1)] {
			continue
		}
		reps = append(reps, piiSpan{int(ws.words[n].start), int(ws.words[end].end), TokenAddress})
		i = end
	}
	return reps
}

// piiHasher keys the hashes of personal identifiers with the installation's secret.
type piiHasher struct {
	secret []byte
}

// sum returns hex(HMAC-SHA256(secret, domain 0 value)) cut to 32 characters (128 bits): the
// domain keeps an author id and a phone that happen to be equal from hashing alike.
func (h piiHasher) sum(domain, value string) string {
	m := hmac.New(sha256.New, h.secret)
	return h.sumWith(m, domain, value)
}

func (h piiHasher) sumWith(m hash.Hash, domain, value string) string {
	m.Reset()
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var buf [sha256.Size]byte
	sum := m.Sum(buf[:0])
	return hex.EncodeToString(sum[:16])
}

// normalizeName prepares a name for hashing: NFC, lower case, single spaces, no diacritics, so
// "NGUYỄN VĂN  AN" and "nguyen van an" hash alike.
func normalizeName(name string) string {
	return Fold(NormalizeText(name))
}

// hasLetter reports whether s has a letter (a name must).
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
