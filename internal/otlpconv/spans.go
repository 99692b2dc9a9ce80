package otlpconv

import (
	"fmt"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"lookout/internal/model"
)

// SpansFromProto converts the spans of an export request, tagging each with
// project. Valid spans are returned in request order; every other span is
// listed in rejected with its position and the reason, never dropped silently.
// A span is refused when its trace id is not 16 non-zero bytes, its span id is
// not 8 non-zero bytes, its parent span id is neither empty nor 8 bytes, a
// timestamp exceeds int64 nanoseconds, it ends before it starts, or one of its
// links carries such ids. An all-zero parent span id means a root span.
func SpansFromProto(project string, rss []*tracepb.ResourceSpans) (spans []model.Span, rejected []Rejection) {
	return fromProto(spanSignal(), project, rss)
}

// spanSignal describes OTLP traces for fromProto and toProto.
func spanSignal() signal[*tracepb.ResourceSpans, *tracepb.ScopeSpans, *tracepb.Span, model.Span] {
	return signal[*tracepb.ResourceSpans, *tracepb.ScopeSpans, *tracepb.Span, model.Span]{
		noun:   "span",
		scopes: (*tracepb.ResourceSpans).GetScopeSpans,
		items:  (*tracepb.ScopeSpans).GetSpans,
		name:   (*tracepb.Span).GetName,
		item: func(project string, res model.Resource, scope model.Scope) model.Span {
			return model.Span{Project: project, Resource: res, Scope: scope}
		},
		fill:   spanFromProto,
		origin: func(s *model.Span) (*model.Resource, *model.Scope) { return &s.Resource, &s.Scope },
		newGroup: func(res *resourcepb.Resource, schemaURL string) *tracepb.ResourceSpans {
			return &tracepb.ResourceSpans{Resource: res, SchemaUrl: schemaURL}
		},
		addScope: func(rs *tracepb.ResourceSpans, scope *commonpb.InstrumentationScope, schemaURL string) *tracepb.ScopeSpans {
			ss := &tracepb.ScopeSpans{Scope: scope, SchemaUrl: schemaURL}
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
			return ss
		},
		add: func(ss *tracepb.ScopeSpans, s *model.Span) { ss.Spans = append(ss.Spans, spanToProto(s)) },
	}
}

// spanFromProto fills s from p, or reports why p is invalid.
func spanFromProto(s *model.Span, p *tracepb.Span) *problem {
	var err *problem
	if s.TraceID, err = traceID(p.GetTraceId()); err != nil {
		return err
	}
	if s.SpanID, err = spanID("span_id", p.GetSpanId()); err != nil {
		return err
	}
	if parent := p.GetParentSpanId(); len(parent) != 0 {
		if len(parent) != len(s.ParentSpanID) {
			return &problem{ReasonInvalidParent, fmt.Sprintf("parent_span_id must be empty or 8 bytes, got %d", len(parent))}
		}
		copy(s.ParentSpanID[:], parent)
	}
	if s.StartUnixNano, err = nanos("start_time_unix_nano", p.GetStartTimeUnixNano()); err != nil {
		return err
	}
	if s.EndUnixNano, err = nanos("end_time_unix_nano", p.GetEndTimeUnixNano()); err != nil {
		return err
	}
	if s.EndUnixNano < s.StartUnixNano {
		return &problem{ReasonEndBeforeStart, fmt.Sprintf("end_time_unix_nano %d is before start_time_unix_nano %d",
			s.EndUnixNano, s.StartUnixNano)}
	}
	s.TraceState = p.GetTraceState()
	s.Flags = p.GetFlags()
	s.Name = p.GetName()
	s.Kind = model.SpanKind(p.GetKind())
	s.Attributes = attrsFromProto(p.GetAttributes())
	s.DroppedAttributesCount = p.GetDroppedAttributesCount()
	s.DroppedEventsCount = p.GetDroppedEventsCount()
	s.DroppedLinksCount = p.GetDroppedLinksCount()
	s.StatusCode = model.StatusCode(p.GetStatus().GetCode())
	s.StatusMessage = p.GetStatus().GetMessage()
	if evs := p.GetEvents(); len(evs) > 0 {
		s.Events = make([]model.SpanEvent, len(evs))
		for i, e := range evs {
			t, err := nanos("time_unix_nano", e.GetTimeUnixNano())
			if err != nil {
				return err.prefixed(fmt.Sprintf("event %d: ", i))
			}
			s.Events[i] = model.SpanEvent{
				TimeUnixNano:           t,
				Name:                   e.GetName(),
				Attributes:             attrsFromProto(e.GetAttributes()),
				DroppedAttributesCount: e.GetDroppedAttributesCount(),
			}
		}
	}
	if links := p.GetLinks(); len(links) > 0 {
		s.Links = make([]model.SpanLink, len(links))
		for i, l := range links {
			if err := linkFromProto(&s.Links[i], l); err != nil {
				return &problem{ReasonInvalidLink, fmt.Sprintf("link %d: %s", i, err.msg)}
			}
		}
	}
	return nil
}

func linkFromProto(l *model.SpanLink, p *tracepb.Span_Link) *problem {
	var err *problem
	if l.TraceID, err = traceID(p.GetTraceId()); err != nil {
		return err
	}
	if l.SpanID, err = spanID("span_id", p.GetSpanId()); err != nil {
		return err
	}
	l.TraceState = p.GetTraceState()
	l.Flags = p.GetFlags()
	l.Attributes = attrsFromProto(p.GetAttributes())
	l.DroppedAttributesCount = p.GetDroppedAttributesCount()
	return nil
}

func traceID(b []byte) (model.TraceID, *problem) {
	var id model.TraceID
	if len(b) != len(id) {
		return id, &problem{ReasonInvalidTraceID, fmt.Sprintf("trace_id must be 16 bytes, got %d", len(b))}
	}
	copy(id[:], b)
	if id.IsZero() {
		return id, &problem{ReasonInvalidTraceID, "trace_id must not be all zeros"}
	}
	return id, nil
}

func spanID(field string, b []byte) (model.SpanID, *problem) {
	var id model.SpanID
	if len(b) != len(id) {
		return id, &problem{ReasonInvalidSpanID, fmt.Sprintf("%s must be 8 bytes, got %d", field, len(b))}
	}
	copy(id[:], b)
	if id.IsZero() {
		return id, &problem{ReasonInvalidSpanID, field + " must not be all zeros"}
	}
	return id, nil
}

// TracesData converts spans back to OTLP. Spans with identical resources are
// grouped under one ResourceSpans and, within it, spans with identical scopes
// under one ScopeSpans; groups appear in the order of their first span and
// spans keep their order within a group. Zero parent ids become absent fields.
// The project is not part of OTLP and is left out.
func TracesData(spans []model.Span) *tracepb.TracesData {
	return &tracepb.TracesData{ResourceSpans: toProto(spanSignal(), spans)}
}

func spanToProto(s *model.Span) *tracepb.Span {
	p := &tracepb.Span{
		TraceId:                s.TraceID[:],
		SpanId:                 s.SpanID[:],
		TraceState:             s.TraceState,
		Flags:                  s.Flags,
		Name:                   s.Name,
		Kind:                   tracepb.Span_SpanKind(s.Kind),
		StartTimeUnixNano:      uint64(max(s.StartUnixNano, 0)),
		EndTimeUnixNano:        uint64(max(s.EndUnixNano, 0)),
		Attributes:             attrsToProto(s.Attributes),
		DroppedAttributesCount: s.DroppedAttributesCount,
		DroppedEventsCount:     s.DroppedEventsCount,
		DroppedLinksCount:      s.DroppedLinksCount,
		Status:                 &tracepb.Status{Code: tracepb.Status_StatusCode(s.StatusCode), Message: s.StatusMessage},
	}
	if !s.ParentSpanID.IsZero() {
		p.ParentSpanId = s.ParentSpanID[:]
	}
	if len(s.Events) > 0 {
		p.Events = make([]*tracepb.Span_Event, len(s.Events))
		for i := range s.Events {
			e := &s.Events[i]
			p.Events[i] = &tracepb.Span_Event{
				TimeUnixNano:           uint64(max(e.TimeUnixNano, 0)),
				Name:                   e.Name,
				Attributes:             attrsToProto(e.Attributes),
				DroppedAttributesCount: e.DroppedAttributesCount,
			}
		}
	}
	if len(s.Links) > 0 {
		p.Links = make([]*tracepb.Span_Link, len(s.Links))
		for i := range s.Links {
			l := &s.Links[i]
			p.Links[i] = &tracepb.Span_Link{
				TraceId:                l.TraceID[:],
				SpanId:                 l.SpanID[:],
				TraceState:             l.TraceState,
				Attributes:             attrsToProto(l.Attributes),
				DroppedAttributesCount: l.DroppedAttributesCount,
				Flags:                  l.Flags,
			}
		}
	}
	return p
}
