package cruddur

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-xray-sdk-go/xray"
	"go.opentelemetry.io/otel/trace"
)

func spanContext(t *testing.T, traceID string) context.Context {
	t.Helper()
	tid, err := trace.TraceIDFromHex(traceID)
	if err != nil {
		t.Fatal(err)
	}
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	return trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
}

func TestXRayTraceHeader(t *testing.T) {
	var got string
	h := xrayTraceHeader(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = r.Header.Get(xray.TraceIDHeaderKey)
	}))
	for _, tc := range []struct {
		name, incoming, want string
		span                 bool
	}{
		{"from the span", "", "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=?", true},
		{"a caller's header stays", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", true},
		{"no span", "", "", false},
	} {
		ctx := context.Background()
		if tc.span {
			ctx = spanContext(t, "4bf92f3577b34da6a3ce929d0e0e4736")
		}
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/activities/home", nil)
		if tc.incoming != "" {
			r.Header.Set(xray.TraceIDHeaderKey, tc.incoming)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
