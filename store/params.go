package store

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// formatParams renders Params in the text form the engine parses for {name:Type} placeholders.
// Both engines receive exactly these strings.
func formatParams(p Params) (map[string]string, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(p))
	for name, v := range p {
		s, err := formatParam(v, false)
		if err != nil {
			return nil, fmt.Errorf("store: parameter %q: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
}

// formatParam formats one value. Top-level strings use the engine's escaped text form; values
// inside arrays are quoted.
func formatParam(v any, quoted bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return `\N`, nil
	case string:
		if quoted {
			return "'" + quoteEscaper.Replace(x) + "'", nil
		}
		return escapeEscaper.Replace(x), nil
	case time.Time:
		t := x.In(Location)
		layout := "2006-01-02 15:04:05"
		if t.Nanosecond() != 0 {
			layout = "2006-01-02 15:04:05.999999999"
		}
		if quoted {
			return "'" + t.Format(layout) + "'", nil
		}
		return t.Format(layout), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("non-finite float %v", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case float32:
		return formatParam(float64(x), quoted)
	case fmt.Stringer:
		return formatParam(x.String(), quoted)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.String:
		return formatParam(rv.String(), quoted)
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			s, err := formatParam(rv.Index(i).Interface(), true)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	}
	return "", fmt.Errorf("unsupported type %T", v)
}

var (
	escapeEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`, "\x00", `\0`)
	quoteEscaper  = strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "\x00", `\0`)
)
