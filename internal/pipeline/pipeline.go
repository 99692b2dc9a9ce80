// Package pipeline turns many small client requests into few large durable
// commits: bounded queue → batcher → group commit → reply. A request is answered
// only after the commit that holds its data returned, so nothing acknowledged
// is lost; when the queue is full the request is refused with a retryable error
// at once, so memory stays bounded.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tally"
)

// Config sets the pipeline's limits.
type Config struct {
	// MaxQueuedItems bounds the items waiting for a commit (spans + logs).
	// Beyond it Submit fails with ErrOverloaded.
	MaxQueuedItems int
	// MaxCommitItems caps the items merged into one commit.
	MaxCommitItems int
	// Retention refuses items older than now-Retention: they would expire at once.
	Retention time.Duration
	// MaxFuture refuses items stamped further ahead than this (clock skew guard).
	MaxFuture time.Duration

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()
	Tally      *tally.Tally          // nil: nothing is tallied
	Now        func() time.Time      // nil: time.Now
}

// DefaultConfig returns limits sized for a small machine.
func DefaultConfig() Config {
	return Config{
		MaxQueuedItems: 200_000,
		MaxCommitItems: 50_000,
		Retention:      7 * 24 * time.Hour,
		MaxFuture:      2 * time.Hour,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.MaxQueuedItems <= 0:
		return errors.New("pipeline: MaxQueuedItems must be positive")
	case c.MaxCommitItems <= 0:
		return errors.New("pipeline: MaxCommitItems must be positive")
	case c.Retention <= 0:
		return errors.New("pipeline: Retention must be positive")
	case c.MaxFuture < 0:
		return errors.New("pipeline: MaxFuture must not be negative")
	}
	return nil
}

type request struct {
	batch *model.Batch
	done  chan error
}

// Pipeline is safe for concurrent use. Start it with Run.
type Pipeline struct {
	cfg     Config
	writer  store.Writer
	log     *slog.Logger
	now     func() time.Time
	window  window
	metrics *metrics

	queue chan request

	mu      sync.Mutex // guards queued and closed
	queued  int
	closed  bool
	stopped chan struct{}
}

// New builds a pipeline that commits through w.
func New(cfg Config, w store.Writer) (*Pipeline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Pipeline{
		cfg:     cfg,
		writer:  w,
		log:     cfg.Logger,
		now:     cfg.Now,
		window:  window{maxAge: cfg.Retention, maxFuture: cfg.MaxFuture},
		queue:   make(chan request, cfg.MaxQueuedItems), // never the limit: queued items are
		stopped: make(chan struct{}),
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.now == nil {
		p.now = time.Now
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	p.metrics = m
	return p, nil
}

// Submit commits b durably and returns once it is committed. Items outside the
// accepted time window are left out and listed in the result. On error nothing
// of b is guaranteed committed; IsRetryable tells whether to try again.
func (p *Pipeline) Submit(ctx context.Context, b *model.Batch) (Result, error) {
	p.metrics.received(b)
	kept, rejected := p.window.filter(p.now(), b)
	for _, r := range rejected {
		p.reject(r.Kind, r.Project, r.Service, r.Reason, r.Message, 1)
	}
	res := Result{Rejected: rejected}
	n := kept.Len()
	if n == 0 {
		return res, nil
	}
	req := request{batch: kept, done: make(chan error, 1)}
	if err := p.enqueue(req); err != nil {
		reason := "overloaded"
		if errors.Is(err, ErrClosed) {
			reason = "shutting_down"
		}
		p.rejectBatch(kept, reason, err.Error())
		return res, err
	}
	select {
	case err := <-req.done:
		return res, err
	case <-ctx.Done():
		// The commit may still succeed; the client will resend and the data
		// is then stored twice, which is allowed (at-least-once).
		return res, ctx.Err()
	}
}

// enqueue claims room for the request's items and queues it, or fails at once
// when there is no room. A batch larger than the whole queue is let in when the
// queue is empty, so no request is refused forever. Claiming and queueing under
// one lock means Run's final drain sees every request admitted before close.
func (p *Pipeline) enqueue(req request) error {
	n := req.batch.Len()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if p.queued > 0 && p.queued+n > p.cfg.MaxQueuedItems {
		return ErrOverloaded
	}
	p.queue <- req // cannot block: the channel holds MaxQueuedItems requests of ≥ 1 item
	p.queued += n
	p.metrics.queueDepth.Set(float64(p.queued))
	return nil
}

func (p *Pipeline) release(n int) {
	p.mu.Lock()
	p.queued -= n
	p.metrics.queueDepth.Set(float64(p.queued))
	p.mu.Unlock()
}

// Rejected records items a receiver refused before submitting them (malformed
// input, unknown key), so /metrics and the status page show them.
func (p *Pipeline) Rejected(kind, project, service, reason, message string, n int) {
	p.reject(kind, project, service, reason, message, n)
}

// reject counts refused items; kind is "span" or "log" (tallied as "spans",
// "logs", the names stores use for their usage rows).
func (p *Pipeline) reject(kind, project, service, reason, message string, n int) {
	p.metrics.rejected.WithLabelValues(kind, reason).Add(float64(n))
	if p.cfg.Tally != nil {
		p.cfg.Tally.Rejected(tally.Key{Project: project, Kind: kind + "s", Service: service}, reason, message, n)
	}
}

func (p *Pipeline) rejectBatch(b *model.Batch, reason, message string) {
	for i := range b.Spans {
		p.reject("span", b.Spans[i].Project, b.Spans[i].Service(), reason, message, 1)
	}
	for i := range b.Logs {
		p.reject("log", b.Logs[i].Project, b.Logs[i].Service(), reason, message, 1)
	}
}

// Run commits queued requests until ctx is done, then refuses new ones and
// commits what is already queued before returning.
func (p *Pipeline) Run(ctx context.Context) {
	defer close(p.stopped)
	for {
		select {
		case req := <-p.queue:
			p.commit(req)
		case <-ctx.Done():
			p.mu.Lock()
			p.closed = true
			p.mu.Unlock()
			for {
				select {
				case req := <-p.queue:
					p.commit(req)
				default:
					return
				}
			}
		}
	}
}

// Stopped is closed when Run has returned.
func (p *Pipeline) Stopped() <-chan struct{} { return p.stopped }

// commit merges first with whatever else is queued (up to MaxCommitItems) into
// one store write: the group commit. While a commit runs, new requests queue
// up and ride the next one, so batches grow with load without a timer.
func (p *Pipeline) commit(first request) {
	reqs := []request{first}
	merged := &model.Batch{}
	appendBatch(merged, first.batch)
	for merged.Len() < p.cfg.MaxCommitItems {
		select {
		case r := <-p.queue:
			reqs = append(reqs, r)
			appendBatch(merged, r.batch)
			continue
		default:
		}
		break
	}
	if len(reqs) == 1 {
		merged = first.batch
	}
	start := time.Now()
	err := p.writer.Write(context.Background(), merged)
	p.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	p.metrics.commitItems.Observe(float64(merged.Len()))
	if err != nil {
		err = Retryable(fmt.Errorf("commit of %d items: %w", merged.Len(), err))
		p.log.Error("commit failed", "items", merged.Len(), "err", err)
		p.rejectBatch(merged, "store_error", err.Error())
	} else {
		p.accepted(merged)
	}
	p.release(merged.Len())
	for _, r := range reqs {
		r.done <- err
	}
}

func appendBatch(dst, src *model.Batch) {
	dst.Spans = append(dst.Spans, src.Spans...)
	dst.Logs = append(dst.Logs, src.Logs...)
}

// accepted counts committed items per project and service.
func (p *Pipeline) accepted(b *model.Batch) {
	p.metrics.accepted.WithLabelValues("span").Add(float64(len(b.Spans)))
	p.metrics.accepted.WithLabelValues("log").Add(float64(len(b.Logs)))
	if p.cfg.Tally == nil {
		return
	}
	counts := map[tally.Key]int{}
	for i := range b.Spans {
		counts[tally.Key{Project: b.Spans[i].Project, Kind: "spans", Service: b.Spans[i].Service()}]++
	}
	for i := range b.Logs {
		counts[tally.Key{Project: b.Logs[i].Project, Kind: "logs", Service: b.Logs[i].Service()}]++
	}
	for k, n := range counts {
		p.cfg.Tally.Accepted(k, n)
	}
}

func (p *Pipeline) queuedItems() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queued
}
