package cwlogs

import (
	"context"
	"math"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// windowBudget is how long a windowed search reads before it answers with
// what it found and a token at the end of the last window read (a variable
// for tests).
var windowBudget = 2 * time.Second

// filterWindowed runs a search whose prefilter the store evaluates in time
// windows that double from one hour, so that each query makes DuckDB parse
// only one window's messages (a JSON test cannot stop early: the page is a
// top-N). It returns the matches and, when more may follow, the position
// to resume after.
func (h *Handler) filterWindowed(ctx context.Context, pattern *cwpattern.Pattern, q store.GroupEventQuery,
	limit int) ([]filteredEvent, *store.EventPosition, error) {
	lo, hi := q.StartNano, q.EndNano
	if q.After != nil {
		lo = max(lo, q.After.TimeNano)
	}
	if lo == 0 {
		first, err := h.firstEventNano(ctx, q)
		if err != nil || first == 0 {
			return nil, nil, err
		}
		lo = first
	}
	if hi == 0 {
		hi = h.now().Add(maxEventFuture + time.Millisecond).UnixNano()
	}
	out, bytes := []filteredEvent{}, 0
	t0 := time.Now()
	for w := int64(time.Hour); lo < hi; w *= 2 {
		q.StartNano, q.EndNano = lo, min(hi, lo+w)
		for {
			q.Limit = limit - len(out)
			read := 0
			for e, err := range h.events.GroupEvents(ctx, q) {
				if err != nil {
					return nil, nil, err
				}
				read++
				p := e.EventPosition
				q.After = &p
				if !pattern.Match(e.Message) {
					continue
				}
				out = append(out, filteredEvent{LogStreamName: e.Stream, Timestamp: e.TimeNano / 1e6,
					Message: e.Message, IngestionTime: e.ObservedNano / 1e6, EventID: eventID(p)})
				if bytes += len(e.Message) + eventOverhead; len(out) == limit || bytes >= maxPageBytes {
					return out, &p, nil
				}
			}
			if read < q.Limit {
				break // the window is exhausted
			}
		}
		lo = q.EndNano
		if lo < hi && time.Since(t0) > windowBudget {
			// Resume after every event before lo.
			return out, &store.EventPosition{TimeNano: lo - 1, ObservedNano: math.MaxInt64}, nil
		}
	}
	return out, nil, nil
}

// firstEventNano is the earliest event time of the streams q reads (0:
// none has events).
func (h *Handler) firstEventNano(ctx context.Context, q store.GroupEventQuery) (int64, error) {
	streams, err := h.meta.ListLogStreams(ctx, store.LogStreamList{Project: q.Project, Group: q.Group, Prefix: q.StreamPrefix})
	if err != nil {
		return 0, err
	}
	var first int64
	for _, st := range streams {
		if st.Events > 0 && (first == 0 || st.FirstEventMillis*1e6 < first) {
			first = st.FirstEventMillis * 1e6
		}
	}
	return first, nil
}
