package storetest

import (
	"lookout/internal/model"
)

// Steps on the telemetry store's spans.

// spanIn is model.Span with its ids in hex.
type spanIn struct {
	model.Span
	TraceID      traceID
	SpanID       spanID
	ParentSpanID spanID
	Links        []spanLink
}

type spanLink struct {
	model.SpanLink
	TraceID traceID
	SpanID  spanID
}

func (s spanIn) model() model.Span {
	m := s.Span
	m.TraceID, m.SpanID, m.ParentSpanID = model.TraceID(s.TraceID), model.SpanID(s.SpanID), model.SpanID(s.ParentSpanID)
	m.Links = nil
	for _, l := range s.Links {
		ml := l.SpanLink
		ml.TraceID, ml.SpanID = model.TraceID(l.TraceID), model.SpanID(l.SpanID)
		m.Links = append(m.Links, ml)
	}
	return m
}
