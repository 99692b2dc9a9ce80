package logsearch

import (
	"context"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// FilterQuery asks for one page of the events of a log group that match a
// filter pattern, in (time, ingestion, stream) order.
type FilterQuery struct {
	Project, Group string
	// Streams restricts the search to these streams, StreamPrefix to the
	// streams whose name starts with it.
	Streams            []string
	StreamPrefix       string
	StartNano, EndNano int64 // [start, end) of the event time; 0: unbounded
	// Pattern selects the events; nil matches every event.
	Pattern *cwpattern.Pattern
	// After, when set, resumes the search after that position.
	After *store.EventPosition
	// Limit bounds the events of the page (0: maxPageEvents); MaxBytes
	// bounds Σ (message bytes + 26) (0: unbounded).
	Limit, MaxBytes int
}

// maxPageEvents is the page size of a FilterQuery without a Limit, the
// largest the API allows.
const maxPageEvents = 10_000

// FilterPage is a page of matching events. Next, when set, is where the
// search resumes; nil means every matching event has been returned. A page
// may end before Limit, even empty, with Next set, when the search ran out
// of its scan or time budget.
type FilterPage struct {
	Events []store.GroupEvent
	Next   *store.EventPosition
}

// maxPushedSpan is the widest time range over which a JSON pattern's
// prefilter runs in the store in one query: DuckDB parses every message of
// the range for a JSON test before it can sort out a page (~10 s over 10M
// events), so wider ranges are read in time windows.
const maxPushedSpan = 24 * time.Hour

// Filter reads one page of matching events. The store evaluates what it can
// of the pattern (its required terms or its prefilter, a superset of the
// matches); Pattern.Match decides on every event read. A search reads at
// most Config.ScanEvents events per call.
func (s *Service) Filter(ctx context.Context, q FilterQuery) (FilterPage, error) {
	pattern := q.Pattern
	if pattern == nil {
		pattern, _ = cwpattern.Parse("")
	}
	if q.Limit <= 0 {
		q.Limit = maxPageEvents
	}
	sq := store.GroupEventQuery{Project: q.Project, Group: q.Group, Streams: q.Streams,
		StreamPrefix: q.StreamPrefix, StartNano: q.StartNano, EndNano: q.EndNano,
		Contains: pattern.Required(), After: q.After}
	pre := pattern.Prefilter()
	if pre != nil {
		sq.Contains, sq.Match = nil, pre // the prefilter holds the terms
		if pattern.Kind() == cwpattern.KindJSON && !narrow(q.StartNano, q.EndNano, s.now()) {
			return s.filterWindowed(ctx, pattern, sq, q)
		}
	}
	// Read in chunks, each resuming after the last: DuckDB then sorts small
	// top-N sets instead of the whole scan budget. A pattern the store
	// filters (terms and JSON equalities pushed down) needs chunks of a
	// page; one matched in Go only, larger ones.
	chunk := max(q.Limit, 1000)
	if pattern.Kind() != cwpattern.KindAll && pattern.Required() == nil && pre == nil {
		chunk = max(q.Limit, 10_000)
	}
	page := FilterPage{Events: []store.GroupEvent{}}
	scanned, p, full, more := 0, pager{limit: q.Limit, maxBytes: q.MaxBytes}, false, true
	for more && !full && scanned < s.cfg.ScanEvents {
		sq.Limit = min(chunk, s.cfg.ScanEvents-scanned)
		read := 0
		for e, err := range s.events.GroupEvents(ctx, sq) {
			if err != nil {
				return FilterPage{}, err
			}
			read++
			at := e.EventPosition
			sq.After = &at
			if pattern.Match(e.Message) && p.add(&page, e) {
				full = true
				break
			}
		}
		scanned += read
		more = read == sq.Limit
	}
	if full || more {
		// More may follow: the page is full, or the scan budget ran out
		// (then the page may even be empty, as the service allows).
		page.Next = sq.After
	}
	return page, nil
}

// pager fills a page up to its event and byte limits.
type pager struct {
	limit, maxBytes, bytes int
}

// add appends e and reports whether the page is now full.
func (p *pager) add(page *FilterPage, e store.GroupEvent) bool {
	page.Events = append(page.Events, e)
	p.bytes += len(e.Message) + eventOverhead
	return len(page.Events) == p.limit || p.maxBytes > 0 && p.bytes >= p.maxBytes
}

// narrow reports whether [start, end) (ns, 0: unbounded; end defaults to
// now) spans at most maxPushedSpan.
func narrow(start, end int64, now time.Time) bool {
	if end == 0 {
		end = now.UnixNano()
	}
	return start != 0 && end-start <= int64(maxPushedSpan)
}
