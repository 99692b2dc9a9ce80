// Package xray receives AWS X-Ray segment documents — over the daemon's UDP
// protocol and through the PutTraceSegments API — and turns each into spans
// of the shared model with package segment (docs/xray-mapping.md has the
// mapping). A refused document becomes a log event recording why
// (rejected.go), committed with the spans. UDP documents go to the sink
// through a pipeline.Intake, which batches them; an API request is
// answered after its documents were committed. The other X-Ray operations
// (reads, sampling) are served by internal/receiver/xrayapi.
package xray

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// Sink takes what the receiver produced. Submit commits a batch durably
// before returning (items listed in the result's Rejected were refused);
// on error nothing is guaranteed committed and pipeline.IsRetryable tells
// whether a resend may succeed. Rejected records items refused before
// submission (kind "span", or "log" for records of refused documents lost
// at shutdown; n items; service empty when unknown).
// *pipeline.Pipeline implements it.
type Sink interface {
	Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error)
	Rejected(kind, project, service, reason, message string, n int)
}

// Receiver serves the X-Ray daemon protocol on UDP and PutTraceSegments
// through Handler. It is safe for concurrent use.
type Receiver struct {
	cfg  Config
	sink Sink
	log  *slog.Logger
	m    *metrics

	// intake decodes, batches and submits the datagrams read (udp.go).
	intake *pipeline.Intake
	// records bounds the refused documents kept as log records.
	records *recordBudget
	// warnedRemote is set once a datagram from a non-loopback sender was
	// refused and logged.
	warnedRemote atomic.Bool
	// udp is what became of the datagrams, told in the log at shutdown.
	udp udpAccount

	stopCtx context.Context // cancelled when Shutdown is done waiting
	stop    context.CancelFunc

	mu      sync.Mutex // guards the fields below
	conn    *net.UDPConn
	serving bool
	closed  bool
	done    chan struct{} // closed when Serve returns
}

// New builds a receiver that hands spans to sink. It binds nothing until
// Listen; Handler works without Listen.
func New(cfg Config, sink Sink) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, errors.New("xray: nil sink")
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Receiver{cfg: cfg, sink: sink, log: cfg.Logger, m: m, done: make(chan struct{}),
		records: newRecordBudget(cfg.RejectedRecordBurst, cfg.RejectedRecordsPerSecond)}
	if r.log == nil {
		r.log = slog.Default()
	}
	icfg := pipeline.IntakeConfig{MaxBatchItems: cfg.MaxBatchSpans, MaxBatchDelay: cfg.MaxBatchDelay,
		QueueLen: cfg.QueueDocuments, MaxBytes: cfg.MaxQueueBytes, RetryBackoff: cfg.RetryBackoff,
		MaxRetryBackoff: cfg.MaxRetryBackoff}
	if r.intake, err = pipeline.NewIntake(icfg, r.decodePayload, sink, udpObserver{r}); err != nil {
		return nil, err
	}
	stopCtx, cancel := context.WithCancel(context.Background())
	r.stopCtx, r.stop = stopCtx, func() { cancel(); r.intake.Abandon() }
	return r, nil
}

// Listen binds Config.UDPAddr, so that UDPAddr reports the bound address
// (useful with port 0) and a port conflict shows before Serve. With an
// empty UDPAddr it does nothing.
func (r *Receiver) Listen() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return errors.New("xray: listen after shutdown")
	case r.conn != nil:
		return errors.New("xray: already listening")
	case r.cfg.UDPAddr == "":
		return nil
	}
	addr, err := net.ResolveUDPAddr("udp", r.cfg.UDPAddr)
	if err != nil {
		return fmt.Errorf("xray udp address %s: %w", r.cfg.UDPAddr, err)
	}
	conn, err := net.ListenUDP("udp", addr)
	if err != nil {
		return fmt.Errorf("xray udp listen on %s: %w", r.cfg.UDPAddr, err)
	}
	if r.cfg.SocketBufferBytes > 0 {
		if err := conn.SetReadBuffer(r.cfg.SocketBufferBytes); err != nil {
			r.log.Warn("xray: cannot set the UDP receive buffer", "bytes", r.cfg.SocketBufferBytes, "err", err)
		}
	}
	r.conn = conn
	return nil
}

// UDPAddr is the bound UDP address, or nil when not listening.
func (r *Receiver) UDPAddr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil {
		return nil
	}
	return r.conn.LocalAddr()
}

// Serve reads datagrams and submits their spans in batches until Shutdown,
// then submits what it still holds and returns nil; it returns an error if
// reading fails. Without a UDP listener (empty UDPAddr) it just waits for
// Shutdown. Call Listen first.
func (r *Receiver) Serve() error {
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return nil
	case r.serving:
		r.mu.Unlock()
		return errors.New("xray: already serving")
	case r.conn == nil && r.cfg.UDPAddr != "":
		r.mu.Unlock()
		return errors.New("xray: Serve before Listen")
	}
	r.serving = true
	conn := r.conn
	r.mu.Unlock()
	defer close(r.done)
	if conn == nil {
		<-r.stopCtx.Done()
		return nil
	}

	var wg sync.WaitGroup
	wg.Go(r.intake.Run)
	err := r.read(conn)
	_ = conn.Close()
	r.intake.Close() // read was the only one offering
	wg.Wait()
	r.udp.report(r.log)
	return err
}

// Shutdown stops reading, then waits until the documents already received
// were submitted, or until ctx is done: then it gives up on them (counted
// as rejected "shutting_down") and returns ctx's error.
func (r *Receiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	conn, serving := r.conn, r.serving
	r.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
	if !serving {
		r.stop()
		return nil
	}
	if conn == nil {
		r.stop() // Serve only waits for it
	}
	select {
	case <-r.done:
		r.stop()
		return nil
	case <-ctx.Done():
		r.stop()
		<-r.done
		return fmt.Errorf("xray shutdown: %w", ctx.Err())
	}
}

func (r *Receiver) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// projectFor is the project of documents received over UDP, which carry
// no credentials: model.DefaultProject. (PutTraceSegments takes the
// project its Guard granted.)
func projectFor(accessKeyID string) string {
	_ = accessKeyID
	return model.DefaultProject
}

// refuse counts a document that could not be used and, when the refusal
// is about its content, returns the log event that keeps it (see
// rejectedEvent) for the caller to submit. transport is the metric label;
// raw is the document or datagram as received.
func (r *Receiver) refuse(transport, project string, e *docError, raw []byte) (model.LogEvent, bool) {
	r.m.rejected.WithLabelValues(transport, e.reason).Inc()
	r.sink.Rejected(kindSpan, project, e.service, e.reason, e.msg, 1)
	r.log.Debug("xray: segment document rejected", "transport", transport, "reason", e.reason, "err", e.msg)
	if !keepsRejection(e.reason) {
		return model.LogEvent{}, false
	}
	if !r.records.take(time.Now()) {
		r.m.recordsSkipped.WithLabelValues(transport).Inc()
		return model.LogEvent{}, false
	}
	name := TransportUDP
	if transport == "http" {
		name = TransportAPI
	}
	return rejectedEvent(project, name, e, raw, time.Now()), true
}

// refuseBatch counts the items of a batch given up after parsing, per
// project, kind and service.
func (r *Receiver) refuseBatch(b *model.Batch, reason, msg string) {
	type key struct{ kind, project, service string }
	counts := map[key]int{}
	for i := range b.Spans {
		counts[key{kindSpan, b.Spans[i].Project, b.Spans[i].Service()}]++
	}
	for i := range b.Logs {
		counts[key{kindLog, b.Logs[i].Project, b.Logs[i].Service()}]++
	}
	for k, n := range counts {
		r.sink.Rejected(k.kind, k.project, k.service, reason, msg, n)
	}
}

// The item kinds the pipeline and the tally count under.
const (
	kindSpan = "span"
	kindLog  = "log" // the records of rejected documents
)
