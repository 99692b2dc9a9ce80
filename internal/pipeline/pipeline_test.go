package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tally"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// gateWriter records commits; while gate is non-nil each Write waits for it.
type gateWriter struct {
	mu      sync.Mutex
	commits []*model.Batch
	gate    chan struct{}
	fail    error
	entered chan struct{}
}

func (w *gateWriter) Write(_ context.Context, b *model.Batch) error {
	if w.entered != nil {
		w.entered <- struct{}{}
	}
	if w.gate != nil {
		<-w.gate
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return w.fail
	}
	w.commits = append(w.commits, b)
	return nil
}

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func span(service string, at time.Time) model.Span {
	return model.Span{
		Project: model.DefaultProject, Name: "op", StartUnixNano: at.UnixNano(), EndUnixNano: at.UnixNano() + 1,
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}},
	}
}

// start runs a pipeline over w until the returned stop is called.
func start(t *testing.T, cfg Config, w store.Writer) (*Pipeline, func()) {
	t.Helper()
	cfg.Now = func() time.Time { return now }
	p, err := New(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go p.Run(ctx)
	return p, func() { cancel(); <-p.Stopped() }
}

func TestSubmitWindow(t *testing.T) {
	tests := []struct {
		name       string
		at         time.Time
		wantReason string
	}{
		{"now", now, ""},
		{"six days old", now.Add(-6 * 24 * time.Hour), ""},
		{"older than retention", now.Add(-8 * 24 * time.Hour), "too_old"},
		{"one hour ahead", now.Add(time.Hour), ""},
		{"a day ahead", now.Add(24 * time.Hour), "too_new"},
		{"zero", time.Unix(0, 0), "bad_time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &gateWriter{}
			tl := tally.New(func() time.Time { return now })
			cfg := DefaultConfig()
			cfg.Tally = tl
			p, stop := start(t, cfg, w)
			defer stop()
			b := &model.Batch{Spans: []model.Span{span("api", now), span("web", tc.at)}}
			res, err := p.Submit(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			wantCommitted := 2
			if tc.wantReason != "" {
				wantCommitted = 1
				if len(res.Rejected) != 1 || res.Rejected[0].Reason != tc.wantReason || res.Rejected[0].Index != 1 || res.Rejected[0].Service != "web" {
					t.Fatalf("rejected = %+v, want index 1 for %s", res.Rejected, tc.wantReason)
				}
				snap := tl.Snapshot()
				web := snap[len(snap)-1]
				if web.Service != "web" || web.Rejected[tc.wantReason].Count != 1 {
					t.Errorf("tally = %+v", snap)
				}
			} else if len(res.Rejected) != 0 {
				t.Fatalf("rejected = %+v, want none", res.Rejected)
			}
			if len(w.commits) != 1 || len(w.commits[0].Spans) != wantCommitted {
				t.Fatalf("commits = %d, spans = %d, want 1 commit of %d", len(w.commits), len(w.commits[0].Spans), wantCommitted)
			}
		})
	}
}

// TestGroupCommitAndOverload holds the writer, queues requests until the
// budget is spent, checks the next one is refused as retryable, then releases
// the writer and checks the queued ones share one commit.
func TestGroupCommitAndOverload(t *testing.T) {
	w := &gateWriter{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	cfg := DefaultConfig()
	cfg.MaxQueuedItems = 4
	p, stop := start(t, cfg, w)
	defer stop()

	submit := func() chan error {
		ch := make(chan error, 1)
		go func() {
			_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
			ch <- err
		}()
		return ch
	}
	first := submit()
	<-w.entered // the first commit is in the writer, holding its one item
	var waiting []chan error
	for range 3 {
		waiting = append(waiting, submit())
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.queuedItems() < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
	if !errors.Is(err, ErrOverloaded) || !IsRetryable(err) {
		t.Fatalf("overloaded submit: err = %v, want retryable ErrOverloaded", err)
	}
	w.gate <- struct{}{} // first commit
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-w.entered
	w.gate <- struct{}{} // second commit carries the three waiting requests
	for _, ch := range waiting {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if len(w.commits) != 2 || len(w.commits[1].Spans) != 3 {
		t.Fatalf("commits = %d (second has %d spans), want 2 with 3 spans grouped", len(w.commits), len(w.commits[len(w.commits)-1].Spans))
	}
	if p.queuedItems() != 0 {
		t.Errorf("queued = %d after commits, want 0", p.queuedItems())
	}
}

func TestWriteErrorIsRetryable(t *testing.T) {
	w := &gateWriter{fail: errors.New("disk full")}
	p, stop := start(t, DefaultConfig(), w)
	defer stop()
	_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
	if err == nil || !IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable error", err)
	}
}

// TestAdmitRefusesBeforeTheStore refuses requests while Admit says the
// disk is low: retryable, counted as disk_full, the store never called;
// and takes them again once it does not.
func TestAdmitRefusesBeforeTheStore(t *testing.T) {
	w := &gateWriter{}
	var low error = fmt.Errorf("%w: 10 MiB free, reserve 256 MiB", ErrNoSpace)
	cfg := DefaultConfig()
	cfg.Tally = tally.New(nil)
	cfg.Admit = func() error { return low }
	p, stop := start(t, cfg, w)
	defer stop()
	b := &model.Batch{Spans: []model.Span{span("api", now)}}
	if _, err := p.Submit(context.Background(), b); !IsRetryable(err) || !errors.Is(err, ErrNoSpace) {
		t.Fatalf("Submit = %v, want a retryable ErrNoSpace", err)
	}
	if len(w.commits) != 0 {
		t.Fatalf("%d commits while the disk is low", len(w.commits))
	}
	snap := cfg.Tally.Snapshot()
	if len(snap) != 1 || snap[0].Rejected["disk_full"].Count != 1 {
		t.Fatalf("tally %+v, want one disk_full rejection", snap)
	}
	low = nil
	if _, err := p.Submit(context.Background(), b); err != nil {
		t.Fatalf("Submit once space is back = %v", err)
	}
}

func TestShutdownDrainsThenRefuses(t *testing.T) {
	w := &gateWriter{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	p, stop := start(t, DefaultConfig(), w)
	first := make(chan error, 1)
	go func() {
		_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
		first <- err
	}()
	<-w.entered
	second := make(chan error, 1)
	go func() {
		_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
		second <- err
	}()
	for p.queuedItems() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(w.gate)
	stop()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatalf("queued request at shutdown: %v, want committed", err)
	}
	_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{span("api", now)}})
	if !errors.Is(err, ErrClosed) || !IsRetryable(err) {
		t.Fatalf("after shutdown: %v, want retryable ErrClosed", err)
	}
}
