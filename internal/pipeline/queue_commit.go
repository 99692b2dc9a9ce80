package pipeline

import (
	"context"
	"fmt"
	"time"
)

// Run commits queued requests until ctx is done, then refuses new ones and
// commits what is already queued before returning.
func (q *Queue[T, R]) Run(ctx context.Context) {
	defer close(q.stopped)
	for {
		// A request already queued when the previous commit ends has
		// waited for it: the committer is the bottleneck, so grouping
		// pays (see group).
		select {
		case e := <-q.queue:
			q.commit(q.group(ctx, e, true))
			continue
		default:
		}
		select {
		case e := <-q.queue:
			q.commit(q.group(ctx, e, false))
		case <-ctx.Done():
			q.mu.Lock()
			q.closed = true
			q.mu.Unlock()
			for {
				select {
				case e := <-q.queue:
					q.commit(q.group(ctx, e, false))
				default:
					return
				}
			}
		}
	}
}

// group adds to first whatever else is queued, up to MaxCommitItems: the
// group commit. Under load (the previous commit held more than one request)
// it also collects what arrives within MaxWait: the submitters served by the
// previous commit are likely to send again, and one commit then serves them
// all instead of alternating half-full commits. When first had to wait for
// the previous commit (queued) although that one held a single request, it
// waits, within MaxWait, for one more: two clients with one request in
// flight each would otherwise get a commit each, and a commit's cost is
// mostly fixed. A request on an idle committer is committed at once, and ctx
// ends the waiting.
func (q *Queue[T, R]) group(ctx context.Context, first entry[T, R], queued bool) []entry[T, R] {
	group := []entry[T, R]{first}
	items := first.room.items
	var wait <-chan time.Time
	loaded := q.last > 1 || (queued && q.last > 0) // q.last == 0: no commit yet to have waited for
	if loaded && q.cfg.MaxWait > 0 && ctx.Err() == nil {
		t := time.NewTimer(q.cfg.MaxWait)
		defer t.Stop()
		wait = t.C
	}
	enough := 0 // no early end: wait out MaxWait
	if q.last <= 1 {
		enough = 2
	}
	for items < q.cfg.MaxCommitItems {
		select {
		case e := <-q.queue:
			group = append(group, e)
			items += e.room.items
			continue
		default:
		}
		if wait == nil || (enough > 0 && len(group) >= enough) {
			break
		}
		select {
		case e := <-q.queue:
			group = append(group, e)
			items += e.room.items
		case <-wait:
			wait = nil
		case <-ctx.Done():
			wait = nil
		}
	}
	q.last = len(group)
	return group
}

// commit writes a group, settles each request, gives its room back and
// answers it, in that order: a submitter that got its answer finds the
// accounting done.
func (q *Queue[T, R]) commit(group []entry[T, R]) {
	payloads := make([]T, len(group))
	var room Reservation
	for i, e := range group {
		payloads[i] = e.p
		room.items += e.room.items
		room.bytes += e.room.bytes
	}
	start := time.Now()
	results, err := q.c.Commit(context.Background(), payloads)
	q.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	q.metrics.commitItems.Observe(float64(room.items))
	if err == nil && results != nil && len(results) != len(group) {
		err = fmt.Errorf("committer returned %d results for %d requests", len(results), len(group))
	}
	if err != nil && len(group) > 1 && q.cfg.SplitOnError {
		for _, e := range group {
			q.commit([]entry[T, R]{e})
		}
		return
	}
	if err != nil {
		err = Retryable(fmt.Errorf("commit of %d items: %w", room.items, err))
		q.log.Error("commit failed", "items", room.items, "err", err)
	}
	if q.settler != nil {
		for _, p := range payloads {
			q.settler.Settle(p, err)
		}
	}
	q.Release(room)
	for i, e := range group {
		var o outcome[R]
		if o.err = err; err == nil && results != nil {
			o.r = results[i]
		}
		e.done <- o
	}
}
