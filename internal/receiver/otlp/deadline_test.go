package otlp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// guard bounds how long a test waits for the server to act on a deadline
// many times shorter; it only keeps a broken server from hanging the test.
const guard = time.Minute

// TestBodyReadTimeout stalls requests in different places and checks the
// server answers 408 once the read timeout passes and closes the connection.
func TestBodyReadTimeout(t *testing.T) {
	tests := []struct {
		name   string
		header string
		sent   []byte
	}{
		{name: "gzip header then nothing", header: "Content-Encoding: gzip", sent: gzipped([]byte("x"))[:10]},
		{name: "gzip stream cut short", header: "Content-Encoding: gzip", sent: gzipFlushed(make([]byte, 1000))},
		{name: "headers then nothing"},
		{name: "half a plain body", sent: make([]byte, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.ReadTimeout = 50 * time.Millisecond
			obs := &recordingObserver{}
			cfg.Observer = obs
			r, err := New(cfg, &recordingSink{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(r.Handler())
			t.Cleanup(srv.Close) // after the stalled connection is closed
			conn := stall(t, srv.Listener.Addr().String(), 2000, tt.header, tt.sent)
			_ = conn.SetReadDeadline(time.Now().Add(guard))
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no reply: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("status %d, want 408; body %q", resp.StatusCode, body)
			}
			var st spb.Status
			if err := proto.Unmarshal(body, &st); err != nil || codes.Code(st.Code) != codes.DeadlineExceeded ||
				!strings.Contains(st.Message, "not received within the read timeout of 50ms") {
				t.Errorf("status body %v (%v), want DeadlineExceeded naming the read timeout", &st, err)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Errorf("after the reply: %v, want the connection closed", err)
			}
			if got := strings.Join(obs.seen, ","); got != "span/timeout" {
				t.Errorf("observed %q, want span/timeout", got)
			}
			if n := r.inflight.held.Load(); n != 0 {
				t.Errorf("%d bytes still charged", n)
			}
		})
	}
}

// slowSink takes longer to commit than the read timeout, and fails if the
// request's context ends first.
type slowSink struct{ d time.Duration }

func (s slowSink) Submit(ctx context.Context, _ *model.Batch) (pipeline.Result, error) {
	select {
	case <-time.After(s.d):
		return pipeline.Result{}, nil
	case <-ctx.Done():
		return pipeline.Result{}, ctx.Err()
	}
}

// TestReadTimeoutSparesCommit checks the read deadline covers the body only:
// a commit that takes longer than the read timeout still succeeds.
func TestReadTimeoutSparesCommit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ReadTimeout = 20 * time.Millisecond
	r, err := New(cfg, slowSink{10 * cfg.ReadTimeout})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := http.Post(srv.URL+PathTraces, ctProtobuf, bytes.NewReader(spansRequest(t, goodID)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200; body %q", resp.StatusCode, body)
	}
}

// TestGRPCConnectionAge stalls a gRPC message half-way and checks the
// server asks the client to go away and then closes the connection.
func TestGRPCConnectionAge(t *testing.T) {
	r, sink, _ := startReceiver(t, func(c *Config) {
		c.GRPCMaxConnectionAge, c.ReadTimeout = 50*time.Millisecond, 50*time.Millisecond
	})
	conn := stallGRPC(t, r.GRPCAddr().String(), "/opentelemetry.proto.collector.trace.v1.TraceService/Export", 1000, []byte{0x0a, 0x02})
	_ = conn.SetReadDeadline(time.Now().Add(guard))
	fr := newFramer(conn)
	goAway := false
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("connection still open after %s", guard)
			}
			break
		}
		if f.Header().Type == frameGoAway {
			goAway = true
		}
	}
	if !goAway {
		t.Error("connection closed without GOAWAY")
	}
	if n := sink.Calls(); n != 0 {
		t.Errorf("sink called %d times for a message never completed", n)
	}
}
