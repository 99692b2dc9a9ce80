package compat

import (
	"strings"
	"testing"
	"time"
)

// eventually calls check until it reports done, at most for limit; a check
// still not done then fails the test with its last detail.
func eventually(t *testing.T, what string, limit time.Duration, check func() (done bool, detail string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		done, detail := check()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %s", what, limit, detail)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// flatSpan is a span of an otlpTrace with its service and scope.
type flatSpan struct {
	Service, Scope, ID, Parent, Name string
	Kind, Status                     int
	Attrs                            map[string]any
}

// flatSpans lists the spans of an OTLP/JSON trace.
func flatSpans(tr otlpTrace) []flatSpan {
	var out []flatSpan
	for _, rs := range tr.ResourceSpans {
		svc := ""
		for _, a := range rs.Resource.Attributes {
			if a.Key == "service.name" {
				svc, _ = a.Value["stringValue"].(string)
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				attrs := map[string]any{}
				for _, a := range s.Attributes {
					for _, v := range a.Value {
						attrs[a.Key] = v
					}
				}
				out = append(out, flatSpan{Service: svc, Scope: ss.Scope.Name, ID: s.SpanID, Parent: s.ParentSpanID,
					Name: s.Name, Kind: s.Kind, Status: s.Status.Code, Attrs: attrs})
			}
		}
	}
	return out
}

// hexTraceID turns an X-Ray trace id (1-xxxxxxxx-yyyy…) into 32 hex digits.
func hexTraceID(xrayID string) string {
	p := strings.Split(xrayID, "-")
	if len(p) != 3 {
		return xrayID
	}
	return p[1] + p[2]
}
