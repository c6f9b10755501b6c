package assistant

import "sort"

// LayerDescription is the layer as a model or a help page sees it: every metric with the
// dimensions it can be broken down by, every dimension with its allowed values, and the limits.
// It is the source of the LLM's tool schema and prompt listing.
type LayerDescription struct {
	Metrics      []MetricInfo    `json:"metrics"`
	Dimensions   []DimensionInfo `json:"dimensions"`
	Compare      []string        `json:"compare"`
	DefaultLimit int             `json:"default_limit"`
	MaxLimit     int             `json:"max_limit"`
	SeriesLimit  int             `json:"series_limit"`
	PeriodForms  []string        `json:"period_forms"`
}

// MetricInfo describes one metric in one language.
type MetricInfo struct {
	Key            string   `json:"key"`
	Name           string   `json:"name"`
	Unit           string   `json:"unit"`
	HigherIsBetter *bool    `json:"higher_is_better,omitempty"`
	Table          string   `json:"table"`
	Dimensions     []string `json:"dimensions"` // besides the time dimensions
	Synonyms       []string `json:"synonyms"`
}

// DimensionInfo describes one dimension; Values is empty for time dimensions.
type DimensionInfo struct {
	Key    string      `json:"key"`
	Name   string      `json:"name"`
	Time   bool        `json:"time,omitempty"`
	Values []ValueInfo `json:"values,omitempty"`
}

// ValueInfo is one allowed filter value: the code a Spec carries and its display name.
type ValueInfo struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Describe lists the layer in lang ("en", else Vietnamese).
func (l *Layer) Describe(lang string) LayerDescription {
	d := LayerDescription{
		Compare:      []string{"previous", "last_year"},
		DefaultLimit: l.Defaults.Limit, MaxLimit: l.Defaults.MaxLimit, SeriesLimit: l.Defaults.SeriesLimit,
		PeriodForms: []string{"2025", "2025-Q3", "2025-10", "2025-W40", "2025-10-01", "2025-10-01..2025-10-31"},
	}
	for _, m := range l.Metrics {
		src := l.Sources[m.Source]
		d.Metrics = append(d.Metrics, MetricInfo{Key: m.Key, Name: m.Names.Get(lang), Unit: m.Unit,
			HigherIsBetter: m.HigherIsBetter, Table: src.Table, Dimensions: append([]string(nil), src.Dimensions...),
			Synonyms: append([]string(nil), m.Synonyms...)})
	}
	for _, k := range l.dimKeys {
		dim := l.Dimensions[k]
		info := DimensionInfo{Key: k, Name: dim.Names.Get(lang), Time: dim.Time}
		info.Values = l.ValueCodes(k, lang)
		d.Dimensions = append(d.Dimensions, info)
	}
	return d
}

// ValueCodes are the allowed filter values of dimension dim with their names in lang, sorted by
// code (only the deployment's province's wards and ward units once SetProvince was called); nil
// for a time dimension or an unknown key.
func (l *Layer) ValueCodes(dim, lang string) []ValueInfo {
	d := l.Dimensions[dim]
	if d == nil || d.Values == "" {
		return nil
	}
	dict := l.dicts[d.Values]
	if dict == nil {
		return nil
	}
	out := make([]ValueInfo, 0, len(dict.entries))
	for _, e := range dict.entries {
		if l.province != "" && e.Province != "" && e.Province != l.province {
			continue // another city's wards: not this deployment's data
		}
		out = append(out, ValueInfo{Code: e.Code, Name: e.Names.Get(lang)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupValues finds the values of dimension dim that text names ("Bến Thành", "ben thanh",
// "P. Bến Thành", "Department of Justice", a code), accent- and typo-tolerant, best first (at
// most 5), with names in lang. It lets a model or a form turn a name into the code a Spec needs.
func (l *Layer) LookupValues(dim, text, lang string) []ValueInfo {
	d := l.Dimensions[dim]
	if d == nil || d.Values == "" {
		return nil
	}
	dict := l.dicts[d.Values]
	want := foldPhrase(text)
	if dict == nil || want == "" {
		return nil
	}
	type scored struct {
		e    *dictEntry
		dist int
	}
	var hits []scored
	for _, e := range dict.entries {
		best := 3
		for _, a := range append([]string{foldPhrase(e.Code)}, e.Aliases...) {
			max := 0
			if len(a) >= 9 {
				max = 1
			}
			if len(a) >= 13 {
				max = 2
			}
			if dd := editDistance(want, a, max); dd <= max && dd < best {
				best = dd
			}
		}
		if best < 3 {
			hits = append(hits, scored{e, best})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		// The deployment's province first.
		return hits[i].e.Province == l.province && hits[j].e.Province != l.province
	})
	var out []ValueInfo
	for _, h := range hits {
		if len(out) == 5 {
			break
		}
		out = append(out, ValueInfo{Code: h.e.Code, Name: h.e.Names.Get(lang)})
	}
	return out
}
