package assistant

import "strings"

// lexKind is what a phrase of the lexicon names.
type lexKind uint8

const (
	lexMetric lexKind = iota + 1
	lexObject
	lexDimension
	lexPeriod
	lexCompare
	lexOrder
	lexValue
)

// lexItem is one meaning of a phrase: a metric, object, dimension, period, comparison or order
// key, or a dictionary value.
type lexItem struct {
	kind  lexKind
	key   string
	dict  string     // lexValue: the dictionary
	entry *dictEntry // lexValue
}

// lexicon maps folded phrases to their meanings; maxLen is the longest phrase in tokens.
type lexicon struct {
	phrases map[string][]lexItem
	maxLen  int
	// fuzzy are the value phrases long enough for typo-tolerant matching, by token count.
	fuzzy map[int][]fuzzyPhrase
}

type fuzzyPhrase struct {
	text string
	item lexItem
}

// lexicon builds (once) the lexicon of the layer and its dictionaries.
func (l *Layer) lexicon() *lexicon {
	l.lexOnce.Do(func() { l.lex = l.buildLexicon() })
	return l.lex
}

func (l *Layer) buildLexicon() *lexicon {
	lx := &lexicon{phrases: map[string][]lexItem{}, fuzzy: map[int][]fuzzyPhrase{}}
	add := func(phrase string, it lexItem) {
		p := foldPhrase(phrase)
		if p == "" {
			return
		}
		for _, old := range lx.phrases[p] {
			if old.kind == it.kind && old.key == it.key && old.entry == it.entry {
				return
			}
		}
		lx.phrases[p] = append(lx.phrases[p], it)
		if n := strings.Count(p, " ") + 1; n > lx.maxLen {
			lx.maxLen = n
		}
	}
	for _, m := range l.Metrics {
		it := lexItem{kind: lexMetric, key: m.Key}
		add(m.Names.VI, it)
		add(m.Names.EN, it)
		for _, s := range m.Synonyms {
			add(s, it)
		}
	}
	for obj, words := range l.Objects {
		for _, w := range words {
			add(w, lexItem{kind: lexObject, key: obj})
		}
	}
	for k, d := range l.Dimensions {
		for _, s := range d.Synonyms {
			add(s, lexItem{kind: lexDimension, key: k})
		}
	}
	for k, words := range l.Periods {
		for _, w := range words {
			add(w, lexItem{kind: lexPeriod, key: k})
		}
	}
	for k, words := range l.Compare {
		for _, w := range words {
			add(w, lexItem{kind: lexCompare, key: k})
		}
	}
	for k, words := range l.Order {
		for _, w := range words {
			add(w, lexItem{kind: lexOrder, key: k})
		}
	}
	for name, dict := range l.dicts {
		for _, e := range dict.entries {
			for _, a := range e.Aliases {
				// A bare one-word alias ("an", "binh") would match ordinary words of a question.
				if strings.Count(a, " ") == 0 && len(a) < 4 && name != "platforms" && name != "channels" {
					continue
				}
				it := lexItem{kind: lexValue, key: e.Code, dict: name, entry: e}
				add(a, it)
				if n := strings.Count(a, " ") + 1; n >= 2 && len(a) >= 7 {
					lx.fuzzy[n] = append(lx.fuzzy[n], fuzzyPhrase{a, it})
				}
			}
		}
	}
	return lx
}
