package assistant

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

//go:embed semantic.yaml
var defaultLayerYAML []byte

// Layer is the semantic layer (semantic.yaml): the metrics, dimensions, value dictionaries and
// words that the offline parser, the LLM prompt and the SQL compiler share. A Layer is read-only
// once built (LoadLayer, DefaultLayer, then SetDimensions) and safe for concurrent use.
type Layer struct {
	Defaults   LayerDefaults         `yaml:"defaults" json:"defaults"`
	Sources    map[string]*Source    `yaml:"sources" json:"sources"`
	Objects    map[string][]string   `yaml:"objects" json:"-"`
	Metrics    []*Metric             `yaml:"metrics" json:"metrics"`
	Dimensions map[string]*Dimension `yaml:"dimensions" json:"dimensions"`
	// Values are the layer's own words for dictionary values, by dictionary and code.
	Values  map[string]map[string]*ValueWords `yaml:"values" json:"-"`
	Periods map[string][]string               `yaml:"periods" json:"-"`
	Compare map[string][]string               `yaml:"compare" json:"-"`
	Order   map[string][]string               `yaml:"order" json:"-"`

	metricByKey map[string]*Metric
	dimKeys     []string
	// dicts are the value dictionaries by name (wards, units, fields, categories, channels,
	// online_levels, platforms).
	dicts map[string]*dictionary
	// province is the GSO code of the city served; ward names shared with other provinces
	// resolve to its ward.
	province string
	// lex is built from all of the above on first use (parse_lexicon.go).
	lexOnce sync.Once
	lex     *lexicon
}

// LayerDefaults are the layer's limits and default period.
type LayerDefaults struct {
	Limit       int    `yaml:"limit" json:"limit"`
	MaxLimit    int    `yaml:"max_limit" json:"max_limit"`
	SeriesLimit int    `yaml:"series_limit" json:"series_limit"`
	Period      string `yaml:"period" json:"period"` // a key of periods
	// MinVolume is the fewest cases (a metric's Volume) a group needs to be ranked by a rate.
	MinVolume int `yaml:"min_volume" json:"min_volume"`
}

// Source is one allow-listed table.
type Source struct {
	Table      string   `yaml:"table" json:"table"`
	Names      Names    `yaml:"names" json:"names"`
	Where      string   `yaml:"where" json:"-"`
	Dimensions []string `yaml:"dimensions" json:"dimensions"`
}

// Names are a Vietnamese and an English name.
type Names struct {
	VI string `yaml:"vi" json:"vi"`
	EN string `yaml:"en" json:"en"`
}

// Get is the name in lang ("en", else Vietnamese).
func (n Names) Get(lang string) string {
	if lang == "en" && n.EN != "" {
		return n.EN
	}
	return n.VI
}

// Metric is one measure a question can ask for.
type Metric struct {
	Key    string `yaml:"key" json:"key"`
	Source string `yaml:"source" json:"source"`
	// Object is the family of sources the metric is about: dossier, petition or post.
	Object string `yaml:"object" json:"object"`
	SQL    string `yaml:"sql" json:"-"`
	// Volume is the count a rate or mean is taken over (S(ended) for the on-time rate); "" for
	// counts.
	Volume string `yaml:"volume" json:"-"`
	// Unit is count, percent, days, vnd or score.
	Unit string `yaml:"unit" json:"unit"`
	// RateOf names the count metric this metric is the share of: "tỷ lệ" or "rate" beside
	// that count's words asks for this metric.
	RateOf string `yaml:"rate_of" json:"rate_of,omitempty"`
	// HigherIsBetter is nil for a metric with no direction (a volume).
	HigherIsBetter *bool    `yaml:"higher_is_better" json:"higher_is_better,omitempty"`
	Names          Names    `yaml:"names" json:"names"`
	Synonyms       []string `yaml:"synonyms" json:"synonyms"`
}

// Dimension is one way to break a metric down or filter it.
type Dimension struct {
	SQL string `yaml:"sql" json:"-"`
	// FilterSQL are the expressions a filter on this dimension matches (any of them); empty
	// means SQL.
	FilterSQL []string `yaml:"filter_sql" json:"-"`
	// Values names the dictionary of allowed filter values; "" for time dimensions.
	Values   string   `yaml:"values" json:"values,omitempty"`
	Time     bool     `yaml:"time" json:"time,omitempty"`
	Names    Names    `yaml:"names" json:"names"`
	Synonyms []string `yaml:"synonyms" json:"synonyms"`
}

// ValueWords are the layer's names and extra words for one dictionary value.
type ValueWords struct {
	VI       string   `yaml:"vi"`
	EN       string   `yaml:"en"`
	Synonyms []string `yaml:"synonyms"`
}

// DefaultLayer is the embedded semantic.yaml, without the dictionaries that come from the
// database (call SetDimensions).
func DefaultLayer() (*Layer, error) { return ParseLayer(defaultLayerYAML) }

// LoadLayer reads a semantic layer from path; "" means the embedded default.
func LoadLayer(path string) (*Layer, error) {
	if path == "" {
		return DefaultLayer()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("assistant: semantic layer: %w", err)
	}
	l, err := ParseLayer(b)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return l, nil
}

// ParseLayer reads and checks a semantic layer in YAML.
func ParseLayer(b []byte) (*Layer, error) {
	var l Layer
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("assistant: semantic layer: %w", err)
	}
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("assistant: semantic layer: %w", err)
	}
	l.dicts = map[string]*dictionary{}
	for name, words := range l.Values {
		if name == "channels" || name == "online_levels" || name == "platforms" {
			l.dicts[name] = enumDictionary(words)
		}
	}
	for _, name := range []string{"wards", "units", "fields", "categories"} {
		l.dicts[name] = &dictionary{}
	}
	return &l, nil
}

var (
	identRe     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	measureRe   = regexp.MustCompile(`S\(([^(),]+)(?:,([^()]*))?\)`)
	tableNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// forbiddenSQL are words a layer fragment must not hold: the fragments are code reviewed,
	// but an override file is not.
	forbiddenSQL = regexp.MustCompile(`(?i)\b(select|from|join|union|insert|alter|drop|create|system|settings|format|into|url|file|remote|input)\b|;|--|/\*`)
)

// check verifies the layer's internal references and its SQL fragments.
func (l *Layer) check() error {
	d := &l.Defaults
	if d.Limit <= 0 || d.MaxLimit < d.Limit || d.SeriesLimit < d.MaxLimit || d.MinVolume < 0 {
		return errors.New("defaults: need 0 < limit <= max_limit <= series_limit and min_volume >= 0")
	}
	if _, ok := l.Periods[d.Period]; !ok {
		return fmt.Errorf("defaults: period %q is not a key of periods", d.Period)
	}
	for k, s := range l.Sources {
		if !identRe.MatchString(k) || !tableNameRe.MatchString(s.Table) {
			return fmt.Errorf("source %q: bad key or table name %q", k, s.Table)
		}
		if s.Where != "" && forbiddenSQL.MatchString(s.Where) {
			return fmt.Errorf("source %q: where %q holds a forbidden word", k, s.Where)
		}
		for _, dk := range s.Dimensions {
			if _, ok := l.Dimensions[dk]; !ok {
				return fmt.Errorf("source %q: unknown dimension %q", k, dk)
			}
		}
	}
	l.dimKeys = l.dimKeys[:0]
	for k, dim := range l.Dimensions {
		if !identRe.MatchString(k) {
			return fmt.Errorf("dimension %q: key must be a lower-case identifier", k)
		}
		for _, e := range append([]string{dim.SQL}, dim.FilterSQL...) {
			if e == "" || forbiddenSQL.MatchString(e) {
				return fmt.Errorf("dimension %q: SQL %q is empty or holds a forbidden word", k, e)
			}
		}
		if dim.Time == (dim.Values != "") {
			return fmt.Errorf("dimension %q: exactly one of time and values", k)
		}
		l.dimKeys = append(l.dimKeys, k)
	}
	sort.Strings(l.dimKeys)
	if len(l.Metrics) == 0 {
		return errors.New("no metrics")
	}
	l.metricByKey = map[string]*Metric{}
	for _, m := range l.Metrics {
		if !identRe.MatchString(m.Key) || strings.HasSuffix(m.Key, "_compare") || strings.HasSuffix(m.Key, "_volume") {
			return fmt.Errorf("metric %q: key must be a lower-case identifier not ending in _compare or _volume", m.Key)
		}
		if _, dup := l.metricByKey[m.Key]; dup {
			return fmt.Errorf("metric %q: defined twice", m.Key)
		}
		if _, dup := l.Dimensions[m.Key]; dup {
			return fmt.Errorf("metric %q: a dimension has the same key", m.Key)
		}
		if _, ok := l.Sources[m.Source]; !ok {
			return fmt.Errorf("metric %q: unknown source %q", m.Key, m.Source)
		}
		if _, ok := l.Objects[m.Object]; !ok {
			return fmt.Errorf("metric %q: unknown object %q", m.Key, m.Object)
		}
		if !measureRe.MatchString(m.SQL) || forbiddenSQL.MatchString(m.SQL) {
			return fmt.Errorf("metric %q: SQL %q must use S(column) and no forbidden word", m.Key, m.SQL)
		}
		if m.Volume != "" && (!measureRe.MatchString(m.Volume) || forbiddenSQL.MatchString(m.Volume)) {
			return fmt.Errorf("metric %q: volume %q must use S(column) and no forbidden word", m.Key, m.Volume)
		}
		if !slices.Contains([]string{"count", "percent", "days", "vnd", "score"}, m.Unit) {
			return fmt.Errorf("metric %q: unknown unit %q", m.Key, m.Unit)
		}
		if m.Names.VI == "" || m.Names.EN == "" {
			return fmt.Errorf("metric %q: needs vi and en names", m.Key)
		}
		l.metricByKey[m.Key] = m
	}
	for _, m := range l.Metrics {
		if m.RateOf != "" && (l.metricByKey[m.RateOf] == nil || l.metricByKey[m.RateOf].Source != m.Source) {
			return fmt.Errorf("metric %q: rate_of %q must be a metric of the same source", m.Key, m.RateOf)
		}
	}
	for k := range l.Compare {
		if k != "previous" && k != "last_year" {
			return fmt.Errorf("compare: unknown key %q", k)
		}
	}
	for k := range l.Order {
		if !slices.Contains([]string{"desc", "asc", "best", "worst"}, k) {
			return fmt.Errorf("order: unknown key %q", k)
		}
	}
	for k := range l.Periods {
		if _, ok := relativePeriods[k]; !ok {
			return fmt.Errorf("periods: unknown key %q", k)
		}
	}
	return nil
}

// Metric is the metric of key, or nil.
func (l *Layer) Metric(key string) *Metric { return l.metricByKey[key] }

// DimensionKeys are the dimension keys, sorted.
func (l *Layer) DimensionKeys() []string { return slices.Clone(l.dimKeys) }

// SetDimensions fills the value dictionaries from the database's dimension tables: wards (with
// their aliases), units, fields and petition categories (which are also the post topics). Call
// it once, before the layer is shared.
func (l *Layer) SetDimensions(d store.Dimensions) {
	l.dicts["wards"] = wardDictionary(d.Wards)
	l.dicts["units"] = unitDictionary(d.Units, d.Wards)
	l.dicts["fields"] = fieldDictionary(d.Fields, l.Values["fields"])
	l.dicts["categories"] = categoryDictionary(d.Categories, l.Values["categories"])
	l.lexOnce = sync.Once{}
}

// SetProvince makes ward and unit names that several provinces share ("An Phú") resolve to
// the ward of province code (the city the deployment serves); "" leaves them ambiguous.
func (l *Layer) SetProvince(code string) { l.province = code }

// ValueName is the display name of a dictionary value of dimension dim in lang; code itself when
// unknown.
func (l *Layer) ValueName(dim, code, lang string) string {
	d := l.Dimensions[dim]
	if d == nil || d.Values == "" {
		return code
	}
	if e := l.dicts[d.Values].byCode(code); e != nil {
		return e.Names.Get(lang)
	}
	return code
}

// sourceHas reports whether source s can break down or filter by dimension dim.
func (l *Layer) sourceHas(s *Source, dim string) bool {
	d := l.Dimensions[dim]
	return d != nil && (d.Time || slices.Contains(s.Dimensions, dim))
}

// Validate checks a Spec against the layer: known keys, metrics of one source, dimensions and
// filters that source has, filter values from the dictionaries, a readable period, a known
// comparison, an order key of the spec and a limit within the layer's maximum. The error is a
// *models.FieldError naming the spec field, safe to show a user (or a model, to repair).
func (l *Layer) Validate(s Spec) error {
	bad := func(field, format string, args ...any) error {
		return &models.FieldError{Field: "spec." + field, Message: fmt.Sprintf(format, args...)}
	}
	if len(s.Metrics) == 0 {
		return bad("metrics", "at least one metric is required")
	}
	if len(s.Metrics) > 4 {
		return bad("metrics", "at most 4 metrics, got %d", len(s.Metrics))
	}
	var src *Source
	var srcKey string
	for _, k := range s.Metrics {
		m := l.metricByKey[k]
		if m == nil {
			return bad("metrics", "unknown metric %q; known: %s", cut(k), strings.Join(l.metricKeys(), ", "))
		}
		if src == nil {
			src, srcKey = l.Sources[m.Source], m.Source
		} else if m.Source != srcKey {
			return bad("metrics", "metrics %q and %q come from different tables; ask them separately", s.Metrics[0], k)
		}
		if count(s.Metrics, k) > 1 {
			return bad("metrics", "metric %q given twice", k)
		}
	}
	if len(s.Dimensions) > 2 {
		return bad("dimensions", "at most 2 dimensions, got %d", len(s.Dimensions))
	}
	times := 0
	for _, d := range s.Dimensions {
		dim := l.Dimensions[d]
		if dim == nil {
			return bad("dimensions", "unknown dimension %q; known: %s", cut(d), strings.Join(l.dimKeys, ", "))
		}
		if !l.sourceHas(src, d) {
			return bad("dimensions", "%s cannot be broken down by %q; it has: %s", s.Metrics[0], d, strings.Join(src.Dimensions, ", "))
		}
		if dim.Time {
			times++
		}
		if count(s.Dimensions, d) > 1 {
			return bad("dimensions", "dimension %q given twice", d)
		}
	}
	if times > 1 {
		return bad("dimensions", "at most one time dimension (day, week, month or quarter)")
	}
	if len(s.Filters) > 4 {
		return bad("filters", "at most 4 filters, got %d", len(s.Filters))
	}
	for _, f := range s.Filters {
		dim := l.Dimensions[f.Dimension]
		if dim == nil || dim.Time {
			return bad("filters", "cannot filter on %q; filter dimensions: %s", cut(f.Dimension), strings.Join(src.Dimensions, ", "))
		}
		if !l.sourceHas(src, f.Dimension) {
			return bad("filters", "%s cannot be filtered by %q; it has: %s", s.Metrics[0], f.Dimension, strings.Join(src.Dimensions, ", "))
		}
		if len(f.Values) == 0 || len(f.Values) > 50 {
			return bad("filters", "filter on %q needs 1 to 50 values, got %d", f.Dimension, len(f.Values))
		}
		dict := l.dicts[dim.Values]
		for _, v := range f.Values {
			if !dict.known(v) {
				msg := fmt.Sprintf("%q is not a known %s code", cut(v), f.Dimension)
				if hits := l.LookupValues(f.Dimension, v, "vi"); len(hits) > 0 {
					var s []string
					for _, h := range hits {
						s = append(s, h.Code+" ("+h.Name+")")
					}
					msg += "; did you mean " + strings.Join(s, ", ") + "?"
				}
				return bad("filters", "%s", msg)
			}
		}
	}
	if strings.TrimSpace(s.Period.Text) == "" {
		return bad("period", "a period is required (2025, 2025-Q3, 2025-10, 2025-W40, 2025-10-01 or 2025-10-01..2025-10-31)")
	}
	p, err := models.ParsePeriod(s.Period.Text)
	if err != nil {
		return bad("period", "%s", err.(*models.FieldError).Message)
	}
	if p.Days() > 366*5 {
		return bad("period", "at most five years")
	}
	switch s.Compare {
	case "", "previous", "last_year":
	default:
		return bad("compare", "unknown comparison %q: use previous or last_year", cut(s.Compare))
	}
	if s.Compare != "" && times > 0 {
		return bad("compare", "a comparison cannot go with a time dimension; ask for the longer period by %s instead", s.Dimensions[0])
	}
	if s.OrderBy != "" && !slices.Contains(s.Metrics, s.OrderBy) && !slices.Contains(s.Dimensions, s.OrderBy) {
		return bad("order_by", "order by %q: must be one of the spec's metrics or dimensions", cut(s.OrderBy))
	}
	if s.Limit < 0 {
		return bad("limit", "limit must not be negative")
	}
	if max := l.maxLimit(s); s.Limit > max {
		return bad("limit", "at most %d rows, got %d", max, s.Limit)
	}
	return nil
}

func (l *Layer) metricKeys() []string {
	keys := make([]string, len(l.Metrics))
	for i, m := range l.Metrics {
		keys[i] = m.Key
	}
	return keys
}

func (l *Layer) hasTimeDimension(s Spec) bool {
	for _, d := range s.Dimensions {
		if dim := l.Dimensions[d]; dim != nil && dim.Time {
			return true
		}
	}
	return false
}

// maxLimit is the most rows s may ask for.
func (l *Layer) maxLimit(s Spec) int {
	if l.hasTimeDimension(s) {
		return l.Defaults.SeriesLimit
	}
	return l.Defaults.MaxLimit
}

// cut shortens an outside value for an error message.
func cut(s string) string { return cutText(s, 40) }

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
