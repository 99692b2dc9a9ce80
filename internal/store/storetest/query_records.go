package storetest

import (
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
)

// record is a span or a log event as the oracle reads it.
type record interface {
	// col returns the native value of a column, nil when absent; the
	// first value of a multi-valued column.
	col(name string) any
	// values returns every value of a multi-valued column (span events);
	// multi is false for the other columns.
	values(name string) (vs []any, multi bool)
	at() int64 // the time the query's range and buckets use
	service() string
}

type spanRecord model.Span

func spanRecords(spans []model.Span) []record {
	out := make([]record, len(spans))
	for i := range spans {
		out[i] = spanRecord(spans[i])
	}
	return out
}

func (s spanRecord) at() int64       { return s.StartUnixNano }
func (s spanRecord) service() string { return s.Resource.Service() }

func (s spanRecord) col(name string) any {
	if v, scoped := scopedCol(s.Attributes, s.Resource.Attributes, name); scoped {
		return v
	}
	switch name {
	case query.ColDuration:
		sp := model.Span(s)
		return float64(sp.DurationNano()) / 1e6
	case query.ColName:
		return s.Name
	case query.ColService:
		return s.service()
	case query.ColStatusCode:
		return int64(s.StatusCode)
	case query.ColError:
		return s.StatusCode == model.StatusError
	case query.ColStatusMessage:
		return nonEmpty(s.StatusMessage)
	case query.ColKind:
		return []string{"unspecified", "internal", "server", "client", "producer", "consumer"}[s.Kind]
	case query.ColTraceID:
		return s.TraceID.String()
	case query.ColSpanID:
		return s.SpanID.String()
	case query.ColLibraryName:
		return nonEmpty(s.Scope.Name)
	case query.ColLibraryVer:
		return nonEmpty(s.Scope.Version)
	case query.ColParentID:
		if s.ParentSpanID.IsZero() {
			return nil
		}
		return s.ParentSpanID.String()
	}
	if vs, multi := s.values(name); multi {
		if len(vs) > 0 {
			return vs[0]
		}
		return nil
	}
	return attrCol(s.Attributes, s.Resource.Attributes, name)
}

// values reads event.name (the event names) and event.<key> (the values of
// attribute key on the events, in order).
func (s spanRecord) values(name string) ([]any, bool) {
	key, ok := strings.CutPrefix(name, query.EventPrefix)
	if !ok {
		return nil, false
	}
	var out []any
	for _, e := range s.Events {
		if key == "name" {
			out = append(out, e.Name)
		} else if v, ok := e.Attributes.Get(key); ok {
			out = append(out, v.AsString())
		}
	}
	return out, true
}

// scopedCol reads a scoped attribute column (query.ScopedAttr); scoped is
// false for other names.
func scopedCol(own, res model.Attributes, name string) (v any, scoped bool) {
	scope, key, ok := query.ScopedAttr(name)
	if !ok {
		return nil, false
	}
	if scope == query.ResourceScope {
		return attrCol(nil, res, key), true
	}
	return attrCol(own, nil, key), true
}

// attrCol is an attribute column: the record's own attribute, else its
// resource's, typed as sent (strings, integers, doubles, booleans).
func attrCol(own, res model.Attributes, name string) any {
	v, ok := own.Get(name)
	if !ok {
		if v, ok = res.Get(name); !ok {
			return nil
		}
	}
	switch v.Kind {
	case model.KindInt:
		return v.Int
	case model.KindDouble:
		return v.Double
	case model.KindBool:
		return v.Bool
	}
	return v.AsString()
}

type logRecord model.LogEvent

func logRecords(logs []model.LogEvent) []record {
	out := make([]record, len(logs))
	for i := range logs {
		out[i] = logRecord(logs[i])
	}
	return out
}

func (l logRecord) at() int64                   { return l.TimeUnixNano }
func (l logRecord) service() string             { return l.Resource.Service() }
func (l logRecord) values(string) ([]any, bool) { return nil, false }
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (l logRecord) col(name string) any {
	if v, scoped := scopedCol(l.Attributes, l.Resource.Attributes, name); scoped {
		return v
	}
	switch name {
	case query.ColService:
		return l.service()
	case query.ColSeverityText:
		return nonEmpty(l.SeverityText)
	case query.ColSeverityNumber:
		return int64(l.SeverityNumber)
	case query.ColBody:
		return l.Body.AsString()
	case query.ColLogGroup:
		return nonEmpty(l.LogGroup)
	case query.ColLogStream:
		return nonEmpty(l.LogStream)
	case query.ColTraceID:
		if l.TraceID.IsZero() {
			return nil
		}
		return l.TraceID.String()
	}
	return attrCol(l.Attributes, l.Resource.Attributes, name)
}
