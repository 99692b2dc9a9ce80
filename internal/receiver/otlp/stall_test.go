package otlp

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// stall opens a connection to addr and sends a POST of OTLP protobuf traces
// announcing contentLength bytes, with the extra header lines, but only the
// bytes of sent; the rest never comes. The connection closes with the test.
func stall(t *testing.T, addr string, contentLength int, header string, sent []byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-protobuf\r\nContent-Length: %d\r\n", PathTraces, addr, contentLength)
	if header != "" {
		b.WriteString(header + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := conn.Write(append([]byte(b.String()), sent...)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// gzipFlushed compresses b and flushes, leaving the stream open: a reader
// can decode all of b and then waits for more.
func gzipFlushed(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Flush()
	return buf.Bytes()
}

// notifyRead signals on read each time a request's body is first read from.
func notifyRead(h http.Handler, read chan<- struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Body = &firstReadBody{ReadCloser: req.Body, read: read}
		h.ServeHTTP(w, req)
	})
}

type firstReadBody struct {
	io.ReadCloser
	once sync.Once
	read chan<- struct{}
}

func (b *firstReadBody) Read(p []byte) (int, error) {
	b.once.Do(func() { b.read <- struct{}{} })
	return b.ReadCloser.Read(p)
}

// namedSpanRequest is a valid traces request of about n bytes: one span whose
// name makes up the size.
func namedSpanRequest(t *testing.T, n int) []byte {
	t.Helper()
	b, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{TraceId: goodID[0], SpanId: goodID[1],
			Name: strings.Repeat("x", n), StartTimeUnixNano: 1, EndTimeUnixNano: 2}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eventually polls cond a bounded number of times.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 3000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

func postProto(t *testing.T, url string, body []byte) int {
	t.Helper()
	resp, err := http.Post(url+PathTraces, ctProtobuf, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
