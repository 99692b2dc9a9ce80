package rowcodec

import (
	"fmt"
	"strings"

	"lookout/internal/model"
)

// The SQL stores read spans and log events back with the same columns, in
// the same order (SpanColumns, LogColumns); only how an attribute list
// arrives from the client differs, which Lists hides.

// SpanColumns are the columns ScanSpan reads, in order; nested is the
// suffix of the columns of nested values ("nested", "json").
func SpanColumns(nested string) string { return strings.ReplaceAll(spanColumns, "NESTED", nested) }

const spanColumns = `project, trace_hi, trace_lo, span_id, parent_span_id, start_ns, end_ns,
	name, kind, status_code, status_message, trace_state, flags,
	attr_keys, attr_values, attr_types, attr_NESTED, dropped_attrs,
	events_json, dropped_events, links_json, dropped_links,
	res_keys, res_values, res_types, res_NESTED, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`

// LogColumns are the columns ScanLog reads, in order; nested as in
// SpanColumns.
func LogColumns(nested string) string { return strings.ReplaceAll(logColumns, "NESTED", nested) }

const logColumns = `project, time_ns, observed_ns, severity_number, severity_text,
	body_type, body_text, body_NESTED, event_name, trace_hi, trace_lo, span_id, flags, log_group, log_stream,
	attr_keys, attr_values, attr_types, attr_NESTED, dropped_attrs,
	res_keys, res_values, res_types, res_NESTED, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`

// Scanner reads the current row of a result.
type Scanner interface {
	Scan(dest ...any) error
}

// Lists is one attribute list as a store reads it: the scan destinations
// of its four columns (keys, values, types, nested values) and the
// attributes they hold once scanned.
type Lists interface {
	Dest() []any
	Decode() (model.Attributes, error)
}

// ScanSpan reads a row of SpanColumns into a span; attrs and res receive
// the span's and the resource's attribute lists.
func ScanSpan(rows Scanner, attrs, res Lists) (model.Span, error) {
	var (
		sp                   model.Span
		hi, lo, sid, psid    int64
		kind, status         int32
		events, links, scope string
	)
	dest := []any{&sp.Project, &hi, &lo, &sid, &psid, &sp.StartUnixNano, &sp.EndUnixNano,
		&sp.Name, &kind, &status, &sp.StatusMessage, &sp.TraceState, &sp.Flags}
	dest = append(dest, attrs.Dest()...)
	dest = append(dest, &sp.DroppedAttributesCount, &events, &sp.DroppedEventsCount, &links, &sp.DroppedLinksCount)
	dest = append(dest, res.Dest()...)
	dest = append(dest, &sp.Resource.DroppedAttributesCount, &sp.Resource.SchemaURL, &sp.Scope.Name, &sp.Scope.Version, &scope)
	if err := rows.Scan(dest...); err != nil {
		return sp, fmt.Errorf("scan span: %w", err)
	}
	sp.TraceID, sp.SpanID, sp.ParentSpanID = TraceFromHalves(hi, lo), SpanFromInt(sid), SpanFromInt(psid)
	sp.Kind, sp.StatusCode = model.SpanKind(kind), model.StatusCode(status)
	var err error
	if sp.Attributes, err = attrs.Decode(); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Events, err = DecodeEvents(events); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Links, err = DecodeLinks(links); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Resource.Attributes, err = res.Decode(); err != nil {
		return sp, fmt.Errorf("span %s: resource: %w", sp.SpanID, err)
	}
	if sp.Scope, err = DecodeScope(sp.Scope.Name, sp.Scope.Version, scope); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	return sp, nil
}

// ScanLog reads a row of LogColumns into a log event; attrs and res
// receive the event's and the resource's attribute lists.
func ScanLog(rows Scanner, attrs, res Lists) (model.LogEvent, error) {
	var (
		l                   model.LogEvent
		hi, lo, sid         int64
		btype               uint8
		btext, bjson, scope string
	)
	dest := []any{&l.Project, &l.TimeUnixNano, &l.ObservedTimeUnixNano, &l.SeverityNumber, &l.SeverityText,
		&btype, &btext, &bjson, &l.EventName, &hi, &lo, &sid, &l.Flags, &l.LogGroup, &l.LogStream}
	dest = append(dest, attrs.Dest()...)
	dest = append(dest, &l.DroppedAttributesCount)
	dest = append(dest, res.Dest()...)
	dest = append(dest, &l.Resource.DroppedAttributesCount, &l.Resource.SchemaURL, &l.Scope.Name, &l.Scope.Version, &scope)
	if err := rows.Scan(dest...); err != nil {
		return l, fmt.Errorf("scan log: %w", err)
	}
	l.TraceID, l.SpanID = TraceFromHalves(hi, lo), SpanFromInt(sid)
	var err error
	if l.Body, err = DecodeValue(btype, btext, bjson); err != nil {
		return l, fmt.Errorf("body: %w", err)
	}
	if l.Attributes, err = attrs.Decode(); err != nil {
		return l, err
	}
	if l.Resource.Attributes, err = res.Decode(); err != nil {
		return l, fmt.Errorf("resource: %w", err)
	}
	if l.Scope, err = DecodeScope(l.Scope.Name, l.Scope.Version, scope); err != nil {
		return l, err
	}
	return l, nil
}
