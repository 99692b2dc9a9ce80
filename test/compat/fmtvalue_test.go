package compat

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// fmtValue prints a decoded OTLP/JSON AnyValue canonically: int64 values may
// arrive as JSON strings or numbers, both spell the same here.
func fmtValue(v any) string {
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["intValue"].(string); ok {
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				return "map[intValue:" + s + "]"
			}
		}
		if f, ok := x["intValue"].(float64); ok {
			return "map[intValue:" + strconv.FormatFloat(f, 'f', -1, 64) + "]"
		}
		out := "map["
		first := true
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if !first {
				out += " "
			}
			first = false
			out += k + ":" + fmtValue(x[k])
		}
		return out + "]"
	case []any:
		out := "["
		for i, e := range x {
			if i > 0 {
				out += " "
			}
			out += fmtValue(e)
		}
		return out + "]"
	}
	return fmt.Sprint(v)
}
