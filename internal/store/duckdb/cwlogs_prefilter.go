package duckdb

import (
	"strconv"
	"strings"

	"lookout/internal/query"
	"lookout/internal/store/sqlbuild"
)

// prefilterLeaf renders a test of a TextMatch on body_text for
// sqlbuild.Prefilter: substrings and JSON values.
func prefilterLeaf(f *query.TextMatch) sqlbuild.Cond {
	switch f.Op {
	case query.MatchContains, query.MatchNotContains:
		return sqlbuild.ContainsLeaf(sq, f)
	case query.MatchJSONString, query.MatchJSONNumber:
		path, ok := jsonPath(f.Path)
		if !ok {
			return sqlbuild.Cond{}
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
		return sqlbuild.Cond{SQL: "(CASE WHEN json_valid(body_text) THEN " + test + " ELSE contains(body_text, '{') END)", Args: args}
	}
	return sqlbuild.Cond{}
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
