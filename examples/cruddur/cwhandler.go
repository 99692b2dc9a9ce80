package cruddur

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// cwHandler is a log/slog handler for CloudWatch Logs, after Python's
// watchtower: each record becomes one JSON log event, queued and sent in
// batches by a cwShipper. A record logged with a request's context carries
// the request's trace id (trace_id, 32 hex digits, and xray_trace_id, the
// same id in X-Ray form) in its message, so a FilterLogEvents search for
// the id finds the request's lines and Lookout links them to the trace.
// Under WithGroup the ids go into the group, where Lookout does not look:
// the request log uses no groups.
type cwHandler struct {
	ship  *cwShipper
	level slog.Leveler
	fmt   *cwFormat
	inner slog.Handler // a JSON handler writing into fmt.buf
}

// cwFormat is the buffer every derived handler formats into, one record
// at a time.
type cwFormat struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newCWHandler(ship *cwShipper, level slog.Leveler) *cwHandler {
	f := &cwFormat{}
	return &cwHandler{ship: ship, level: level, fmt: f,
		inner: slog.NewJSONHandler(&f.buf, &slog.HandlerOptions{Level: level})}
}

func (h *cwHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *cwHandler) Handle(ctx context.Context, r slog.Record) error {
	if hex, xid := traceIDsOf(ctx); hex != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("trace_id", hex), slog.String("xray_trace_id", xid))
	}
	h.fmt.mu.Lock()
	h.fmt.buf.Reset()
	err := h.inner.Handle(ctx, r)
	msg := string(bytes.TrimRight(h.fmt.buf.Bytes(), "\n"))
	h.fmt.mu.Unlock()
	if err != nil {
		return err
	}
	h.ship.put(r.Time, msg)
	return nil
}

func (h *cwHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.inner = h.inner.WithAttrs(as)
	return &c
}

func (h *cwHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.inner = h.inner.WithGroup(name)
	return &c
}
