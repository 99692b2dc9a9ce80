package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueConfig sets a Queue's bounds and how it groups requests into commits.
type QueueConfig struct {
	// MaxItems bounds the items claimed by requests that are queued or being
	// committed. Beyond it a request is refused with ErrOverloaded.
	MaxItems int
	// MaxBytes bounds their bytes likewise; 0: no byte bound.
	MaxBytes int64
	// MaxCommitItems caps the items merged into one commit; a request
	// holding more is committed alone.
	MaxCommitItems int
	// MaxWait is how long, under load (the previous commit held more than
	// one request), the committer waits for a group to fill before
	// committing it: fewer, larger commits. A lone request is committed at
	// once. 0 never waits: the group is what is queued when the committer
	// is free, so groups grow with load without a timer.
	MaxWait time.Duration
	// SplitOnError commits each request of a failed group again alone, so
	// that one request the store refuses does not fail its neighbours.
	SplitOnError bool
	// Admit, when set, is asked before each request claims room; an error
	// refuses the request at once, as retryable (a full disk: wrap
	// ErrNoSpace).
	Admit func() error
	// MetricPrefix starts the names of the queue's metrics:
	// <prefix>queue_items, <prefix>queue_bytes (with MaxBytes),
	// <prefix>commit_duration_seconds and <prefix>commit_items.
	MetricPrefix string

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()
}

// Validate reports the first invalid field.
func (c QueueConfig) Validate() error {
	switch {
	case c.MaxItems <= 0:
		return errors.New("queue: MaxItems must be positive")
	case c.MaxBytes < 0:
		return errors.New("queue: MaxBytes must not be negative")
	case c.MaxCommitItems <= 0:
		return errors.New("queue: MaxCommitItems must be positive")
	case c.MaxWait < 0:
		return errors.New("queue: MaxWait must not be negative")
	}
	return nil
}

// Committer makes groups of queued payloads durable.
type Committer[T, R any] interface {
	// Commit writes group as one durable commit and returns one result per
	// payload, in order, or nil when there is nothing to tell (each
	// submitter then gets R's zero value). On error nothing of group is
	// committed. It is called from Run's goroutine only.
	Commit(ctx context.Context, group []T) ([]R, error)
}

// Settler is implemented by a Committer that accounts for each payload
// once its fate is known: Settle is called on Run's goroutine for every
// payload of a finished commit, in order, before its submitter is
// answered; err is nil when the payload is committed.
type Settler[T any] interface {
	Settle(p T, err error)
}

// Queue is a bounded queue in front of a single committer: requests claim
// room (items and bytes) or are refused at once, wait in the queue, are
// merged into group commits, and each is answered only after the commit
// that holds it returned. It is safe for concurrent use; Run commits.
type Queue[T, R any] struct {
	cfg     QueueConfig
	c       Committer[T, R]
	settler Settler[T] // c, when it is one
	log     *slog.Logger
	metrics *queueMetrics
	queue   chan entry[T, R]
	stopped chan struct{}
	last    int // requests in the previous commit (Run's goroutine only)

	mu     sync.Mutex // guards items, bytes, closed and sends on queue
	items  int
	bytes  int64
	closed bool
}

// entry is one request waiting for its commit.
type entry[T, R any] struct {
	p    T
	room Reservation
	done chan outcome[R] // buffered: the committer never blocks on a gone submitter
}

type outcome[R any] struct {
	r   R
	err error
}

// NewQueue builds a queue that commits through c.
func NewQueue[T, R any](cfg QueueConfig, c Committer[T, R]) (*Queue[T, R], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("queue: committer is nil")
	}
	m, err := newQueueMetrics(cfg)
	if err != nil {
		return nil, err
	}
	q := &Queue[T, R]{
		cfg: cfg, c: c, log: cfg.Logger, metrics: m,
		// Every queued entry holds at least one claimed item, so a send
		// under mu never blocks.
		queue:   make(chan entry[T, R], cfg.MaxItems),
		stopped: make(chan struct{}),
	}
	q.settler, _ = c.(Settler[T])
	if q.log == nil {
		q.log = slog.Default()
	}
	return q, nil
}

// Reservation is room claimed in a Queue for one request.
type Reservation struct {
	items int
	bytes int64
}

// Reserve claims room for a request of items (counted as at least 1) and
// bytes, or fails at once: ErrClosed once Run stopped taking requests,
// ErrOverloaded when the room is spent, Admit's error (retryable) when it
// refuses. A request larger than a whole bound
// is let in when nothing else is queued, so no request is refused forever.
// The reservation must be handed to Enqueue or given back with Release.
func (q *Queue[T, R]) Reserve(items int, bytes int64) (Reservation, error) {
	if q.cfg.Admit != nil {
		if err := q.cfg.Admit(); err != nil {
			return Reservation{}, Retryable(err)
		}
	}
	r := Reservation{items: max(items, 1), bytes: max(bytes, 0)}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return Reservation{}, ErrClosed
	}
	if q.items > 0 && (q.items+r.items > q.cfg.MaxItems || q.cfg.MaxBytes > 0 && q.bytes+r.bytes > q.cfg.MaxBytes) {
		return Reservation{}, ErrOverloaded
	}
	q.items += r.items
	q.bytes += r.bytes
	q.metrics.set(q.items, q.bytes)
	return r, nil
}

// Grow claims bytes more for the reservation r, known only once the
// request was prepared, or fails with ErrOverloaded (r unchanged) when
// they do not fit beside what others hold. A request alone in the queue
// always fits, as in Reserve.
func (q *Queue[T, R]) Grow(r *Reservation, bytes int64) error {
	if bytes <= 0 {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	others := q.bytes - r.bytes
	if q.cfg.MaxBytes > 0 && others > 0 && q.bytes+bytes > q.cfg.MaxBytes {
		return ErrOverloaded
	}
	r.bytes += bytes
	q.bytes += bytes
	q.metrics.set(q.items, q.bytes)
	return nil
}

// Release gives back the room of a reservation that is not enqueued.
func (q *Queue[T, R]) Release(r Reservation) {
	q.mu.Lock()
	q.items -= r.items
	q.bytes -= r.bytes
	q.metrics.set(q.items, q.bytes)
	q.mu.Unlock()
}

// Pending is an enqueued request's answer to come.
type Pending[R any] struct{ done <-chan outcome[R] }

// Wait returns the request's result once the commit that holds it
// returned: a commit error is retryable (IsRetryable) and means nothing of
// the request is committed. ctx only stops the waiting, not the commit:
// then ctx.Err() is returned and the request may still be committed.
func (p Pending[R]) Wait(ctx context.Context) (R, error) {
	select {
	case o := <-p.done:
		return o.r, o.err
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
}

// Enqueue queues p in the room r holds. Once Run stopped taking requests
// it fails with ErrClosed and gives the room back. Checking closed and
// queueing under one lock means Run's final drain sees every request
// enqueued before close.
func (q *Queue[T, R]) Enqueue(r Reservation, p T) (Pending[R], error) {
	e := entry[T, R]{p: p, room: r, done: make(chan outcome[R], 1)}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		q.Release(r)
		return Pending[R]{}, ErrClosed
	}
	q.queue <- e
	q.mu.Unlock()
	return Pending[R]{done: e.done}, nil
}

// Submit reserves room for p, queues it and waits for its commit: Reserve,
// Enqueue and Wait in one call.
func (q *Queue[T, R]) Submit(ctx context.Context, p T, items int, bytes int64) (R, error) {
	var zero R
	r, err := q.Reserve(items, bytes)
	if err != nil {
		return zero, err
	}
	pending, err := q.Enqueue(r, p)
	if err != nil {
		return zero, err
	}
	return pending.Wait(ctx)
}

// Stopped is closed when Run has returned.
func (q *Queue[T, R]) Stopped() <-chan struct{} { return q.stopped }

// queued returns the room claimed now.
func (q *Queue[T, R]) queued() (int, int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items, q.bytes
}
