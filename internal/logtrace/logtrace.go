// Package logtrace finds the trace a log message belongs to, so that log
// events that carry no trace context of their own (CloudWatch Logs
// messages) still link to their trace.
package logtrace

import (
	"encoding/json"
	"regexp"
	"strings"

	"lookout/internal/model"
)

// Trace ids found in messages link log events to traces:
//   - a JSON message's top-level trace_id / traceId / traceID / trace.id /
//     otelTraceID (32 hex or an X-Ray id), with span_id / spanId likewise;
//   - a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>) anywhere in the text,
//     which also gives the span;
//   - an X-Ray trace id (1-<8 hex>-<24 hex>, alone or in Root=...);
//   - trace_id=<32 hex> / trace_id: <32 hex> in plain text.
var (
	traceparentRE = regexp.MustCompile(`\b00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\b`)
	xrayRE        = regexp.MustCompile(`\b1-[0-9a-f]{8}-[0-9a-f]{24}\b`)
	keyValueRE    = regexp.MustCompile(`(?i)trace[_.]?id["']?\s*[=:]\s*["']?([0-9a-f]{32})\b`)
)

var (
	traceKeys = []string{"trace_id", "traceId", "traceID", "trace.id", "otelTraceID", "TraceId"}
	spanKeys  = []string{"span_id", "spanId", "spanID", "span.id", "otelSpanID", "SpanId"}
)

// Find returns the trace a message names, and the span when it names one
// too; both are zero when it names none. The first form above that parses
// wins, in the order listed.
func Find(msg string) (model.TraceID, model.SpanID) {
	if t, s, ok := traceFromJSON(msg); ok {
		return t, s
	}
	if strings.Contains(msg, "00-") {
		if m := traceparentRE.FindStringSubmatch(msg); m != nil {
			t, err1 := model.ParseTraceID(m[1])
			s, err2 := model.ParseSpanID(m[2])
			if err1 == nil && err2 == nil && !t.IsZero() {
				return t, s
			}
		}
	}
	if strings.Contains(msg, "1-") {
		if m := xrayRE.FindString(msg); m != "" {
			if t, err := model.ParseXRayTraceID(m); err == nil {
				return t, model.SpanID{}
			}
		}
	}
	if strings.Contains(msg, "race") || strings.Contains(msg, "RACE") {
		if m := keyValueRE.FindStringSubmatch(msg); m != nil {
			if t, err := model.ParseTraceID(strings.ToLower(m[1])); err == nil && !t.IsZero() {
				return t, model.SpanID{}
			}
		}
	}
	return model.TraceID{}, model.SpanID{}
}

func traceFromJSON(msg string) (model.TraceID, model.SpanID, bool) {
	s := strings.TrimSpace(msg)
	if !strings.HasPrefix(s, "{") || !strings.Contains(s, "race") {
		return model.TraceID{}, model.SpanID{}, false
	}
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return model.TraceID{}, model.SpanID{}, false
	}
	var t model.TraceID
	for _, k := range traceKeys {
		v, _ := m[k].(string)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "Root=") { // X-Ray trace header
			v, _, _ = strings.Cut(v[len("Root="):], ";")
		}
		id, err := model.ParseTraceID(strings.ToLower(v))
		if err == nil && !id.IsZero() {
			t = id
			break
		}
	}
	if t.IsZero() {
		return t, model.SpanID{}, false
	}
	var sp model.SpanID
	for _, k := range spanKeys {
		if v, _ := m[k].(string); v != "" {
			if id, err := model.ParseSpanID(strings.ToLower(v)); err == nil {
				sp = id
				break
			}
		}
	}
	return t, sp, true
}
