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
