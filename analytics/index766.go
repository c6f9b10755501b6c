package analytics

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
)

// The Decision 766 index (DOMAIN §3): its indicator table as versioned, dated configuration
// (index766.yaml), and the pure scoring, ranking and explanation of unit scores. The ratios come
// from SQL elsewhere; nothing here touches a database.

//go:embed index766.yaml
var defaultIndexYAML []byte

// IndexConfig is the 766 indicator table: its versions in ascending EffectiveFrom order and the
// local bands. It is read-only once loaded and safe to share between goroutines.
type IndexConfig struct {
	Versions []IndexVersion `yaml:"versions"`
	// Bands are local configuration (the decision defines none), from the highest Min down.
	Bands []Band `yaml:"bands"`
}

// IndexVersion is the indicator table in force from EffectiveFrom (local midnight,
// Asia/Ho_Chi_Minh) until the next version.
type IndexVersion struct {
	ID            string       `yaml:"id"`
	EffectiveFrom time.Time    `yaml:"-"`
	RawFrom       string       `yaml:"effective_from"` // as written, YYYY-MM-DD
	Groups        []IndexGroup `yaml:"groups"`
	// Bands is IndexConfig.Bands, copied by LoadIndexConfig so that a version scores on its own.
	Bands []Band `yaml:"-"`
}

// IndexGroup is one of the five groups of indicators; Max is its points (the groups sum to 100).
type IndexGroup struct {
	Code       string           `yaml:"code"`
	NameVI     string           `yaml:"name_vi"`
	NameEN     string           `yaml:"name_en"`
	Max        float64          `yaml:"max"`
	Indicators []IndexIndicator `yaml:"indicators"`
}

// IndexIndicator is one scored indicator. It earns Max × min(1, ratio / Target) points, Target
// being a ratio in (0, 1]. Computable is false when govpulse's data cannot compute it;
// FullWhenEmpty gives full points on a zero denominator (petitions) instead of N/A.
type IndexIndicator struct {
	Code          string  `yaml:"code"`
	NameVI        string  `yaml:"name_vi"`
	NameEN        string  `yaml:"name_en"`
	Max           float64 `yaml:"max"`
	Target        float64 `yaml:"target"`
	Computable    bool    `yaml:"computable"`
	FullWhenEmpty bool    `yaml:"full_when_empty"`
	Numerator     string  `yaml:"numerator"`
	Denominator   string  `yaml:"denominator"`
	Source        string  `yaml:"source"` // the table the ratio's query reads
}

// Band is a local score band: a unit whose normalized score (0-100) is at least Min falls in it.
type Band struct {
	NameVI string  `yaml:"name_vi"`
	NameEN string  `yaml:"name_en"`
	Min    float64 `yaml:"min"`
}

// indexTotal is the points of a whole version.
const indexTotal = 100

// pointsEpsilon absorbs float noise when sums of maxima are compared.
const pointsEpsilon = 1e-9

// DefaultIndexConfig returns the embedded index766.yaml. It panics if the embedded file is
// invalid, which the package tests rule out.
func DefaultIndexConfig() *IndexConfig {
	cfg, err := LoadIndexConfig(bytes.NewReader(defaultIndexYAML))
	if err != nil {
		panic("analytics: embedded index766.yaml: " + err.Error())
	}
	return cfg
}

// LoadIndexConfig reads and validates an indicator table written like index766.yaml. Unknown
// keys are rejected. A broken rule yields a *models.FieldError (matching models.ErrInvalid)
// whose Field is the YAML path at fault, e.g. "versions[0].groups[1].indicators[0].target".
func LoadIndexConfig(r io.Reader) (*IndexConfig, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var cfg IndexConfig
	if err := dec.Decode(&cfg); err != nil {
		if err == io.EOF {
			return nil, fieldErr("versions", "the file is empty")
		}
		return nil, &models.FieldError{Message: "cannot read the index configuration: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	for i := range cfg.Versions {
		cfg.Versions[i].Bands = cfg.Bands
	}
	return &cfg, nil
}

func fieldErr(path, format string, args ...any) *models.FieldError {
	return &models.FieldError{Field: path, Message: fmt.Sprintf(format, args...)}
}

// validate checks the rules of LoadIndexConfig and sets each version's EffectiveFrom.
func (c *IndexConfig) validate() error {
	if len(c.Versions) == 0 {
		return fieldErr("versions", "at least one version is required")
	}
	ids := map[string]bool{}
	for vi := range c.Versions {
		v := &c.Versions[vi]
		vp := fmt.Sprintf("versions[%d]", vi)
		if v.ID == "" {
			return fieldErr(vp+".id", "is required")
		}
		if ids[v.ID] {
			return fieldErr(vp+".id", "%q is used twice", v.ID)
		}
		ids[v.ID] = true
		from, err := time.ParseInLocation(time.DateOnly, v.RawFrom, models.Location)
		if err != nil {
			return fieldErr(vp+".effective_from", "cannot read %q; write a date as 2022-06-23", v.RawFrom)
		}
		v.EffectiveFrom = from
		if vi > 0 && !from.After(c.Versions[vi-1].EffectiveFrom) {
			return fieldErr(vp+".effective_from", "%s is not after the previous version's %s; list versions in ascending date order",
				v.RawFrom, c.Versions[vi-1].RawFrom)
		}
		if len(v.Groups) == 0 {
			return fieldErr(vp+".groups", "at least one group is required")
		}
		codes := map[string]bool{}
		var groupSum float64
		for gi, g := range v.Groups {
			gp := fmt.Sprintf("%s.groups[%d]", vp, gi)
			if g.Code == "" {
				return fieldErr(gp+".code", "is required")
			}
			if codes[g.Code] {
				return fieldErr(gp+".code", "%q is used twice in the version", g.Code)
			}
			codes[g.Code] = true
			if g.Max <= 0 {
				return fieldErr(gp+".max", "%g must be positive", g.Max)
			}
			groupSum += g.Max
			if len(g.Indicators) == 0 {
				return fieldErr(gp+".indicators", "at least one indicator is required")
			}
			var indSum float64
			for ii, ind := range g.Indicators {
				ip := fmt.Sprintf("%s.indicators[%d]", gp, ii)
				if ind.Code == "" {
					return fieldErr(ip+".code", "is required")
				}
				if codes[ind.Code] {
					return fieldErr(ip+".code", "%q is used twice in the version", ind.Code)
				}
				codes[ind.Code] = true
				if ind.Max <= 0 {
					return fieldErr(ip+".max", "%g must be positive", ind.Max)
				}
				if !(ind.Target > 0 && ind.Target <= 1) {
					return fieldErr(ip+".target", "%g is not a ratio in (0, 1]; write 80%% as 0.8", ind.Target)
				}
				indSum += ind.Max
			}
			if math.Abs(indSum-g.Max) > pointsEpsilon {
				return fieldErr(gp+".indicators", "indicator maxima sum to %g, not the group max %g", indSum, g.Max)
			}
		}
		if math.Abs(groupSum-indexTotal) > pointsEpsilon {
			return fieldErr(vp+".groups", "group maxima sum to %g, not %d", groupSum, indexTotal)
		}
	}
	if len(c.Bands) == 0 {
		return fieldErr("bands", "at least one band is required")
	}
	for bi, b := range c.Bands {
		bp := fmt.Sprintf("bands[%d]", bi)
		if b.NameVI == "" || b.NameEN == "" {
			return fieldErr(bp, "name_vi and name_en are required")
		}
		if b.Min < 0 || b.Min > indexTotal {
			return fieldErr(bp+".min", "%g is not in [0, %d]", b.Min, indexTotal)
		}
		if bi > 0 && b.Min >= c.Bands[bi-1].Min {
			return fieldErr(bp+".min", "%g is not below the previous band's %g; list bands from the highest min down", b.Min, c.Bands[bi-1].Min)
		}
	}
	if last := c.Bands[len(c.Bands)-1]; last.Min != 0 {
		return fieldErr(fmt.Sprintf("bands[%d].min", len(c.Bands)-1), "the lowest band must start at 0, not %g", last.Min)
	}
	return nil
}

// VersionAt returns the version in force on date: the last one whose EffectiveFrom is not
// after it. A date before every version gets the first version (the index is applied
// retroactively rather than left without a table).
func (c *IndexConfig) VersionAt(date time.Time) IndexVersion {
	v := c.Versions[0]
	for _, cand := range c.Versions[1:] {
		if cand.EffectiveFrom.After(date) {
			break
		}
		v = cand
	}
	return v
}

// Band returns the band of a normalized score (0-100), or the zero Band when there is none.
func (v IndexVersion) Band(normalized float64) Band {
	for _, b := range v.Bands {
		if normalized >= b.Min {
			return b
		}
	}
	return Band{}
}

// Ratio is an indicator's raw fraction Num / Den for one unit and period. Den == 0 means the
// ratio is not applicable (N/A), never 0%.
type Ratio struct{ Num, Den float64 }

// IndicatorScore is one indicator's result for a unit. Ratio and Points are exact (rounding is
// for display only); Ratio is nil when N/A (zero denominator, no data, or not computable) and
// Points is nil when the indicator is not available. Max is the indicator's maximum.
type IndicatorScore struct {
	Code   string   `json:"code"`
	NameVI string   `json:"name_vi"`
	NameEN string   `json:"name_en"`
	Ratio  *float64 `json:"ratio"`
	Points *float64 `json:"points"`
	Max    float64  `json:"max"`
}

// Available reports whether the indicator scored (Points is set).
func (s IndicatorScore) Available() bool { return s.Points != nil }

// ScoreIndicator scores one indicator: Max × min(1, ratio / Target), and 0 for a negative ratio
// (dossier satisfaction can go below zero). A zero denominator is N/A with no points, except
// for a FullWhenEmpty indicator (petitions), which then earns Max. A non-computable indicator
// is never available.
func ScoreIndicator(ind IndexIndicator, r Ratio) IndicatorScore {
	s := IndicatorScore{Code: ind.Code, NameVI: ind.NameVI, NameEN: ind.NameEN, Max: ind.Max}
	if !ind.Computable {
		return s
	}
	if r.Den == 0 {
		if ind.FullWhenEmpty {
			s.Points = ptr(ind.Max)
		}
		return s
	}
	ratio := r.Num / r.Den
	s.Ratio = ptr(ratio)
	s.Points = ptr(ind.Max * math.Max(0, math.Min(1, ratio/ind.Target)))
	return s
}

// GroupScore is a group's points over its available indicators: Max is the group's maximum,
// MaxAvailable the sum of maxima of its available indicators.
type GroupScore struct {
	Code         string  `json:"code"`
	NameVI       string  `json:"name_vi"`
	NameEN       string  `json:"name_en"`
	Points       float64 `json:"points"`
	Max          float64 `json:"max"`
	MaxAvailable float64 `json:"max_available"`
}

// UnitScore is one unit's 766 score for a period under one version. Total is the sum of the
// available indicators' points (out of 100); MaxAvailable is the sum of their maxima; Partial
// is true when any indicator is unavailable (not computable, N/A or no data), so Total is out
// of less than 100. Normalized is Total scaled to 100 over MaxAvailable (0 when nothing is
// available), and Band is read from it. Rank is set by Rank (0 before).
type UnitScore struct {
	Unit         string           `json:"unit"`
	Version      string           `json:"version"`
	Indicators   []IndicatorScore `json:"indicators"`
	Groups       []GroupScore     `json:"groups"`
	Total        float64          `json:"total"`
	MaxAvailable float64          `json:"max_available"`
	Normalized   float64          `json:"normalized"`
	Partial      bool             `json:"partial"`
	Band         Band             `json:"band"`
	Rank         int              `json:"rank"`
}

// ScoreUnit scores a unit from its ratios, keyed by indicator code. A computable indicator
// missing from ratios has no data and is unavailable, like a non-computable one; a zero
// denominator is N/A (or full points for FullWhenEmpty). The caller sets Unit.
func ScoreUnit(v IndexVersion, ratios map[string]Ratio) UnitScore {
	u := UnitScore{Version: v.ID}
	for _, g := range v.Groups {
		gs := GroupScore{Code: g.Code, NameVI: g.NameVI, NameEN: g.NameEN, Max: g.Max}
		for _, ind := range g.Indicators {
			var s IndicatorScore
			if r, ok := ratios[ind.Code]; ok {
				s = ScoreIndicator(ind, r)
			} else {
				s = IndicatorScore{Code: ind.Code, NameVI: ind.NameVI, NameEN: ind.NameEN, Max: ind.Max}
			}
			if s.Points != nil {
				gs.Points += *s.Points
				gs.MaxAvailable += s.Max
			} else {
				u.Partial = true
			}
			u.Indicators = append(u.Indicators, s)
		}
		u.Total += gs.Points
		u.MaxAvailable += gs.MaxAvailable
		u.Groups = append(u.Groups, gs)
	}
	if u.MaxAvailable > 0 {
		u.Normalized = u.Total / u.MaxAvailable * indexTotal
	}
	u.Band = v.Band(u.Normalized)
	return u
}

// Percent formats a ratio (0.9375) as a Vietnamese percentage with two decimals ("93,75%"), and
// nil as "N/A".
func Percent(r *float64) string {
	if r == nil {
		return "N/A"
	}
	return formatDecimal(*r*100, "vi") + "%"
}

// formatDecimal writes v with two decimals, a decimal comma for "vi" and a point otherwise, and
// the minus sign U+2212 for negatives.
func formatDecimal(v float64, lang string) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	if v < 0 && s != "0.00" && s != "0,00" {
		s = "−" + s
	}
	return s
}

// rankKey is a total at display precision: totals that print the same share a rank, and float
// noise from summing in another order cannot split a tie.
func rankKey(total float64) float64 { return math.Round(total*100) / 100 }

// Rank returns a copy of scores sorted by Total, highest first, with Rank set: equal totals (at
// two decimals) share a rank and the next rank skips (1, 2, 2, 4). Ties are listed by unit code.
func Rank(scores []UnitScore) []UnitScore {
	out := slices.Clone(scores)
	slices.SortStableFunc(out, func(a, b UnitScore) int {
		ka, kb := rankKey(a.Total), rankKey(b.Total)
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return strings.Compare(a.Unit, b.Unit)
	})
	for i := range out {
		if i > 0 && rankKey(out[i].Total) == rankKey(out[i-1].Total) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// RankChange returns, per unit ranked in both, how many places it moved: prev rank − cur rank,
// positive when it rose. Both slices must have come from Rank. Units missing from either side
// are left out.
func RankChange(prev, cur []UnitScore) map[string]int {
	before := make(map[string]int, len(prev))
	for _, s := range prev {
		before[s.Unit] = s.Rank
	}
	out := make(map[string]int, len(cur))
	for _, s := range cur {
		if r, ok := before[s.Unit]; ok {
			out[s.Unit] = r - s.Rank
		}
	}
	return out
}

// Contribution is one indicator's share of a change in total: Points = cur − prev points, an
// unavailable side counting as 0.
type Contribution struct {
	Code   string  `json:"code"`
	NameVI string  `json:"name_vi"`
	NameEN string  `json:"name_en"`
	Points float64 `json:"points"`
}

// ExplainChange decomposes cur.Total − prev.Total by indicator (the union of both versions'
// indicators, so it also spans a version change). The contributions sum to the change; zero
// ones are left out; the rest are sorted by absolute size, largest first, then by code.
func ExplainChange(prev, cur UnitScore) []Contribution {
	byCode := map[string]*Contribution{}
	var order []string
	add := func(s IndicatorScore, sign float64) {
		c, ok := byCode[s.Code]
		if !ok {
			c = &Contribution{Code: s.Code, NameVI: s.NameVI, NameEN: s.NameEN}
			byCode[s.Code] = c
			order = append(order, s.Code)
		}
		if s.Points != nil {
			c.Points += sign * *s.Points
		}
	}
	for _, s := range cur.Indicators {
		add(s, 1)
	}
	for _, s := range prev.Indicators {
		add(s, -1)
	}
	out := make([]Contribution, 0, len(order))
	for _, code := range order {
		if c := byCode[code]; c.Points != 0 {
			out = append(out, *c)
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		if d := math.Abs(b.Points) - math.Abs(a.Points); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// describeMax is how many contributions a sentence names.
const describeMax = 3

// DescribeChange writes a one-sentence explanation of a rank change for lang "vi" (default) or
// "en": rankDelta is prev rank − cur rank (positive = rose, as RankChange), contribs come from
// ExplainChange and the largest three non-negligible ones (at two decimals) are named, e.g.
// "Giảm 5 bậc: −3,10 điểm từ tiến độ giải quyết, −1,20 điểm từ thanh toán trực tuyến" or
// "Fell 5 places: −3.10 points from on-time processing, −1.20 from online payment".
func DescribeChange(rankDelta int, contribs []Contribution, lang string) string {
	en := lang == "en"
	if !en {
		lang = "vi"
	}
	var head string
	switch {
	case rankDelta > 0 && en:
		head = fmt.Sprintf("Rose %d %s", rankDelta, plural(rankDelta, "place", "places"))
	case rankDelta < 0 && en:
		head = fmt.Sprintf("Fell %d %s", -rankDelta, plural(-rankDelta, "place", "places"))
	case en:
		head = "Held its place"
	case rankDelta > 0:
		head = fmt.Sprintf("Tăng %d bậc", rankDelta)
	case rankDelta < 0:
		head = fmt.Sprintf("Giảm %d bậc", -rankDelta)
	default:
		head = "Giữ nguyên thứ hạng"
	}
	var parts []string
	for _, c := range contribs {
		if len(parts) == describeMax {
			break
		}
		if math.Round(c.Points*100) == 0 {
			continue
		}
		n := formatDecimal(c.Points, lang)
		if c.Points > 0 {
			n = "+" + n
		}
		switch {
		case en && len(parts) == 0:
			parts = append(parts, fmt.Sprintf("%s %s from %s", n, pointsWord(c.Points), lowerFirst(c.NameEN)))
		case en:
			parts = append(parts, fmt.Sprintf("%s from %s", n, lowerFirst(c.NameEN)))
		default:
			parts = append(parts, fmt.Sprintf("%s điểm từ %s", n, lowerFirst(c.NameVI)))
		}
	}
	if len(parts) == 0 {
		return head
	}
	return head + ": " + strings.Join(parts, ", ")
}

// plural picks the English form for a count n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pointsWord is "point" for a change that prints as ±1.00, else "points".
func pointsWord(v float64) string {
	if math.Round(math.Abs(v)*100) == 100 {
		return "point"
	}
	return "points"
}

// lowerFirst lowercases the first letter of a name for use inside a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

func ptr(v float64) *float64 { return &v }
