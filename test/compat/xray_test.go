package compat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// alwaysSample makes the X-Ray SDK trace every request.
type alwaysSample struct{}

func (alwaysSample) ShouldTrace(*sampling.Request) *sampling.Decision {
	return &sampling.Decision{Sample: true}
}

// TestMixedXRayAndOTelTrace sends one request through an OTel-instrumented
// frontend (exported over OTLP) into an aws-xray-sdk-go instrumented backend
// (sent over the daemon's UDP protocol), propagating X-Amzn-Trace-Id, and
// finds ONE trace holding both services, with the X-Ray segment parented by
// the OTel span and its subsegments, annotations and error intact.
func TestMixedXRayAndOTelTrace(t *testing.T) {
	in := startLookout(t, t.TempDir())
	if err := xray.Configure(xray.Config{DaemonAddr: in.XRayUDP, SamplingStrategy: alwaysSample{}}); err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewServer(xray.Handler(xray.NewFixedSegmentNamer("orders-xray"), http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			_ = xray.AddAnnotation(ctx, "customer", "alice")
			_ = xray.AddAnnotation(ctx, "items", 3)
			_ = xray.AddMetadata(ctx, "cart", map[string]any{"skus": []string{"book"}})
			_ = xray.Capture(ctx, "load-cart", func(ctx context.Context) error {
				return xray.Capture(ctx, "cache-lookup", func(context.Context) error { return nil })
			})
			err := xray.Capture(ctx, "charge-card", func(context.Context) error { return errors.New("card declined") })
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})))
	defer backend.Close()

	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "frontend-otel"))))
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("compat").Start(context.Background(), "GET /checkout", trace.WithSpanKind(trace.SpanKindServer))
	sc := span.SpanContext()
	// An X-Ray trace id carries its start time in the first 4 bytes; an OTel
	// one does not need to, and the mapping is lossless either way.
	tid := sc.TraceID().String()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, backend.URL+"/orders", nil)
	req.Header.Set("X-Amzn-Trace-Id", fmt.Sprintf("Root=1-%s-%s;Parent=%s;Sampled=1", tid[:8], tid[8:], sc.SpanID()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	span.End()

	// UDP has no reply: poll until the segment has been committed.
	var got otlpTrace
	spans := map[string]otlpSpan{}
	service := map[string]string{}
	for i := 0; i < 100 && len(spans) < 5; i++ {
		time.Sleep(100 * time.Millisecond)
		got = otlpTrace{}
		if getJSON(t, in.HTTP+"/api/traces/"+tid, &got) != http.StatusOK {
			continue
		}
		clear(spans)
		for _, rs := range got.ResourceSpans {
			svc := attr(rs.Resource.Attributes, "service.name")["stringValue"]
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					spans[s.Name] = s
					service[s.Name], _ = svc.(string)
				}
			}
		}
	}
	want := []string{"GET /checkout", "orders-xray", "load-cart", "cache-lookup", "charge-card"}
	for _, name := range want {
		if _, ok := spans[name]; !ok {
			t.Fatalf("span %q missing from trace %s; have %v", name, tid, spans)
		}
	}
	if len(spans) != len(want) {
		t.Errorf("trace has spans %v, want exactly %v", spans, want)
	}
	seg := spans["orders-xray"]
	if seg.ParentSpanID != sc.SpanID().String() || service["orders-xray"] != "orders-xray" || service["GET /checkout"] != "frontend-otel" {
		t.Errorf("segment parent %s (want the OTel span %s), services %v", seg.ParentSpanID, sc.SpanID(), service)
	}
	if spans["load-cart"].ParentSpanID != seg.SpanID || spans["cache-lookup"].ParentSpanID != spans["load-cart"].SpanID {
		t.Errorf("subsegment nesting lost: %+v", spans)
	}
	if fmtValue(attr(seg.Attributes, "aws.xray.annotations.customer")) != "map[stringValue:alice]" ||
		fmtValue(attr(seg.Attributes, "aws.xray.annotations.items")) != "map[intValue:3]" {
		t.Errorf("annotations lost: %+v", seg.Attributes)
	}
	if seg.Status.Code != 2 {
		t.Errorf("segment with a 500 response: status %+v, want error", seg.Status)
	}
	charge := spans["charge-card"]
	if len(charge.Events) == 0 || attr(charge.Events[0].Attributes, "exception.message")["stringValue"] != "card declined" {
		t.Errorf("charge-card exception lost: %+v", charge.Events)
	}
}
