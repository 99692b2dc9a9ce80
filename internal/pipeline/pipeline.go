// Package pipeline turns many small client requests into few large durable
// commits: bounded queue → batcher → group commit → reply. A request is answered
// only after the commit that holds its data returned, so nothing acknowledged
// is lost; when the queue is full the request is refused with a retryable error
// at once, so memory stays bounded.
//
// Queue is that path for any payload and any committer; error occurrences
// go through one. Pipeline is a Queue of telemetry batches (spans, log
// events and metric points) with what they need on top: the time-window check, the store's
// encoding on the caller's goroutine (Preparer) and per-service accounting.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tally"
)

// Config sets the pipeline's limits.
type Config struct {
	// MaxQueuedItems bounds the items waiting for a commit (spans + logs +
	// metric points).
	// Beyond it Submit fails with ErrOverloaded.
	MaxQueuedItems int
	// MaxQueuedBytes bounds the memory of the encoded batches waiting for
	// a commit, as the store's Preparer sizes them (a prepared value with
	// a Size() int64 method); 0: no byte bound. A request's client may
	// stop waiting while its batch stays queued, so it is this bound, not
	// the receivers' in-flight budgets, that holds memory under overload.
	// Beyond it Submit fails with ErrOverloaded.
	MaxQueuedBytes int64
	// MaxCommitItems caps the items merged into one commit.
	MaxCommitItems int
	// CommitWait is how long the committer, under load, waits for more
	// requests to join a group commit (QueueConfig.MaxWait): a commit has a
	// large fixed cost, so two small commits cost nearly twice one.
	CommitWait time.Duration
	// Retention refuses items older than now-Retention: they would expire at once.
	Retention time.Duration
	// MaxFuture refuses items stamped further ahead than this (clock skew guard).
	MaxFuture time.Duration
	// MaxSeriesPerMetric bounds the series of each metric (per project);
	// a point that would start one more is refused ("series_limit"). 0
	// means DefaultMaxSeriesPerMetric.
	MaxSeriesPerMetric int

	// Admit, when set, is asked before each request is queued; an error
	// refuses it as retryable (see QueueConfig.Admit).
	Admit func() error

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()
	Tally      *tally.Tally          // nil: nothing is tallied
	Now        func() time.Time      // nil: time.Now
}

// DefaultConfig returns limits sized for a small machine.
func DefaultConfig() Config {
	return Config{
		MaxQueuedItems: 200_000,
		MaxQueuedBytes: 128 << 20,
		MaxCommitItems: 50_000,
		CommitWait:     2 * time.Millisecond,
		Retention:      7 * 24 * time.Hour,
		MaxFuture:      2 * time.Hour,

		MaxSeriesPerMetric: DefaultMaxSeriesPerMetric,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.MaxQueuedItems <= 0:
		return errors.New("pipeline: MaxQueuedItems must be positive")
	case c.MaxQueuedBytes < 0:
		return errors.New("pipeline: MaxQueuedBytes must not be negative")
	case c.MaxCommitItems <= 0:
		return errors.New("pipeline: MaxCommitItems must be positive")
	case c.CommitWait < 0:
		return errors.New("pipeline: CommitWait must not be negative")
	case c.Retention <= 0:
		return errors.New("pipeline: Retention must be positive")
	case c.MaxFuture < 0:
		return errors.New("pipeline: MaxFuture must not be negative")
	case c.MaxSeriesPerMetric < 0:
		return errors.New("pipeline: MaxSeriesPerMetric must not be negative")
	}
	return nil
}

type request struct {
	// batch is what the writer commits; nil once prepared (the encoded form
	// holds what is needed, and the items can be freed while they wait).
	batch                *model.Batch
	prepared             any // the writer's Prepare result, when it is a Preparer
	spans, logs, metrics int
	counts               counts // per tally key, for the accounting after the commit
}

// Pipeline is safe for concurrent use. Start it with Run.
type Pipeline struct {
	cfg     Config
	writer  store.Writer
	prep    Preparer // writer, when it is one
	log     *slog.Logger
	now     func() time.Time
	window  window
	series  *seriesLimit
	metrics *metrics
	queue   *Queue[request, struct{}]
}

// New builds a pipeline that commits through w.
func New(cfg Config, w store.Writer) (*Pipeline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	prep, _ := w.(Preparer)
	p := &Pipeline{
		cfg:    cfg,
		writer: w,
		prep:   prep,
		log:    cfg.Logger,
		now:    cfg.Now,
		window: window{maxAge: cfg.Retention, maxFuture: cfg.MaxFuture},
		series: newSeriesLimit(cmp.Or(cfg.MaxSeriesPerMetric, DefaultMaxSeriesPerMetric)),
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
	p.queue, err = NewQueue(QueueConfig{
		MaxItems: cfg.MaxQueuedItems, MaxBytes: cfg.MaxQueuedBytes, MaxCommitItems: cfg.MaxCommitItems, MaxWait: cfg.CommitWait, Admit: cfg.Admit,
		MetricPrefix: "lookout_", Registerer: cfg.Registerer, Logger: p.log,
	}, batchCommitter{p})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Submit commits b durably and returns once it is committed. Items outside the
// accepted time window, and metric points beyond their metric's series limit,
// are left out and listed in the result. On error nothing
// of b is guaranteed committed; IsRetryable tells whether to try again.
//
// The per-request work that needs no lock — the store's encoding when the
// writer is a Preparer, the tally keys — runs here, on the caller's
// goroutine, so that many requests do it at once and the single committer
// only appends and commits.
func (p *Pipeline) Submit(ctx context.Context, b *model.Batch) (Result, error) {
	p.metrics.received(b)
	now := p.now()
	kept, rejected := p.window.filter(now, b)
	kept, overLimit := p.series.filter(now, kept, keptIndex(rejected))
	rejected = append(rejected, overLimit...)
	for _, r := range rejected {
		p.reject(r.Kind, r.Project, r.Service, r.Reason, r.Message, 1)
	}
	res := Result{Rejected: rejected}
	n := kept.Len()
	if n == 0 {
		return res, nil
	}
	req := request{batch: kept, spans: len(kept.Spans), logs: len(kept.Logs), metrics: len(kept.Metrics),
		counts: countBatch(kept, p.cfg.Tally != nil)}
	room, err := p.queue.Reserve(n, 0)
	if err != nil {
		p.refuse(req, err)
		return res, err
	}
	if p.prep != nil {
		// Room is claimed first, so an overloaded pipeline refuses before
		// spending CPU, and encoded batches count against the queue bound.
		if req.prepared, err = p.prep.Prepare(kept); err != nil {
			p.queue.Release(room)
			err = fmt.Errorf("encode: %w", err) // the same data would fail again: not retryable
			p.log.Error("encode failed", "items", n, "err", err)
			p.refuseWith(req, "store_error", err)
			return res, err
		}
		req.batch = nil
		if sized, ok := req.prepared.(interface{ Size() int64 }); ok {
			if err := p.queue.Grow(&room, sized.Size()); err != nil {
				p.queue.Release(room)
				p.refuse(req, err)
				return res, err
			}
		}
	}
	pending, err := p.queue.Enqueue(room, req)
	if err != nil {
		p.refuse(req, err)
		return res, err
	}
	// On ctx's end the commit may still succeed; the client will resend and
	// the data is then stored twice, which is allowed (at-least-once).
	_, err = pending.Wait(ctx)
	return res, err
}

func (p *Pipeline) refuse(req request, err error) {
	p.refuseWith(req, RefusalReason(err), err)
}

// RefusalReason names why a request was refused before its commit, as
// metrics and the status page count it: "shutting_down", "disk_full" or
// "overloaded".
func RefusalReason(err error) string {
	switch {
	case errors.Is(err, ErrClosed):
		return "shutting_down"
	case errors.Is(err, ErrNoSpace):
		return "disk_full"
	}
	return "overloaded"
}

func (p *Pipeline) refuseWith(req request, reason string, err error) {
	req.counts.each(func(k countKey, n int) { p.reject(k.kind, k.project, k.service, reason, err.Error(), n) })
}

// Rejected records items a receiver refused before submitting them (malformed
// input, unknown key), so /metrics and the status page show them.
func (p *Pipeline) Rejected(kind, project, service, reason, message string, n int) {
	p.reject(kind, project, service, reason, message, n)
}

// reject counts refused items; kind is "span", "log" or "metric" (tallied
// as "spans", "logs", "metrics", the names stores use for their usage rows).
func (p *Pipeline) reject(kind, project, service, reason, message string, n int) {
	p.metrics.rejected.WithLabelValues(kind, reason).Add(float64(n))
	if p.cfg.Tally != nil {
		p.cfg.Tally.Rejected(tally.Key{Project: project, Kind: kind + "s", Service: service}, reason, message, n)
	}
}

// Run commits queued requests until ctx is done, then refuses new ones and
// commits what is already queued before returning.
func (p *Pipeline) Run(ctx context.Context) { p.queue.Run(ctx) }

// Stopped is closed when Run has returned.
func (p *Pipeline) Stopped() <-chan struct{} { return p.queue.Stopped() }

// batchCommitter commits a Pipeline's queued requests. While a commit runs,
// new requests queue up and ride the next one, so batches grow with load
// without a timer.
type batchCommitter struct{ p *Pipeline }

// Commit writes the requests' batches as one store write.
func (c batchCommitter) Commit(ctx context.Context, reqs []request) ([]struct{}, error) {
	p := c.p
	if p.prep != nil {
		prepared := make([]any, len(reqs))
		for i, r := range reqs {
			prepared[i] = r.prepared
		}
		return nil, p.prep.WritePrepared(ctx, prepared)
	}
	merged := reqs[0].batch
	if len(reqs) > 1 {
		merged = &model.Batch{}
		for _, r := range reqs {
			merged.Spans = append(merged.Spans, r.batch.Spans...)
			merged.Logs = append(merged.Logs, r.batch.Logs...)
			merged.Metrics = append(merged.Metrics, r.batch.Metrics...)
		}
	}
	return nil, p.writer.Write(ctx, merged)
}

// Settle counts a request's items as accepted, per project and service, or
// as refused by the store.
func (c batchCommitter) Settle(r request, err error) {
	p := c.p
	if err != nil {
		p.refuseWith(r, "store_error", err)
		return
	}
	p.metrics.accepted.WithLabelValues("span").Add(float64(r.spans))
	p.metrics.accepted.WithLabelValues("log").Add(float64(r.logs))
	p.metrics.accepted.WithLabelValues("metric").Add(float64(r.metrics))
	if p.cfg.Tally == nil {
		return
	}
	r.counts.each(func(k countKey, n int) {
		p.cfg.Tally.Accepted(tally.Key{Project: k.project, Kind: k.kind + "s", Service: k.service}, n)
	})
}

func (p *Pipeline) queuedItems() int {
	n, _ := p.queue.queued()
	return n
}
