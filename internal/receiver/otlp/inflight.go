package otlp

import (
	"sync/atomic"

	"golang.org/x/sync/semaphore"

	"lookout/internal/pipeline"
)

// inflight bounds the request bytes held at once, from the first byte read
// until the answer, however many clients send at the same time; the
// pipeline's queue bound applies on top. A request is charged for what it
// has actually delivered, never for what it announces, so a client that
// stalls mid-body holds no more than it sent. Beyond the bound a request is
// refused at once with the retryable overload error.
type inflight struct {
	sem  *semaphore.Weighted
	held *atomic.Int64 // bytes charged right now, for the metrics
}

func newInflight(maxBytes int) inflight {
	return inflight{semaphore.NewWeighted(int64(maxBytes)), new(atomic.Int64)}
}

// charge is one request's claim on the budget. It is not safe for
// concurrent use; release it exactly once.
type charge struct {
	f     inflight
	limit int64 // never claims more than this
	n     int64 // claimed so far
}

// charge starts an empty claim of at most limit bytes.
func (f inflight) charge(limit int) *charge { return &charge{f: f, limit: int64(limit)} }

// cover makes the claim cover size bytes, or returns pipeline.ErrOverloaded
// when the budget cannot; what was claimed before stays claimed. The caller
// refuses sizes beyond the limit itself.
func (c *charge) cover(size int64) error {
	want := min(size, c.limit)
	if want <= c.n {
		return nil
	}
	if !c.f.sem.TryAcquire(want - c.n) {
		return pipeline.ErrOverloaded
	}
	c.f.held.Add(want - c.n)
	c.n = want
	return nil
}

// exact claims exactly n more bytes (at least one), for a message that has
// already arrived whole.
func (c *charge) exact(n int64) error {
	n = max(n, 1)
	if !c.f.sem.TryAcquire(n) {
		return pipeline.ErrOverloaded
	}
	c.f.held.Add(n)
	c.n += n
	return nil
}

// release gives back everything claimed.
func (c *charge) release() {
	if c.n > 0 {
		c.f.sem.Release(c.n)
		c.f.held.Add(-c.n)
		c.n = 0
	}
}
