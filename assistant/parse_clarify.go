package assistant

import (
	"slices"
	"sort"
	"strings"
)

// The clarifications of the offline parser. Each option is a full question built from the
// words the parser did understand (places, periods, comparisons, order, N) and one reading of
// what it did not: the metric's full name, or a breakdown the metric has. Asking an option
// again parses to exactly that reading.

// part is a piece of a rebuilt question, placed by the token where it started.
type part struct {
	at   int
	text string
}

// rebuild writes metric's name followed by the understood words of the question, with dims
// replacing the question's own breakdown words when set.
func (p *parseState) rebuild(metric string, dims []string) string {
	var parts []part
	for _, m := range p.q.matches {
		switch m.items[0].kind {
		case lexMetric, lexObject:
			continue
		case lexDimension:
			if dims != nil {
				continue
			}
		}
		parts = append(parts, part{m.start, p.words(m.start, m.end)})
	}
	for _, pm := range p.periods {
		parts = append(parts, part{pm.start, p.words(pm.start, pm.end)})
	}
	for i, t := range p.q.folded {
		if !p.q.used[i] && isNumber(t) && (i > 0 && p.q.folded[i-1] == "top" || i+1 < len(p.q.folded) && p.q.used[i+1]) {
			parts = append(parts, part{i, t})
		}
	}
	sort.SliceStable(parts, func(a, b int) bool { return parts[a].at < parts[b].at })
	out := []string{p.l.metricByKey[metric].Names.Get(p.lang)}
	for _, d := range dims {
		out = append(out, p.dimPhrase(d))
	}
	for _, pt := range parts {
		out = append(out, pt.text)
	}
	return strings.Join(out, " ")
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// dimPhrase is the words that ask for a breakdown by dimension d.
func (p *parseState) dimPhrase(d string) string {
	n := p.l.Dimensions[d].Names
	if p.lang == "en" {
		return "by " + strings.ToLower(n.EN)
	}
	return "theo " + strings.ToLower(n.VI)
}

func (p *parseState) option(metric string, dims []string) ClarifyOption {
	label := p.l.metricByKey[metric].Names.Get(p.lang)
	for _, d := range dims {
		label += " — " + p.dimPhrase(d)
	}
	return ClarifyOption{Label: label, Question: p.rebuild(metric, dims)}
}

// clarifyMetrics: several metrics fit the words ("đúng hạn": dossiers or petitions), or the
// metrics asked for live in different tables.
func (p *parseState) clarifyMetrics(cands []string) Parsed {
	c := &Clarify{Question: pick(p.lang, "Câu hỏi có thể hiểu theo nhiều cách; bạn muốn xem chỉ số nào?",
		"The question can be read several ways; which measure do you mean?")}
	for _, k := range cands {
		if len(c.Options) == 3 {
			break
		}
		c.Options = append(c.Options, p.option(k, nil))
	}
	return Parsed{Clarify: c}
}

// clarifyObject: no metric word; the question names several kinds of data or none.
func (p *parseState) clarifyObject(objects []string) Parsed {
	if len(objects) == 0 {
		return p.clarifyOutside(nil)
	}
	c := &Clarify{Question: pick(p.lang, "Bạn muốn xem số liệu nào?", "Which figures do you want?")}
	for _, o := range objects {
		c.Options = append(c.Options, p.option(p.l.defaultMetric(o), nil))
	}
	return Parsed{Clarify: c}
}

// clarifyOutside: the question asks for something the layer does not measure.
func (p *parseState) clarifyOutside(objects []string) Parsed {
	c := &Clarify{Question: pick(p.lang,
		"Tôi chưa trả lời được câu hỏi này bằng các chỉ số hiện có (hồ sơ thủ tục hành chính, phản ánh kiến nghị, bài đăng mạng xã hội). Có phải bạn muốn hỏi:",
		"I cannot answer this with the measures I have (administrative dossiers, citizen petitions, social posts). Did you mean:")}
	if len(objects) == 0 {
		// Nothing recognisable: one count of each kind of data.
		for _, o := range []string{"dossier", "petition", "post"} {
			c.Options = append(c.Options, p.option(p.l.defaultMetric(o), nil))
		}
		return Parsed{Clarify: c}
	}
	for _, o := range objects {
		for _, k := range p.l.suggestedMetrics(o) {
			if len(c.Options) < 3 {
				c.Options = append(c.Options, p.option(k, nil))
			}
		}
	}
	return Parsed{Clarify: c}
}

// suggestedMetrics are the metrics offered for an object when the question is outside the
// layer: its count, and when only one object is in play, two of its rates.
func (l *Layer) suggestedMetrics(object string) []string {
	var out []string
	for _, m := range l.Metrics {
		if m.Object == object && (len(out) == 0 || m.Unit == "percent") {
			out = append(out, m.Key)
		}
	}
	return out
}

// clarifyValueElsewhere: a value the metric's table cannot filter ("hồ sơ" about "ngập nước").
func (p *parseState) clarifyValueElsewhere(m match) Parsed {
	c := &Clarify{Question: pick(p.lang, "“"+p.words(m.start, m.end)+"” không áp dụng cho chỉ số này; bạn muốn xem:",
		"“"+p.words(m.start, m.end)+"” does not apply to this measure; do you want:")}
	var objs []string
	for _, it := range m.items {
		for _, d := range dictDimensions[it.dict] {
			for _, metric := range p.l.Metrics {
				if slices.Contains(p.l.Sources[metric.Source].Dimensions, d) && !slices.Contains(objs, metric.Object) {
					objs = append(objs, metric.Object)
				}
			}
		}
	}
	for _, o := range objs {
		if len(c.Options) < 3 {
			c.Options = append(c.Options, p.option(p.l.defaultMetric(o), nil))
		}
	}
	if len(c.Options) == 0 {
		return p.clarifyOutside(nil)
	}
	return Parsed{Clarify: c}
}

// clarifyDimension: a breakdown the metric's table does not have ("bài đăng theo đơn vị").
func (p *parseState) clarifyDimension(dim string, src *Source) Parsed {
	c := &Clarify{Question: pick(p.lang,
		"Chỉ số này không chia được theo "+strings.ToLower(p.l.Dimensions[dim].Names.VI)+"; bạn có thể xem:",
		"This measure cannot be broken down by "+strings.ToLower(p.l.Dimensions[dim].Names.EN)+"; you can see it:")}
	for _, d := range src.Dimensions {
		if len(c.Options) < 3 {
			c.Options = append(c.Options, p.option(p.spec.Metrics[0], []string{d}))
		}
	}
	return Parsed{Clarify: c}
}

// clarifyBreakdown: "nhiều nhất" or "top 5" without saying of what (wards, units, fields…).
func (p *parseState) clarifyBreakdown(src *Source) Parsed {
	c := &Clarify{Question: pick(p.lang, "Bạn muốn xếp hạng theo gì?", "Ranked by what?")}
	for _, d := range src.Dimensions {
		if len(c.Options) < 3 {
			c.Options = append(c.Options, p.option(p.spec.Metrics[0], []string{d}))
		}
	}
	return Parsed{Clarify: c}
}
