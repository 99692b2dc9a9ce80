package compat

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
)

// TestOTLPSlowClientsDelayOnlyThemselves holds OTLP/HTTP connections open
// mid-body, gzip-encoded with a large announced length, and checks that the
// official exporters over both transports still get their traces stored
// meanwhile, and that the server closes the stalled connections itself.
func TestOTLPSlowClientsDelayOnlyThemselves(t *testing.T) {
	const readTimeout = 5 * time.Second
	in := startLookout(t, t.TempDir(), "--otlp-read-timeout", readTimeout.String())
	addr := strings.TrimPrefix(in.OTLPHTTP, "http://")

	// Each stalled body decodes to stallBytes and then waits, so the
	// server's charge shows when it is reading every one of them.
	const stalls, stallBytes = 5, 1 << 10
	var conns []net.Conn
	for range stalls {
		conns = append(conns, stallGzipUpload(t, addr, 16<<20, stallBytes))
	}
	inflight := regexp.MustCompile(`(?m)^lookout_otlp_inflight_bytes (\S+)$`)
	for i := 0; ; i++ {
		m := inflight.FindStringSubmatch(get(t, in.HTTP+"/metrics"))
		if m != nil {
			if v, _ := strconv.ParseFloat(m[1], 64); v >= stalls*stallBytes {
				break
			}
		}
		if i == 500 {
			t.Fatalf("the server never read the stalled bodies: %v", m)
		}
		time.Sleep(10 * time.Millisecond)
	}

	exporters := []struct {
		name string
		make func() (sdktrace.SpanExporter, error)
	}{
		{"http-gzip", func() (sdktrace.SpanExporter, error) {
			return otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
				otlptracehttp.WithCompression(otlptracehttp.GzipCompression),
				otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
		}},
		{"grpc", func() (sdktrace.SpanExporter, error) {
			return otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure(),
				otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
		}},
	}
	for i, ec := range exporters {
		exp, err := ec.make()
		if err != nil {
			t.Fatal(err)
		}
		tid := trace.TraceID{0x51, 0x0e, byte(i + 1)}
		name := "while-stalled-" + ec.name
		// No retries: the first answer is the one that counts.
		if err := exp.ExportSpans(context.Background(), oneSpan(tid, name)); err != nil {
			t.Errorf("%s export while %d uploads stall: %v", ec.name, stalls, err)
		}
		_ = exp.Shutdown(context.Background())
		var got otlpTrace
		if code := getJSON(t, in.HTTP+"/api/traces/"+tid.String(), &got); code != http.StatusOK {
			t.Errorf("%s: GET trace %s: status %d", ec.name, tid, code)
		} else if n := len(got.ResourceSpans); n != 1 || got.ResourceSpans[0].ScopeSpans[0].Spans[0].Name != name {
			t.Errorf("%s: stored trace %+v, want one span %q", ec.name, got, name)
		}
	}

	// The exports must have run while the uploads were stalled, or they
	// proved nothing: no stalled connection may have been answered yet.
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var one [1]byte
		if _, err := c.Read(one[:]); !isTimeout(err) {
			t.Fatalf("stalled upload %d was answered before the exports were done (%v): raise the read timeout", i, err)
		}
	}
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(readTimeout + time.Minute)) // only against a hang
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Errorf("stalled upload %d: no reply: %v", i, err)
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("stalled upload %d: status %d, want 408", i, resp.StatusCode)
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Errorf("stalled upload %d: after the reply %v, want the connection closed", i, err)
		}
	}
	if m := get(t, in.HTTP+"/metrics"); !strings.Contains(m, `lookout_items_rejected_total{kind="span",reason="timeout"} 5`) {
		t.Errorf("metrics:\n%s", grep(m, "lookout_items_rejected"))
	}
}

// stallGzipUpload starts an OTLP/HTTP upload announcing length gzip bytes,
// sends a gzip stream that decodes to decoded bytes and then nothing more.
func stallGzipUpload(t *testing.T, addr string, length, decoded int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	_, _ = zw.Write(make([]byte, decoded))
	_ = zw.Flush() // decodable up to here; the stream never ends
	head := fmt.Sprintf("POST /v1/traces HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-protobuf\r\n"+
		"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", addr, length)
	if _, err := conn.Write(append([]byte(head), body.Bytes()...)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// oneSpan is a finished span of its own trace, ready for an exporter.
func oneSpan(tid trace.TraceID, name string) []sdktrace.ReadOnlySpan {
	now := time.Now()
	return tracetest.SpanStubs{{
		Name: name,
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
			TraceFlags: trace.FlagsSampled}),
		SpanKind:  trace.SpanKindServer,
		StartTime: now.Add(-time.Millisecond),
		EndTime:   now,
		Resource:  resource.NewSchemaless(attribute.String("service.name", "patient")),
	}}.Snapshots()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// rawBytes sends a message as the bytes given, to put on the wire what no
// SDK would.
type rawBytes struct{}

func (rawBytes) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (rawBytes) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (rawBytes) Name() string { return "proto" }

// TestOTLPMalformedGRPC sends bytes that are not an export request to both
// gRPC Export methods: the answer is InvalidArgument, which exporters do not
// retry, and the server keeps serving.
func TestOTLPMalformedGRPC(t *testing.T) {
	in := startLookout(t, t.TempDir())
	conn, err := grpc.NewClient(in.OTLPGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, method := range []string{
		"/opentelemetry.proto.collector.trace.v1.TraceService/Export",
		"/opentelemetry.proto.collector.logs.v1.LogsService/Export",
	} {
		body, reply := []byte("\x0a\xff\xff\xff not protobuf"), []byte(nil)
		err := conn.Invoke(context.Background(), method, &body, &reply, grpc.ForceCodecV2(rawBytes{}))
		if st := status.Convert(err); st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "malformed OTLP protobuf") {
			t.Errorf("%s: %v %q, want InvalidArgument naming the malformed protobuf", method, st.Code(), st.Message())
		}
	}
	exp, err := otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Shutdown(context.Background())
	if err := exp.ExportSpans(context.Background(), oneSpan(trace.TraceID{0xba, 0xd}, "after-malformed")); err != nil {
		t.Errorf("export after the malformed ones: %v", err)
	}
}
