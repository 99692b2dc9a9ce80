package clickhouse

import (
	"fmt"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
)

// sqlb builds one SQL statement whose every value, column and attribute
// names included, is a numbered parameter ($1, $2, ...). The client
// inlines parameters as quoted literals; only fragments written in this
// package and numbers that query.Validate checked (quantiles) are spliced
// into the text directly.
type sqlb struct {
	args []any
	t    *table
}

// table is how a query source is read: the table, the time column that
// the time range and buckets use, the fields, and whether event.* columns
// read span events.
type table struct {
	name, time string
	fields     map[string]column
	events     bool
}

var (
	spanTable = &table{name: "spans", time: "start_ns", fields: spanColumns, events: true}
	logTable  = &table{name: "logs", time: "time_ns", fields: logColumns}
)

func newSQL(src query.Source) *sqlb {
	switch src {
	case query.SourceLogs:
		return &sqlb{t: logTable}
	case query.SourceMetrics:
		return &sqlb{t: metricTable}
	}
	return &sqlb{t: spanTable}
}

// arg binds v and returns its placeholder.
func (b *sqlb) arg(v any) string {
	b.args = append(b.args, v)
	return fmt.Sprintf("$%d", len(b.args))
}

// valueKind says how a breakdown value read from ClickHouse becomes a
// query value.
type valueKind uint8

const (
	plainValue valueKind = iota // as scanned (strings, integers widened to int64)
	boolValue                   // a UInt8 0/1 read as a bool
	attrValue                   // attribute text, typed by its model.ValueKind (column.typ)
)

// column is how one query column reads from a row: as its native type
// (breakdowns, distinct counts), as text (string comparisons) and as a
// Float64 (numeric comparisons and aggregates). Each is NULL when the row
// lacks the column.
type column struct {
	native, text, num string
	kind              valueKind
	// typ, for attributes, returns the SQL of the model.ValueKind of the
	// value read; a func, as it binds arguments only when used.
	typ func() string
	// list, when set, is the column's values on a span that may hold
	// several (span events): filters match when any value does; native,
	// text and num read the first.
	list string
}

// hexID renders an Int64 id column as 16 lower-case hex digits
// (ClickHouse 18.16's hex drops leading zero bytes and has no leftPad).
func hexID(col string) string {
	h := "hex(toUInt64(" + col + "))"
	return "lower(concat(substring('0000000000000000', 1, toUInt64(16 - length(" + h + "))), " + h + "))"
}

const kindNames = "transform(kind, [0, 1, 2, 3, 4, 5], " +
	"['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'], toString(kind))"

// spanColumns maps the span fields of query.SpanFields to SQL.
var spanColumns = map[string]column{
	query.ColDuration:      {native: "(duration_ns / 1e6)", num: "(duration_ns / 1e6)"},
	query.ColName:          {native: "name"},
	query.ColService:       {native: "service"},
	query.ColStatusCode:    {native: "status_code", num: "toFloat64(status_code)"},
	query.ColStatusMessage: {native: "nullIf(status_message, '')"},
	query.ColError: {native: "(status_code = 2)", kind: boolValue,
		text: "if(status_code = 2, 'true', 'false')", num: "toFloat64(status_code = 2)"},
	query.ColKind:        {native: kindNames},
	query.ColTraceID:     {native: "concat(" + hexID("trace_hi") + ", " + hexID("trace_lo") + ")"},
	query.ColSpanID:      {native: hexID("span_id")},
	query.ColParentID:    {native: "if(parent_span_id = 0, NULL, " + hexID("parent_span_id") + ")"},
	query.ColLibraryName: {native: "nullIf(scope_name, '')"},
	query.ColLibraryVer:  {native: "nullIf(scope_version, '')"},
}

// logColumns maps the log fields of query.LogFields to SQL.
var logColumns = map[string]column{
	query.ColService:        {native: "service"},
	query.ColSeverityText:   {native: "nullIf(severity_text, '')"},
	query.ColSeverityNumber: {native: "severity_number", num: "toFloat64(severity_number)"},
	query.ColBody:           {native: "body_text"},
	query.ColLogGroup:       {native: "nullIf(log_group, '')"},
	query.ColLogStream:      {native: "nullIf(log_stream, '')"},
	query.ColEventName:      {native: "nullIf(event_name, '')"},
	query.ColTraceID: {native: "if(trace_hi = 0 AND trace_lo = 0, NULL, concat(" + hexID("trace_hi") + ", " +
		hexID("trace_lo") + "))"},
	query.ColSpanID:      {native: "if(span_id = 0, NULL, " + hexID("span_id") + ")"},
	query.ColLibraryName: {native: "nullIf(scope_name, '')"},
	query.ColLibraryVer:  {native: "nullIf(scope_version, '')"},
}

// col returns the SQL of a column: a scoped attribute (attribute:<key>
// reads only the record's own attribute, resource:<key> only the
// resource's), a field of the table, else (spans) an event column, else
// the record's attribute of that key, else the resource attribute.
func (b *sqlb) col(name string) column {
	if scope, key, ok := query.ScopedAttr(name); ok {
		prefix := "attr_"
		if scope == query.ResourceScope {
			prefix = "res_"
		}
		k := b.arg(key)
		read := func(list string) string {
			return "if(has(" + prefix + "keys, " + k + "), " + prefix + list + "[indexOf(" + prefix + "keys, " + k + ")], NULL)"
		}
		text := read("values")
		return column{native: text, text: text, num: "toFloat64OrNull(" + text + ")", kind: attrValue,
			typ: func() string { return read("types") }}
	}
	if c, ok := b.t.fields[name]; ok {
		if c.text == "" {
			c.text = "toString(" + c.native + ")"
		}
		if c.num == "" {
			c.num = "toFloat64OrNull(toString(" + c.native + "))"
		}
		return c
	}
	if key, ok := strings.CutPrefix(name, query.EventPrefix); ok && key != "" && b.t.events {
		return b.eventColumn(key)
	}
	k := b.arg(name)
	read := func(list string) string {
		return "if(has(attr_keys, " + k + "), attr_" + list + "[indexOf(attr_keys, " + k + ")], " +
			"if(has(res_keys, " + k + "), res_" + list + "[indexOf(res_keys, " + k + ")], NULL))"
	}
	text := read("values")
	return column{native: text, text: text, num: "toFloat64OrNull(" + text + ")", kind: attrValue,
		typ: func() string { return read("types") }}
}

// eventColumn reads event.name (the events' names) or event.<key> (the
// values of attribute key on the span's events, in event order, as text).
func (b *sqlb) eventColumn(key string) column {
	list := "event_names"
	if key != "name" {
		list = "arrayFilter((v, k) -> k = " + b.arg(key) + ", event_values, event_keys)"
	}
	first := "if(notEmpty(" + list + "), " + list + "[1], NULL)"
	return column{native: first, text: first, num: "toFloat64OrNull(" + first + ")", list: list}
}

// filters returns the condition of a filter list, "1" when empty.
func (b *sqlb) filters(fs []query.Filter, comb query.Combination) string {
	if len(fs) == 0 {
		return "1"
	}
	conds := make([]string, len(fs))
	for i, f := range fs {
		conds[i] = b.filter(f)
	}
	sep := " AND "
	if comb == query.Or {
		sep = " OR "
	}
	return "(" + strings.Join(conds, sep) + ")"
}

// negatedOps maps the negated operators to their positive forms.
var negatedOps = map[query.FilterOp]query.FilterOp{query.FilterNe: query.FilterEq, query.FilterDoesNotContain: query.FilterContains,
	query.FilterDoesNotStartWith: query.FilterStartsWith, query.FilterNotIn: query.FilterIn,
	query.FilterDoesNotMatch: query.FilterMatches}

// filter compiles one filter. A negated operator is the negation of its
// positive form with NULL read as false, so rows lacking the column match.
func (b *sqlb) filter(f query.Filter) string {
	c := b.col(f.Column)
	if c.list != "" {
		return b.listFilter(c.list, f)
	}
	switch f.Op {
	case query.FilterExists:
		return "isNotNull(" + c.text + ")"
	case query.FilterDoesNotExist:
		return "isNull(" + c.text + ")"
	}
	if pos, negated := negatedOps[f.Op]; negated {
		return "NOT ifNull(" + b.positive(c, pos, f.Values) + ", 0)"
	}
	return "ifNull(" + b.positive(c, f.Op, f.Values) + ", 0)"
}

// listFilter compiles a filter on a multi-valued column: a positive
// operator matches when any value does, a negated one when none matches
// its positive form.
func (b *sqlb) listFilter(list string, f query.Filter) string {
	switch f.Op {
	case query.FilterExists:
		return "notEmpty(" + list + ")"
	case query.FilterDoesNotExist:
		return "empty(" + list + ")"
	}
	elem := column{native: "ev_v", text: "ev_v", num: "toFloat64OrNull(ev_v)"}
	op, negated := negatedOps[f.Op]
	if !negated {
		op = f.Op
	}
	match := "arrayExists(ev_v -> ifNull(" + b.positive(elem, op, f.Values) + ", 0), " + list + ")"
	if negated {
		return "NOT " + match
	}
	return match
}

// positive compiles a positive operator; NULL where the column is.
func (b *sqlb) positive(c column, op query.FilterOp, vals []any) string {
	switch op {
	case query.FilterEq, query.FilterGt, query.FilterGe, query.FilterLt, query.FilterLe:
		return b.compare(c, string(op), vals[0])
	case query.FilterContains:
		return "position(" + c.text + ", " + b.arg(fmt.Sprint(vals[0])) + ") > 0"
	case query.FilterStartsWith:
		return "startsWith(" + c.text + ", " + b.arg(fmt.Sprint(vals[0])) + ")"
	case query.FilterMatches:
		// The whole value must match, with RE2's own defaults: ClickHouse
		// lets . match a newline unless (?-s) says otherwise. 18.16's match
		// takes a constant pattern: the anchored pattern is bound as one
		// string, which the client inlines as an escaped literal.
		return "match(" + c.text + ", " + b.arg("(?-s)^(?:"+fmt.Sprint(vals[0])+")$") + ")"
	case query.FilterIn:
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = b.compare(c, "=", v)
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	return "0"
}

// compare compares the column with v: as numbers when v is a number, else
// as text (a bool as "true"/"false").
func (b *sqlb) compare(c column, op string, v any) string {
	if x, ok := v.(float64); ok {
		return c.num + " " + op + " " + b.arg(x)
	}
	return c.text + " " + op + " " + b.arg(fmt.Sprint(v))
}

// scope returns the condition every query starts from: the project, the
// time range (span start, log time) and the dataset.
func (b *sqlb) scope(project string, q query.Query) string {
	tc := b.t.time
	s := "project = " + b.arg(project) + " AND " + tc + " >= " + b.arg(q.Start.UnixNano()) +
		" AND " + tc + " < " + b.arg(q.End.UnixNano())
	if q.Dataset != "" && q.Dataset != query.DatasetAll {
		s += " AND service = " + b.arg(q.Dataset)
	}
	return s
}

// isNumericKind reports whether attribute values of kind k order as numbers.
func isNumericKind(k model.ValueKind) bool { return k == model.KindInt || k == model.KindDouble }
