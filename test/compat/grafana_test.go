package compat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// grafanaRequest is one request of testdata/grafana-tempo.txt.
type grafanaRequest struct {
	line     int
	path     string
	params   [][2]string
	status   int
	contains []string
}

func readGrafanaRequests(t *testing.T, name string) []grafanaRequest {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []grafanaRequest
	for n, line := range strings.Split(string(src), "\n") {
		text := strings.TrimSpace(line)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		word, rest, _ := strings.Cut(text, " ")
		if word == "GET" && !strings.HasPrefix(line, " ") {
			reqs = append(reqs, grafanaRequest{line: n + 1, path: rest})
			continue
		}
		if len(reqs) == 0 {
			t.Fatalf("%s:%d: %q before a request", name, n+1, text)
		}
		r := &reqs[len(reqs)-1]
		switch word {
		case "param":
			k, v, _ := strings.Cut(rest, " ")
			r.params = append(r.params, [2]string{k, v})
		case "want":
			if r.status, err = strconv.Atoi(rest); err != nil {
				t.Fatalf("%s:%d: %v", name, n+1, err)
			}
		case "contains":
			r.contains = append(r.contains, rest)
		default:
			t.Fatalf("%s:%d: unknown %q", name, n+1, word)
		}
	}
	return reqs
}

// TestGrafanaTempoRequests answers, from a real lookout holding a trace the
// OTel Go SDK sent, the requests Grafana's Tempo data source makes.
func TestGrafanaTempoRequests(t *testing.T) {
	in := startLookout(t, t.TempDir())
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	sent := emitCheckout(t, exp, fmt.Sprintf("shop-%d", time.Now().UnixNano()%1e6))
	now := time.Now()
	fill := strings.NewReplacer("{service}", sent.service, "{traceID}", sent.traceID, "{rootID}", sent.rootID,
		"{childID}", sent.childID, "{start}", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10),
		"{end}", strconv.FormatInt(now.Add(time.Minute).Unix(), 10)).Replace
	for _, r := range readGrafanaRequests(t, "testdata/grafana-tempo.txt") {
		q := url.Values{}
		for _, p := range r.params {
			q.Add(p[0], fill(p[1]))
		}
		u := in.HTTP + fill(r.path)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		t.Run(fmt.Sprintf("line %d %s", r.line, r.path), func(t *testing.T) {
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != r.status {
				t.Fatalf("GET %s: status %d, want %d: %s", u, resp.StatusCode, r.status, body)
			}
			for _, c := range r.contains {
				if !strings.Contains(string(body), fill(c)) {
					t.Errorf("GET %s: body lacks %s: %s", u, fill(c), body)
				}
			}
		})
	}
}

// emitCheckout sends, through the SDK, a checkout request: a server span
// with a failing database call and a cache call under it.
func emitCheckout(t *testing.T, exp sdktrace.SpanExporter, service string) sentTrace {
	t.Helper()
	ctx := context.Background()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service))))
	defer tp.Shutdown(ctx)
	tracer := tp.Tracer("compat")
	ctx, root := tracer.Start(ctx, "GET /checkout", trace.WithSpanKind(trace.SpanKindServer))
	root.SetAttributes(attribute.String("http.route", "/checkout"))
	_, db := tracer.Start(ctx, "SELECT orders", trace.WithSpanKind(trace.SpanKindClient))
	db.SetAttributes(attribute.String("db.system", "postgresql"))
	db.RecordError(errors.New("deadlock"))
	db.SetStatus(codes.Error, "deadlock")
	db.End()
	_, cache := tracer.Start(ctx, "GET cart", trace.WithSpanKind(trace.SpanKindClient))
	cache.SetAttributes(attribute.String("db.system", "redis"))
	cache.End()
	root.End()
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	return sentTrace{traceID: root.SpanContext().TraceID().String(), rootID: root.SpanContext().SpanID().String(),
		childID: db.SpanContext().SpanID().String(), service: service}
}
