package duckdb

import (
	"database/sql"
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Rows are written column-wise (write_encode.go); this file reads them back.

// listCols receives the four columns of a typed attribute list.
type listCols struct {
	keys, values, types any
	nested              string
}

func (c *listCols) dest() []any { return []any{&c.keys, &c.values, &c.types, &c.nested} }

func (c *listCols) decode() (model.Attributes, error) {
	return decodeList(c.keys, c.values, c.types, c.nested)
}

// scanSpan reads a row of spanReadColumns.
func scanSpan(rows *sql.Rows) (model.Span, error) {
	var (
		sp                  model.Span
		hi, lo, sid, psid   int64
		kind, status        int32
		attrs, res          listCols
		events, links, scop string
	)
	dest := []any{&sp.Project, &hi, &lo, &sid, &psid, &sp.StartUnixNano, &sp.EndUnixNano,
		&sp.Name, &kind, &status, &sp.StatusMessage, &sp.TraceState, &sp.Flags}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, &sp.DroppedAttributesCount, &events, &sp.DroppedEventsCount, &links, &sp.DroppedLinksCount)
	dest = append(dest, res.dest()...)
	dest = append(dest, &sp.Resource.DroppedAttributesCount, &sp.Resource.SchemaURL, &sp.Scope.Name, &sp.Scope.Version, &scop)
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
	if sp.Scope, err = rowcodec.DecodeScope(sp.Scope.Name, sp.Scope.Version, scop); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	return sp, nil
}

// scanLog reads a row of logReadColumns.
func scanLog(rows *sql.Rows) (model.LogEvent, error) {
	var (
		l              model.LogEvent
		hi, lo, sid    int64
		btype          uint8
		btext, bnested string
		attrs, res     listCols
		scop           string
	)
	dest := []any{&l.Project, &l.TimeUnixNano, &l.ObservedTimeUnixNano, &l.SeverityNumber, &l.SeverityText,
		&btype, &btext, &bnested, &l.EventName, &hi, &lo, &sid, &l.Flags, &l.LogGroup, &l.LogStream}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, &l.DroppedAttributesCount)
	dest = append(dest, res.dest()...)
	dest = append(dest, &l.Resource.DroppedAttributesCount, &l.Resource.SchemaURL, &l.Scope.Name, &l.Scope.Version, &scop)
	if err := rows.Scan(dest...); err != nil {
		return l, fmt.Errorf("scan log: %w", err)
	}
	l.TraceID, l.SpanID = rowcodec.TraceFromHalves(hi, lo), rowcodec.SpanFromInt(sid)
	var err error
	if l.Body, err = decodeSingle(btype, btext, bnested); err != nil {
		return l, fmt.Errorf("body: %w", err)
	}
	if l.Attributes, err = attrs.decode(); err != nil {
		return l, err
	}
	if l.Resource.Attributes, err = res.decode(); err != nil {
		return l, fmt.Errorf("resource: %w", err)
	}
	if l.Scope, err = rowcodec.DecodeScope(l.Scope.Name, l.Scope.Version, scop); err != nil {
		return l, err
	}
	return l, nil
}
