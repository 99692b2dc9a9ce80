package rollbar

import (
	"strings"

	"lookout/internal/model"
)

// traceIDOf finds the trace an occurrence belongs to: a W3C traceparent or
// an X-Ray X-Amzn-Trace-Id among data.request.headers (any case), else
// custom.trace_id or custom.traceId (32 hex or an X-Ray id). Zero when none
// parses.
func traceIDOf(headers map[string]any, custom map[string]any) model.TraceID {
	for k, v := range headers {
		s, ok := v.(string)
		if !ok {
			if l, isList := v.([]any); isList && len(l) > 0 {
				s, _ = l[0].(string)
			}
		}
		switch strings.ToLower(k) {
		case "traceparent":
			if id, ok := parseTraceparent(s); ok {
				return id
			}
		case "x-amzn-trace-id":
			if id, ok := parseAmznTraceID(s); ok {
				return id
			}
		}
	}
	for _, k := range []string{"trace_id", "traceId"} {
		if s, ok := custom[k].(string); ok {
			if id, err := model.ParseTraceID(strings.TrimSpace(s)); err == nil && !id.IsZero() {
				return id
			}
		}
	}
	return model.TraceID{}
}

// parseTraceparent reads version-traceid-parentid-flags.
func parseTraceparent(s string) (model.TraceID, bool) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) < 4 {
		return model.TraceID{}, false
	}
	id, err := model.ParseTraceID(parts[1])
	return id, err == nil && !id.IsZero()
}

// parseAmznTraceID reads the Root field of "Root=1-…;Parent=…;Sampled=1".
func parseAmznTraceID(s string) (model.TraceID, bool) {
	for _, f := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if ok && strings.EqualFold(k, "Root") {
			id, err := model.ParseXRayTraceID(v)
			return id, err == nil && !id.IsZero()
		}
	}
	return model.TraceID{}, false
}
