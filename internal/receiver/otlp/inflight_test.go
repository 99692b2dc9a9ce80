package otlp

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// blockingSink holds every Submit until release is closed.
type blockingSink struct {
	entered chan struct{}
	release chan struct{}
}

func (s blockingSink) Submit(ctx context.Context, _ *model.Batch) (pipeline.Result, error) {
	s.entered <- struct{}{}
	<-s.release
	return pipeline.Result{}, nil
}

// TestInflightBound fills the in-flight budget with one held request and
// checks the next is refused at once as retryable, then admitted once the
// first is answered.
func TestInflightBound(t *testing.T) {
	body := spansRequest(t, goodID)
	cfg := DefaultConfig()
	cfg.MaxRequestBytes = len(body)
	cfg.MaxInflightBytes = len(body) + len(body)/2 // room for one request, not two
	sink := blockingSink{entered: make(chan struct{}, 2), release: make(chan struct{})}
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	post := func() (*http.Response, error) {
		return http.Post(srv.URL+PathTraces, ctProtobuf, bytes.NewReader(body))
	}
	first := make(chan int, 1)
	go func() {
		resp, err := post()
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-sink.entered
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second request: %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	close(sink.release)
	if code := <-first; code != http.StatusOK {
		t.Fatalf("first request: %d, want 200", code)
	}
	resp, err = post()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-sink.entered
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after release: %d, want 200", resp.StatusCode)
	}
}

// TestChargeFollowsBody stalls a request part way through its body and
// checks it holds only what it delivered: others still get the rest of the
// budget, and no more than the rest.
func TestChargeFollowsBody(t *testing.T) {
	const limit = 1 << 20
	tests := []struct {
		name     string
		header   string
		sent     []byte
		wantHeld int64 // budget held by the stalled request
	}{
		{name: "gzip header then nothing", header: "Content-Encoding: gzip", sent: gzipped([]byte("x"))[:10]},
		{name: "headers then nothing"},
		{name: "ten bytes of a plain body", sent: make([]byte, 10), wantHeld: 10},
		{name: "part of a plain body", sent: make([]byte, 100<<10), wantHeld: 100 << 10},
		{name: "part of a gzip body", header: "Content-Encoding: gzip",
			sent: gzipFlushed(make([]byte, 200<<10+1)), wantHeld: 200<<10 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.MaxRequestBytes, cfg.MaxInflightBytes = limit, limit // room for one whole request
			r, err := New(cfg, &recordingSink{})
			if err != nil {
				t.Fatal(err)
			}
			read := make(chan struct{}, 4)
			srv := httptest.NewServer(notifyRead(r.Handler(), read))
			t.Cleanup(srv.Close) // after the stalled connection is closed
			// A gzip body is announced longer than it is, so the server waits.
			conn := stall(t, srv.Listener.Addr().String(), limit, tt.header, tt.sent)
			<-read
			eventually(t, "the server has what was sent", func() bool { return r.inflight.held.Load() >= tt.wantHeld })
			if n := r.inflight.held.Load(); n != tt.wantHeld {
				t.Errorf("stalled request holds %d bytes, want %d", n, tt.wantHeld)
			}

			if code := postProto(t, srv.URL, namedSpanRequest(t, limit-int(tt.wantHeld)-1<<10)); code != http.StatusOK {
				t.Errorf("request fitting the rest of the budget: %d, want 200", code)
			}
			if tt.wantHeld > 2<<10 { // else a request beyond the rest is beyond the request limit too
				if code := postProto(t, srv.URL, namedSpanRequest(t, limit-int(tt.wantHeld)+1<<10)); code != http.StatusServiceUnavailable {
					t.Errorf("request beyond the rest of the budget: %d, want 503", code)
				}
			}
			_ = conn.Close()
			eventually(t, "budget released", func() bool { return r.inflight.held.Load() == 0 })
		})
	}
}

// TestGzipChargedBySize holds many small gzip requests in the sink at once
// and checks none is refused: each is charged what it decodes to, not the
// request limit, so many times more than limit/budget fit.
func TestGzipChargedBySize(t *testing.T) {
	const clients = 16
	cfg := DefaultConfig()
	cfg.MaxRequestBytes, cfg.MaxInflightBytes = 1<<20, 4<<20 // four whole requests
	sink := blockingSink{entered: make(chan struct{}, clients), release: make(chan struct{})}
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	body := gzipped(spansRequest(t, goodID))
	codes := make(chan int, clients)
	for range clients {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+PathTraces, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctProtobuf)
			req.Header.Set("Content-Encoding", "gzip")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	var held int
	for held < clients { // every request either waits in the sink or has been answered
		select {
		case <-sink.entered:
			held++
		case code := <-codes:
			close(sink.release)
			t.Fatalf("with %d requests held, one was answered %d; want all %d held", held, code, clients)
		}
	}
	close(sink.release)
	for range clients {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d, want 200", code)
		}
	}
}
