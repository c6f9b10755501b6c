package assistant

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/govpulse/govpulse/models"
)

// Parsed is what the offline parser understood of a question: a Spec ready to compile, or a
// Clarify when the question is ambiguous or outside the layer. Notes say what it assumed (a
// default period, a capped limit), in the question's language.
type Parsed struct {
	Spec    Spec
	Clarify *Clarify
	Notes   []string
}

// match is a phrase of the lexicon found at tokens [start, end).
type match struct {
	start, end int
	items      []lexItem
}

// question is a question split into folded tokens, with the raw (lower case, accented) tokens
// beside them when both splits agree.
type question struct {
	text    string
	folded  []string
	raw     []string
	used    []bool
	matches []match
}

// Parse reads a Vietnamese or English question, with or without diacritics, against the layer:
// metrics by their synonyms, places, fields and categories by the value dictionaries (accent-
// and typo-tolerant), relative periods against now (Asia/Ho_Chi_Minh) and absolute ones
// ("tháng 10/2025", "quý 3/2025", "Q3 2025"), comparisons, order words and top-N. lang ("vi" or
// "en") is the language of the notes and clarification. It never fails: what it cannot read
// becomes a Clarify with two or three interpretations, each a full question.
func (l *Layer) Parse(text string, now time.Time, lang string) Parsed {
	now = now.In(models.Location)
	text = norm.NFC.String(text)
	if len(text) > maxQuestionBytes {
		text = text[:maxQuestionBytes]
	}
	q := &question{text: text, folded: tokens(fold(text)), raw: tokens(lowerNFC(text))}
	if len(q.raw) != len(q.folded) {
		q.raw = q.folded
	}
	if len(q.folded) > 200 {
		q.folded, q.raw = q.folded[:200], q.raw[:200]
	}
	q.used = make([]bool, len(q.folded))
	lx := l.lexicon()

	// 1. Comparisons before periods: "so với tháng trước" is not the period "tháng trước".
	q.findPhrases(lx, func(it lexItem) bool { return it.kind == lexCompare })
	// 2. Absolute periods, then every other phrase, longest first; then near misses of values.
	periods := absolutePeriods(q.folded, q.used, now)
	q.findPhrases(lx, func(it lexItem) bool { return it.kind != lexCompare })
	q.findFuzzy(lx)

	p := &parseState{l: l, q: q, lang: lang, now: now, periods: periods}
	return p.resolve(periods)
}

// findPhrases marks the longest phrases of the lexicon whose items pass keep.
func (q *question) findPhrases(lx *lexicon, keep func(lexItem) bool) {
	for n := min(lx.maxLen, len(q.folded)); n >= 1; n-- {
		for i := 0; i+n <= len(q.folded); i++ {
			if slices.Contains(q.used[i:i+n], true) {
				continue
			}
			items := lx.phrases[strings.Join(q.folded[i:i+n], " ")]
			var kept []lexItem
			for _, it := range items {
				if keep(it) {
					kept = append(kept, it)
				}
			}
			if len(kept) == 0 {
				continue
			}
			for k := i; k < i+n; k++ {
				q.used[k] = true
			}
			q.matches = append(q.matches, match{i, i + n, kept})
		}
	}
}

// findFuzzy matches dictionary values of two or more words with one typo (two in long names)
// among the tokens no phrase took.
func (q *question) findFuzzy(lx *lexicon) {
	for n := 4; n >= 2; n-- {
		for i := 0; i+n <= len(q.folded); i++ {
			if slices.Contains(q.used[i:i+n], true) {
				continue
			}
			window := strings.Join(q.folded[i:i+n], " ")
			if len(window) < 9 {
				continue
			}
			best, bestD := []lexItem(nil), 3
			for _, fp := range lx.fuzzy[n] {
				max := 1
				if len(fp.text) >= 13 {
					max = 2
				}
				d := editDistance(window, fp.text, max)
				if d > max || d > bestD {
					continue
				}
				if d < bestD {
					best, bestD = nil, d
				}
				if !slices.ContainsFunc(best, func(it lexItem) bool { return it.entry == fp.item.entry }) {
					best = append(best, fp.item)
				}
			}
			if len(best) == 0 {
				continue
			}
			for k := i; k < i+n; k++ {
				q.used[k] = true
			}
			q.matches = append(q.matches, match{i, i + n, best})
		}
	}
	sort.Slice(q.matches, func(a, b int) bool { return q.matches[a].start < q.matches[b].start })
}

// parseState resolves the matches of one question into a Spec.
type parseState struct {
	l    *Layer
	q    *question
	lang string
	now  time.Time
	spec Spec
	// notes for the user.
	notes   []string
	periods []periodMatch
}

// objectDims are the dictionaries a value can filter, by dictionary: the first dimension the
// metric's source has is used.
var dictDimensions = map[string][]string{
	"wards": {"ward"}, "units": {"unit"}, "fields": {"field"}, "categories": {"category", "topic"},
	"channels": {"channel"}, "online_levels": {"online_level"}, "platforms": {"platform"},
}

func (p *parseState) resolve(periods []periodMatch) Parsed {
	l, q := p.l, p.q
	var (
		objects    []string
		metricSets [][]string
		dimSets    [][]string
		dimMatches []match
		values     []match
		orderKey   string
		compare    string
		relPeriod  string
		relStart   = -1
		relTargets []periodMatch
	)
	for _, m := range q.matches {
		switch m.items[0].kind {
		case lexCompare:
			compare = m.items[0].key
		case lexPeriod:
			pm := periodMatch{m.start, m.end, relativePeriods[m.items[0].key](p.now)}
			if p.isComparisonTarget(m.start) {
				relTargets = append(relTargets, pm)
			} else if relPeriod == "" {
				relPeriod, relStart = m.items[0].key, m.start
			}
		case lexOrder:
			orderKey = m.items[0].key
		}
		var ms, ds []string
		hasValue := false
		for _, it := range m.items {
			switch it.kind {
			case lexObject:
				if !slices.Contains(objects, it.key) {
					objects = append(objects, it.key)
				}
			case lexMetric:
				ms = append(ms, it.key)
			case lexDimension:
				ds = append(ds, it.key)
			case lexValue:
				hasValue = true
			}
		}
		if len(ms) > 0 {
			metricSets = append(metricSets, ms)
		}
		if len(ds) > 0 {
			dimSets = append(dimSets, ds)
			dimMatches = append(dimMatches, m)
		}
		if hasValue {
			values = append(values, m)
		}
	}

	// Objects the values imply (a field means dossiers, a platform posts), used when no
	// object word settles a metric; and objects implied by metric words of one family ("bao
	// nhiêu hồ sơ"), which settle shared words ("tiếp nhận").
	hinted := p.valueObjects(values, nil)
	// Platforms and channels are where the data comes from, so they alone name the kind of
	// data ("TikTok" → posts); a field or category is a subject of the world ("nhà đất") that a
	// question may ask about in a sense the layer does not hold.
	sourceHinted := p.valueObjects(values, []string{"platforms", "channels"})
	implied := slices.Clone(objects)
	for _, set := range metricSets {
		obj := l.metricByKey[set[0]].Object
		one := true
		for _, k := range set {
			one = one && l.metricByKey[k].Object == obj
		}
		if one && !slices.Contains(implied, obj) {
			implied = append(implied, obj)
		}
	}

	// Metrics.
	var metrics []string
	for _, set := range metricSets {
		cands := set
		for _, filter := range [][]string{implied, hinted} {
			if len(filter) == 0 || len(cands) == 1 {
				continue
			}
			var keep []string
			for _, k := range cands {
				if slices.Contains(filter, l.metricByKey[k].Object) {
					keep = append(keep, k)
				}
			}
			if len(keep) > 0 {
				cands = keep
			}
		}
		if len(objects) > 0 {
			var keep []string
			for _, k := range cands {
				if slices.Contains(objects, l.metricByKey[k].Object) {
					keep = append(keep, k)
				}
			}
			if len(keep) == 0 {
				// The metric words belong to another object than the one named ("hài lòng"
				// about dossiers): outside the layer.
				return p.clarifyOutside(objects)
			}
			cands = keep
		}
		if len(cands) > 1 {
			return p.clarifyMetrics(cands)
		}
		if !slices.Contains(metrics, cands[0]) {
			metrics = append(metrics, cands[0])
		}
	}
	// A generic count ("số hồ sơ") beside a specific metric of another table ("trễ hạn") is
	// the noun of the specific one.
	if sourcesOf(l, metrics) > 1 {
		var keep []string
		for _, k := range metrics {
			if !l.isDefaultMetric(k) {
				keep = append(keep, k)
			}
		}
		if len(keep) > 0 {
			metrics = keep
		}
	}
	// "Tỷ lệ hồ sơ giải quyết đúng hạn", "share of negative posts": the counts named beside a
	// rate are its nouns, unless the question joins measures ("… và …", "… and …").
	if len(metrics) > 1 && !p.joinsMeasures() {
		var keep []string
		rate := p.asksRate()
		for _, k := range metrics {
			m := l.metricByKey[k]
			generic := l.isDefaultMetric(k) && slices.ContainsFunc(metrics, func(o string) bool {
				return o != k && l.metricByKey[o].Object == m.Object
			})
			if generic || (rate && m.Unit == "count" && slices.ContainsFunc(metrics, func(o string) bool { return l.metricByKey[o].Unit != "count" })) {
				continue
			}
			keep = append(keep, k)
		}
		if len(keep) > 0 {
			metrics = keep
		}
	}
	if sourcesOf(l, metrics) > 1 {
		return p.clarifyMetrics(metrics)
	}
	if len(metrics) == 0 && p.asksRate() {
		// "Tỷ lệ hài lòng … hồ sơ": a rate the layer does not have; the object's count would be
		// a wrong answer.
		return p.clarifyOutside(implied)
	}
	if len(metrics) == 0 {
		switch {
		case len(objects) == 1:
			metrics = []string{l.defaultMetric(objects[0])}
		case len(objects) == 0 && len(sourceHinted) == 1:
			metrics = []string{l.defaultMetric(sourceHinted[0])}
		default:
			cands := objects
			if len(cands) == 0 {
				cands = hinted
			}
			return p.clarifyObject(cands)
		}
	}
	if p.asksRate() {
		for i, k := range metrics {
			for _, m := range l.Metrics {
				if m.RateOf == k {
					metrics[i] = m.Key
				}
			}
		}
	}
	p.spec.Metrics = metrics
	m0 := l.metricByKey[metrics[0]]
	src := l.Sources[m0.Source]

	// Period and comparison.
	var period models.Period
	var periodWords string
	for _, pm := range periods {
		if p.isComparisonTarget(pm.start) {
			continue
		}
		if period.IsZero() {
			period, periodWords = pm.period, p.words(pm.start, pm.end)
		} else if compare == "" {
			// "quý 3/2025 và quý 2/2025": a second period next to the first compares them.
			switch pm.period {
			case period.Previous():
				compare = "previous"
			case period.SameLastYear():
				compare = "last_year"
			}
		}
	}
	if period.IsZero() && relPeriod != "" {
		period = relativePeriods[relPeriod](p.now)
		for _, m := range q.matches {
			if m.start == relStart {
				periodWords = p.words(m.start, m.end)
			}
		}
	}
	if period.IsZero() && compare == "previous" {
		// "so với tháng trước" without a period: this month against the last.
		if key := p.compareUnit(); key != "" {
			period = relativePeriods[key](p.now)
			periodWords = strings.Join(l.Periods[key][:1], "")
			if p.lang == "en" {
				periodWords = lastOf(l.Periods[key])
			}
		}
	}
	if period.IsZero() {
		period = relativePeriods[l.Defaults.Period](p.now)
		periodWords = strings.Join(l.Periods[l.Defaults.Period][:1], "")
		if p.lang == "en" {
			periodWords = lastOf(l.Periods[l.Defaults.Period])
		}
		p.notes = append(p.notes, pick(p.lang, "Câu hỏi không nêu thời gian: tính cho "+periodWords+".",
			"No period given: using the "+periodWords+"."))
	}
	for _, pm := range append(slices.Clone(periods), relTargets...) {
		if p.isComparisonTarget(pm.start) && compare == "" {
			switch {
			case pm.period == period.Previous():
				compare = "previous"
			case pm.period == period.SameLastYear():
				compare = "last_year"
			}
		}
	}
	p.spec.Period = SpecPeriod{Text: period.String(), Words: periodWords}
	p.spec.Compare = compare

	// Filters from values.
	filters := map[string][]string{}
	var filterOrder []string
	for _, m := range values {
		dim, entries, clar := p.valueDimension(m, src)
		if clar != nil {
			return Parsed{Clarify: clar}
		}
		if dim == "" {
			return p.clarifyValueElsewhere(m)
		}
		for _, e := range entries {
			code := e.Code
			if dim == "topic" && e.Parent != "" {
				code = e.Parent // posts carry top-level topics
			}
			if !slices.Contains(filters[dim], code) {
				filters[dim] = append(filters[dim], code)
			}
		}
		if !slices.Contains(filterOrder, dim) {
			filterOrder = append(filterOrder, dim)
		}
	}
	for _, d := range filterOrder {
		p.spec.Filters = append(p.spec.Filters, Filter{Dimension: d, Values: filters[d]})
	}

	// Dimensions: words that name one, and a dimension filtered by several values (compared
	// side by side).
	for si, set := range dimSets {
		if p.namesValue(dimMatches[si], filterOrder) {
			continue
		}
		var keep []string
		for _, d := range set {
			if l.sourceHas(src, d) {
				keep = append(keep, d)
			}
		}
		if len(keep) == 0 {
			return p.clarifyDimension(set[0], src)
		}
		if !slices.Contains(p.spec.Dimensions, keep[0]) {
			p.spec.Dimensions = append(p.spec.Dimensions, keep[0])
		}
	}
	for _, d := range filterOrder {
		if len(filters[d]) > 1 && !slices.Contains(p.spec.Dimensions, d) {
			p.spec.Dimensions = append(p.spec.Dimensions, d)
		}
	}
	if len(p.spec.Dimensions) > 2 {
		p.spec.Dimensions = p.spec.Dimensions[:2]
	}

	// Top-N and order; "nhiều phản ánh nhất" puts the noun between the order words.
	if orderKey == "" {
		orderKey = p.gapOrder()
	}
	limit := p.topN()
	if (orderKey != "" || limit > 0) && len(p.spec.Dimensions) == 0 {
		return p.clarifyBreakdown(src)
	}
	if orderKey != "" {
		p.spec.OrderBy = metrics[0]
		switch orderKey {
		case "desc":
			p.spec.Desc = true
		case "best", "worst":
			better := m0.HigherIsBetter == nil || *m0.HigherIsBetter
			p.spec.Desc = better == (orderKey == "best")
		}
	} else if len(p.spec.Dimensions) > 0 && !l.hasTimeDimension(p.spec) && limit > 0 {
		p.spec.OrderBy, p.spec.Desc = metrics[0], true
	}
	if limit > 0 {
		if max := l.maxLimit(p.spec); limit > max {
			p.notes = append(p.notes, pick(p.lang, "Chỉ hiển thị tối đa "+strconv.Itoa(max)+" dòng.", "At most "+strconv.Itoa(max)+" rows are shown."))
			limit = max
		}
		p.spec.Limit = limit
	}
	if p.spec.Compare != "" && l.hasTimeDimension(p.spec) {
		p.spec.Compare = ""
		p.notes = append(p.notes, pick(p.lang, "Bỏ so sánh vì kết quả đã chia theo thời gian.", "Comparison dropped: the result is already over time."))
	}
	if err := l.Validate(p.spec); err != nil {
		return p.clarifyOutside(objects)
	}
	return Parsed{Spec: p.spec, Notes: p.notes}
}

func lastOf(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[len(xs)-1]
}

// words are the question's own words for tokens [start, end).
func (p *parseState) words(start, end int) string { return strings.Join(p.q.raw[start:end], " ") }

// isComparisonTarget reports whether a period starting at token i follows "so với",
// "compared with/to", "vs" or "versus".
func (p *parseState) isComparisonTarget(i int) bool {
	t := p.q.folded
	if i >= 2 && t[i-2] == "so" && t[i-1] == "voi" {
		return true
	}
	if i >= 1 && (t[i-1] == "vs" || t[i-1] == "versus") {
		return true
	}
	return i >= 2 && (t[i-2] == "compared" || t[i-2] == "compare") && (t[i-1] == "with" || t[i-1] == "to")
}

// numberWords are the small numbers written as words, Vietnamese (folded) and English.
var numberWords = map[string]int{
	"hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"twenty": 20,
}

// topN is the N of "top 5", "5 phường", "10 wards"; 0 when none.
func (p *parseState) topN() int {
	q := p.q
	dimStart := map[int]bool{}
	orderEnd := map[int]bool{}
	for _, m := range q.matches {
		switch m.items[0].kind {
		case lexDimension:
			dimStart[m.start] = true
		case lexOrder:
			orderEnd[m.end] = true
		}
	}
	for i, t := range q.folded {
		if q.used[i] {
			continue
		}
		n, err := strconv.Atoi(t)
		if err != nil {
			// "ba phường", "top five wards": number words only right before a breakdown word
			// or after "top", where they cannot be a year ("năm") or a name.
			w := numberWords[t]
			if w == 0 || !(dimStart[i+1] || i > 0 && q.folded[i-1] == "top") {
				continue
			}
			n = w
		}
		if n < 1 || n > 1000 {
			continue
		}
		if dimStart[i+1] || orderEnd[i] || (i > 0 && (q.folded[i-1] == "top" || q.folded[i-1] == "first")) {
			return n
		}
	}
	return 0
}

// valueObjects are the objects the matched values (of dicts; nil means all) point to, when they
// all agree on the families whose sources have a dimension for them.
func (p *parseState) valueObjects(values []match, dicts []string) []string {
	var objs []string
	for _, m := range values {
		var here []string
		for _, it := range m.items {
			if it.kind != lexValue || dicts != nil && !slices.Contains(dicts, it.dict) {
				continue
			}
			for _, metric := range p.l.Metrics {
				src := p.l.Sources[metric.Source]
				for _, d := range dictDimensions[it.dict] {
					if slices.Contains(src.Dimensions, d) && !slices.Contains(here, metric.Object) {
						here = append(here, metric.Object)
					}
				}
			}
		}
		// Wards are everywhere and say nothing.
		if len(here) == 0 || len(here) == len(p.l.Objects) {
			continue
		}
		if objs == nil {
			objs = here
		} else {
			var both []string
			for _, o := range objs {
				if slices.Contains(here, o) {
					both = append(both, o)
				}
			}
			objs = both
		}
	}
	sort.Strings(objs)
	return objs
}

// valueDimension settles a value match: the dimension of src it filters and the entries. Several
// entries for one phrase (two wards whose names fold alike) are settled on the accented words,
// else the user chooses.
func (p *parseState) valueDimension(m match, src *Source) (string, []*dictEntry, *Clarify) {
	var dim string
	var entries []*dictEntry
	for _, it := range m.items {
		if it.kind != lexValue {
			continue
		}
		for _, d := range dictDimensions[it.dict] {
			if !slices.Contains(src.Dimensions, d) {
				continue
			}
			if dim == "" {
				dim = d
			}
			if d == dim && !slices.Contains(entries, it.entry) {
				entries = append(entries, it.entry)
			}
			break
		}
	}
	if len(entries) <= 1 {
		return dim, entries, nil
	}
	if prov := p.l.province; prov != "" {
		var local []*dictEntry
		for _, e := range entries {
			if e.Province == prov {
				local = append(local, e)
			}
		}
		if len(local) == 1 {
			return dim, local, nil
		}
		if len(local) > 1 {
			entries = local
		}
	}
	raw := p.words(m.start, m.end)
	var exact []*dictEntry
	for _, e := range entries {
		if raw == strings.Join(p.q.folded[m.start:m.end], " ") {
			break // written without diacritics: the words cannot tell the places apart
		}
		for _, r := range e.Raw {
			if strings.HasSuffix(r, raw) || strings.HasSuffix(raw, r) {
				exact = append(exact, e)
				break
			}
		}
	}
	if len(exact) == 1 {
		return dim, exact, nil
	}
	// Ask which one: the same question with each value in place of the words.
	c := &Clarify{Question: pick(p.lang, "“"+p.words(m.start, m.end)+"” có thể là nhiều nơi; bạn muốn hỏi về nơi nào?",
		"“"+p.words(m.start, m.end)+"” may mean several places; which one?")}
	for _, e := range entries {
		if len(c.Options) == 3 {
			break
		}
		c.Options = append(c.Options, ClarifyOption{Label: e.Names.Get(p.lang) + " (" + e.Code + ")",
			Question: p.replaceWords(m.start, m.end, e.Code)})
	}
	return "", nil, c
}

// replaceWords is the question with tokens [start, end) replaced by s.
func (p *parseState) replaceWords(start, end int, s string) string {
	parts := append(append(append([]string(nil), p.q.raw[:start]...), s), p.q.raw[end:]...)
	return strings.Join(parts, " ")
}

func sourcesOf(l *Layer, metrics []string) int {
	var srcs []string
	for _, k := range metrics {
		if s := l.metricByKey[k].Source; !slices.Contains(srcs, s) {
			srcs = append(srcs, s)
		}
	}
	return len(srcs)
}

// defaultMetric is the first metric of an object: its count of what was received.
func (l *Layer) defaultMetric(object string) string {
	for _, m := range l.Metrics {
		if m.Object == object {
			return m.Key
		}
	}
	return l.Metrics[0].Key
}

func (l *Layer) isDefaultMetric(key string) bool {
	m := l.metricByKey[key]
	return m != nil && l.defaultMetric(m.Object) == key
}

// gapOrder reads "nhiều … nhất", "cao … nhất", "ít … nhất", "thấp … nhất", "tốt … nhất",
// "kém … nhất" with words between them.
func (p *parseState) gapOrder() string {
	q := p.q
	for i, t := range q.folded {
		if q.used[i] {
			continue
		}
		key := map[string]string{"nhieu": "desc", "cao": "desc", "lon": "desc", "dong": "desc",
			"it": "asc", "thap": "asc", "nho": "asc", "tot": "best", "kem": "worst", "te": "worst"}[t]
		if key == "" {
			continue
		}
		for j := i + 1; j < len(q.folded) && j <= i+6; j++ {
			if q.folded[j] == "nhat" && !q.used[j] {
				q.used[i], q.used[j] = true, true
				return key
			}
		}
	}
	return ""
}

// asksRate reports whether the question asks for a share ("tỷ lệ", "rate", "share",
// "percentage") that no phrase took.
func (p *parseState) asksRate() bool {
	q := p.q
	for i, t := range q.folded {
		if q.used[i] {
			continue
		}
		switch t {
		case "rate", "share", "percentage", "proportion", "percent":
			return true
		case "ty", "ti", "phan":
			if i+1 < len(q.folded) && (q.folded[i+1] == "le" || t == "phan" && q.folded[i+1] == "tram") {
				return true
			}
		}
	}
	return false
}

// namesValue reports whether a dimension word stands next to a value of that dimension
// ("lĩnh vực đất đai", "Binh Thanh ward"): it names the value's kind, not a breakdown.
func (p *parseState) namesValue(dm match, filtered []string) bool {
	for _, m := range p.q.matches {
		if m.end != dm.start && m.start != dm.end {
			continue
		}
		for _, it := range m.items {
			if it.kind != lexValue {
				continue
			}
			for _, d := range dictDimensions[it.dict] {
				for _, di := range dm.items {
					if di.key == d && slices.Contains(filtered, d) {
						return true
					}
				}
			}
		}
	}
	return false
}

// joinsMeasures reports whether the question joins two things with "và", "and", "cùng", "&".
func (p *parseState) joinsMeasures() bool {
	for i, t := range p.q.folded {
		if !p.q.used[i] && (t == "va" || t == "and" || t == "cung") {
			return true
		}
	}
	return false
}

// DetectLang guesses the language of a question: "vi" when it has Vietnamese letters or
// Vietnamese words written without diacritics, "en" when it reads as English.
func DetectLang(q string) string {
	if variant(q, "vi") == "vi" {
		return "vi"
	}
	en, vi := 0, 0
	for _, t := range tokens(fold(q)) {
		switch t {
		case "the", "how", "many", "what", "which", "of", "in", "by", "per", "last", "this", "and", "is", "were", "was", "did", "for", "on", "about", "top", "compared", "with", "share", "rate":
			en++
		case "so", "ho", "phan", "anh", "thang", "nam", "quy", "tuan", "phuong", "xa", "bao", "nhieu", "ty", "le", "cua", "theo", "nhat", "nay", "truoc", "qua", "bai", "dang":
			vi++
		}
	}
	if en > vi {
		return "en"
	}
	return "vi"
}

// compareUnit is the current period a "previous" comparison names by its unit ("so với tháng
// trước" → this month), or "".
func (p *parseState) compareUnit() string {
	for _, m := range p.q.matches {
		if m.items[0].kind != lexCompare {
			continue
		}
		for _, t := range p.q.folded[m.start:m.end] {
			switch t {
			case "thang", "month":
				return "this_month"
			case "tuan", "week":
				return "this_week"
			case "quy", "quarter":
				return "this_quarter"
			case "hom", "yesterday":
				return "today"
			}
		}
	}
	return ""
}
