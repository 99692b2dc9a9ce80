package xray

import (
	"time"
	"unicode/utf8"

	"lookout/internal/model"
	"lookout/internal/receiver/xray/segment"
	"lookout/internal/tracelint"
)

// A document refused for what it contains is not only counted: it is kept
// as a WARN log event of its trace (when its trace_id could be read) and of
// its service, committed with the spans of the same request or UDP batch.
// Its body and attributes are those tracelint reads back
// (tracelint.RejectedBodyPrefix, tracelint.AttrRejected*); the constants
// live there because tracelint is the package both sides import.
// docs/xray-mapping.md describes them.

// Values of tracelint.AttrRejectedTransport.
const (
	TransportUDP = "udp" // the daemon protocol
	TransportAPI = "api" // PutTraceSegments
)

// ExcerptBytes bounds the document excerpt, and the id and service name
// copied from a refused document, which can be as long as the document.
const ExcerptBytes = 1 << 10

// severityWarn is OTLP's WARN: the sender's data was lost, the server is fine.
const severityWarn = 13

// keepsRejection tells whether a refusal is about the document itself.
// Documents dropped for want of room (overloaded, shutting down) are not
// kept: storing them would take the room they were refused for.
func keepsRejection(reason string) bool {
	return reason != "overloaded" && reason != "shutting_down"
}

// rejectedEvent is the log event that keeps a refused document readable.
// raw is the document (or datagram) as received.
func rejectedEvent(project, transport string, e *docError, raw []byte, now time.Time) model.LogEvent {
	a := make(model.Attributes, 0, 5)
	a = appendText(a, tracelint.AttrRejectedReason, e.reason)
	a = appendText(a, tracelint.AttrRejectedErrorCode, e.code)
	a = appendText(a, tracelint.AttrRejectedTransport, transport)
	a = appendText(a, tracelint.AttrDocumentID, clip([]byte(e.id)))
	a = append(a, model.KeyValue{Key: tracelint.AttrDocumentExcerpt, Value: model.StringValue(clip(raw))})
	res := appendText(nil, "service.name", clip([]byte(e.service)))
	return model.LogEvent{
		Project:              project,
		TimeUnixNano:         now.UnixNano(),
		ObservedTimeUnixNano: now.UnixNano(),
		SeverityNumber:       severityWarn,
		SeverityText:         "WARN",
		Body:                 model.StringValue(tracelint.RejectedBodyPrefix + " (" + e.reason + "): " + e.msg),
		Attributes:           a,
		TraceID:              e.trace,
		SpanID:               e.span,
		Resource:             model.Resource{Attributes: res},
		Scope:                model.Scope{Name: segment.ScopeName},
	}
}

// appendText adds k unless v is empty.
func appendText(a model.Attributes, k, v string) model.Attributes {
	if v == "" {
		return a
	}
	return append(a, model.KeyValue{Key: k, Value: model.StringValue(v)})
}

// clip returns the first ExcerptBytes of b as text: a rune cut at the end
// is dropped, invalid UTF-8 elsewhere becomes U+FFFD.
func clip(b []byte) string {
	if len(b) > ExcerptBytes {
		b = b[:ExcerptBytes]
		last := len(b) - 1
		for last > 0 && last > len(b)-utf8.UTFMax && !utf8.RuneStart(b[last]) {
			last--
		}
		if !utf8.FullRune(b[last:]) {
			b = b[:last]
		}
	}
	return segment.Text(b)
}
