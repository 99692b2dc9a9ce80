package cwlogs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lookout/internal/query/cwpattern"
	"lookout/internal/store"
)

const maxFilterStreams = 100

type filterInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	Interleaved         bool     `json:"interleaved"` // deprecated: always interleaved
	Unmask              bool     `json:"unmask"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterOutput struct {
	Events             []filteredEvent  `json:"events"`
	SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
	NextToken          string           `json:"nextToken,omitempty"`
}

// filterToken renders a position across the group's streams.
func filterToken(p store.EventPosition) string {
	return pageToken(fmt.Sprintf("%d:%d:%s", p.TimeNano, p.ObservedNano, p.Stream))
}

func parseFilterToken(tok string) (*store.EventPosition, error) {
	s, err := readPageToken(tok)
	if err != nil {
		return nil, err
	}
	f := strings.SplitN(s, ":", 3)
	if len(f) != 3 {
		return nil, invalidParam("The specified nextToken is invalid.")
	}
	t, err1 := strconv.ParseInt(f[0], 10, 64)
	o, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, invalidParam("The specified nextToken is invalid.")
	}
	return &store.EventPosition{TimeNano: t, ObservedNano: o, Stream: f[2]}, nil
}

// eventID names an event by its position, in the service's digit form.
func eventID(p store.EventPosition) string {
	return fmt.Sprintf("%028d%028d", p.TimeNano, p.ObservedNano)
}

func (h *Handler) filterLogEvents(ctx context.Context, c *call, body []byte) (any, error) {
	var in filterInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	if len(in.LogStreamNames) > maxFilterStreams {
		return nil, invalidParam("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to %d", maxFilterStreams)
	}
	for _, n := range in.LogStreamNames {
		if err := checkStreamName("logStreamNames", n); err != nil {
			return nil, err
		}
	}
	limit, err := checkLimit("limit", in.Limit, maxBatchEvents, maxBatchEvents)
	if err != nil {
		return nil, err
	}
	start, end, err := timeRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	pattern, err := cwpattern.Parse(deref(in.FilterPattern))
	if err != nil {
		return nil, invalidParam("Invalid filter pattern: %v", err)
	}
	q := store.GroupEventQuery{Project: c.project, Group: group, Streams: in.LogStreamNames,
		StreamPrefix: deref(in.LogStreamNamePrefix), StartNano: start, EndNano: end,
		Contains: pattern.Required()}
	if in.NextToken != nil {
		if q.After, err = parseFilterToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	if _, err := h.meta.LogGroup(ctx, c.project, group); err != nil {
		return nil, groupErr(err)
	}
	out := filterOutput{Events: []filteredEvent{}}
	pre := pattern.Prefilter()
	if pre != nil && pattern.Kind() == cwpattern.KindJSON && !narrow(start, end, h.now()) {
		// DuckDB parses every message of the range for a JSON test before
		// it can sort out a page (~10 s over 10M events): read in windows.
		q.Contains = nil
		var next *store.EventPosition
		q.Match = pre
		if out.Events, next, err = h.filterWindowed(ctx, pattern, q, limit); err != nil {
			return nil, err
		}
		if next != nil {
			out.NextToken = filterToken(*next)
		}
		out.SearchedLogStreams, err = h.searched(ctx, c, group, in, next == nil)
		return out, err
	}
	if pre != nil {
		q.Contains, q.Match = nil, pre // the prefilter holds the terms
	}
	// Read in chunks, each resuming after the last: DuckDB then sorts
	// small top-N sets instead of the whole scan budget. A pattern the
	// store filters (terms and JSON equalities pushed down) needs chunks
	// of a page.
	chunk := max(limit, 1000)
	if pattern.Kind() != cwpattern.KindAll && pattern.Required() == nil && pre == nil {
		chunk = max(limit, 10_000)
	}
	scanned, bytes, full, more := 0, 0, false, true
	for more && !full && scanned < h.cfg.FilterScanEvents {
		q.Limit = min(chunk, h.cfg.FilterScanEvents-scanned)
		read := 0
		for e, err := range h.events.GroupEvents(ctx, q) {
			if err != nil {
				return nil, err
			}
			read++
			p := e.EventPosition
			q.After = &p
			if !pattern.Match(e.Message) {
				continue
			}
			out.Events = append(out.Events, filteredEvent{LogStreamName: e.Stream, Timestamp: e.TimeNano / 1e6,
				Message: e.Message, IngestionTime: e.ObservedNano / 1e6, EventID: eventID(e.EventPosition)})
			bytes += len(e.Message) + eventOverhead
			if len(out.Events) == limit || bytes >= maxPageBytes {
				full = true
				break
			}
		}
		scanned += read
		more = read == q.Limit
	}
	if full || more {
		// More may follow: the page is full, or the scan budget ran out
		// (then the page may even be empty, as the service allows).
		out.NextToken = filterToken(*q.After)
	}
	out.SearchedLogStreams, err = h.searched(ctx, c, group, in, out.NextToken == "")
	return out, err
}

// maxPushedSpan is the widest time range over which JSON tests run in the
// store rather than in Go.
const maxPushedSpan = 24 * time.Hour

// narrow reports whether [start, end) (ns, 0: unbounded; end defaults to
// now) spans at most maxPushedSpan.
func narrow(start, end int64, now time.Time) bool {
	if end == 0 {
		end = now.UnixNano()
	}
	return start != 0 && end-start <= int64(maxPushedSpan)
}

// searched lists the streams the search covered (deprecated in the API;
// the first 100 are listed).
func (h *Handler) searched(ctx context.Context, c *call, group string, in filterInput, complete bool) ([]searchedStream, error) {
	out := []searchedStream{}
	if len(in.LogStreamNames) > 0 {
		for _, n := range in.LogStreamNames {
			out = append(out, searchedStream{n, complete})
		}
		return out, nil
	}
	streams, err := h.meta.ListLogStreams(ctx, store.LogStreamList{Project: c.project, Group: group,
		Prefix: deref(in.LogStreamNamePrefix), Limit: maxFilterStreams})
	if err != nil {
		return nil, err
	}
	for _, st := range streams {
		out = append(out, searchedStream{st.Name, complete})
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
