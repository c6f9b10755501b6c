package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govpulse/govpulse/models"
)

// Ward matching: the gazetteer turns what a sender or a citizen writes about a place ("26734",
// "P. Bến Thành", "phuong ben thanh", "F.Bến Thành", "Xã Thạnh An") into a ward code, and never
// guesses. Names compare folded (no diacritics) through the seeded aliases; when a folded name
// fits two wards (Thanh An and Thạnh An, both in Ho Chi Minh City) the text with diacritics
// decides, and text without them leaves the ward unknown.

// Errors of Gazetteer.Lookup, wrapped with the value at fault.
var (
	ErrWardUnknown   = errors.New("unknown ward")
	ErrWardAmbiguous = errors.New("ambiguous ward name")
)

// Gazetteer finds wards by code or name. It is read-only after NewGazetteer and safe for
// concurrent use.
type Gazetteer struct {
	wards    []gazWard
	byCode   map[string]int
	byName   map[string][]int // folded bare name or alias, words joined by one space → wards
	maxWords int              // longest key in words
	// province mentions ("can tho", "hai phong", "tp hcm") → province code, to settle a bare
	// name shared by two provinces when the text says which.
	provinceKeys map[string]string
	provinces    int // number of provinces among the wards
}

type gazWard struct {
	ward  models.Ward
	name  string   // lower case, NFC, canonical tones: "bến thành"
	words []string // name split
	typ   models.WardType
}

// NewGazetteer indexes wards (typically the wards table, optionally cut to the provinces an
// installation serves). Wards without a code are skipped.
func NewGazetteer(wards []models.Ward) *Gazetteer {
	g := &Gazetteer{byCode: make(map[string]int, len(wards)), byName: map[string][]int{}, provinceKeys: map[string]string{}}
	provinces := map[string]bool{}
	for _, w := range wards {
		code := strings.TrimSpace(w.Code)
		if code == "" {
			continue
		}
		if _, dup := g.byCode[code]; dup {
			continue
		}
		name := canonTones(NormalizeText(w.Name))
		gw := gazWard{ward: w, name: name, words: strings.Fields(name), typ: models.WardType(w.UnitType)}
		idx := len(g.wards)
		g.wards = append(g.wards, gw)
		g.byCode[code] = idx
		provinces[w.ProvinceCode] = true
		if pn := wordKey(Fold(NormalizeText(w.ProvinceName))); pn != "" {
			g.provinceKeys[pn] = w.ProvinceCode
		}
		keys := []string{wordKey(Fold(name))}
		for _, a := range w.Aliases {
			keys = append(keys, stripCue(wordKey(Fold(NormalizeText(a)))))
		}
		for _, k := range keys {
			if k == "" || allASCIIDigits(strings.ReplaceAll(k, " ", "")) {
				continue // a lone number would match any number in a text
			}
			if !slices.Contains(g.byName[k], idx) {
				g.byName[k] = append(g.byName[k], idx)
			}
			g.maxWords = max(g.maxWords, strings.Count(k, " ")+1)
		}
	}
	g.provinces = len(provinces)
	// Everyday names of the cities govpulse ships for.
	for k, code := range map[string]string{"tp hcm": "79", "tphcm": "79", "hcm": "79", "sai gon": "79", "saigon": "79", "ho chi minh": "79"} {
		if provinces[code] {
			g.provinceKeys[k] = code
		}
	}
	return g
}

// Len returns the number of wards indexed.
func (g *Gazetteer) Len() int { return len(g.wards) }

// Ward returns the ward with the given code. Codes are five digits; shorter all-digit codes are
// read as having lost their leading zeros ("4" is "00004"), and longer ones with extra leading
// zeros are trimmed.
func (g *Gazetteer) Ward(code string) (models.Ward, bool) {
	code = canonWardCode(strings.TrimSpace(code))
	if i, ok := g.byCode[code]; ok {
		return g.wards[i].ward, true
	}
	return models.Ward{}, false
}

// canonWardCode pads an all-digit code to five digits or trims extra leading zeros.
func canonWardCode(code string) string {
	if code == "" || len(code) > 12 || !allASCIIDigits(code) {
		return code
	}
	for len(code) > 5 && code[0] == '0' {
		code = code[1:]
	}
	if len(code) < 5 {
		code = strings.Repeat("0", 5-len(code)) + code
	}
	return code
}

// Lookup resolves a value sent in a ward field: a code (see Ward) or a name with or without its
// type word and diacritics ("Phường Bến Thành", "P.Ben Thanh", "f. bến thành", "Xã Thạnh An",
// "Thạnh An, TP.HCM"). It returns ErrWardUnknown or ErrWardAmbiguous (wrapped, with a message
// safe to show a sender) when no single ward fits.
func (g *Gazetteer) Lookup(value string) (models.Ward, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return models.Ward{}, fmt.Errorf("%w: empty", ErrWardUnknown)
	}
	if allASCIIDigits(v) {
		if w, ok := g.Ward(v); ok {
			return w, nil
		}
		return models.Ward{}, fmt.Errorf("%w code %s", ErrWardUnknown, quoteValue(v))
	}
	// "Bến Thành, Quận 1, TP.HCM": the ward comes first; the rest may name the province.
	head, rest, _ := strings.Cut(toNFC(v), ",")
	ws := scanWords(head)
	province := func() string {
		if rest == "" {
			return ""
		}
		rs := scanWords(rest)
		return g.provinceIn(&rs)
	}
	start, cueType := 0, models.WardType("")
	if n, t, ok := cueAt(&ws, 0, ws.accented); ok {
		start, cueType = n, t
	}
	if start == len(ws.words) {
		return models.Ward{}, fmt.Errorf("%w name %s", ErrWardUnknown, quoteValue(v))
	}
	// The whole remainder must be the name: a field holds one ward.
	idx, amb := g.resolve(&ws, start, len(ws.words), cueType, province)
	switch {
	case idx >= 0:
		return g.wards[idx].ward, nil
	case len(amb) > 0:
		names := make([]string, len(amb))
		for i, j := range amb {
			names[i] = g.wards[j].ward.Code + " " + g.wards[j].ward.FullName
		}
		return models.Ward{}, fmt.Errorf("%w %s: it fits %s; send the code or the name with diacritics",
			ErrWardAmbiguous, quoteValue(v), strings.Join(names, ", "))
	}
	return models.Ward{}, fmt.Errorf("%w name %s", ErrWardUnknown, quoteValue(v))
}

// FindInText returns the ward a free text is about, or false. It only accepts a name introduced by
// a type word ("phường", "P.", "F.", "xã", "X.", "đặc khu", "ĐK"), matching the longest name;
// bare names are too often ordinary words ("An Phú", "Sài Gòn", "Tân Bình" the district) to count.
// A text naming several wards gets the one named most often (the first on a tie).
func (g *Gazetteer) FindInText(text string) (models.Ward, bool) {
	if len(g.wards) == 0 || text == "" {
		return models.Ward{}, false
	}
	ws := scanWords(toNFC(text))
	return g.findInWords(&ws)
}

func (g *Gazetteer) findInWords(ws *wordScan) (models.Ward, bool) {
	if len(g.wards) == 0 {
		return models.Ward{}, false
	}
	province, provinceDone := "", g.provinces < 2
	provinceOf := func() string {
		if !provinceDone {
			province, provinceDone = g.provinceIn(ws), true
		}
		return province
	}
	type hit struct{ idx, n int }
	var hits [4]hit
	found := hits[:0]
	for i := 0; i < len(ws.words); i++ {
		n, typ, ok := cueAt(ws, i, ws.accented)
		if !ok || n >= len(ws.words) {
			continue
		}
		// Longest name first.
		for end := min(len(ws.words), n+g.maxWords); end > n; end-- {
			idx, amb := g.resolve(ws, n, end, typ, provinceOf)
			if idx < 0 && len(amb) == 0 {
				continue
			}
			if idx >= 0 {
				k := slices.IndexFunc(found, func(h hit) bool { return h.idx == idx })
				if k >= 0 {
					found[k].n++
				} else {
					found = append(found, hit{idx, 1})
				}
			}
			i = end - 1
			break
		}
	}
	best := -1
	for k, h := range found {
		if best < 0 || h.n > found[best].n {
			best = k
		}
	}
	if best < 0 {
		return models.Ward{}, false
	}
	return g.wards[found[best].idx].ward, true
}

// resolve matches words [from, to) of ws against ward names. It returns the ward index, or -1
// with the candidates when the name fits several wards and nothing settles it (none fit: -1, nil).
// provinceOf names the province the text mentions, if any; it is called only when needed.
func (g *Gazetteer) resolve(ws *wordScan, from, to int, cueType models.WardType, provinceOf func() string) (int, []int) {
	var buf [128]byte
	cands := g.byName[string(ws.appendKey(buf[:0], from, to))]
	if len(cands) == 0 {
		return -1, nil
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	// Narrow step by step; a step that would leave nothing is skipped.
	narrow := func(keep func(int) bool) {
		var out []int
		for _, c := range cands {
			if keep(c) {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			cands = out
		}
	}
	if g.provinces > 1 {
		if province := provinceOf(); province != "" {
			narrow(func(c int) bool { return g.wards[c].ward.ProvinceCode == province })
		}
	}
	if len(cands) > 1 && ws.accented {
		// The writer uses diacritics: the name as written decides.
		narrow(func(c int) bool { return g.spelledAs(ws, from, to, c) })
	}
	if len(cands) > 1 && cueType != "" {
		narrow(func(c int) bool { return g.wards[c].typ == cueType })
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	return -1, cands
}

// spelledAs reports whether words [from, to) spell ward c's name with its diacritics.
func (g *Gazetteer) spelledAs(ws *wordScan, from, to, c int) bool {
	w := g.wards[c].words
	if to-from != len(w) {
		return false
	}
	for i := range w {
		if ws.lowerWord(from+i) != w[i] {
			return false
		}
	}
	return true
}

// provinceIn returns the province code a text names, when it names exactly one of the
// gazetteer's provinces.
func (g *Gazetteer) provinceIn(ws *wordScan) string {
	found := ""
	var buf [128]byte
	for i := range ws.words {
		for n := 1; n <= 3 && i+n <= len(ws.words); n++ {
			if code, ok := g.provinceKeys[string(ws.appendKey(buf[:0], i, i+n))]; ok {
				if found != "" && found != code {
					return ""
				}
				found = code
			}
		}
	}
	return found
}

// The type words that introduce a ward name, folded, with the type they announce and, for text
// with diacritics, the only spellings that count: "phương" (direction) and "xa" (far) are words of
// their own.
var wardCues = []struct {
	words    []string
	accented []string // accepted spellings of the joined words in text with diacritics
	typ      models.WardType
}{
	{[]string{"dac", "khu"}, []string{"đặc khu", "dac khu"}, models.WardDacKhu},
	{[]string{"phuong"}, []string{"phường", "phuong"}, models.WardPhuong},
	{[]string{"p"}, []string{"p"}, models.WardPhuong},
	{[]string{"f"}, []string{"f"}, models.WardPhuong}, // teencode
	{[]string{"xa"}, []string{"xã"}, models.WardXa},
	{[]string{"x"}, []string{"x"}, models.WardXa},
	{[]string{"dk"}, []string{"đk", "dk"}, models.WardDacKhu},
}

// cueAt reports whether a ward type word starts at word i, returning the index of the word after
// it and the type announced. "UBND" before the type word is allowed.
func cueAt(ws *wordScan, i int, accented bool) (next int, typ models.WardType, ok bool) {
	if i < len(ws.words) && ws.folded(i) == "ubnd" {
		i++
	}
	for _, c := range wardCues {
		if i+len(c.words) > len(ws.words) {
			continue
		}
		match := true
		for j, w := range c.words {
			if ws.folded(i+j) != w {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if accented {
			var sb strings.Builder
			for j := range c.words {
				if j > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(ws.lowerWord(i + j))
			}
			if !slices.Contains(c.accented, sb.String()) {
				continue
			}
		}
		// "địa phương" (locality) is not a ward.
		if c.words[0] == "phuong" && i > 0 && ws.folded(i-1) == "dia" {
			continue
		}
		return i + len(c.words), c.typ, true
	}
	return 0, "", false
}

// stripCue removes a leading type word from a folded alias key ("phuong ben thanh" → "ben thanh").
func stripCue(key string) string {
	for _, p := range []string{"dac khu ", "phuong ", "xa ", "dk ", "p ", "x ", "f "} {
		if rest, ok := strings.CutPrefix(key, p); ok && rest != "" {
			return rest
		}
	}
	return key
}

// appendKey appends the folded words [from, to) of ws joined by one space.
func (ws *wordScan) appendKey(b []byte, from, to int) []byte {
	for i := from; i < to; i++ {
		if i > from {
			b = append(b, ' ')
		}
		b = append(b, ws.folded(i)...)
	}
	return b
}

// wordKey keeps the letters and digits of a folded text, words joined by one space:
// "p.ben  thanh" → "p ben thanh".
func wordKey(s string) string {
	ws := scanWords(s)
	var b strings.Builder
	for i := range ws.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ws.folded(i))
	}
	return b.String()
}

func allASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoteValue quotes a sender's value for a message, cut to 40 runes.
func quoteValue(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return fmt.Sprintf("%q…", string(r[:40]))
	}
	return fmt.Sprintf("%q", s)
}
