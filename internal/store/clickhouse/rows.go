package clickhouse

import (
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Reads that rebuild model values select these columns and scan them with
// scanSpan and scanLog.

const spanReadColumns = `project, trace_hi, trace_lo, span_id, parent_span_id, start_ns, end_ns,
	name, kind, status_code, status_message, trace_state, flags,
	attr_keys, attr_values, attr_types, attr_json, dropped_attrs,
	events_json, dropped_events, links_json, dropped_links,
	res_keys, res_values, res_types, res_json, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`

const logReadColumns = `project, time_ns, observed_ns, severity_number, severity_text,
	body_type, body_text, body_json, event_name, trace_hi, trace_lo, span_id, flags, log_group, log_stream,
	attr_keys, attr_values, attr_types, attr_json, dropped_attrs,
	res_keys, res_values, res_types, res_json, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`

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

// scanLists returns the scan destinations of an attribute list.
func (l *attrLists) dest() []any { return []any{&l.keys, &l.values, &l.types, &l.json} }

// scanSpan reads a row of spanReadColumns.
func scanSpan(rows driver.Rows) (model.Span, error) {
	var (
		sp                   model.Span
		hi, lo, sid, psid    int64
		kind, status         int32
		attrs, res           attrLists
		events, links, scope string
	)
	dest := []any{&sp.Project, &hi, &lo, &sid, &psid, &sp.StartUnixNano, &sp.EndUnixNano,
		&sp.Name, &kind, &status, &sp.StatusMessage, &sp.TraceState, &sp.Flags}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, &sp.DroppedAttributesCount, &events, &sp.DroppedEventsCount, &links, &sp.DroppedLinksCount)
	dest = append(dest, res.dest()...)
	dest = append(dest, &sp.Resource.DroppedAttributesCount, &sp.Resource.SchemaURL, &sp.Scope.Name, &sp.Scope.Version, &scope)
	if err := rows.Scan(dest...); err != nil {
		return sp, fmt.Errorf("scan span: %w", err)
	}
	sp.TraceID, sp.SpanID, sp.ParentSpanID = rowcodec.TraceFromHalves(hi, lo), rowcodec.SpanFromInt(sid), rowcodec.SpanFromInt(psid)
	sp.Kind, sp.StatusCode = model.SpanKind(kind), model.StatusCode(status)
	var err error
	if sp.Attributes, err = attrs.decode(); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Events, err = rowcodec.DecodeEvents(events); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Links, err = rowcodec.DecodeLinks(links); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Resource.Attributes, err = res.decode(); err != nil {
		return sp, fmt.Errorf("span %s: resource: %w", sp.SpanID, err)
	}
	if sp.Scope, err = rowcodec.DecodeScope(sp.Scope.Name, sp.Scope.Version, scope); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	return sp, nil
}

// scanLog reads a row of logReadColumns.
func scanLog(rows driver.Rows) (model.LogEvent, error) {
	var (
		l                   model.LogEvent
		hi, lo, sid         int64
		btype               uint8
		btext, bjson, scope string
		attrs, res          attrLists
	)
	dest := []any{&l.Project, &l.TimeUnixNano, &l.ObservedTimeUnixNano, &l.SeverityNumber, &l.SeverityText,
		&btype, &btext, &bjson, &l.EventName, &hi, &lo, &sid, &l.Flags, &l.LogGroup, &l.LogStream}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, &l.DroppedAttributesCount)
	dest = append(dest, res.dest()...)
	dest = append(dest, &l.Resource.DroppedAttributesCount, &l.Resource.SchemaURL, &l.Scope.Name, &l.Scope.Version, &scope)
	if err := rows.Scan(dest...); err != nil {
		return l, fmt.Errorf("scan log: %w", err)
	}
	l.TraceID, l.SpanID = rowcodec.TraceFromHalves(hi, lo), rowcodec.SpanFromInt(sid)
	var err error
	if l.Body, err = decodeValue(btype, btext, bjson); err != nil {
		return l, fmt.Errorf("body: %w", err)
	}
	if l.Attributes, err = attrs.decode(); err != nil {
		return l, err
	}
	if l.Resource.Attributes, err = res.decode(); err != nil {
		return l, fmt.Errorf("resource: %w", err)
	}
	if l.Scope, err = rowcodec.DecodeScope(l.Scope.Name, l.Scope.Version, scope); err != nil {
		return l, err
	}
	return l, nil
}
