package pipeline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/tally"
)

// prepWriter is a Preparer: Prepare returns the batch's span names, and
// WritePrepared records the groups it is given; while gate is non-nil each
// WritePrepared waits for it.
type prepWriter struct {
	mu       sync.Mutex
	commits  [][]any
	gate     chan struct{}
	entered  chan struct{}
	failPrep error
}

func (w *prepWriter) Write(context.Context, *model.Batch) error {
	return errors.New("Write called on a Preparer")
}

func (w *prepWriter) Prepare(b *model.Batch) (any, error) {
	if w.failPrep != nil {
		return nil, w.failPrep
	}
	var names []string
	for _, sp := range b.Spans {
		names = append(names, sp.Name)
	}
	return names, nil
}

func (w *prepWriter) WritePrepared(_ context.Context, prepared []any) error {
	if w.entered != nil {
		w.entered <- struct{}{}
	}
	if w.gate != nil {
		<-w.gate
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.commits = append(w.commits, prepared)
	return nil
}

func named(name string) model.Span {
	sp := span("api", now)
	sp.Name = name
	return sp
}

// TestPreparedGroupCommit: requests are prepared in Submit, and the ones that
// queue behind a running commit are written together as one group.
func TestPreparedGroupCommit(t *testing.T) {
	w := &prepWriter{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	tl := tally.New(func() time.Time { return now })
	cfg := DefaultConfig()
	cfg.Tally = tl
	p, stop := start(t, cfg, w)
	defer stop()
	submit := func(name string) chan error {
		ch := make(chan error, 1)
		go func() {
			_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{named(name), named(name)}})
			ch <- err
		}()
		return ch
	}
	first := submit("a")
	<-w.entered
	second, third := submit("b"), submit("c")
	for p.queuedItems() < 6 {
		time.Sleep(time.Millisecond)
	}
	close(w.gate)
	for _, ch := range []chan error{first, second, third} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if len(w.commits) != 2 || len(w.commits[0]) != 1 || len(w.commits[1]) != 2 {
		t.Fatalf("commits = %v, want [[a a]] then the two others together", w.commits)
	}
	if got := w.commits[0][0].([]string); len(got) != 2 || got[0] != "a" {
		t.Errorf("first commit = %v, want the prepared [a a]", got)
	}
	if p.queuedItems() != 0 {
		t.Errorf("queued = %d after commits, want 0", p.queuedItems())
	}
	snap := tl.Snapshot()
	if len(snap) != 1 || snap[0].Accepted != 6 {
		t.Errorf("tally = %+v, want 6 accepted spans of api", snap)
	}
}

// TestPrepareErrorIsPermanent: a batch the store cannot encode is refused
// alone, as a permanent error, and its room in the queue is given back.
func TestPrepareErrorIsPermanent(t *testing.T) {
	w := &prepWriter{failPrep: errors.New("bad value")}
	tl := tally.New(func() time.Time { return now })
	cfg := DefaultConfig()
	cfg.Tally = tl
	p, stop := start(t, cfg, w)
	defer stop()
	_, err := p.Submit(context.Background(), &model.Batch{Spans: []model.Span{named("a")}})
	if err == nil || IsRetryable(err) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if p.queuedItems() != 0 || len(w.commits) != 0 {
		t.Errorf("queued = %d, commits = %d, want none", p.queuedItems(), len(w.commits))
	}
	snap := tl.Snapshot()
	if len(snap) != 1 || snap[0].Rejected["store_error"].Count != 1 {
		t.Errorf("tally = %+v, want one store_error rejection", snap)
	}
}

// sizedNames is a prepared batch that tells its size: 1 KiB per span.
type sizedNames []string

func (s sizedNames) Size() int64 { return int64(len(s)) << 10 }

// sizedWriter prepares sizedNames.
type sizedWriter struct{ prepWriter }

func (w *sizedWriter) Prepare(b *model.Batch) (any, error) {
	names, err := w.prepWriter.Prepare(b)
	if err != nil {
		return nil, err
	}
	return sizedNames(names.([]string)), nil
}

// TestQueuedBytesBound: the encoded batches waiting for a commit are
// bounded by their size, whatever their count of items: beyond the bound a
// request is refused as overloaded (retryable) and counted; a request
// alone in the queue is taken whatever its size; once the queue drains,
// requests are taken again.
func TestQueuedBytesBound(t *testing.T) {
	w := &sizedWriter{prepWriter{gate: make(chan struct{}), entered: make(chan struct{}, 10)}}
	tl := tally.New(func() time.Time { return now })
	cfg := DefaultConfig()
	cfg.Tally, cfg.MaxQueuedBytes = tl, 5<<10
	p, stop := start(t, cfg, w)
	defer stop()
	submit := func(name string, n int) chan error {
		ch := make(chan error, 1)
		spans := make([]model.Span, n)
		for i := range spans {
			spans[i] = named(name)
		}
		go func() { _, err := p.Submit(context.Background(), &model.Batch{Spans: spans}); ch <- err }()
		return ch
	}
	first := submit("alone, larger than the bound", 8) // 8 KiB
	<-w.entered                                        // committing: its room is held until it is answered
	if err := <-submit("beside it", 1); !errors.Is(err, ErrOverloaded) || !IsRetryable(err) {
		t.Fatalf("a request beside 8 KiB queued, bound 5 KiB: %v, want ErrOverloaded", err)
	}
	close(w.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-submit("after the drain", 4); err != nil {
		t.Fatalf("a request into the drained queue: %v", err)
	}
	snap := tl.Snapshot()
	if len(snap) != 1 || snap[0].Rejected["overloaded"].Count != 1 || snap[0].Accepted != 12 {
		t.Errorf("tally = %+v, want 12 accepted and 1 refused as overloaded", snap)
	}
}
