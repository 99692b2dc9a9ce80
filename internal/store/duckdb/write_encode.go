package duckdb

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// encoded is a batch turned into the column buffers of its partitions (UTC
// days): all the CPU work of a write that needs no lock. Prepare makes it on
// the caller's goroutine, so that many clients encode at once and only the
// append and COMMIT run under the writer lock (writeEncoded).
type encoded struct {
	parts map[string]*partCols
	bytes int64 // about the memory the columns hold (Size)
}

// Size is about the bytes of memory e holds until it is written, for the
// pipeline's bound on what waits for a commit.
func (e *encoded) Size() int64 { return e.bytes }

type partCols struct {
	spans   spanCols
	logs    logCols
	metrics metricCols
	keys    batchKeys  // the attribute keys of the rows (keys.go)
	traces  *traceRows // the trace index rows of the spans (traceindex.go)
}

// Prepare encodes b for WritePrepared (pipeline.Preparer). It is safe to
// call from many goroutines and keeps no reference to b's slices, only to
// its strings.
func (s *Store) Prepare(b *model.Batch) (any, error) {
	e, err := encodeBatch(b)
	if err != nil {
		return nil, err
	}
	for _, p := range e.parts {
		for _, cols := range [][]chunkColumn{p.spans.columns(), p.logs.columns(), p.metrics.columns()} {
			for _, c := range cols {
				e.bytes += c.size()
			}
		}
	}
	return e, nil
}

// WritePrepared commits batches made by Prepare together, as Write would
// their concatenation.
func (s *Store) WritePrepared(ctx context.Context, prepared []any) error {
	encs := make([]*encoded, len(prepared))
	for i, p := range prepared {
		e, ok := p.(*encoded)
		if !ok {
			return fmt.Errorf("write prepared: %T is not from Prepare", p)
		}
		encs[i] = e
	}
	return s.writeEncoded(ctx, encs...)
}

// encodeBatch fills the columns item by item. An item that fails leaves
// them inconsistent, so on error the whole result is dropped.
func encodeBatch(b *model.Batch) (*encoded, error) {
	e := &encoded{parts: map[string]*partCols{}}
	part := func(ns int64) *partCols {
		name := partName(ns)
		p := e.parts[name]
		if p == nil {
			p = &partCols{}
			e.parts[name] = p
		}
		return p
	}
	// Most batches fall in one day: size its columns at once rather than
	// growing them by doubling (the encoding's main garbage).
	if len(b.Spans) > 0 {
		attrs := 0
		for i := range b.Spans {
			attrs += len(b.Spans[i].Attributes)
		}
		part(b.Spans[0].StartUnixNano).spans.reserve(len(b.Spans), attrs)
	}
	if len(b.Logs) > 0 {
		attrs := 0
		for i := range b.Logs {
			attrs += len(b.Logs[i].Attributes)
		}
		part(b.Logs[0].EffectiveTimeUnixNano()).logs.reserve(len(b.Logs), attrs)
	}
	if len(b.Metrics) > 0 {
		attrs := 0
		for i := range b.Metrics {
			attrs += len(b.Metrics[i].Attributes)
		}
		part(b.Metrics[0].TimeUnixNano).metrics.reserve(len(b.Metrics), attrs)
	}
	for _, i := range traceOrder(b.Spans) {
		if err := part(b.Spans[i].StartUnixNano).spans.add(&b.Spans[i]); err != nil {
			return nil, fmt.Errorf("span %d of batch: %w", i, err)
		}
	}
	for i := range b.Logs {
		if err := part(b.Logs[i].EffectiveTimeUnixNano()).logs.add(&b.Logs[i]); err != nil {
			return nil, fmt.Errorf("log event %d of batch: %w", i, err)
		}
	}
	for i := range b.Metrics {
		if err := part(b.Metrics[i].TimeUnixNano).metrics.add(&b.Metrics[i]); err != nil {
			return nil, fmt.Errorf("metric point %d of batch: %w", i, err)
		}
	}
	for _, p := range e.parts {
		p.spans.res.seen, p.logs.res.seen, p.metrics.res.seen = nil, nil, nil // they point into b
		p.keys = keysOf(p)
		p.traces = traceRowsOf(&p.spans)
	}
	return e, nil
}

// attrCols are the four columns of a typed attribute list (values.go).
type attrCols struct {
	keys, values listCol[string]
	types        listCol[uint8]
	nested       strCol
}

// attrRow is one encoded list: ranges of the flat columns and its JSON.
type attrRow struct {
	keys, values, types listRange
	nested              string
}

// encode adds a's values to the flat columns; push then adds the row.
// Several rows may push the same attrRow.
func (c *attrCols) encode(a model.Attributes) (attrRow, error) {
	nested, err := nestedJSON(a)
	if err != nil {
		return attrRow{}, err
	}
	r := attrRow{nested: nested}
	r.keys = listRange{uint32(len(c.keys.flat)), uint32(len(a))}
	r.values = listRange{uint32(len(c.values.flat)), uint32(len(a))}
	r.types = listRange{uint32(len(c.types.flat)), uint32(len(a))}
	for _, kv := range a {
		c.keys.flat = append(c.keys.flat, text(kv.Key))
		c.values.flat = append(c.values.flat, text(kv.Value.AsString()))
		c.types.flat = append(c.types.flat, uint8(kv.Value.Kind))
	}
	return r, nil
}

// reserve makes room for rows lists of vals values in all.
func (c *attrCols) reserve(rows, vals int) {
	c.keys.flat, c.values.flat = slices.Grow(c.keys.flat, vals), slices.Grow(c.values.flat, vals)
	c.types.flat = slices.Grow(c.types.flat, vals)
	c.keys.rows, c.values.rows = slices.Grow(c.keys.rows, rows), slices.Grow(c.values.rows, rows)
	c.types.rows, c.nested = slices.Grow(c.types.rows, rows), slices.Grow(c.nested, rows)
}

func (c *attrCols) push(r attrRow) {
	c.keys.rows = append(c.keys.rows, r.keys)
	c.values.rows = append(c.values.rows, r.values)
	c.types.rows = append(c.types.rows, r.types)
	c.nested = append(c.nested, r.nested)
}

// resCols are the resource columns. The items of one resource share its
// encoded lists: each distinct resource of a batch is encoded once.
type resCols struct {
	attrs     attrCols
	dropped   intCol[uint32]
	schemaURL strCol
	seen      map[resKey]resRow
}

// resKey identifies a resource by its attribute list's backing array;
// receivers give the items of one resource the same list.
type resKey struct {
	first   *model.KeyValue
	n       int
	dropped uint32
	url     string
}

type resRow struct {
	attrRow
	service, schemaURL string
}

// add appends r's row and returns its service name.
func (c *resCols) add(r model.Resource) (service string, err error) {
	k := resKey{n: len(r.Attributes), dropped: r.DroppedAttributesCount, url: r.SchemaURL}
	if len(r.Attributes) > 0 {
		k.first = &r.Attributes[0]
	}
	row, ok := c.seen[k]
	if !ok {
		if row.attrRow, err = c.attrs.encode(r.Attributes); err != nil {
			return "", fmt.Errorf("resource: %w", err)
		}
		row.service, row.schemaURL = text(r.Service()), text(r.SchemaURL)
		if c.seen == nil {
			c.seen = map[resKey]resRow{}
		}
		c.seen[k] = row
	}
	c.attrs.push(row.attrRow)
	c.dropped = append(c.dropped, r.DroppedAttributesCount)
	c.schemaURL = append(c.schemaURL, row.schemaURL)
	return row.service, nil
}

type scopeCols struct{ name, version, json strCol }

func (c *scopeCols) add(s model.Scope) error {
	j, err := rowcodec.EncodeScope(s)
	if err != nil {
		return err
	}
	c.name = append(c.name, text(s.Name))
	c.version = append(c.version, text(s.Version))
	c.json = append(c.json, j) // JSON: valid UTF-8 already
	return nil
}

// spanCols are the rows of the spans table (spansDDL).
type spanCols struct {
	n                                                 int
	project, service, name, statusMessage, traceState strCol
	traceHi, traceLo, spanID, parentSpanID            intCol[int64]
	startNs, endNs, durationNs                        intCol[int64]
	kind, statusCode                                  intCol[int32]
	flags, droppedAttrs, droppedEvents, droppedLinks  intCol[uint32]
	attrs                                             attrCols
	events, links                                     strCol
	res                                               resCols
	scope                                             scopeCols
}

func (c *spanCols) len() int { return c.n }

func (c *spanCols) columns() []chunkColumn {
	return []chunkColumn{
		c.project, c.traceHi, c.traceLo, c.spanID, c.parentSpanID,
		c.startNs, c.endNs, c.durationNs,
		c.service, c.name, c.kind, c.statusCode,
		c.statusMessage, c.traceState, c.flags,
		&c.attrs.keys, &c.attrs.values, &c.attrs.types, c.attrs.nested, c.droppedAttrs,
		c.events, c.droppedEvents, c.links, c.droppedLinks,
		&c.res.attrs.keys, &c.res.attrs.values, &c.res.attrs.types, c.res.attrs.nested, c.res.dropped, c.res.schemaURL,
		c.scope.name, c.scope.version, c.scope.json,
	}
}

// reserve makes room for n spans of attrs attributes in all.
func (c *spanCols) reserve(n, attrs int) {
	for _, s := range []*strCol{&c.project, &c.service, &c.name, &c.statusMessage, &c.traceState,
		&c.events, &c.links, &c.res.schemaURL, &c.scope.name, &c.scope.version, &c.scope.json} {
		*s = slices.Grow(*s, n)
	}
	for _, s := range []*intCol[int64]{&c.traceHi, &c.traceLo, &c.spanID, &c.parentSpanID, &c.startNs, &c.endNs, &c.durationNs} {
		*s = slices.Grow(*s, n)
	}
	for _, s := range []*intCol[uint32]{&c.flags, &c.droppedAttrs, &c.droppedEvents, &c.droppedLinks, &c.res.dropped} {
		*s = slices.Grow(*s, n)
	}
	c.kind, c.statusCode = slices.Grow(c.kind, n), slices.Grow(c.statusCode, n)
	c.attrs.reserve(n, attrs)
	c.res.attrs.reserve(n, 0)
}

func (c *spanCols) add(sp *model.Span) error {
	events, err := rowcodec.EncodeEvents(sp.Events)
	if err != nil {
		return err
	}
	links, err := rowcodec.EncodeLinks(sp.Links)
	if err != nil {
		return err
	}
	attrs, err := c.attrs.encode(sp.Attributes)
	if err != nil {
		return err
	}
	service, err := c.res.add(sp.Resource)
	if err != nil {
		return err
	}
	if err := c.scope.add(sp.Scope); err != nil {
		return err
	}
	c.attrs.push(attrs)
	hi, lo := rowcodec.TraceHalves(sp.TraceID)
	c.project = append(c.project, text(sp.Project))
	c.traceHi = append(c.traceHi, hi)
	c.traceLo = append(c.traceLo, lo)
	c.spanID = append(c.spanID, rowcodec.SpanInt(sp.SpanID))
	c.parentSpanID = append(c.parentSpanID, rowcodec.SpanInt(sp.ParentSpanID))
	c.startNs = append(c.startNs, sp.StartUnixNano)
	c.endNs = append(c.endNs, sp.EndUnixNano)
	c.durationNs = append(c.durationNs, sp.DurationNano())
	c.service = append(c.service, service)
	c.name = append(c.name, text(sp.Name))
	c.kind = append(c.kind, int32(sp.Kind))
	c.statusCode = append(c.statusCode, int32(sp.StatusCode))
	c.statusMessage = append(c.statusMessage, text(sp.StatusMessage))
	c.traceState = append(c.traceState, text(sp.TraceState))
	c.flags = append(c.flags, sp.Flags)
	c.droppedAttrs = append(c.droppedAttrs, sp.DroppedAttributesCount)
	c.events = append(c.events, events)
	c.droppedEvents = append(c.droppedEvents, sp.DroppedEventsCount)
	c.links = append(c.links, links)
	c.droppedLinks = append(c.droppedLinks, sp.DroppedLinksCount)
	c.n++
	return nil
}

// logCols are the rows of the logs table (logsDDL).
type logCols struct {
	n                                            int
	project, severityText, bodyText, bodyNested  strCol
	eventName, logGroup, logStream, service      strCol
	timeNs, observedNs, traceHi, traceLo, spanID intCol[int64]
	severityNumber                               intCol[int32]
	bodyType                                     intCol[uint8]
	flags, droppedAttrs                          intCol[uint32]
	attrs                                        attrCols
	res                                          resCols
	scope                                        scopeCols
}

func (c *logCols) len() int { return c.n }

func (c *logCols) columns() []chunkColumn {
	return []chunkColumn{
		c.project, c.timeNs, c.observedNs, c.severityNumber, c.severityText,
		c.bodyType, c.bodyText, c.bodyNested, c.eventName,
		c.traceHi, c.traceLo, c.spanID, c.flags,
		c.logGroup, c.logStream, c.service,
		&c.attrs.keys, &c.attrs.values, &c.attrs.types, c.attrs.nested, c.droppedAttrs,
		&c.res.attrs.keys, &c.res.attrs.values, &c.res.attrs.types, c.res.attrs.nested, c.res.dropped, c.res.schemaURL,
		c.scope.name, c.scope.version, c.scope.json,
	}
}

// reserve makes room for n log events of attrs attributes in all.
func (c *logCols) reserve(n, attrs int) {
	for _, s := range []*strCol{&c.project, &c.severityText, &c.bodyText, &c.bodyNested, &c.eventName,
		&c.logGroup, &c.logStream, &c.service, &c.res.schemaURL, &c.scope.name, &c.scope.version, &c.scope.json} {
		*s = slices.Grow(*s, n)
	}
	for _, s := range []*intCol[int64]{&c.timeNs, &c.observedNs, &c.traceHi, &c.traceLo, &c.spanID} {
		*s = slices.Grow(*s, n)
	}
	for _, s := range []*intCol[uint32]{&c.flags, &c.droppedAttrs, &c.res.dropped} {
		*s = slices.Grow(*s, n)
	}
	c.severityNumber, c.bodyType = slices.Grow(c.severityNumber, n), slices.Grow(c.bodyType, n)
	c.attrs.reserve(n, attrs)
	c.res.attrs.reserve(n, 0)
}

func (c *logCols) add(l *model.LogEvent) error {
	bt, btext, bnested, err := encodeValue(l.Body)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	attrs, err := c.attrs.encode(l.Attributes)
	if err != nil {
		return err
	}
	service, err := c.res.add(l.Resource)
	if err != nil {
		return err
	}
	if err := c.scope.add(l.Scope); err != nil {
		return err
	}
	c.attrs.push(attrs)
	hi, lo := rowcodec.TraceHalves(l.TraceID)
	c.project = append(c.project, text(l.Project))
	// A record without a time (OTLP: 0, unknown) is kept at its observed
	// time, in that day's partition: where the pipeline's window check and
	// every time-bounded read look for it.
	c.timeNs = append(c.timeNs, l.EffectiveTimeUnixNano())
	c.observedNs = append(c.observedNs, l.ObservedTimeUnixNano)
	c.severityNumber = append(c.severityNumber, l.SeverityNumber)
	c.severityText = append(c.severityText, text(l.SeverityText))
	c.bodyType = append(c.bodyType, bt)
	c.bodyText = append(c.bodyText, btext)
	c.bodyNested = append(c.bodyNested, bnested)
	c.eventName = append(c.eventName, text(l.EventName))
	c.traceHi = append(c.traceHi, hi)
	c.traceLo = append(c.traceLo, lo)
	c.spanID = append(c.spanID, rowcodec.SpanInt(l.SpanID))
	c.flags = append(c.flags, l.Flags)
	c.logGroup = append(c.logGroup, text(l.LogGroup))
	c.logStream = append(c.logStream, text(l.LogStream))
	c.service = append(c.service, service)
	c.droppedAttrs = append(c.droppedAttrs, l.DroppedAttributesCount)
	c.n++
	return nil
}

// traceOrder returns the indexes of spans ordered by trace id, then start.
// Exporters group a batch's spans by resource, so a trace's spans are spread
// over it; rows in trace order put them side by side, which turns the trace
// id columns into runs (RLE) and lets a trace lookup decode fewer vectors.
func traceOrder(spans []model.Span) []int {
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := bytes.Compare(spans[a].TraceID[:], spans[b].TraceID[:]); c != 0 {
			return c
		}
		return cmp.Compare(spans[a].StartUnixNano, spans[b].StartUnixNano)
	})
	return order
}
