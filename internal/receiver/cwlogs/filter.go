package cwlogs

import (
	"context"

	"lookout/internal/logsearch"
	"lookout/internal/query/cwpattern"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
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

func (in *filterInput) group() (string, error) {
	return logname.Resolve(in.LogGroupName, in.LogGroupIdentifier)
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

func (h *Handler) filterLogEvents(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, group, err := decodeGroup[filterInput](body)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	limit := limitOr(in.Limit, maxBatchEvents)
	start, end, err := timeRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	pattern, err := cwpattern.Parse(deref(in.FilterPattern))
	if err != nil {
		return nil, invalidParam("Invalid filter pattern: %v", err)
	}
	q := logsearch.FilterQuery{Project: c.Project, Group: group, Streams: in.LogStreamNames,
		StreamPrefix: deref(in.LogStreamNamePrefix), StartNano: start, EndNano: end, Pattern: pattern,
		Limit: limit, MaxBytes: maxPageBytes}
	if in.NextToken != nil {
		if q.After, err = readFilterToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	if _, err := h.logGroup(ctx, c, group); err != nil {
		return nil, err
	}
	page, err := h.b.Reader.Filter(ctx, q)
	if err != nil {
		return nil, err
	}
	out := filterOutput{Events: make([]filteredEvent, len(page.Events))}
	for i, e := range page.Events {
		out.Events[i] = filteredEvent{LogStreamName: e.Stream, Timestamp: e.TimeNano / 1e6,
			Message: e.Message, IngestionTime: e.ObservedNano / 1e6, EventID: eventID(e.EventPosition)}
	}
	if page.Next != nil {
		out.NextToken = filterToken(*page.Next)
	}
	out.SearchedLogStreams, err = h.searched(ctx, c, group, in, page.Next == nil)
	return out, err
}

// searched lists the streams the search covered (deprecated in the API;
// the first 100 are listed).
func (h *Handler) searched(ctx context.Context, c awsjson.Caller, group string, in filterInput, complete bool) ([]searchedStream, error) {
	out := []searchedStream{}
	if len(in.LogStreamNames) > 0 {
		for _, n := range in.LogStreamNames {
			out = append(out, searchedStream{n, complete})
		}
		return out, nil
	}
	streams, err := h.b.Meta.ListLogStreams(ctx, store.LogStreamList{Project: c.Project, Group: group,
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
