package duckdb

import (
	"strconv"
	"strings"

	"lookout/internal/store/sqlbuild"
)

// dialect spells the SQL the stores share (sqlbuild) in DuckDB's functions,
// reading the views over every day partition.
type dialect struct{}

var sq sqlbuild.Dialect = dialect{}

func newWhere() *sqlbuild.Where { return sqlbuild.NewWhere(sq) }

func (dialect) Table(name string) string {
	switch name {
	case "spans":
		return spansView
	case "logs":
		return logsView
	}
	return metricsView
}

func (dialect) Bool(b bool) string { return strconv.FormatBool(b) }

func (dialect) Contains(text, sub string) string { return "contains(" + text + ", " + sub + ")" }

func (dialect) ContainsFold(text, sub string) string {
	return "contains(lower(" + text + "), lower(" + sub + "))"
}

func (dialect) StartsWith(text, prefix string) string {
	return "starts_with(" + text + ", " + prefix + ")"
}

// AttrIs matches the first value of the key.
func (dialect) AttrIs(prefix, key, value string) string {
	return prefix + "values[list_position(" + prefix + "keys, " + key + ")] = " + value
}

func (dialect) Int64(expr string) string { return "CAST(" + expr + " AS BIGINT)" }

func (dialect) CountIf(cond string) string { return "count(*) FILTER (WHERE " + cond + ")" }

// ArgMin orders by a struct, which DuckDB compares field by field.
func (dialect) ArgMin(val string, by ...string) string {
	fields := make([]string, len(by))
	for i, b := range by {
		fields[i] = "'k" + strconv.Itoa(i) + "': " + b
	}
	return "arg_min(" + val + ", {" + strings.Join(fields, ", ") + "})"
}

// TracesOf joins the spans to the distinct hit traces.
func (dialect) TracesOf(spans string, hits sqlbuild.Cond) (from, cond sqlbuild.Cond) {
	return sqlbuild.Cond{SQL: "(SELECT s.* FROM " + spans + " s JOIN (SELECT DISTINCT trace_hi, trace_lo FROM " + spans +
		" WHERE " + hits.SQL + ") h USING (trace_hi, trace_lo))", Args: hits.Args}, sqlbuild.Cond{}
}
