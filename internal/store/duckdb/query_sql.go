package duckdb

import (
	"fmt"
	"strings"

	"lookout/internal/query"
)

// sqlb builds one SQL statement whose every value, column and attribute
// name included, is a numbered bound parameter ($1, $2, ...). Only
// fragments written in this file and numbers that query.Validate checked
// (quantiles, bucket counts) are spliced into the text. It reads spans
// unless its table says otherwise.
type sqlb struct {
	args []any
	t    *table
	// keys tells in which attribute lists a key occurs (Store.keyLists);
	// nil reads every list.
	keys func(tbl, key string) keyIn
}

// table is how a query source is read: the view, the time column that the
// time range and buckets use, the fields, and whether event.* columns read
// span events.
type table struct {
	name       string // as the key registry names it (keys.go)
	view, time string
	fields     map[string]column
	events     bool
}

var (
	spanTable = &table{name: "spans", view: spansView, time: "start_ns", fields: spanColumns, events: true}
	logTable  = &table{name: "logs", view: logsView, time: "time_ns", fields: logColumns}
)

// sqlFor returns a builder for the source's table that reads only the
// attribute lists a key occurs in.
func (s *Store) sqlFor(src query.Source) *sqlb {
	t := spanTable
	switch src {
	case query.SourceLogs:
		t = logTable
	case query.SourceMetrics:
		t = metricTable
	}
	return &sqlb{t: t, keys: s.keyLists}
}

func (b *sqlb) table() *table {
	if b.t == nil {
		return spanTable
	}
	return b.t
}

// arg binds v and returns its placeholder.
func (b *sqlb) arg(v any) string {
	b.args = append(b.args, v)
	return fmt.Sprintf("$%d", len(b.args))
}

// column is how one query column reads from a span row: as its native type
// (breakdowns, distinct counts), as text (string comparisons) and as a
// number (numeric comparisons and aggregates). Each is NULL when the span
// lacks the column.
type column struct {
	native, text, num string
	// typ, for attributes, returns the SQL of the model.ValueKind of the
	// value read, by which breakdown values come back typed; nil for other
	// columns. A func, as it binds arguments only when used.
	typ func() string
	// list, when set, is the column's values on a span that may hold several
	// (span events): filters match when any value does; native, text and
	// num read the first.
	list string
}

// eventsJSON reads events_json (see codec.go) as a list of events; NULL
// when the span has none, so spans without events cost no JSON parsing.
const eventsJSON = `CASE WHEN events_json <> '' THEN from_json(events_json, ` +
	`'[{"n":"VARCHAR","a":[{"k":"VARCHAR","v":{"s":"VARCHAR","i":"VARCHAR","d":"VARCHAR","b":"BOOLEAN"}}]}]') END`

// eventColumn reads event.name (the events' names) or event.<key> (the
// values of attribute key on the span's events, in event order). Values
// other than strings, integers, doubles and booleans are not read.
func (b *sqlb) eventColumn(key string) column {
	list := "list_transform(" + eventsJSON + ", ev_e -> ev_e.n)"
	if key != "name" {
		list = "list_transform(list_filter(flatten(list_transform(" + eventsJSON + ", ev_e -> ev_e.a)), ev_a -> ev_a.k = " +
			b.arg(key) + "), ev_a -> coalesce(ev_a.v.s, ev_a.v.i, ev_a.v.d, CAST(ev_a.v.b AS VARCHAR)))"
	}
	first := "(" + list + ")[1]"
	return column{native: first, text: first, num: "TRY_CAST(" + first + " AS DOUBLE)", list: list}
}

var kindNames = "CASE kind WHEN 0 THEN 'unspecified' WHEN 1 THEN 'internal' WHEN 2 THEN 'server' " +
	"WHEN 3 THEN 'client' WHEN 4 THEN 'producer' WHEN 5 THEN 'consumer' ELSE CAST(kind AS VARCHAR) END"

func hexID(col string) string { return "lower(lpad(to_hex(" + col + "), 16, '0'))" }

// spanColumns maps the span fields of query.SpanFields to SQL.
var spanColumns = map[string]column{
	query.ColDuration:      {native: "(duration_ns / 1e6)", num: "(duration_ns / 1e6)"},
	query.ColName:          {native: "name"},
	query.ColService:       {native: "service"},
	query.ColStatusCode:    {native: "status_code", num: "CAST(status_code AS DOUBLE)"},
	query.ColStatusMessage: {native: "NULLIF(status_message, '')"},
	query.ColError:         {native: "(status_code = 2)", text: "CAST(status_code = 2 AS VARCHAR)", num: "CAST(status_code = 2 AS DOUBLE)"},
	query.ColKind:          {native: kindNames},
	query.ColTraceID:       {native: "(" + hexID("trace_hi") + " || " + hexID("trace_lo") + ")"},
	query.ColSpanID:        {native: hexID("span_id")},
	query.ColParentID:      {native: "CASE WHEN parent_span_id = 0 THEN NULL ELSE " + hexID("parent_span_id") + " END"},
	query.ColLibraryName:   {native: "NULLIF(scope_name, '')"},
	query.ColLibraryVer:    {native: "NULLIF(scope_version, '')"},
}

// logColumns maps the log fields of query.LogFields to SQL.
var logColumns = map[string]column{
	query.ColService:        {native: "service"},
	query.ColSeverityText:   {native: "NULLIF(severity_text, '')"},
	query.ColSeverityNumber: {native: "severity_number", num: "CAST(severity_number AS DOUBLE)"},
	query.ColBody:           {native: "body_text"},
	query.ColLogGroup:       {native: "NULLIF(log_group, '')"},
	query.ColLogStream:      {native: "NULLIF(log_stream, '')"},
	query.ColEventName:      {native: "NULLIF(event_name, '')"},
	query.ColTraceID:        {native: "CASE WHEN trace_hi = 0 AND trace_lo = 0 THEN NULL ELSE " + hexID("trace_hi") + " || " + hexID("trace_lo") + " END"},
	query.ColSpanID:         {native: "CASE WHEN span_id = 0 THEN NULL ELSE " + hexID("span_id") + " END"},
	query.ColLibraryName:    {native: "NULLIF(scope_name, '')"},
	query.ColLibraryVer:     {native: "NULLIF(scope_version, '')"},
}

// col returns the SQL of a column: a scoped attribute, a field of the
// table, else (spans) an event column, else the record's attribute of that
// key, else the resource attribute.
func (b *sqlb) col(name string) column {
	if scope, key, ok := query.ScopedAttr(name); ok {
		if scope == query.ResourceScope {
			return b.attrCol(key, inResource)
		}
		return b.attrCol(key, inAttrs)
	}
	if c, ok := b.table().fields[name]; ok {
		if c.text == "" {
			c.text = "CAST(" + c.native + " AS VARCHAR)"
		}
		if c.num == "" {
			c.num = "TRY_CAST(" + c.native + " AS DOUBLE)"
		}
		return c
	}
	if key, ok := strings.CutPrefix(name, query.EventPrefix); ok && key != "" && b.table().events {
		return b.eventColumn(key)
	}
	return b.attrCol(name, inAttrs|inResource)
}

// attrCol reads attribute name from the lists of scope (inAttrs,
// inResource or both: the record's own first).
func (b *sqlb) attrCol(name string, scope keyIn) column {
	// lookup reads the values or types list of one attribute list.
	lookup := func(list, of string) string {
		return list + "[list_position(" + of + ", " + b.arg(name) + ")]"
	}
	// read returns the lookup of the values (or types) in the lists of the
	// scope the key occurs in.
	in, known := b.keyLists(name)
	if !known {
		in = inAttrs | inResource
	}
	in &= scope
	read := func(values, types string) string {
		switch {
		case in == inAttrs|inResource:
			return "coalesce(" + lookup("attr_"+values, "attr_keys") + ", " + lookup("res_"+values, "res_keys") + ")"
		case in == inAttrs:
			return lookup("attr_"+values, "attr_keys")
		case in == inResource:
			return lookup("res_"+values, "res_keys")
		}
		return "CAST(NULL AS " + types + ")" // the key occurs nowhere
	}
	text := read("values", "VARCHAR")
	return column{native: text, text: text, num: "TRY_CAST(" + text + " AS DOUBLE)",
		typ: func() string { return read("types", "UTINYINT") }}
}

// keyLists tells in which lists of the table a key occurs, when known.
func (b *sqlb) keyLists(key string) (keyIn, bool) {
	if b.keys == nil {
		return 0, false
	}
	return b.keys(b.table().name, key), true
}

// filters returns the condition of a filter list, "true" when empty.
func (b *sqlb) filters(fs []query.Filter, comb query.Combination) string {
	if len(fs) == 0 {
		return "true"
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

// filter compiles one filter. A negated operator is the negation of its
// positive form with NULL read as false, so spans lacking the column match.
func (b *sqlb) filter(f query.Filter) string {
	c := b.col(f.Column)
	if c.list != "" {
		return b.listFilter(c.list, f)
	}
	return b.filterOn(c, f)
}

// listFilter compiles a filter on a multi-valued column: a positive
// operator matches when any value does, a negated one when none matches
// its positive form.
func (b *sqlb) listFilter(list string, f query.Filter) string {
	switch f.Op {
	case query.FilterExists:
		return "coalesce(len(" + list + ") > 0, false)"
	case query.FilterDoesNotExist:
		return "coalesce(len(" + list + ") = 0, true)"
	}
	op, negated := f.Op.Positive()
	elem := column{native: "ev_v", text: "ev_v", num: "TRY_CAST(ev_v AS DOUBLE)"}
	match := "coalesce(len(list_filter(" + list + ", ev_v -> " + b.filterOn(elem, query.Filter{Column: f.Column, Op: op, Values: f.Values}) + ")) > 0, false)"
	if negated {
		return "NOT " + match
	}
	return match
}

// filterOn compiles a filter on a single-valued column.
func (b *sqlb) filterOn(c column, f query.Filter) string {
	pos := func(op query.FilterOp) string {
		switch op {
		case query.FilterExists:
			return c.text + " IS NOT NULL"
		case query.FilterEq, query.FilterGt, query.FilterGe, query.FilterLt, query.FilterLe:
			return b.compare(c, string(op), f.Values[0])
		case query.FilterContains:
			return "contains(" + c.text + ", " + b.arg(f.Values[0]) + ")"
		case query.FilterStartsWith:
			return "starts_with(" + c.text + ", " + b.arg(f.Values[0]) + ")"
		case query.FilterMatches:
			return "regexp_full_match(" + c.text + ", " + b.arg(f.Values[0]) + ")"
		case query.FilterIn:
			parts := make([]string, len(f.Values))
			for i, v := range f.Values {
				parts[i] = b.compare(c, "=", v)
			}
			return "(" + strings.Join(parts, " OR ") + ")"
		}
		return "false"
	}
	switch f.Op {
	case query.FilterNe:
		return "NOT coalesce(" + pos(query.FilterEq) + ", false)"
	case query.FilterDoesNotExist:
		return c.text + " IS NULL"
	case query.FilterDoesNotContain:
		return "NOT coalesce(" + pos(query.FilterContains) + ", false)"
	case query.FilterDoesNotStartWith:
		return "NOT coalesce(" + pos(query.FilterStartsWith) + ", false)"
	case query.FilterNotIn:
		return "NOT coalesce(" + pos(query.FilterIn) + ", false)"
	case query.FilterDoesNotMatch:
		return "NOT coalesce(" + pos(query.FilterMatches) + ", false)"
	}
	return "coalesce(" + pos(f.Op) + ", false)"
}

// compare compares the column with v: as numbers when v is a number, as
// "true"/"false" text when a bool, else as text.
func (b *sqlb) compare(c column, op string, v any) string {
	switch x := v.(type) {
	case float64:
		return c.num + " " + op + " " + b.arg(x)
	case bool:
		return c.text + " " + op + " " + b.arg(fmt.Sprint(x))
	default:
		return c.text + " " + op + " " + b.arg(fmt.Sprint(x))
	}
}

// scope returns the condition every query starts from: the project, the
// time range (span start, log time) and the dataset.
func (b *sqlb) scope(project string, q query.Query) string {
	tc := b.table().time
	s := "project = " + b.arg(project) + " AND " + tc + " >= " + b.arg(q.Start.UnixNano()) +
		" AND " + tc + " < " + b.arg(q.End.UnixNano())
	if q.Dataset != "" && q.Dataset != query.DatasetAll {
		s += " AND service = " + b.arg(q.Dataset)
	}
	return s
}

// aggregate returns the SQL aggregate of calculation i over the base
// columns v<i>; for HEATMAP, the value range (see heatmaps).
func aggregate(c query.Calculation, i int) string {
	v := fmt.Sprintf("v%d", i)
	switch c.Op {
	case query.OpCount:
		return "count(*)"
	case query.OpCountDistinct:
		return "count(DISTINCT " + v + ")"
	case query.OpSum:
		return "sum(" + v + ")"
	case query.OpAvg:
		return "avg(" + v + ")"
	case query.OpMin:
		return "min(" + v + ")"
	case query.OpMax:
		return "max(" + v + ")"
	case query.OpHeatmap:
		// The value range, from which heatmap takes its buckets.
		return "struct_pack(lo := min(" + v + "), hi := max(" + v + "))"
	}
	q, _ := c.Op.Percentile()
	return fmt.Sprintf("quantile_cont(%s, %s)", v, formatQuantile(q))
}

func formatQuantile(q float64) string { return fmt.Sprintf("%.6f", q) }
