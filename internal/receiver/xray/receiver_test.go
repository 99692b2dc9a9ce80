package xray

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// TestShutdownFlushes: what was received before Shutdown is submitted.
func TestShutdownFlushes(t *testing.T) {
	sink := &recordingSink{}
	cfg := testConfig()
	cfg.MaxBatchDelay = time.Hour
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- r.Serve() }()
	send(t, dial(t, r), segmentDatagram(1), segmentDatagram(2))
	waitFor(t, "datagrams", func() bool { return counter(r.m.parsed.WithLabelValues("udp")) == 2 })
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if n := len(sink.Spans()); n != 2 {
		t.Errorf("%d spans submitted, want 2", n)
	}
}

// alwaysBusy refuses every Submit with a retryable error.
type alwaysBusy struct{ recordingSink }

func (s *alwaysBusy) Submit(context.Context, *model.Batch) (pipeline.Result, error) {
	return pipeline.Result{}, pipeline.ErrOverloaded
}

// TestShutdownDeadline: Shutdown gives up when ctx ends, and says so.
func TestShutdownDeadline(t *testing.T) {
	sink := &alwaysBusy{}
	cfg := testConfig()
	cfg.MaxBatchDelay = time.Millisecond
	r, _ := New(cfg, sink)
	if err := r.Listen(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Serve() })
	send(t, dial(t, r), segmentDatagram(1), datagram([]byte(`{not json`)))
	waitFor(t, "a retry", func() bool { return counter(r.m.retries) > 0 && counter(r.m.received.WithLabelValues("udp")) == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("shutdown: %v, want deadline exceeded", err)
	}
	wg.Wait()
	// The span and the record of the refused document are both counted.
	kinds := map[string]int{}
	for _, f := range sink.Refusals() {
		if f.Reason == "shutting_down" {
			kinds[f.Kind] += f.N
		}
	}
	if kinds[kindSpan] != 1 || kinds[kindLog] != 1 || counter(r.m.spansFailed) != 1 {
		t.Errorf("refusals %v, failed %v", sink.Refusals(), counter(r.m.spansFailed))
	}
}

func TestLifecycle(t *testing.T) {
	r, err := New(DefaultConfig(), &recordingSink{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Serve(); err == nil || !strings.Contains(err.Error(), "before Listen") {
		t.Errorf("Serve before Listen: %v", err)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown without Serve: %v", err)
	}
	if err := r.Listen(); err == nil {
		t.Error("Listen after Shutdown succeeded")
	}
	if _, err := New(DefaultConfig(), nil); err == nil {
		t.Error("nil sink accepted")
	}

	// Without UDP, Serve waits for Shutdown.
	cfg := DefaultConfig()
	cfg.UDPAddr = ""
	r, _ = New(cfg, &recordingSink{})
	if err := r.Listen(); err != nil || r.UDPAddr() != nil {
		t.Fatalf("listen without UDP: %v %v", err, r.UDPAddr())
	}
	done := make(chan error)
	go func() { done <- r.Serve() }()
	time.Sleep(10 * time.Millisecond)
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*Config){
		"addr":    func(c *Config) { c.UDPAddr = "nohost" },
		"batch":   func(c *Config) { c.MaxBatchSpans = 0 },
		"delay":   func(c *Config) { c.MaxBatchDelay = 0 },
		"queue":   func(c *Config) { c.QueueDocuments = 0 },
		"bytes":   func(c *Config) { c.MaxQueueBytes = 10 },
		"backoff": func(c *Config) { c.RetryBackoff, c.MaxRetryBackoff = time.Second, time.Millisecond },
		"socket":  func(c *Config) { c.SocketBufferBytes = -1 },
		"request": func(c *Config) { c.MaxRequestBytes = 1 },
	} {
		cfg := DefaultConfig()
		mod(&cfg)
		if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), "xray: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
