package model

import (
	"strconv"
	"strings"
)

// DefaultProject is the open project that serves zero-config local use.
const DefaultProject = "default"

// UnknownService names data whose sender set no service.name, as the OTel SDKs do.
const UnknownService = "unknown_service"

// SpanKind follows OTLP's numbering.
type SpanKind int32

const (
	SpanKindUnspecified SpanKind = iota
	SpanKindInternal
	SpanKindServer
	SpanKindClient
	SpanKindProducer
	SpanKindConsumer
)

// StatusCode follows OTLP's numbering.
type StatusCode int32

const (
	StatusUnset StatusCode = iota
	StatusOK
	StatusError
)

var statusNames = [...]string{"unset", "ok", "error"}

// String is the status's lower-case name ("unset", "ok", "error"), as
// searches and query languages write it.
func (c StatusCode) String() string {
	if c >= 0 && int(c) < len(statusNames) {
		return statusNames[c]
	}
	return "status(" + strconv.Itoa(int(c)) + ")"
}

// ParseStatusCode reads a status name, in any case.
func ParseStatusCode(name string) (StatusCode, bool) {
	for i, n := range statusNames {
		if strings.EqualFold(name, n) {
			return StatusCode(i), true
		}
	}
	return 0, false
}

// Resource describes the entity that produced the data (a service instance).
type Resource struct {
	Attributes             Attributes
	DroppedAttributesCount uint32
	SchemaURL              string
}

// Scope is the instrumentation library that produced the data.
type Scope struct {
	Name                   string
	Version                string
	Attributes             Attributes
	DroppedAttributesCount uint32
	SchemaURL              string
}

// Service returns the resource's service.name, or UnknownService.
func (r Resource) Service() string {
	if v, ok := r.Attributes.Get("service.name"); ok && v.Kind == KindString && v.Str != "" {
		return v.Str
	}
	return UnknownService
}

// Span is one timed operation of a trace. X-Ray segments and subsegments map to
// spans too; their protocol-specific fields travel as attributes.
type Span struct {
	Project       string
	TraceID       TraceID
	SpanID        SpanID
	ParentSpanID  SpanID // zero for a root span
	TraceState    string
	Flags         uint32
	Name          string
	Kind          SpanKind
	StartUnixNano int64
	EndUnixNano   int64

	Attributes             Attributes
	DroppedAttributesCount uint32
	Events                 []SpanEvent
	DroppedEventsCount     uint32
	Links                  []SpanLink
	DroppedLinksCount      uint32
	StatusCode             StatusCode
	StatusMessage          string

	Resource Resource
	Scope    Scope
}

// SpanEvent is a timestamped annotation on a span (exceptions, log-like marks).
type SpanEvent struct {
	TimeUnixNano           int64
	Name                   string
	Attributes             Attributes
	DroppedAttributesCount uint32
}

// SpanLink points at another span, possibly in another trace.
type SpanLink struct {
	TraceID                TraceID
	SpanID                 SpanID
	TraceState             string
	Flags                  uint32
	Attributes             Attributes
	DroppedAttributesCount uint32
}

// Service returns the span's service name.
func (s *Span) Service() string { return s.Resource.Service() }

// DurationNano is End-Start, never negative.
func (s *Span) DurationNano() int64 {
	if d := s.EndUnixNano - s.StartUnixNano; d > 0 {
		return d
	}
	return 0
}
