package assistant

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/govpulse/govpulse/models"
)

// dictEntry is one value of a dictionary: a code, its names, and the folded phrases that name it.
type dictEntry struct {
	Code  string
	Names Names
	// Raw are the names in lower case with diacritics, to settle two values whose folded forms
	// are equal (Thanh An and Thạnh An).
	Raw []string
	// Aliases are folded phrases (fold + tokens joined by one space).
	Aliases []string
	// Province is a ward's province code; Parent a category's parent code.
	Province string
	Parent   string
}

// dictionary is the values of one kind, with an index by code.
type dictionary struct {
	entries []*dictEntry
	index   map[string]*dictEntry
}

func (d *dictionary) add(e *dictEntry) {
	if d.index == nil {
		d.index = map[string]*dictEntry{}
	}
	if _, dup := d.index[e.Code]; dup {
		return
	}
	seen := map[string]bool{}
	var aliases []string
	for _, a := range e.Aliases {
		a = foldPhrase(a)
		if a != "" && !seen[a] {
			seen[a] = true
			aliases = append(aliases, a)
		}
	}
	e.Aliases = aliases
	d.entries = append(d.entries, e)
	d.index[e.Code] = e
}

func (d *dictionary) byCode(code string) *dictEntry {
	if d == nil {
		return nil
	}
	return d.index[code]
}

var codeShapeRe = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// known reports whether code is a value of d; when d was never filled (no database), any code
// shaped like one is accepted and the engine simply finds no rows for an unknown one.
func (d *dictionary) known(code string) bool {
	if d == nil || len(d.entries) == 0 {
		return codeShapeRe.MatchString(code)
	}
	return d.index[code] != nil
}

func wardDictionary(wards []models.Ward) *dictionary {
	d := &dictionary{}
	for _, w := range wards {
		en := w.NameEN
		if en == "" {
			en = w.FullName
		}
		aliases := append([]string{w.Name, w.FullName, w.NameEN, w.Code}, w.Aliases...)
		d.add(&dictEntry{Code: w.Code, Names: Names{VI: w.FullName, EN: en}, Province: w.ProvinceCode,
			Raw: []string{lowerNFC(w.Name), lowerNFC(w.FullName)}, Aliases: aliases})
	}
	return d
}

func unitDictionary(units []models.Unit, wards []models.Ward) *dictionary {
	province := map[string]string{}
	for _, w := range wards {
		province[w.Code] = w.ProvinceCode
	}
	d := &dictionary{}
	for _, u := range units {
		en := u.NameEN
		if en == "" {
			en = u.Name
		}
		aliases := []string{u.Name, u.NameEN, u.Code}
		name := u.Name
		if rest, ok := strings.CutPrefix(name, "UBND "); ok {
			aliases = append(aliases, "Ủy ban nhân dân "+rest, "Uỷ ban nhân dân "+rest, "UBND "+strings.Replace(rest, "Phường ", "P. ", 1))
		}
		if rest, ok := strings.CutPrefix(name, "Sở "); ok {
			if ini := initials(rest); len(ini) >= 2 {
				aliases = append(aliases, "s"+ini)
			}
		}
		d.add(&dictEntry{Code: u.Code, Names: Names{VI: u.Name, EN: en}, Province: province[u.WardCode],
			Raw: []string{lowerNFC(u.Name)}, Aliases: aliases})
	}
	return d
}

// initials are the folded first letters of the words of s ("Tư pháp" → "tp").
func initials(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(fold(s)) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func fieldDictionary(fields []models.Field, extra map[string]*ValueWords) *dictionary {
	d := &dictionary{}
	for _, f := range fields {
		aliases := []string{f.NameVI, f.NameEN, strings.ReplaceAll(f.Code, "_", " ")}
		if w := extra[f.Code]; w != nil {
			aliases = append(aliases, w.Synonyms...)
		}
		d.add(&dictEntry{Code: f.Code, Names: Names{VI: f.NameVI, EN: f.NameEN}, Raw: []string{lowerNFC(f.NameVI)}, Aliases: aliases})
	}
	return d
}

func categoryDictionary(cats []models.PetitionCategory, extra map[string]*ValueWords) *dictionary {
	d := &dictionary{}
	for _, c := range cats {
		aliases := []string{c.NameVI, c.NameEN, strings.ReplaceAll(c.Code, "_", " ")}
		// "Đường sá, vỉa hè hư hỏng": each part of a listed name names it too.
		for _, part := range strings.Split(c.NameVI, ",") {
			if len(strings.Fields(part)) >= 2 {
				aliases = append(aliases, part)
			}
		}
		if w := extra[c.Code]; w != nil {
			aliases = append(aliases, w.Synonyms...)
		}
		d.add(&dictEntry{Code: c.Code, Names: Names{VI: c.NameVI, EN: c.NameEN}, Parent: c.Parent,
			Raw: []string{lowerNFC(c.NameVI)}, Aliases: aliases})
	}
	return d
}

func enumDictionary(words map[string]*ValueWords) *dictionary {
	d := &dictionary{}
	for code, w := range words {
		aliases := append([]string{w.VI, w.EN, code}, w.Synonyms...)
		d.add(&dictEntry{Code: code, Names: Names{VI: w.VI, EN: w.EN}, Raw: []string{lowerNFC(w.VI)}, Aliases: aliases})
	}
	return d
}

// fold writes s in lower case without diacritics (đ → d), NFC: the form the matcher compares.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

func lowerNFC(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// tokens splits folded text into words. Letters and digits make words; '.', '/', '-' and ':'
// stay inside a word only between two letters or digits of which one is a digit ("10/2025",
// "2025-q3", "h29.stp"), so "p.ben" and "on-time" split.
func tokens(s string) []string {
	rs := []rune(s)
	isAN := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	isD := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i]) }
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		case strings.ContainsRune("./-:", r) && isAN(i-1) && isAN(i+1) && (isD(i-1) || isD(i+1)):
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// foldPhrase is s folded and re-tokenised, tokens joined by one space.
func foldPhrase(s string) string { return strings.Join(tokens(fold(s)), " ") }

// editDistance is the optimal-string-alignment distance of a and b in runes (insertions,
// deletions, substitutions and swaps of two neighbours each cost 1), or max+1 when it exceeds
// max.
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		best := rows[i][0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			c := min(rows[i-1][j-1]+cost, rows[i-1][j]+1, rows[i][j-1]+1)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				c = min(c, rows[i-2][j-2]+1)
			}
			rows[i][j] = c
			best = min(best, c)
		}
		if best > max {
			return max + 1
		}
	}
	if d := rows[len(ra)][len(rb)]; d <= max {
		return d
	}
	return max + 1
}
