package xray

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync/atomic"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/xray/segment"
)

// The UDP path: read (socket) → the intake (pipeline.Intake: decode →
// batch → submit to the sink). The intake bounds what it holds; the
// receiver reads, decodes and counts.

// read takes datagrams off the socket until it is closed and offers them
// to the intake without waiting. Keeping this loop short drains the socket
// fast, so that under overload datagrams are dropped here, where they are
// counted ("overloaded"), rather than silently by the kernel. Each payload
// offered is the sender's address (sourceLen bytes) and the datagram.
func (r *Receiver) read(conn *net.UDPConn) error {
	buf := make([]byte, sourceLen+MaxDocumentBytes+1) // one byte more tells oversize
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf[sourceLen:])
		if err != nil {
			if errors.Is(err, net.ErrClosed) && r.isClosed() {
				return nil
			}
			return fmt.Errorf("xray udp read: %w", err)
		}
		r.m.received.WithLabelValues("udp").Inc()
		r.udp.read.Add(1)
		if !r.cfg.UDPFromAnyone && !from.Addr().Unmap().IsLoopback() {
			r.refuseSender(from)
			continue
		}
		putSource(buf, from)
		// An oversize datagram is offered too: decode refuses it and keeps
		// its excerpt; it is held like any other meanwhile.
		if r.intake.Offer(buf[:sourceLen+n]) {
			continue
		}
		r.m.rejected.WithLabelValues("udp", "overloaded").Inc()
		r.udp.dropped.Add(1)
		r.sink.Rejected(kindSpan, projectFor(""), "", "overloaded", "receiver queue is full, datagram dropped", 1)
	}
}

// refuseSender counts a datagram from a sender the daemon protocol does
// not serve, and says why in the log once.
func (r *Receiver) refuseSender(from netip.AddrPort) {
	const msg = "datagram from a non-loopback sender refused: the X-Ray daemon protocol carries no credentials"
	r.m.rejected.WithLabelValues("udp", "forbidden").Inc()
	r.sink.Rejected(kindSpan, projectFor(""), "", "forbidden", msg, 1)
	if r.warnedRemote.CompareAndSwap(false, true) {
		r.log.Warn("xray: "+msg+"; run the AWS X-Ray daemon beside the application, sending to Lookout's X-Ray API with --aws-access-keys, or pass --insecure-allow-anyone",
			"from", from.String())
	}
}

// sourceLen is the size of a sender's address ahead of its datagram in a
// payload: 16 bytes of IPv6 (IPv4 mapped) address, 2 of port.
const sourceLen = 18

func putSource(buf []byte, from netip.AddrPort) {
	a := from.Addr().As16()
	copy(buf, a[:])
	binary.BigEndian.PutUint16(buf[16:sourceLen], from.Port())
}

// decodePayload decodes a payload of read: the sender's address, then the
// datagram.
func (r *Receiver) decodePayload(p []byte) (model.Batch, bool) {
	if len(p) < sourceLen {
		return r.decodeFrom(p, "")
	}
	from := netip.AddrPortFrom(netip.AddrFrom16([16]byte(p[:16])).Unmap(), binary.BigEndian.Uint16(p[16:sourceLen]))
	return r.decodeFrom(p[sourceLen:], from.String())
}

// decode turns a datagram into spans, or a refused one into the record of
// its refusal; keep is false for a refusal not worth a record.
func (r *Receiver) decode(datagram []byte) (model.Batch, bool) { return r.decodeFrom(datagram, "") }

// decodeFrom decodes a datagram sent from source (host:port, "" when not
// known), which the spans of a segment carry on their resource
// (AttrUDPSource): the socket a process sends from tells its segments
// apart from other processes' whatever names they have.
func (r *Receiver) decodeFrom(datagram []byte, source string) (model.Batch, bool) {
	project := projectFor("")
	doc := datagram
	body, e := splitDatagram(datagram)
	var d *document
	if e == nil {
		doc = body
		d, e = parseDocument(body)
	}
	if e != nil {
		ev, keep := r.refuse("udp", project, e, doc)
		if !keep {
			return model.Batch{}, false
		}
		return model.Batch{Logs: []model.LogEvent{ev}}, true
	}
	r.m.parsed.WithLabelValues("udp").Inc()
	spans := mapDocument(project, d, segment.Text(bytes.TrimSpace(body)))
	if source != "" && len(spans) > 0 && len(spans[0].Resource.Attributes) > 0 {
		res := spans[0].Resource
		res.Attributes = append(slices.Clip(res.Attributes), model.KeyValue{Key: AttrUDPSource, Value: model.StringValue(source)})
		for i := range spans {
			spans[i].Resource = res
		}
	}
	return model.Batch{Spans: spans}, true
}

// AttrUDPSource is the resource attribute holding the address (host:port)
// a segment's datagram came from. Independent subsegments, which have no
// resource, do not carry it.
const AttrUDPSource = "xray.udp.source"

// udpObserver keeps the receiver's account of what the intake did.
type udpObserver struct{ r *Receiver }

func (o udpObserver) Held(delta int64) { o.r.m.queueBytes.Add(float64(delta)) }

func (o udpObserver) Committed(b *model.Batch, res pipeline.Result) {
	n := len(b.Spans) - spansRefused(res.Rejected)
	o.r.m.spansCommitted.Add(float64(n))
	o.r.udp.committed.Add(int64(n))
}

func (o udpObserver) Retrying(*model.Batch, error) { o.r.m.retries.Inc() }

// GaveUp counts a batch that will not be committed. A sink error was
// already counted by the sink; one cut short by Shutdown is counted here.
func (o udpObserver) GaveUp(b *model.Batch, err error, abandoned bool) {
	r := o.r
	r.m.spansFailed.Add(float64(len(b.Spans)))
	r.udp.failed.Add(int64(len(b.Spans)))
	r.log.Warn("xray: spans not committed", "spans", len(b.Spans), "rejected_documents", len(b.Logs), "err", err)
	if abandoned {
		what := fmt.Sprintf("%d spans", len(b.Spans))
		if len(b.Logs) > 0 {
			what += fmt.Sprintf(" and %d records of rejected documents", len(b.Logs))
		}
		r.refuseBatch(b, "shutting_down", fmt.Sprintf("%s not committed before shutdown: %v", what, err))
	}
}

// Panicked counts and logs a datagram whose decoding panicked (a bug of
// Lookout's, not the sender's): it is dropped, the receiver goes on.
func (o udpObserver) Panicked(payload []byte, v any, stack []byte) {
	r := o.r
	r.m.rejected.WithLabelValues("udp", "internal").Inc()
	r.udp.dropped.Add(1)
	r.sink.Rejected(kindSpan, projectFor(""), "", "internal", fmt.Sprintf("decoding the datagram failed: %v", v), 1)
	r.log.Error("xray: decoding a datagram panicked", "panic", fmt.Sprint(v), "bytes", len(payload), "stack", string(stack))
}

// udpAccount counts what became of the datagrams since the start. UDP has
// no acknowledgement: what the daemon protocol is promised is that every
// datagram read is committed before a graceful stop ends, and this account,
// logged then, is how an operator (and test/compat) sees it was.
type udpAccount struct {
	read      atomic.Int64 // datagrams taken off the socket
	dropped   atomic.Int64 // refused for want of room in the intake, or whose decoding panicked
	committed atomic.Int64 // spans committed
	failed    atomic.Int64 // spans given up (permanent error, or shutdown cut short)
}

func (a *udpAccount) report(log *slog.Logger) {
	level := slog.LevelInfo
	if a.failed.Load() > 0 {
		level = slog.LevelWarn
	}
	log.Log(context.Background(), level, "xray: udp stopped", "datagrams_read", a.read.Load(),
		"datagrams_dropped", a.dropped.Load(), "spans_committed", a.committed.Load(), "spans_not_committed", a.failed.Load())
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
