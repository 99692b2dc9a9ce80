package duckdb

import (
	"strings"
	"unicode/utf8"
)

// text makes s storable in a VARCHAR column: DuckDB rejects invalid UTF-8.
func text(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
