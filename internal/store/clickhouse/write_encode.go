package clickhouse

import (
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// A batch is encoded column by column, in the order of the insert's column
// list, and appended to the client's block whole (batch.Column(i).Append).

// insertCol is one column of an INSERT: its name and its values, a slice of
// the Go type the client maps to the column's ClickHouse type.
type insertCol struct {
	name string
	data any
}

// listCols are the four array columns of one attribute list.
type listCols struct {
	keys, values [][]string
	types        [][]uint8
	json         [][]string
}

func (c *listCols) add(l attrLists) {
	c.keys, c.values = append(c.keys, l.keys), append(c.values, l.values)
	c.types, c.json = append(c.types, l.types), append(c.json, l.json)
}

func (c *listCols) columns(prefix string) []insertCol {
	return []insertCol{{prefix + "_keys", c.keys}, {prefix + "_values", c.values}, {prefix + "_types", c.types}, {prefix + "_json", c.json}}
}

// resourceCache encodes each distinct attribute slice once: the items of
// one sender's request share their resource's slice.
type resourceCache map[attrKey]attrLists

type attrKey struct {
	first *model.KeyValue
	n     int
}

func (c resourceCache) encode(a model.Attributes) (attrLists, error) {
	if len(a) == 0 {
		return attrLists{}, nil
	}
	k := attrKey{&a[0], len(a)}
	if l, ok := c[k]; ok {
		return l, nil
	}
	l, err := encodeAttrs(a)
	if err != nil {
		return l, fmt.Errorf("resource: %w", err)
	}
	c[k] = l
	return l, nil
}

// scopeCols are the columns every table has for the resource and scope.
type scopeCols struct {
	res                          listCols
	resDropped                   []uint32
	resSchema                    []string
	scopeName, scopeVer, scopeJS []string
}

func (c *scopeCols) add(cache resourceCache, r model.Resource, sc model.Scope) error {
	rl, err := cache.encode(r.Attributes)
	if err != nil {
		return err
	}
	js, err := rowcodec.EncodeScope(sc)
	if err != nil {
		return err
	}
	c.res.add(rl)
	c.resDropped, c.resSchema = append(c.resDropped, r.DroppedAttributesCount), append(c.resSchema, r.SchemaURL)
	c.scopeName, c.scopeVer, c.scopeJS = append(c.scopeName, sc.Name), append(c.scopeVer, sc.Version), append(c.scopeJS, js)
	return nil
}

func (c *scopeCols) columns() []insertCol {
	return append(c.res.columns("res"), insertCol{"res_dropped", c.resDropped}, insertCol{"res_schema_url", c.resSchema},
		insertCol{"scope_name", c.scopeName}, insertCol{"scope_version", c.scopeVer}, insertCol{"scope_json", c.scopeJS})
}

// spanCols are the columns of the spans table.
type spanCols struct {
	project, service                              []string
	start, end, dur, traceHi, traceLo, id, parent []int64
	name                                          []string
	kind, status                                  []int32
	statusMsg, traceState                         []string
	flags, dropped, droppedEvents, droppedLinks   []uint32
	attrs                                         listCols
	evNames, evKeys, evValues                     [][]string
	evTypes                                       [][]uint8
	eventsJS, linksJS                             []string
	scopeCols
}

func encodeSpans(spans []model.Span) (*spanCols, error) {
	c := &spanCols{}
	cache := resourceCache{}
	for i := range spans {
		if err := c.add(cache, &spans[i]); err != nil {
			return nil, fmt.Errorf("span %d of batch: %w", i, err)
		}
	}
	return c, nil
}

func (c *spanCols) add(cache resourceCache, sp *model.Span) error {
	attrs, err := encodeAttrs(sp.Attributes)
	if err != nil {
		return err
	}
	events, err := rowcodec.EncodeEvents(sp.Events)
	if err != nil {
		return err
	}
	links, err := rowcodec.EncodeLinks(sp.Links)
	if err != nil {
		return err
	}
	if err := c.scopeCols.add(cache, sp.Resource, sp.Scope); err != nil {
		return err
	}
	hi, lo := rowcodec.TraceHalves(sp.TraceID)
	c.project, c.service = append(c.project, sp.Project), append(c.service, sp.Service())
	c.start, c.end, c.dur = append(c.start, sp.StartUnixNano), append(c.end, sp.EndUnixNano), append(c.dur, sp.DurationNano())
	c.traceHi, c.traceLo = append(c.traceHi, hi), append(c.traceLo, lo)
	c.id, c.parent = append(c.id, rowcodec.SpanInt(sp.SpanID)), append(c.parent, rowcodec.SpanInt(sp.ParentSpanID))
	c.name, c.kind, c.status = append(c.name, sp.Name), append(c.kind, int32(sp.Kind)), append(c.status, int32(sp.StatusCode))
	c.statusMsg, c.traceState, c.flags = append(c.statusMsg, sp.StatusMessage), append(c.traceState, sp.TraceState), append(c.flags, sp.Flags)
	c.attrs.add(attrs)
	c.dropped = append(c.dropped, sp.DroppedAttributesCount)
	c.addEventIndex(sp.Events)
	c.eventsJS, c.droppedEvents = append(c.eventsJS, events), append(c.droppedEvents, sp.DroppedEventsCount)
	c.linksJS, c.droppedLinks = append(c.linksJS, links), append(c.droppedLinks, sp.DroppedLinksCount)
	return nil
}

// addEventIndex adds the query columns of the span's events: their names,
// and their attributes flattened in event order (values as text).
func (c *spanCols) addEventIndex(evs []model.SpanEvent) {
	var names, keys, values []string
	var types []uint8
	for _, e := range evs {
		names = append(names, e.Name)
		for _, kv := range e.Attributes {
			keys, values, types = append(keys, kv.Key), append(values, kv.Value.AsString()), append(types, uint8(kv.Value.Kind))
		}
	}
	c.evNames, c.evKeys = append(c.evNames, orEmpty(names)), append(c.evKeys, orEmpty(keys))
	c.evValues, c.evTypes = append(c.evValues, orEmpty(values)), append(c.evTypes, orEmpty(types))
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (c *spanCols) columns() []insertCol {
	cols := []insertCol{
		{"project", c.project}, {"service", c.service}, {"start_ns", c.start}, {"end_ns", c.end}, {"duration_ns", c.dur},
		{"trace_hi", c.traceHi}, {"trace_lo", c.traceLo}, {"span_id", c.id}, {"parent_span_id", c.parent},
		{"name", c.name}, {"kind", c.kind}, {"status_code", c.status}, {"status_message", c.statusMsg},
		{"trace_state", c.traceState}, {"flags", c.flags},
	}
	cols = append(cols, c.attrs.columns("attr")...)
	cols = append(cols, insertCol{"dropped_attrs", c.dropped},
		insertCol{"event_names", c.evNames}, insertCol{"event_keys", c.evKeys}, insertCol{"event_values", c.evValues}, insertCol{"event_types", c.evTypes},
		insertCol{"events_json", c.eventsJS}, insertCol{"dropped_events", c.droppedEvents},
		insertCol{"links_json", c.linksJS}, insertCol{"dropped_links", c.droppedLinks})
	return append(cols, c.scopeCols.columns()...)
}

// logCols are the columns of the logs table.
type logCols struct {
	project, service            []string
	time, observed              []int64
	sevNum                      []int32
	sevText                     []string
	bodyType                    []uint8
	bodyText, bodyJS, eventName []string
	traceHi, traceLo, spanID    []int64
	flags, dropped              []uint32
	group, stream               []string
	attrs                       listCols
	scopeCols
}

func encodeLogs(logs []model.LogEvent) (*logCols, error) {
	c := &logCols{}
	cache := resourceCache{}
	for i := range logs {
		if err := c.add(cache, &logs[i]); err != nil {
			return nil, fmt.Errorf("log event %d of batch: %w", i, err)
		}
	}
	return c, nil
}

func (c *logCols) add(cache resourceCache, l *model.LogEvent) error {
	attrs, err := encodeAttrs(l.Attributes)
	if err != nil {
		return err
	}
	kind, text, js, err := rowcodec.EncodeValue(l.Body)
	if err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if err := c.scopeCols.add(cache, l.Resource, l.Scope); err != nil {
		return err
	}
	hi, lo := rowcodec.TraceHalves(l.TraceID)
	c.project, c.service = append(c.project, l.Project), append(c.service, l.Service())
	c.time, c.observed = append(c.time, l.EffectiveTimeUnixNano()), append(c.observed, l.ObservedTimeUnixNano)
	c.sevNum, c.sevText = append(c.sevNum, l.SeverityNumber), append(c.sevText, l.SeverityText)
	c.bodyType, c.bodyText, c.bodyJS = append(c.bodyType, kind), append(c.bodyText, text), append(c.bodyJS, js)
	c.eventName = append(c.eventName, l.EventName)
	c.traceHi, c.traceLo, c.spanID = append(c.traceHi, hi), append(c.traceLo, lo), append(c.spanID, rowcodec.SpanInt(l.SpanID))
	c.flags, c.dropped = append(c.flags, l.Flags), append(c.dropped, l.DroppedAttributesCount)
	c.group, c.stream = append(c.group, l.LogGroup), append(c.stream, l.LogStream)
	c.attrs.add(attrs)
	return nil
}

func (c *logCols) columns() []insertCol {
	cols := []insertCol{
		{"project", c.project}, {"service", c.service}, {"time_ns", c.time}, {"observed_ns", c.observed},
		{"severity_number", c.sevNum}, {"severity_text", c.sevText},
		{"body_type", c.bodyType}, {"body_text", c.bodyText}, {"body_json", c.bodyJS}, {"event_name", c.eventName},
		{"trace_hi", c.traceHi}, {"trace_lo", c.traceLo}, {"span_id", c.spanID}, {"flags", c.flags},
		{"log_group", c.group}, {"log_stream", c.stream},
	}
	cols = append(cols, c.attrs.columns("attr")...)
	cols = append(cols, insertCol{"dropped_attrs", c.dropped})
	return append(cols, c.scopeCols.columns()...)
}
