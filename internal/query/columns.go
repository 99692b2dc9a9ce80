package query

import "strings"

// Type is a column's value type, as Honeycomb names them.
type Type string

// The column types.
const (
	TypeString  Type = "string"
	TypeInteger Type = "integer"
	TypeFloat   Type = "float"
	TypeBoolean Type = "boolean"
)

// Column describes one queryable column.
type Column struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	// Source is "span", "log" or "point" for the source's own fields,
	// "attribute" for the record's attributes, "resource" for resource
	// attributes, "event" for the attributes and names of span events (see
	// EventPrefix), "metric" for a metric of the metrics source.
	Source string `json:"source"`
	// Description explains a span field; empty for attributes.
	Description string `json:"description,omitempty"`
	// Count is the number of spans that carry the column in the window the
	// columns were listed for; Cardinality estimates its distinct values.
	// Both are 0 for span fields, which every span has.
	Count       int64 `json:"count,omitempty"`
	Cardinality int64 `json:"cardinality,omitempty"`
	// MetricType and Ops describe a metric of the metrics source (Source
	// "metric"): its type, unit and the calculations that read it.
	MetricType string   `json:"metric_type,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	Ops        []string `json:"ops,omitempty"`
}

// The span fields, named as Honeycomb names them for OpenTelemetry data.
// Every other column name is an event column (EventPrefix), a scoped
// attribute (ScopedAttr) or an attribute key: a span attribute, else a
// resource attribute of the same key.
const (
	ColDuration      = "duration_ms"
	ColName          = "name"
	ColService       = "service.name"
	ColStatusCode    = "status_code"
	ColStatusMessage = "status_message"
	ColError         = "error"
	ColKind          = "span.kind"
	ColTraceID       = "trace.trace_id"
	ColSpanID        = "trace.span_id"
	ColParentID      = "trace.parent_id"
	ColLibraryName   = "library.name"
	ColLibraryVer    = "library.version"
)

// Scoped attribute columns. A column named AttrScope+key reads only the
// record's own attribute key (a span's, a log event's); ResourceScope+key
// only its resource's attribute key. Either does so also when key is a
// field's name or starts with EventPrefix, so every attribute can be named
// on its own, whatever its key.
const (
	AttrScope     = "attribute:"
	ResourceScope = "resource:"
)

// ScopedAttr splits a scoped attribute column into its scope (AttrScope or
// ResourceScope) and key; ok is false for any other column name.
func ScopedAttr(name string) (scope, key string, ok bool) {
	for _, p := range []string{AttrScope, ResourceScope} {
		if k, found := strings.CutPrefix(name, p); found {
			return p, k, true
		}
	}
	return "", "", false
}

// EventPrefix starts the columns read from a span's events: event.name is
// the events' names, event.<key> the values of attribute key on them. A
// filter on such a column matches a span when any of its events does; a
// breakdown or a calculation reads the first event that has the value.
const EventPrefix = "event."

// SpanFields lists the span fields every store must answer, in display order.
var SpanFields = []Column{
	{Name: ColDuration, Type: TypeFloat, Source: "span", Description: "span duration in milliseconds"},
	{Name: ColName, Type: TypeString, Source: "span", Description: "span name"},
	{Name: ColService, Type: TypeString, Source: "span", Description: "service name (unknown_service when unset)"},
	{Name: ColStatusCode, Type: TypeInteger, Source: "span", Description: "OTLP status code: 0 unset, 1 ok, 2 error"},
	{Name: ColStatusMessage, Type: TypeString, Source: "span", Description: "status message; absent when empty"},
	{Name: ColError, Type: TypeBoolean, Source: "span", Description: "true when the status is error"},
	{Name: ColKind, Type: TypeString, Source: "span", Description: "unspecified, internal, server, client, producer or consumer"},
	{Name: ColTraceID, Type: TypeString, Source: "span", Description: "trace id, 32 lower-case hex digits"},
	{Name: ColSpanID, Type: TypeString, Source: "span", Description: "span id, 16 lower-case hex digits"},
	{Name: ColParentID, Type: TypeString, Source: "span", Description: "parent span id; absent on a root span"},
	{Name: ColLibraryName, Type: TypeString, Source: "span", Description: "instrumentation scope name"},
	{Name: ColLibraryVer, Type: TypeString, Source: "span", Description: "instrumentation scope version"},
}

// SpanField returns the span field of that name.
func SpanField(name string) (Column, bool) {
	for _, c := range SpanFields {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}
