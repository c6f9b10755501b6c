package assistant

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// Compile turns a valid Spec into one SELECT over the metric's allow-listed rollup and the
// parameters it binds. Only fragments of the layer are assembled: metric and dimension SQL, the
// source's fixed condition, and placeholders; every value of the spec (period bounds, filter
// codes, the limit) is a bound parameter, never text in the SQL. Result columns: the
// dimensions (keys as names; time dimensions as 'YYYY-MM-DD' strings), then each metric, then,
// with Compare, each metric for the compared period as "<key>_compare"; a rate broken down by a
// place or category also gets "<key>_volume", the cases it is taken over, and when the ranking
// is by that rate, groups with fewer than the layer's min_volume cases are left out (HAVING).
func (l *Layer) Compile(s Spec) (string, store.Params, error) {
	if err := l.Validate(s); err != nil {
		return "", nil, err
	}
	period, _ := models.ParsePeriod(s.Period.Text)
	m0 := l.metricByKey[s.Metrics[0]]
	src := l.Sources[m0.Source]
	params := store.Params{
		"from": period.From.Format(time.DateOnly),
		"to":   period.To.Format(time.DateOnly),
	}
	cur := "r.day >= {from:Date} AND r.day < {to:Date}"
	var cmp string
	if s.Compare != "" {
		other := period.Previous()
		if s.Compare == "last_year" {
			other = period.SameLastYear()
		}
		params["cmp_from"] = other.From.Format(time.DateOnly)
		params["cmp_to"] = other.To.Format(time.DateOnly)
		cmp = "r.day >= {cmp_from:Date} AND r.day < {cmp_to:Date}"
	}

	var sel, group []string
	for _, d := range s.Dimensions {
		dim := l.Dimensions[d]
		expr := dim.SQL
		if dim.Time {
			expr = "toString(" + expr + ")"
		}
		sel = append(sel, expr+" AS "+d)
		group = append(group, d)
	}
	ranked := l.rankedByVolume(s)
	for _, k := range s.Metrics {
		m := l.metricByKey[k]
		if cmp == "" {
			sel = append(sel, measures(m.SQL, "")+" AS "+k)
		} else {
			sel = append(sel, measures(m.SQL, cur)+" AS "+k, measures(m.SQL, cmp)+" AS "+k+"_compare")
		}
		if m.Volume != "" && l.groupsByPlace(s) {
			c := ""
			if cmp != "" {
				c = cur
			}
			sel = append(sel, measures(m.Volume, c)+" AS "+k+"_volume")
		}
	}

	var where []string
	if cmp == "" {
		where = append(where, cur)
	} else {
		where = append(where, "(("+cur+") OR ("+cmp+"))")
	}
	if src.Where != "" {
		where = append(where, src.Where)
	}
	for i, f := range s.Filters {
		dim := l.Dimensions[f.Dimension]
		name := "f" + strconv.Itoa(i)
		params[name] = append([]string(nil), f.Values...)
		exprs := dim.FilterSQL
		if len(exprs) == 0 {
			exprs = []string{dim.SQL}
		}
		var ors []string
		for _, e := range exprs {
			ors = append(ors, e+" IN {"+name+":Array(String)}")
		}
		if len(ors) == 1 {
			where = append(where, ors[0])
		} else {
			where = append(where, "("+strings.Join(ors, " OR ")+")")
		}
	}

	var b strings.Builder
	b.WriteString("SELECT\n    " + strings.Join(sel, ",\n    ") + "\n")
	b.WriteString("FROM " + src.Table + " AS r\n")
	b.WriteString("WHERE " + strings.Join(where, "\n    AND ") + "\n")
	if len(group) > 0 {
		b.WriteString("GROUP BY " + strings.Join(group, ", ") + "\n")
		if ranked != "" {
			params["min_volume"] = l.Defaults.MinVolume
			b.WriteString("HAVING " + ranked + "_volume >= {min_volume:UInt64}\n")
		}
		order := l.orderClause(s)
		b.WriteString("ORDER BY " + order + "\n")
		params["limit"] = l.effectiveLimit(s)
		b.WriteString("LIMIT {limit:UInt32}")
	} else {
		b.WriteString("LIMIT 1")
	}
	return b.String(), params, nil
}

// measures expands S(column[, condition]) into sum(r.column) or, when cond is set,
// sumIf(r.column, cond [AND condition]).
func measures(expr, cond string) string {
	return measureRe.ReplaceAllStringFunc(expr, func(m string) string {
		sub := measureRe.FindStringSubmatch(m)
		col := "r." + strings.TrimSpace(sub[1])
		extra := strings.TrimSpace(sub[2])
		switch {
		case cond == "" && extra == "":
			return "sum(" + col + ")"
		case cond == "":
			return "sumIf(" + col + ", " + extra + ")"
		case extra == "":
			return "sumIf(" + col + ", " + cond + ")"
		}
		return "sumIf(" + col + ", " + cond + " AND " + extra + ")"
	})
}

// orderClause orders by the spec's key (default: the time dimension ascending when there is
// one, else the first metric descending), then by the dimensions, so ties come out stable.
func (l *Layer) orderClause(s Spec) string {
	key, desc := s.OrderBy, s.Desc
	if key == "" {
		key, desc = s.Metrics[0], true
		for _, d := range s.Dimensions {
			if l.Dimensions[d].Time {
				key, desc = d, false
			}
		}
	}
	parts := []string{key + map[bool]string{true: " DESC", false: " ASC"}[desc]}
	for _, d := range s.Dimensions {
		if d != key {
			parts = append(parts, d+" ASC")
		}
	}
	return strings.Join(parts, ", ")
}

// effectiveLimit is the spec's limit, else the layer's default (a time series gets every row).
func (l *Layer) effectiveLimit(s Spec) int {
	if s.Limit > 0 {
		return s.Limit
	}
	if l.hasTimeDimension(s) {
		return l.Defaults.SeriesLimit
	}
	return l.Defaults.Limit
}

// compileError wraps an engine failure of compiled SQL, which is a bug of the layer, not of the
// user's question.
func compileError(s Spec, err error) error {
	return fmt.Errorf("assistant: run spec (metrics=%s): %w", strings.Join(s.Metrics, ","), err)
}

// groupsByPlace reports whether s breaks down by something other than time.
func (l *Layer) groupsByPlace(s Spec) bool {
	for _, d := range s.Dimensions {
		if !l.Dimensions[d].Time {
			return true
		}
	}
	return false
}

// rankedByVolume is the metric key whose small groups a ranking leaves out: the order key of s
// when it is a metric with a volume, s groups by place or category, and the layer sets a
// minimum; "" otherwise.
func (l *Layer) rankedByVolume(s Spec) string {
	if l.Defaults.MinVolume <= 0 || !l.groupsByPlace(s) {
		return ""
	}
	m := l.metricByKey[s.OrderBy]
	if m == nil || m.Volume == "" {
		return ""
	}
	return m.Key
}
