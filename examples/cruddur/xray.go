package cruddur

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
	"go.opentelemetry.io/otel/trace"
)

// xrayRecorder is one service's X-Ray SDK: its own UDP emitter and
// centralized sampling strategy (rules and quotas polled from the daemon
// address), handed to the SDK through a context (xray.ContextWithConfig)
// rather than the SDK's process-wide xray.Configure.
type xrayRecorder struct {
	ctx   context.Context
	namer xray.SegmentNamer
}

func newXRayRecorder(c Config, namer xray.SegmentNamer) (*xrayRecorder, error) {
	ep, err := daemoncfg.GetDaemonEndpointsFromString(c.XRayDaemonAddr)
	if err != nil {
		return nil, fmt.Errorf("x-ray daemon address %q: %w", c.XRayDaemonAddr, err)
	}
	em, err := xray.NewDefaultEmitter(ep.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("x-ray emitter: %w", err)
	}
	ss, err := sampling.NewCentralizedStrategy()
	if err != nil {
		return nil, fmt.Errorf("x-ray sampling strategy: %w", err)
	}
	ctx, err := xray.ContextWithConfig(context.Background(), xray.Config{
		DaemonAddr: c.XRayDaemonAddr, ServiceVersion: c.Version, Emitter: em, SamplingStrategy: ss})
	if err != nil {
		return nil, fmt.Errorf("x-ray config: %w", err)
	}
	return &xrayRecorder{ctx: ctx, namer: namer}, nil
}

// handler opens a segment per request (closed when the handler returns).
func (x *xrayRecorder) handler(h http.Handler) http.Handler {
	return xray.HandlerWithContext(x.ctx, x.namer, h)
}

// xrayTraceHeader makes the X-Ray segment of a request part of the trace
// its OpenTelemetry SERVER span started. The X-Ray handler takes the trace
// from the X-Amzn-Trace-Id request header; a request that arrives without
// one (from a client that propagates only W3C traceparent, or none) gets
//
//	Root=1-<first 8 hex digits of the OTel trace id>-<the other 24>;Parent=<OTel span id>;Sampled=?
//
// so the segment has the OTel trace id, in X-Ray form, and the OTel span as
// its parent. "Sampled=?" leaves the decision to the centralized sampling
// rules and asks the SDK to return it in the response's X-Amzn-Trace-Id.
// A request that carries an X-Ray header (an instrumented caller) keeps it,
// and with it its caller's decision.
func xrayTraceHeader(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc := trace.SpanContextFromContext(r.Context())
		if r.Header.Get(xray.TraceIDHeaderKey) == "" && sc.IsValid() {
			r = r.Clone(r.Context())
			r.Header.Set(xray.TraceIDHeaderKey, fmt.Sprintf("Root=%s;Parent=%s;Sampled=?",
				xrayTraceID(sc.TraceID()), sc.SpanID()))
		}
		h.ServeHTTP(w, r)
	})
}

// xrayTraceID writes a W3C trace id in X-Ray form. The two are the same 16
// bytes: X-Ray reads the first 4 as the epoch second the trace started, and
// accepts W3C ids whose first 4 bytes are random.
func xrayTraceID(id trace.TraceID) string {
	s := id.String()
	return "1-" + s[:8] + "-" + s[8:]
}

// traceIDsOf returns the request's trace id as 32 hex digits and in X-Ray
// form: the OTel span's, else the X-Ray segment's (an untraced route, a
// sampled-out request still has one), else empty.
func traceIDsOf(ctx context.Context) (hex, xrayID string) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		return sc.TraceID().String(), xrayTraceID(sc.TraceID())
	}
	if seg := xray.GetSegment(ctx); seg != nil {
		if root := seg.ParentSegment; root != nil {
			root.RLock()
			id := root.TraceID
			root.RUnlock()
			if len(id) == 35 && id != "1-00000000-000000000000000000000000" {
				return id[2:10] + id[11:], id
			}
		}
	}
	return "", ""
}
