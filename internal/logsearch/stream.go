package logsearch

import (
	"context"
	"slices"

	"lookout/internal/store"
)

// StreamQuery asks for one page of the events of one log stream.
type StreamQuery struct {
	Project, Group, Stream string
	StartNano, EndNano     int64 // [start, end) of the event time; 0: unbounded
	// Forward reads from the oldest events on, else from the newest back.
	Forward bool
	// From, when set, resumes after it (Forward) or before it.
	From *store.EventPosition
	// Limit bounds the events of the page; MaxBytes bounds Σ (message
	// bytes + 26), though a page holds at least one event. 0: unbounded.
	Limit, MaxBytes int
}

// StreamPage is a page of a stream's events, oldest first. Next and Prev
// are where the next page forward and backward resume: the page's last and
// first events, or, on an empty page, From (the zero position without it).
type StreamPage struct {
	Events     []store.GroupEvent
	Next, Prev store.EventPosition
}

// Stream reads one page of a stream in the direction asked.
func (s *Service) Stream(ctx context.Context, q StreamQuery) (StreamPage, error) {
	sq := store.GroupEventQuery{Project: q.Project, Group: q.Group, Streams: []string{q.Stream},
		StartNano: q.StartNano, EndNano: q.EndNano, Limit: q.Limit, Descending: !q.Forward}
	if q.From != nil {
		from := *q.From
		from.Stream = q.Stream // positions compare the stream last
		if q.Forward {
			sq.After = &from
		} else {
			sq.Before = &from
		}
	}
	var page StreamPage
	bytes := 0
	for e, err := range s.events.GroupEvents(ctx, sq) {
		if err != nil {
			return StreamPage{}, err
		}
		bytes += len(e.Message) + eventOverhead
		if len(page.Events) > 0 && q.MaxBytes > 0 && bytes > q.MaxBytes {
			break
		}
		page.Events = append(page.Events, e)
	}
	if !q.Forward {
		slices.Reverse(page.Events)
	}
	switch {
	case len(page.Events) > 0:
		page.Next, page.Prev = page.Events[len(page.Events)-1].EventPosition, page.Events[0].EventPosition
	case q.From != nil:
		page.Next, page.Prev = *q.From, *q.From
	}
	return page, nil
}
