package assistant

import (
	"context"
	"errors"
	"slices"
)

// Scope confines a question to the unit or ward an account is limited to ("" and "": the whole
// city). The dashboard puts the logged-in account's scope in the request's context (WithScope);
// Run then forces it into every spec as a filter, so a scoped account's answers, and the result
// rows the model is shown to write the answer sentence, only ever hold its own place's rows.
//
// The rules, for an account with a scope:
//   - a spec is confined: the scope's filter is forced (ward = the account's ward, unit = its
//     unit); a spec that names another ward or unit is refused with a ScopeError ("not
//     permitted", never an empty table that reads as "no data");
//   - a metric whose table is not kept by that dimension (petition intake and social posts
//     have no unit) is refused: it cannot be confined, so it is not answered;
//   - free SQL from the model (run_sql) is never run: the tool is not offered, and a call to it
//     is sent back to the model as unavailable. Confining arbitrary SQL to one ward would take
//     rewriting the model's query over filtered views; spec mode can be confined exactly.
//   - briefings are city-wide and are refused by the dashboard (not built per place).
type Scope struct {
	Unit string `json:"unit,omitempty"`
	Ward string `json:"ward,omitempty"`
}

// CityWide reports whether s is the whole city.
func (s Scope) CityWide() bool { return s.Unit == "" && s.Ward == "" }

// WithScope confines the questions asked with ctx to s.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey, s)
}

// ScopeOf is the scope WithScope put in ctx (the whole city when none).
func ScopeOf(ctx context.Context) Scope {
	s, _ := ctx.Value(scopeKey).(Scope)
	return s
}

// ErrNotPermitted matches every ScopeError with errors.Is.
var ErrNotPermitted = errors.New("not permitted")

// ScopeError refuses a question that reaches outside the account's scope. Message is in both
// languages and safe to show.
type ScopeError struct {
	Message string
}

// Error returns the message.
func (e *ScopeError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrNotPermitted) true for a ScopeError.
func (e *ScopeError) Is(target error) bool { return target == ErrNotPermitted }

// confine returns s with the scope's filters forced, or a ScopeError when s asks about another
// place or about a table that cannot be confined to the scope. s must be valid.
func (l *Layer) confine(s Spec, sc Scope) (Spec, error) {
	if sc.CityWide() {
		return s, nil
	}
	src := l.Sources[l.metricByKey[s.Metrics[0]].Source]
	out := s
	out.Filters = slices.Clone(s.Filters)
	for _, c := range []struct{ dim, code, vi, en string }{
		{"ward", sc.Ward, "phường/xã", "ward"},
		{"unit", sc.Unit, "đơn vị", "unit"},
	} {
		if c.code == "" {
			continue
		}
		if !l.sourceHas(src, c.dim) {
			return s, &ScopeError{Message: "Số liệu này không được lưu theo " + c.vi + " nên không giới hạn được trong phạm vi tài khoản (" +
				c.code + ") / this figure is not kept by " + c.en + ", so it cannot be confined to your account's scope (" + c.code + ")"}
		}
		found := false
		for i, f := range out.Filters {
			if f.Dimension != c.dim {
				continue
			}
			for _, v := range f.Values {
				if v != c.code {
					return s, &ScopeError{Message: "Không được phép: tài khoản chỉ xem được " + c.vi + " " + c.code +
						" / not permitted: your account sees " + c.en + " " + c.code + " only"}
				}
			}
			out.Filters[i].Values = []string{c.code}
			found = true
		}
		if !found {
			out.Filters = append(out.Filters, Filter{Dimension: c.dim, Values: []string{c.code}})
		}
	}
	return out, nil
}
