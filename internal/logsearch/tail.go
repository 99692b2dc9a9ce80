package logsearch

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

// Live tail bounds, as the CloudWatch Logs service sets them.
const (
	// TailEvery is how often a tail polls the store and reports.
	TailEvery = time.Second
	// TailMaxEvents bounds the events of one update; more are sampled.
	TailMaxEvents = 500
	// TailLookback is how old (event time) at its arrival an event may be
	// and still be followed: a poll reads the events of the groups' streams
	// that took new events, over the last TailLookback.
	TailLookback = time.Hour
	// tailScan bounds the events one poll reads per group.
	tailScan = 50_000
	// tailOverlap is how far before the newest ingestion seen a poll looks
	// again: events are stamped on arrival and committed in batches, so a
	// batch stamped earlier may become visible after a later one.
	tailOverlap = 5 * time.Second
)

// TailQuery follows the events that arrive in log groups.
type TailQuery struct {
	Project string
	Groups  []string
	// Streams restricts to these streams, StreamPrefixes to the streams
	// whose name starts with one of them (at most one of the two is set).
	Streams        []string
	StreamPrefixes []string
	// Pattern selects the events; nil matches every event.
	Pattern *cwpattern.Pattern
	// Every is the poll period (0: TailEvery).
	Every time.Duration
}

// TailEvent is an event a tail found, with its group.
type TailEvent struct {
	Group string
	store.GroupEvent
}

// TailUpdate is what one poll found: at most TailMaxEvents events in
// (ingestion, time) order, a sample of them when Sampled.
type TailUpdate struct {
	Events  []TailEvent
	Sampled bool
}

// Tail follows the events ingested after it starts that q selects, and
// calls emit once per poll that found some, until ctx ends (then it
// returns nil) or emit or the store fails.
func (s *Service) Tail(ctx context.Context, q TailQuery, emit func(TailUpdate) error) error {
	every := cmp.Or(q.Every, TailEvery)
	if q.Pattern == nil {
		q.Pattern, _ = cwpattern.Parse("")
	}
	start := s.now().UnixNano()
	t := tailer{start: start, cursor: start, seen: map[store.EventPosition]bool{}}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		found, err := s.tailPoll(ctx, q, &t)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if len(found) == 0 {
			continue
		}
		if err := emit(sample(found)); err != nil {
			return err
		}
	}
}

// tailer is where a tail is: events ingested after cursor (ns) are new,
// but those of the overlap before it that were already seen.
type tailer struct {
	start  int64 // when the tail started
	cursor int64
	seen   map[store.EventPosition]bool
}

// tailPoll reads the new events of q and moves t past them.
func (s *Service) tailPoll(ctx context.Context, q TailQuery, t *tailer) ([]TailEvent, error) {
	var found []TailEvent
	from := max(t.cursor-int64(tailOverlap), t.start)
	for pos := range t.seen {
		if pos.ObservedNano <= from {
			delete(t.seen, pos)
		}
	}
	for _, g := range q.Groups {
		streams, err := s.freshStreams(ctx, q, g, from)
		if err != nil {
			return nil, err
		}
		if len(streams) == 0 {
			continue
		}
		sq := store.GroupEventQuery{Project: q.Project, Group: g, Streams: streams,
			StartNano: s.now().Add(-TailLookback).UnixNano(), Contains: q.Pattern.Required(),
			Limit: tailScan, Descending: true}
		for e, err := range s.events.GroupEvents(ctx, sq) {
			if err != nil {
				return nil, err
			}
			if e.ObservedNano <= from || t.seen[e.EventPosition] {
				continue
			}
			t.seen[e.EventPosition] = true
			t.cursor = max(t.cursor, e.ObservedNano)
			if q.Pattern.Match(e.Message) {
				found = append(found, TailEvent{g, e})
			}
		}
	}
	slices.SortFunc(found, func(a, b TailEvent) int {
		return cmp.Or(cmp.Compare(a.ObservedNano, b.ObservedNano), cmp.Compare(a.TimeNano, b.TimeNano))
	})
	return found, nil
}

// freshStreams lists the streams of a group that q selects and that took
// events since cursor (by their last ingestion time, in ms).
func (s *Service) freshStreams(ctx context.Context, q TailQuery, group string, cursor int64) ([]string, error) {
	all, err := s.meta.ListLogStreams(ctx, store.LogStreamList{Project: q.Project, Group: group})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range all {
		if (st.LastIngestionMillis+1)*1e6 <= cursor || !tailSelects(q, st.Name) {
			continue
		}
		out = append(out, st.Name)
	}
	return out, nil
}

func tailSelects(q TailQuery, stream string) bool {
	switch {
	case len(q.Streams) > 0:
		return slices.Contains(q.Streams, stream)
	case len(q.StreamPrefixes) > 0:
		return slices.ContainsFunc(q.StreamPrefixes, func(p string) bool { return strings.HasPrefix(stream, p) })
	}
	return true
}

// sample keeps at most TailMaxEvents events, evenly spread.
func sample(events []TailEvent) TailUpdate {
	if len(events) <= TailMaxEvents {
		return TailUpdate{Events: events}
	}
	out := make([]TailEvent, TailMaxEvents)
	for i := range out {
		out[i] = events[i*len(events)/TailMaxEvents]
	}
	return TailUpdate{Events: out, Sampled: true}
}
