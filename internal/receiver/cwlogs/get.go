package cwlogs

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"lookout/internal/store"
)

// maxPageBytes caps a page of events (messages + 26 bytes each), as the
// service does.
const maxPageBytes = 1 << 20

type getInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int32  `json:"limit"`
	StartFromHead      bool    `json:"startFromHead"`
	Unmask             bool    `json:"unmask"`
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

// streamToken renders a position in a stream the way the service shapes its
// tokens: "f/<56 digits>/s" forward, "b/<56 digits>/s" backward; the digits
// are the event time and the ingestion stamp, 28 each.
func streamToken(dir byte, p store.EventPosition) string {
	return fmt.Sprintf("%c/%028d%028d/s", dir, p.TimeNano, p.ObservedNano)
}

func parseStreamToken(tok string) (byte, store.EventPosition, error) {
	bad := invalidParam("The specified nextToken is invalid.")
	if len(tok) != 60 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || tok[58:] != "/s" {
		return 0, store.EventPosition{}, bad
	}
	t, err1 := strconv.ParseInt(tok[2:30], 10, 64)
	o, err2 := strconv.ParseInt(tok[30:58], 10, 64)
	if err1 != nil || err2 != nil || t < 0 || o < 0 {
		return 0, store.EventPosition{}, bad
	}
	return tok[0], store.EventPosition{TimeNano: t, ObservedNano: o}, nil
}

// timeRange converts optional [start, end) epoch milliseconds to nanoseconds
// (0: unbounded).
func timeRange(start, end *int64) (int64, int64, error) {
	var s, e int64
	if start != nil {
		if *start < 0 {
			return 0, 0, invalidParam("startTime must not be negative")
		}
		s = *start * 1e6
	}
	if end != nil {
		if *end < 0 {
			return 0, 0, invalidParam("endTime must not be negative")
		}
		e = *end * 1e6
	}
	if start != nil && end != nil && *start > *end {
		return 0, 0, invalidParam("startTime must be less than or equal to endTime")
	}
	return s, e, nil
}

func (h *Handler) getLogEvents(ctx context.Context, c *call, body []byte) (any, error) {
	var in getInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == nil {
		return nil, invalidParam("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	stream := *in.LogStreamName
	if err := checkStreamName("logStreamName", stream); err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", in.Limit, maxBatchEvents, maxBatchEvents)
	if err != nil {
		return nil, err
	}
	start, end, err := timeRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	forward, pos := in.StartFromHead, (*store.EventPosition)(nil)
	if in.NextToken != nil {
		dir, p, err := parseStreamToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		p.Stream = stream // positions compare the stream last
		forward, pos = dir == 'f', &p
	}
	if err := h.requireStream(ctx, c, group, stream); err != nil {
		return nil, err
	}
	q := store.GroupEventQuery{Project: c.project, Group: group, Streams: []string{stream},
		StartNano: start, EndNano: end, Limit: limit, Descending: !forward}
	if forward {
		q.After = pos
	} else {
		q.Before = pos
	}
	var page []store.GroupEvent
	bytes := 0
	for e, err := range h.events.GroupEvents(ctx, q) {
		if err != nil {
			return nil, err
		}
		bytes += len(e.Message) + eventOverhead
		if len(page) > 0 && bytes > maxPageBytes {
			break
		}
		page = append(page, e)
	}
	if !forward {
		slices.Reverse(page)
	}
	out := getOutput{Events: make([]outputEvent, len(page))}
	for i, e := range page {
		out.Events[i] = outputEvent{Timestamp: e.TimeNano / 1e6, Message: e.Message, IngestionTime: e.ObservedNano / 1e6}
	}
	switch {
	case len(page) > 0:
		out.NextForwardToken = streamToken('f', page[len(page)-1].EventPosition)
		out.NextBackwardToken = streamToken('b', page[0].EventPosition)
	case pos != nil:
		// The end in this direction: the same token comes back, which is
		// what paginators (StopOnDuplicateToken) and tailing clients expect.
		out.NextForwardToken = streamToken('f', *pos)
		out.NextBackwardToken = streamToken('b', *pos)
		if forward {
			out.NextForwardToken = *in.NextToken
		} else {
			out.NextBackwardToken = *in.NextToken
		}
	default:
		out.NextForwardToken = streamToken('f', store.EventPosition{})
		out.NextBackwardToken = streamToken('b', store.EventPosition{})
	}
	return out, nil
}
