package duckdb

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// GroupEventsPrefiltered is GroupEvents that also applies a CloudWatch
// filter pattern's prefilter in DuckDB: substring tests with contains, JSON
// equality tests with json_extract_string. What it returns is a superset of
// what the pattern matches (the caller still runs Match), so that DuckDB,
// not Go, discards most non-matching rows.
func (s *Store) GroupEventsPrefiltered(ctx context.Context, q store.GroupEventQuery, f *cwpattern.Prefilter) iter.Seq2[store.GroupEvent, error] {
	return s.groupEvents(ctx, q, f)
}

// prefilterSQL renders f as one condition on body_text; "" means none
// (a node it cannot render holds for every row).
func prefilterSQL(f *cwpattern.Prefilter) (string, []any) {
	switch f.Op {
	case cwpattern.PreAnd, cwpattern.PreOr:
		var parts []string
		var args []any
		for _, c := range f.Children {
			cond, a := prefilterSQL(c)
			if cond == "" {
				if f.Op == cwpattern.PreOr {
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
		if f.Op == cwpattern.PreOr {
			sep = " OR "
		}
		return "(" + strings.Join(parts, sep) + ")", args
	case cwpattern.PreContains:
		return "contains(body_text, ?)", []any{f.Text}
	case cwpattern.PreNotContains:
		return "NOT contains(body_text, ?)", []any{f.Text}
	case cwpattern.PreJSONString, cwpattern.PreJSONNumber:
		path, ok := jsonPath(f.Path)
		if !ok {
			return "", nil
		}
		// Invalid JSON would make json_extract_string fail the query; such
		// messages go to the caller's matcher when they may hold an object.
		val := "json_extract_string(body_text, " + path + ")"
		test := val + " = ?"
		args := []any{f.Text}
		if f.Op == cwpattern.PreJSONNumber {
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
func jsonPath(path []cwpattern.PathElem) (string, bool) {
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
