package storetest

import (
	"encoding/json"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
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

func spansOf(ms []model.Span) []spanIn {
	out := make([]spanIn, len(ms))
	for i, m := range ms {
		s := spanIn{Span: m, TraceID: traceID(m.TraceID), SpanID: spanID(m.SpanID), ParentSpanID: spanID(m.ParentSpanID)}
		for _, l := range m.Links {
			s.Links = append(s.Links, spanLink{SpanLink: l, TraceID: traceID(l.TraceID), SpanID: spanID(l.SpanID)})
		}
		out[i] = s
	}
	return out
}

// traceSummary is store.TraceSummary with its trace id in hex.
type traceSummary struct {
	store.TraceSummary
	TraceID traceID
}

// duration is a time.Duration written as a Go duration string ("1.5s").
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = duration(v)
	return err
}

func init() {
	register(map[string]op{
		"Trace": telemetryOp(func(e *env, in struct {
			Project string
			TraceID traceID
		}) (any, error) {
			spans, err := e.tel.Trace(e.ctx, in.Project, model.TraceID(in.TraceID))
			return spansOf(spans), err
		}),
		// SearchTraces takes store.TraceQuery with durations as strings.
		"SearchTraces": telemetryOp(func(e *env, in struct {
			Project                  string
			Start, End               time.Time
			MinDuration, MaxDuration duration
			Tags                     []store.Tag
			Limit                    int
		}) (any, error) {
			got, err := e.tel.SearchTraces(e.ctx, store.TraceQuery{Project: in.Project, Start: in.Start, End: in.End,
				MinDuration: time.Duration(in.MinDuration), MaxDuration: time.Duration(in.MaxDuration), Tags: in.Tags, Limit: in.Limit})
			out := make([]traceSummary, len(got))
			for i, s := range got {
				out[i] = traceSummary{TraceSummary: s, TraceID: traceID(s.TraceID)}
			}
			return out, err
		}),
		"Services": telemetryOp(func(e *env, in struct {
			Project    string
			Start, End time.Time
		}) (any, error) {
			return e.tel.Services(e.ctx, in.Project, in.Start, in.End)
		}),
		// Logs answers the events read; with StopAfter it stops the
		// iteration after that many.
		"Logs": telemetryOp(func(e *env, in struct {
			store.LogQuery
			TraceID   traceID
			StopAfter int
		}) (any, error) {
			q := in.LogQuery
			q.TraceID = model.TraceID(in.TraceID)
			out := []logEvent{}
			for l, err := range e.tel.Logs(e.ctx, q) {
				if err != nil {
					return nil, err
				}
				out = append(out, logEvent{LogEvent: l, TraceID: traceID(l.TraceID), SpanID: spanID(l.SpanID)})
				if len(out) == in.StopAfter {
					break
				}
			}
			return out, nil
		}),
	})
}
