package duckdb

import (
	"strconv"
	"strings"

	"lookout/internal/query"
)

// prefilterSQL renders a TextMatch as one condition on body_text; "" means none
// (a node it cannot render holds for every row).
func prefilterSQL(f *query.TextMatch) (string, []any) {
	switch f.Op {
	case query.MatchAnd, query.MatchOr:
		var parts []string
		var args []any
		for _, c := range f.Children {
			cond, a := prefilterSQL(c)
			if cond == "" {
				if f.Op == query.MatchOr {
					return "", nil // one alternative holds for every row
				}
				continue
			}
			parts, args = append(parts, cond), append(args, a...)
		}
		if len(parts) == 0 {
			return "", nil
		}
		sep := " AND "
		if f.Op == query.MatchOr {
			sep = " OR "
		}
		return "(" + strings.Join(parts, sep) + ")", args
	case query.MatchContains:
		return "contains(body_text, ?)", []any{f.Text}
	case query.MatchNotContains:
		return "NOT contains(body_text, ?)", []any{f.Text}
	case query.MatchJSONString, query.MatchJSONNumber:
		path, ok := jsonPath(f.Path)
		if !ok {
			return "", nil
		}
		// Invalid JSON would make json_extract_string fail the query; such
		// messages go to the caller's matcher when they may hold an object.
		val := "json_extract_string(body_text, " + path + ")"
		test := val + " = ?"
		args := []any{f.Text}
		if f.Op == query.MatchJSONNumber {
			// Go also reads hexadecimal floats, which DuckDB does not cast.
			test = "(TRY_CAST(" + val + " AS DOUBLE) = ? OR regexp_matches(" + val + `, '^[+-]?0[xX]'))`
			args = []any{f.Num}
		}
		// DuckDB reads the first of duplicate keys, Go's matcher the last:
		// a message repeating a key of the path goes to the matcher.
		for _, el := range f.Path {
			if el.Index < 0 {
				k := `"` + el.Key + `"`
				test += " OR strlen(body_text) - strlen(replace(body_text, ?, '')) > ?"
				args = append(args, k, len(k))
			}
		}
		return "(CASE WHEN json_valid(body_text) THEN " + test + " ELSE contains(body_text, '{') END)", args
	}
	return "", nil
}

// jsonPath renders a path as a DuckDB JSONPath string literal: $."key"[0].
// Keys holding quotes or backslashes are not rendered (ok false).
func jsonPath(path []query.PathStep) (string, bool) {
	var b strings.Builder
	b.WriteString("'$")
	for _, el := range path {
		if el.Index >= 0 {
			b.WriteString("[" + strconv.Itoa(el.Index) + "]")
			continue
		}
		if strings.ContainsAny(el.Key, "\"\\") {
			return "", false
		}
		b.WriteString(`."` + strings.ReplaceAll(el.Key, "'", "''") + `"`)
	}
	b.WriteString("'")
	return b.String(), true
}
