package clickhouse

import (
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Reads that rebuild model values select these columns and scan them with
// scanSpan and scanLog.

var (
	spanReadColumns = rowcodec.SpanColumns("json")
	logReadColumns  = rowcodec.LogColumns("json")
)

// trimmedSpanColumns is spanReadColumns without the span attributes that
// the condition keep, over the attribute key k, leaves out: the filter runs
// in ClickHouse, so trimmed values never cross the network. (No aliases:
// an alias named like a column would replace the column in the query.)
func trimmedSpanColumns(keep string) string {
	list := func(col string) string {
		return "arrayFilter((x, k) -> " + keep + ", " + col + ", attr_keys)"
	}
	return strings.Replace(spanReadColumns, "attr_keys, attr_values, attr_types, attr_json",
		"arrayFilter(k -> "+keep+", attr_keys), "+list("attr_values")+", "+list("attr_types")+", "+list("attr_json"), 1)
}

// scanSpan reads a row of spanReadColumns.
func scanSpan(rows driver.Rows) (model.Span, error) {
	return rowcodec.ScanSpan(rows, &attrLists{}, &attrLists{})
}

// scanLog reads a row of logReadColumns.
func scanLog(rows driver.Rows) (model.LogEvent, error) {
	return rowcodec.ScanLog(rows, &attrLists{}, &attrLists{})
}
