package logsearch

import (
	"context"
	"math"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// latestEvent is how far ahead of now an event's time can be: PutLogEvents
// refuses events more than two hours in the future.
const latestEvent = 2 * time.Hour

// filterWindowed runs a search whose prefilter the store evaluates in time
// windows that double from one hour, so that each query makes DuckDB parse
// only one window's messages (a JSON test cannot stop early: the page is a
// top-N). After Config.WindowBudget it answers with what it found and a
// position at the end of the last window read.
func (s *Service) filterWindowed(ctx context.Context, pattern *cwpattern.Pattern, sq store.GroupEventQuery,
	q FilterQuery) (FilterPage, error) {
	lo, hi := sq.StartNano, sq.EndNano
	if sq.After != nil {
		lo = max(lo, sq.After.TimeNano)
	}
	if lo == 0 {
		first, err := s.firstEventNano(ctx, sq)
		if err != nil || first == 0 {
			return FilterPage{}, err
		}
		lo = first
	}
	page := FilterPage{Events: []store.GroupEvent{}}
	if hi == 0 {
		hi = s.now().Add(latestEvent + time.Millisecond).UnixNano()
	}
	p := pager{limit: q.Limit, maxBytes: q.MaxBytes}
	t0 := time.Now()
	for w := int64(time.Hour); lo < hi; w *= 2 {
		sq.StartNano, sq.EndNano = lo, min(hi, lo+w)
		for {
			sq.Limit = q.Limit - len(page.Events)
			read := 0
			for e, err := range s.events.GroupEvents(ctx, sq) {
				if err != nil {
					return FilterPage{}, err
				}
				read++
				at := e.EventPosition
				sq.After = &at
				if pattern.Match(e.Message) && p.add(&page, e) {
					page.Next = &at
					return page, nil
				}
			}
			if read < sq.Limit {
				break // the window is exhausted
			}
		}
		lo = sq.EndNano
		if lo < hi && time.Since(t0) > s.cfg.WindowBudget {
			// Resume after every event before lo.
			page.Next = &store.EventPosition{TimeNano: lo - 1, ObservedNano: math.MaxInt64}
			return page, nil
		}
	}
	return page, nil
}

// firstEventNano is the earliest event time of the streams sq reads (0:
// none has events).
func (s *Service) firstEventNano(ctx context.Context, sq store.GroupEventQuery) (int64, error) {
	streams, err := s.meta.ListLogStreams(ctx, store.LogStreamList{Project: sq.Project, Group: sq.Group, Prefix: sq.StreamPrefix})
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
