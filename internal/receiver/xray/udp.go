package xray

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/xray/segment"
)

// The UDP path: read (socket) → raw → parse → queue → collect → batches →
// submitAll (sink). Every stage is bounded; bytes held are counted from the
// read until the submit returns.

// queued is one parsed datagram waiting for a batch: its spans, or the
// record of its refusal.
type queued struct {
	spans    []model.Span
	rejected []model.LogEvent
	size     int64 // datagram bytes, held against MaxQueueBytes
}

// batch is what one Submit carries.
type batch struct {
	spans []model.Span
	logs  []model.LogEvent // records of refused documents
	size  int64
}

// items counts what MaxBatchSpans bounds: spans, and a refused document as
// one item.
func (b *batch) items() int { return len(b.spans) + len(b.logs) }

// read takes datagrams off the socket until it is closed, and hands copies
// to the parser without waiting. Keeping this loop short drains the socket
// fast, so that under overload datagrams are dropped here, where they are
// counted ("overloaded"), rather than silently by the kernel.
func (r *Receiver) read(conn *net.UDPConn, raw chan<- []byte) error {
	buf := make([]byte, MaxDocumentBytes+1) // one byte more tells oversize
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) && r.isClosed() {
				return nil
			}
			return fmt.Errorf("xray udp read: %w", err)
		}
		r.m.received.WithLabelValues("udp").Inc()
		// An oversize datagram goes on to parse too, which refuses it and
		// keeps its excerpt; it is held like any other meanwhile.
		if r.hold(int64(n)) {
			select {
			case raw <- bytes.Clone(buf[:n]):
				continue
			default:
				r.release(int64(n))
			}
		}
		r.m.rejected.WithLabelValues("udp", "overloaded").Inc()
		r.sink.Rejected(kindSpan, projectFor(""), "", "overloaded", "receiver queue is full, datagram dropped", 1)
	}
}

// hold claims n bytes of MaxQueueBytes, or reports there is no room.
func (r *Receiver) hold(n int64) bool {
	if r.queuedBytes.Add(n) > r.cfg.MaxQueueBytes {
		r.queuedBytes.Add(-n)
		return false
	}
	r.m.queueBytes.Add(float64(n))
	return true
}

func (r *Receiver) release(n int64) {
	r.queuedBytes.Add(-n)
	r.m.queueBytes.Sub(float64(n))
}

// parse turns datagrams into spans, or a refused one into the record of
// its refusal, for the collector, waiting when the queue is full (the
// reader drops meanwhile). It closes the queue at the end.
func (r *Receiver) parse(raw <-chan []byte) {
	defer close(r.queue)
	project := projectFor("")
	for b := range raw {
		doc := b
		body, e := splitDatagram(b)
		var d *document
		if e == nil {
			doc = body
			d, e = parseDocument(body)
		}
		if e != nil {
			ev, keep := r.refuse("udp", project, e, doc)
			if !keep {
				r.release(int64(len(b)))
				continue
			}
			r.queue <- queued{rejected: []model.LogEvent{ev}, size: int64(len(b))}
			continue
		}
		r.m.parsed.WithLabelValues("udp").Inc()
		spans := mapDocument(project, d, segment.Text(bytes.TrimSpace(body)))
		r.queue <- queued{spans: spans, size: int64(len(b))}
	}
}

// collect groups queued documents into batches of up to MaxBatchSpans
// items, sending a smaller one MaxBatchDelay after its first item came. It
// keeps filling the next batch while the submitter is busy. When the queue
// is closed it sends what it holds and closes out.
func (r *Receiver) collect(out chan<- batch) {
	defer close(out)
	var cur batch
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	due := false
	in := r.queue
	for {
		full := cur.items() >= r.cfg.MaxBatchSpans
		if in == nil && cur.items() == 0 {
			return
		}
		recv := in
		if full {
			recv = nil
		}
		var send chan<- batch
		if cur.items() > 0 && (due || full || in == nil) {
			send = out
		}
		select {
		case q, ok := <-recv:
			if !ok {
				in = nil
				continue
			}
			if cur.items() == 0 {
				timer.Reset(r.cfg.MaxBatchDelay)
				due = false
			}
			if cur.spans == nil && len(q.spans) > 0 {
				cur.spans = make([]model.Span, 0, max(r.cfg.MaxBatchSpans, len(q.spans)))
			}
			cur.spans = append(cur.spans, q.spans...)
			cur.logs = append(cur.logs, q.rejected...)
			cur.size += q.size
		case send <- cur:
			cur = batch{}
			timer.Stop()
			due = false
		case <-timer.C:
			due = true
		}
	}
}

// submitAll submits batches one at a time, in arrival order, so that a
// document sent twice (in progress, then complete) is committed in order.
func (r *Receiver) submitAll(in <-chan batch) {
	for b := range in {
		r.submit(b)
		r.release(b.size)
	}
}

// submit hands one batch to the sink, retrying retryable errors with
// exponential backoff until Shutdown runs out of time. Meanwhile the queue
// fills and new datagrams are dropped, which bounds memory.
func (r *Receiver) submit(b batch) {
	backoff := r.cfg.RetryBackoff
	mb := &model.Batch{Spans: b.spans, Logs: b.logs}
	for {
		if err := r.stopCtx.Err(); err != nil {
			r.giveUp(b, err)
			return
		}
		res, err := r.sink.Submit(r.stopCtx, mb)
		if err == nil {
			r.m.spansCommitted.Add(float64(len(b.spans) - spansRefused(res.Rejected)))
			return
		}
		if !pipeline.IsRetryable(err) || r.stopCtx.Err() != nil {
			r.giveUp(b, err)
			return
		}
		r.m.retries.Inc()
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-r.stopCtx.Done():
			t.Stop()
			r.giveUp(b, err)
			return
		}
		backoff = min(2*backoff, r.cfg.MaxRetryBackoff)
	}
}

// spansRefused counts the spans among the sink's refusals.
func spansRefused(rej []pipeline.Rejection) int {
	n := 0
	for _, x := range rej {
		if x.Kind == kindSpan {
			n++
		}
	}
	return n
}

// giveUp counts a batch that will not be committed. A sink error was
// already counted by the sink; one cut short by Shutdown is counted here.
func (r *Receiver) giveUp(b batch, err error) {
	r.m.spansFailed.Add(float64(len(b.spans)))
	r.log.Warn("xray: spans not committed", "spans", len(b.spans), "rejected_documents", len(b.logs), "err", err)
	if r.stopCtx.Err() != nil {
		what := fmt.Sprintf("%d spans", len(b.spans))
		if len(b.logs) > 0 {
			what += fmt.Sprintf(" and %d records of rejected documents", len(b.logs))
		}
		r.refuseBatch(b, "shutting_down", fmt.Sprintf("%s not committed before shutdown: %v", what, err))
	}
}
