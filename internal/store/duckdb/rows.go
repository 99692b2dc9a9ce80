package duckdb

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"lookout/internal/model"
)

// encoder turns model values into appender rows, in the column order of
// spansDDL and logsDDL. It remembers the resources it has encoded: the spans
// and logs of one batch mostly share a handful of them.
type encoder struct {
	res map[resKey]resCols
}

// resKey identifies a resource by its attribute list's backing array;
// receivers give the items of one resource the same list.
type resKey struct {
	first   *model.KeyValue
	n       int
	dropped uint32
	url     string
}

type resCols struct {
	keys, values, types []any
	nested              string
}

func newEncoder() *encoder { return &encoder{res: map[resKey]resCols{}} }

// vstr makes s appendable to a VARCHAR column: valid UTF-8 (DuckDB rejects
// anything else), and passed as bytes when it holds a NUL, which the
// driver's string path (C strings) would cut.
func vstr(s string) any {
	s = text(s)
	if strings.IndexByte(s, 0) >= 0 {
		return []byte(s)
	}
	return s
}

// lists converts an encoded attribute list to driver values; []any avoids
// the driver's per-element reflection.
func lists(l typedList) (keys, values, types []any) {
	keys, values, types = make([]any, len(l.keys)), make([]any, len(l.keys)), make([]any, len(l.keys))
	for i := range l.keys {
		keys[i], values[i], types[i] = vstr(l.keys[i]), vstr(l.values[i]), l.types[i]
	}
	return keys, values, types
}

func (e *encoder) attrs(a model.Attributes) (keys, values, types []any, nested string, err error) {
	l, err := encodeList(a)
	if err != nil {
		return nil, nil, nil, "", err
	}
	keys, values, types = lists(l)
	return keys, values, types, l.nested, nil
}

func (e *encoder) resource(r model.Resource) (resCols, error) {
	k := resKey{n: len(r.Attributes), dropped: r.DroppedAttributesCount, url: r.SchemaURL}
	if len(r.Attributes) > 0 {
		k.first = &r.Attributes[0]
	}
	if c, ok := e.res[k]; ok {
		return c, nil
	}
	var c resCols
	var err error
	if c.keys, c.values, c.types, c.nested, err = e.attrs(r.Attributes); err != nil {
		return c, fmt.Errorf("resource: %w", err)
	}
	e.res[k] = c
	return c, nil
}

func (e *encoder) spanRow(sp *model.Span) ([]driver.Value, error) {
	ak, av, at, an, err := e.attrs(sp.Attributes)
	if err != nil {
		return nil, err
	}
	events, err := encodeEvents(sp.Events)
	if err != nil {
		return nil, err
	}
	links, err := encodeLinks(sp.Links)
	if err != nil {
		return nil, err
	}
	res, err := e.resource(sp.Resource)
	if err != nil {
		return nil, err
	}
	scope, err := encodeScope(sp.Scope)
	if err != nil {
		return nil, err
	}
	hi, lo := traceHalves(sp.TraceID)
	return []driver.Value{
		vstr(sp.Project), hi, lo, spanInt(sp.SpanID), spanInt(sp.ParentSpanID),
		sp.StartUnixNano, sp.EndUnixNano, sp.DurationNano(),
		vstr(sp.Service()), vstr(sp.Name), int32(sp.Kind), int32(sp.StatusCode),
		vstr(sp.StatusMessage), vstr(sp.TraceState), sp.Flags,
		ak, av, at, an, sp.DroppedAttributesCount,
		events, sp.DroppedEventsCount, links, sp.DroppedLinksCount,
		res.keys, res.values, res.types, res.nested, sp.Resource.DroppedAttributesCount, vstr(sp.Resource.SchemaURL),
		vstr(sp.Scope.Name), vstr(sp.Scope.Version), scope,
	}, nil
}

func (e *encoder) logRow(l *model.LogEvent) ([]driver.Value, error) {
	bt, btext, bnested, err := encodeValue(l.Body)
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	ak, av, at, an, err := e.attrs(l.Attributes)
	if err != nil {
		return nil, err
	}
	res, err := e.resource(l.Resource)
	if err != nil {
		return nil, err
	}
	scope, err := encodeScope(l.Scope)
	if err != nil {
		return nil, err
	}
	hi, lo := traceHalves(l.TraceID)
	return []driver.Value{
		vstr(l.Project), l.TimeUnixNano, l.ObservedTimeUnixNano, l.SeverityNumber, vstr(l.SeverityText),
		bt, vstr(btext), bnested, vstr(l.EventName),
		hi, lo, spanInt(l.SpanID), l.Flags,
		vstr(l.LogGroup), vstr(l.LogStream), vstr(l.Service()),
		ak, av, at, an, l.DroppedAttributesCount,
		res.keys, res.values, res.types, res.nested, l.Resource.DroppedAttributesCount, vstr(l.Resource.SchemaURL),
		vstr(l.Scope.Name), vstr(l.Scope.Version), scope,
	}, nil
}

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
	sp.TraceID, sp.SpanID, sp.ParentSpanID = traceFromHalves(hi, lo), spanFromInt(sid), spanFromInt(psid)
	sp.Kind, sp.StatusCode = model.SpanKind(kind), model.StatusCode(status)
	var err error
	if sp.Attributes, err = attrs.decode(); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Events, err = decodeEvents(events); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Links, err = decodeLinks(links); err != nil {
		return sp, fmt.Errorf("span %s: %w", sp.SpanID, err)
	}
	if sp.Resource.Attributes, err = res.decode(); err != nil {
		return sp, fmt.Errorf("span %s: resource: %w", sp.SpanID, err)
	}
	if sp.Scope, err = decodeScope(sp.Scope.Name, sp.Scope.Version, scop); err != nil {
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
	l.TraceID, l.SpanID = traceFromHalves(hi, lo), spanFromInt(sid)
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
	if l.Scope, err = decodeScope(l.Scope.Name, l.Scope.Version, scop); err != nil {
		return l, err
	}
	return l, nil
}
