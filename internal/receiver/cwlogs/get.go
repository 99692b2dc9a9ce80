package cwlogs

import (
	"context"

	"lookout/internal/logsearch"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
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

func (in *getInput) group() (string, error) {
	return logname.Resolve(in.LogGroupName, in.LogGroupIdentifier)
}
func (in *getInput) stream() *string { return in.LogStreamName }

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

func (h *Handler) getLogEvents(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, group, stream, err := decodeStream[getInput](body)
	if err != nil {
		return nil, err
	}
	limit := limitOr(in.Limit, maxBatchEvents)
	start, end, err := timeRange(in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	q := logsearch.StreamQuery{Project: c.Project, Group: group, Stream: stream, StartNano: start, EndNano: end,
		Forward: in.StartFromHead, Limit: limit, MaxBytes: maxPageBytes}
	if in.NextToken != nil {
		dir, p, err := readStreamToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		q.Forward, q.From = dir == 'f', &p
	}
	if err := h.requireStream(ctx, c, group, stream); err != nil {
		return nil, err
	}
	page, err := h.b.Reader.Stream(ctx, q)
	if err != nil {
		return nil, err
	}
	out := getOutput{Events: make([]outputEvent, len(page.Events)),
		NextForwardToken: streamToken('f', page.Next), NextBackwardToken: streamToken('b', page.Prev)}
	for i, e := range page.Events {
		out.Events[i] = outputEvent{Timestamp: e.TimeNano / 1e6, Message: e.Message, IngestionTime: e.ObservedNano / 1e6}
	}
	if len(page.Events) == 0 && in.NextToken != nil {
		// The end in this direction: the same token comes back, which is
		// what paginators (StopOnDuplicateToken) and tailing clients expect.
		if q.Forward {
			out.NextForwardToken = *in.NextToken
		} else {
			out.NextBackwardToken = *in.NextToken
		}
	}
	return out, nil
}
