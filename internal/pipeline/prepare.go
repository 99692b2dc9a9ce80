package pipeline

import (
	"context"

	"lookout/internal/model"
)

// Preparer is implemented by a store.Writer that can split a write in two:
// Prepare does the CPU work that needs no lock (encoding rows) and runs in
// Submit, on the clients' goroutines, many at once; WritePrepared then only
// appends and commits, on the single committer. Without it, the committer
// does all of Write's work while the other cores idle.
type Preparer interface {
	// Prepare turns b into what WritePrepared takes. It is called
	// concurrently. An error means b cannot be stored as it is.
	Prepare(b *model.Batch) (any, error)
	// WritePrepared commits prepared batches together, with Write's
	// guarantees for their concatenation.
	WritePrepared(ctx context.Context, prepared []any) error
}

// countKey is what accepted and refused items are counted by.
type countKey struct{ kind, project, service string }

// counts are a request's items per key: kind only when nothing is tallied.
type counts map[countKey]int

// countBatch counts b's items, per project and service when detail is set.
// The items of one resource are usually adjacent, so runs are counted before
// touching the map.
func countBatch(b *model.Batch, detail bool) counts {
	c := counts{}
	if !detail {
		if len(b.Spans) > 0 {
			c[countKey{kind: "span"}] = len(b.Spans)
		}
		if len(b.Logs) > 0 {
			c[countKey{kind: "log"}] = len(b.Logs)
		}
		if len(b.Metrics) > 0 {
			c[countKey{kind: "metric"}] = len(b.Metrics)
		}
		return c
	}
	var last countKey
	run := 0
	add := func(k countKey) {
		if k != last {
			if run > 0 {
				c[last] += run
			}
			last, run = k, 0
		}
		run++
	}
	for i := range b.Spans {
		add(countKey{"span", b.Spans[i].Project, b.Spans[i].Service()})
	}
	for i := range b.Logs {
		add(countKey{"log", b.Logs[i].Project, b.Logs[i].Service()})
	}
	for i := range b.Metrics {
		add(countKey{"metric", b.Metrics[i].Project, b.Metrics[i].Service()})
	}
	if run > 0 {
		c[last] += run
	}
	return c
}

func (c counts) each(fn func(k countKey, n int)) {
	for k, n := range c {
		fn(k, n)
	}
}
