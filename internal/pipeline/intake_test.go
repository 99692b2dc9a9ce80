package pipeline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
)

// fakeSubmitter commits what it is handed, after returning the queued
// errors one per call; gate, when set, holds every call until it is closed.
type fakeSubmitter struct {
	gate chan struct{}

	mu      sync.Mutex
	errs    []error
	batches []int // items of each committed batch
}

func (f *fakeSubmitter) Submit(ctx context.Context, b *model.Batch) (Result, error) {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return Result{}, Retryable(ctx.Err())
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) > 0 {
		err := f.errs[0]
		if len(f.errs) > 1 || !errors.Is(err, errAlways) {
			f.errs = f.errs[1:]
		}
		return Result{}, err
	}
	f.batches = append(f.batches, b.Len())
	return Result{}, nil
}

func (f *fakeSubmitter) committed() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.batches...)
}

// errAlways, last in fakeSubmitter.errs, is returned for good.
var errAlways = Retryable(errors.New("store busy for good"))

// observer records what an intake reports.
type observer struct {
	mu sync.Mutex
	c  observed
}

type observed struct {
	held                       int64
	committed, retries         int
	gaveUp, abandoned, dropped int // batches given up, of those abandoned; items given up
	panicked                   int // payloads whose decoding panicked
}

func (o *observer) Held(d int64) { o.mu.Lock(); o.c.held += d; o.mu.Unlock() }
func (o *observer) Committed(*model.Batch, Result) {
	o.mu.Lock()
	o.c.committed++
	o.mu.Unlock()
}
func (o *observer) Retrying(*model.Batch, error) { o.mu.Lock(); o.c.retries++; o.mu.Unlock() }
func (o *observer) GaveUp(b *model.Batch, _ error, abandoned bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.c.gaveUp++
	o.c.dropped += b.Len()
	if abandoned {
		o.c.abandoned++
	}
}

func (o *observer) Panicked([]byte, any, []byte) { o.mu.Lock(); o.c.panicked++; o.mu.Unlock() }

func (o *observer) get() observed {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.c
}

// oneSpan decodes any payload to one span, "drop" to nothing, and panics
// on "panic".
func oneSpan(p []byte) (model.Batch, bool) {
	switch string(p) {
	case "drop":
		return model.Batch{}, false
	case "panic":
		panic("a decoder bug")
	}
	return model.Batch{Spans: []model.Span{{Name: string(p)}}}, true
}

func testIntakeConfig() IntakeConfig {
	return IntakeConfig{MaxBatchItems: 5, MaxBatchDelay: time.Hour, QueueLen: 100, MaxBytes: 1 << 20,
		RetryBackoff: time.Millisecond, MaxRetryBackoff: 2 * time.Millisecond}
}

// startIntake runs an intake until the test ends; stop closes it and waits.
func startIntake(t *testing.T, cfg IntakeConfig, sink Submitter, obs IntakeObserver) (*Intake, func()) {
	t.Helper()
	in, err := NewIntake(cfg, oneSpan, sink, obs)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { in.Run(); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { in.Close(); <-done }) }
	t.Cleanup(func() { in.Abandon(); stop() })
	return in, stop
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestIntakeBatches(t *testing.T) {
	cases := []struct {
		name    string
		items   int
		delay   time.Duration
		offers  []string
		waitFor int   // batches to wait for before Close
		want    []int // items per batch, after Close
		panics  int   // decodings that panicked
	}{
		{"full batches", 5, time.Hour, repeat("s", 20), 4, []int{5, 5, 5, 5}, 0},
		{"the rest at close", 5, time.Hour, repeat("s", 7), 1, []int{5, 2}, 0},
		{"a small batch after the delay", 100, 5 * time.Millisecond, repeat("s", 3), 1, []int{3}, 0},
		{"nothing to commit", 5, time.Millisecond, []string{"drop", "s", "drop"}, 1, []int{1}, 0},
		{"a decoder that panics loses its payload only", 5, time.Hour, []string{"s", "panic", "s"}, 0, []int{2}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink, obs := &fakeSubmitter{}, &observer{}
			cfg := testIntakeConfig()
			cfg.MaxBatchItems, cfg.MaxBatchDelay = tc.items, tc.delay
			in, stop := startIntake(t, cfg, sink, obs)
			for _, o := range tc.offers {
				if !in.Offer([]byte(o)) {
					t.Fatalf("offer of %q refused", o)
				}
			}
			waitUntil(t, "batches", func() bool { return len(sink.committed()) >= tc.waitFor })
			stop()
			got := sink.committed()
			if len(got) != len(tc.want) {
				t.Fatalf("batches %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("batches %v, want %v", got, tc.want)
				}
			}
			if o := obs.get(); o.held != 0 || in.HeldBytes() != 0 || o.committed != len(tc.want) || o.panicked != tc.panics {
				t.Errorf("after close: observer %+v, held %d", o, in.HeldBytes())
			}
		})
	}
}

// TestIntakeRefusesWhenFull: while the submitter is stuck, offers beyond
// MaxBytes (or the queues) are refused at once, never blocking.
func TestIntakeRefusesWhenFull(t *testing.T) {
	sink, obs := &fakeSubmitter{gate: make(chan struct{})}, &observer{}
	cfg := testIntakeConfig()
	cfg.MaxBatchItems, cfg.MaxBytes = 1, 40
	in, stop := startIntake(t, cfg, sink, obs)
	kept := 0
	for range 50 {
		if in.Offer([]byte("four")) {
			kept++
		}
		if in.HeldBytes() > cfg.MaxBytes {
			t.Fatalf("holding %d bytes", in.HeldBytes())
		}
	}
	if kept == 0 || kept > 10 {
		t.Fatalf("kept %d of 50 offers of 4 bytes within 40", kept)
	}
	close(sink.gate)
	stop()
	if got := len(sink.committed()); got != kept {
		t.Errorf("committed %d, kept %d", got, kept)
	}
	if o := obs.get(); o.held != 0 {
		t.Errorf("observer holds %d bytes", o.held)
	}
}

func TestIntakeSubmitErrors(t *testing.T) {
	permanent := errors.New("batch refused")
	cases := []struct {
		name                          string
		errs                          []error
		abandon                       bool
		retries, committed, abandoned int
		gaveUp                        int
	}{
		{"retried until committed", []error{ErrOverloaded, Retryable(errors.New("disk busy"))}, false, 2, 1, 0, 0},
		{"a permanent error gives up", []error{permanent}, false, 0, 0, 0, 1},
		{"abandoned while retrying", []error{errAlways}, true, -1, 0, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink, obs := &fakeSubmitter{errs: tc.errs}, &observer{}
			cfg := testIntakeConfig()
			cfg.MaxBatchItems = 1
			in, stop := startIntake(t, cfg, sink, obs)
			in.Offer([]byte("s"))
			if tc.abandon {
				waitUntil(t, "a retry", func() bool { return obs.get().retries > 0 })
				in.Abandon()
			}
			waitUntil(t, "the batch's end", func() bool { o := obs.get(); return o.committed+o.gaveUp == 1 })
			stop()
			o := obs.get()
			if (tc.retries >= 0 && o.retries != tc.retries) || o.committed != tc.committed || o.gaveUp != tc.gaveUp ||
				o.abandoned != tc.abandoned || o.held != 0 {
				t.Errorf("observer %+v", o)
			}
		})
	}
}

func TestIntakeConfigValidate(t *testing.T) {
	for name, mod := range map[string]func(*IntakeConfig){
		"items":   func(c *IntakeConfig) { c.MaxBatchItems = 0 },
		"delay":   func(c *IntakeConfig) { c.MaxBatchDelay = 0 },
		"queue":   func(c *IntakeConfig) { c.QueueLen = 0 },
		"bytes":   func(c *IntakeConfig) { c.MaxBytes = 0 },
		"backoff": func(c *IntakeConfig) { c.RetryBackoff, c.MaxRetryBackoff = time.Second, time.Millisecond },
	} {
		cfg := testIntakeConfig()
		mod(&cfg)
		if _, err := NewIntake(cfg, oneSpan, &fakeSubmitter{}, &observer{}); err == nil {
			t.Errorf("%s: %+v accepted", name, cfg)
		}
	}
	if _, err := NewIntake(testIntakeConfig(), nil, &fakeSubmitter{}, &observer{}); err == nil {
		t.Error("nil decoder accepted")
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
