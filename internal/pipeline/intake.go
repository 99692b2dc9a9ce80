package pipeline

import (
	"bytes"
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"lookout/internal/model"
)

// An Intake is the pipeline's door for payloads whose senders do not wait
// for an answer (UDP datagrams): offer (never blocks) → decode → batch →
// submit, one stage per goroutine, each bounded. Room is claimed in bytes
// when a payload is offered and given back when its batch was submitted
// (or at once when it decodes to nothing), so a payload that finds none is
// refused where the caller can count it rather than lost unseen.

// IntakeConfig bounds an Intake and sets how it batches.
type IntakeConfig struct {
	// MaxBatchItems submits a batch once it holds this many items (spans
	// and log events).
	MaxBatchItems int
	// MaxBatchDelay submits a non-empty batch this long after its first
	// item arrived.
	MaxBatchDelay time.Duration
	// QueueLen bounds the payloads waiting to be decoded, and again the
	// decoded ones waiting for a batch.
	QueueLen int
	// MaxBytes bounds the bytes of the payloads held: queued, batching or
	// being submitted.
	MaxBytes int64
	// RetryBackoff is the first delay before a batch is submitted again
	// after a retryable error; it doubles up to MaxRetryBackoff.
	RetryBackoff, MaxRetryBackoff time.Duration
}

// Validate reports the first invalid field.
func (c IntakeConfig) Validate() error {
	switch {
	case c.MaxBatchItems <= 0:
		return errors.New("intake: MaxBatchItems must be positive")
	case c.MaxBatchDelay <= 0:
		return errors.New("intake: MaxBatchDelay must be positive")
	case c.QueueLen <= 0:
		return errors.New("intake: QueueLen must be positive")
	case c.MaxBytes <= 0:
		return errors.New("intake: MaxBytes must be positive")
	case c.RetryBackoff <= 0 || c.MaxRetryBackoff < c.RetryBackoff:
		return errors.New("intake: RetryBackoff must be positive and at most MaxRetryBackoff")
	}
	return nil
}

// Submitter commits a batch durably before returning; on error nothing is
// committed and IsRetryable tells whether a resend may succeed.
// *Pipeline implements it.
type Submitter interface {
	Submit(ctx context.Context, b *model.Batch) (Result, error)
}

// Decoder turns one payload into what it commits. keep is false when there
// is nothing to commit; the payload's room is then given back at once.
type Decoder func(payload []byte) (b model.Batch, keep bool)

// IntakeObserver hears what becomes of the payloads and batches, on the
// intake's goroutines.
type IntakeObserver interface {
	// Held reports a change of the payload bytes held.
	Held(delta int64)
	// Committed reports a submitted batch; res lists the items refused.
	Committed(b *model.Batch, res Result)
	// Retrying reports a batch that failed with the retryable err and is
	// submitted again after a backoff.
	Retrying(b *model.Batch, err error)
	// GaveUp reports a batch that will not be committed: err is the
	// permanent error, or the last one when Abandon came (abandoned).
	GaveUp(b *model.Batch, err error, abandoned bool)
	// Panicked reports a payload whose decoding panicked with v (stack:
	// where); it is dropped and the intake goes on.
	Panicked(payload []byte, v any, stack []byte)
}

// Intake is safe for concurrent use, except that Offer and Close belong to
// one goroutine: the reader that feeds it.
type Intake struct {
	cfg    IntakeConfig
	decode Decoder
	sink   Submitter
	obs    IntakeObserver

	raw   chan []byte  // offered payloads (Offer → decode)
	queue chan decoded // decoded payloads (decode → collect)
	held  atomic.Int64 // payload bytes held

	stopCtx context.Context // cancelled by Abandon
	stop    context.CancelFunc
}

// decoded is one payload's items waiting for a batch, or a batch.
type decoded struct {
	b    model.Batch
	size int64 // payload bytes, held until the batch is submitted
}

// NewIntake builds an intake that decodes with decode and submits to sink.
func NewIntake(cfg IntakeConfig, decode Decoder, sink Submitter, obs IntakeObserver) (*Intake, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if decode == nil || sink == nil || obs == nil {
		return nil, errors.New("intake: decoder, submitter and observer are required")
	}
	in := &Intake{cfg: cfg, decode: decode, sink: sink, obs: obs,
		raw: make(chan []byte, cfg.QueueLen), queue: make(chan decoded, cfg.QueueLen)}
	in.stopCtx, in.stop = context.WithCancel(context.Background())
	return in, nil
}

// Offer claims room for a copy of p and queues it for decoding, without
// waiting. It returns false, keeping nothing, when there is no room.
func (in *Intake) Offer(p []byte) bool {
	n := int64(len(p))
	if !in.hold(n) {
		return false
	}
	select {
	case in.raw <- bytes.Clone(p):
		return true
	default:
		in.release(n)
		return false
	}
}

// Close ends the offers: Run then submits what it holds and returns.
func (in *Intake) Close() { close(in.raw) }

// Abandon stops submitting: the batch being retried and those still held
// are given up (IntakeObserver.GaveUp with abandoned set).
func (in *Intake) Abandon() { in.stop() }

// HeldBytes is the payload bytes held now.
func (in *Intake) HeldBytes() int64 { return in.held.Load() }

// Run decodes, batches and submits until Close, then submits what it holds
// and returns. Call it once.
func (in *Intake) Run() {
	batches := make(chan decoded)
	var wg sync.WaitGroup
	wg.Go(in.decodeAll)
	wg.Go(func() { in.collect(batches) })
	wg.Go(func() { in.submitAll(batches) })
	wg.Wait()
}

// hold claims n bytes of MaxBytes, or reports there is no room.
func (in *Intake) hold(n int64) bool {
	if in.held.Add(n) > in.cfg.MaxBytes {
		in.held.Add(-n)
		return false
	}
	in.obs.Held(n)
	return true
}

func (in *Intake) release(n int64) {
	in.held.Add(-n)
	in.obs.Held(-n)
}

// decodeAll decodes payloads for the collector, waiting when its queue is
// full (Offer refuses meanwhile). It closes the queue at the end.
func (in *Intake) decodeAll() {
	defer close(in.queue)
	for p := range in.raw {
		b, keep := in.safeDecode(p)
		if !keep {
			in.release(int64(len(p)))
			continue
		}
		in.queue <- decoded{b: b, size: int64(len(p))}
	}
}

// safeDecode decodes p; a decoder that panics loses p, which the observer
// hears of, and not the process: the senders' payloads are anyone's input.
func (in *Intake) safeDecode(p []byte) (b model.Batch, keep bool) {
	defer func() {
		if v := recover(); v != nil {
			in.obs.Panicked(p, v, debug.Stack())
			b, keep = model.Batch{}, false
		}
	}()
	return in.decode(p)
}

// collect groups decoded payloads into batches of up to MaxBatchItems
// items, sending a smaller one MaxBatchDelay after its first item came. It
// keeps filling the next batch while the submitter is busy. When the queue
// is closed it sends what it holds and closes out.
func (in *Intake) collect(out chan<- decoded) {
	defer close(out)
	var cur decoded
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	due := false
	queue := in.queue
	for {
		full := cur.b.Len() >= in.cfg.MaxBatchItems
		if queue == nil && cur.b.Len() == 0 {
			return
		}
		recv := queue
		if full {
			recv = nil
		}
		var send chan<- decoded
		if cur.b.Len() > 0 && (due || full || queue == nil) {
			send = out
		}
		select {
		case d, ok := <-recv:
			if !ok {
				queue = nil
				continue
			}
			if cur.b.Len() == 0 {
				timer.Reset(in.cfg.MaxBatchDelay)
				due = false
			}
			if cur.b.Spans == nil && len(d.b.Spans) > 0 {
				cur.b.Spans = make([]model.Span, 0, max(in.cfg.MaxBatchItems, len(d.b.Spans)))
			}
			cur.b.Spans = append(cur.b.Spans, d.b.Spans...)
			cur.b.Logs = append(cur.b.Logs, d.b.Logs...)
			cur.size += d.size
		case send <- cur:
			cur = decoded{}
			timer.Stop()
			due = false
		case <-timer.C:
			due = true
		}
	}
}

// submitAll submits batches one at a time, in arrival order, so that a
// payload sent twice (a document in progress, then complete) is committed
// in order.
func (in *Intake) submitAll(batches <-chan decoded) {
	for d := range batches {
		in.submit(&d.b)
		in.release(d.size)
	}
}

// submit hands one batch to the sink, retrying retryable errors with
// exponential backoff until Abandon. Meanwhile the queues fill and Offer
// refuses, which bounds memory.
func (in *Intake) submit(b *model.Batch) {
	backoff := in.cfg.RetryBackoff
	for {
		if err := in.stopCtx.Err(); err != nil {
			in.obs.GaveUp(b, err, true)
			return
		}
		res, err := in.sink.Submit(in.stopCtx, b)
		if err == nil {
			in.obs.Committed(b, res)
			return
		}
		if !IsRetryable(err) || in.stopCtx.Err() != nil {
			in.obs.GaveUp(b, err, in.stopCtx.Err() != nil)
			return
		}
		in.obs.Retrying(b, err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-in.stopCtx.Done():
			t.Stop()
			in.obs.GaveUp(b, err, true)
			return
		}
		backoff = min(2*backoff, in.cfg.MaxRetryBackoff)
	}
}
