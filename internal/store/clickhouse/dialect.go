package clickhouse

import (
	"strings"

	"lookout/internal/store/sqlbuild"
)

// dialect spells the SQL the stores share (sqlbuild) in ClickHouse 18.16's
// functions.
type dialect struct{}

var sq sqlbuild.Dialect = dialect{}

func newWhere() *sqlbuild.Where { return sqlbuild.NewWhere(sq) }

func (dialect) Table(name string) string { return name }

func (dialect) Bool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (dialect) Contains(text, sub string) string { return "position(" + text + ", " + sub + ") > 0" }

func (dialect) ContainsFold(text, sub string) string {
	return "positionCaseInsensitiveUTF8(" + text + ", " + sub + ") > 0"
}

func (dialect) StartsWith(text, prefix string) string {
	return "startsWith(" + text + ", " + prefix + ")"
}

// AttrIs matches any value of the key, as a list may repeat a key.
func (dialect) AttrIs(prefix, key, value string) string {
	return "has(arrayFilter((v, k) -> k = " + key + ", " + prefix + "values, " + prefix + "keys), " + value + ")"
}

func (dialect) Int64(expr string) string { return "toInt64(" + expr + ")" }

func (dialect) CountIf(cond string) string { return "countIf(" + cond + ")" }

func (dialect) ArgMin(val string, by ...string) string {
	return "argMin(" + val + ", (" + strings.Join(by, ", ") + "))"
}

// TracesOf keeps the spans table as the source, so that its primary key
// still narrows the read, and adds membership in the set of hit traces
// (ClickHouse evaluates an IN subquery once).
func (dialect) TracesOf(spans string, hits sqlbuild.Cond) (from, cond sqlbuild.Cond) {
	return sqlbuild.Cond{SQL: spans},
		sqlbuild.Cond{SQL: "(trace_hi, trace_lo) IN (SELECT trace_hi, trace_lo FROM " + spans + " WHERE " + hits.SQL + ")", Args: hits.Args}
}
