package cwlogs

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
	"lookout/internal/store"
)

type streamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func (in *streamInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }
func (in *streamInput) stream() *string        { return in.LogStreamName }

func (h *Handler) createLogStream(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, group, stream, err := decodeStream[streamInput](body)
	if err != nil {
		return nil, err
	}
	err = h.b.Meta.CreateLogStream(ctx, store.LogStream{Project: c.Project, Group: group, Name: stream, CreationMillis: h.now().UnixMilli()})
	switch {
	case errors.Is(err, store.ErrExists):
		return nil, errStreamExists
	case errors.Is(err, store.ErrNotFound):
		return nil, errGroupNotFound
	}
	return nil, err
}

func (h *Handler) deleteLogStream(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	_, group, stream, err := decodeStream[streamInput](body)
	if err != nil {
		return nil, err
	}
	if err := h.requireStream(ctx, c, group, stream); err != nil {
		return nil, err
	}
	return nil, streamErr(h.b.Groups.DeleteStream(ctx, c.Project, group, stream))
}

type describeStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          bool    `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int32  `json:"limit"`
}

func (in *describeStreamsInput) group() (string, error) {
	return logname.Resolve(in.LogGroupName, in.LogGroupIdentifier)
}

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeStreamsOutput struct {
	LogStreams []logStreamOut `json:"logStreams"`
	NextToken  string         `json:"nextToken,omitempty"`
}

func (h *Handler) describeLogStreams(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, group, err := decodeGroup[describeStreamsInput](body)
	if err != nil {
		return nil, err
	}
	limit := limitOr(in.Limit, 50)
	q := store.LogStreamList{Project: c.Project, Group: group, Descending: in.Descending, Limit: limit + 1}
	if in.OrderBy != nil {
		switch *in.OrderBy {
		case "LastEventTime":
			q.ByLastEvent = true
		}
	}
	if in.LogStreamNamePrefix != nil {
		if q.ByLastEvent {
			return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
		q.Prefix = *in.LogStreamNamePrefix
	}
	if in.NextToken != nil {
		if q.AfterMillis, q.After, err = readStreamsToken(*in.NextToken); err != nil {
			return nil, err
		}
	}
	if _, err := h.logGroup(ctx, c, group); err != nil {
		return nil, err
	}
	streams, err := h.b.Meta.ListLogStreams(ctx, q)
	if err != nil {
		return nil, err
	}
	out := describeStreamsOutput{LogStreams: []logStreamOut{}}
	for i, st := range streams {
		if i == limit {
			out.NextToken = streamsToken(streams[i-1])
			break
		}
		out.LogStreams = append(out.LogStreams, logStreamOut{
			LogStreamName: st.Name, CreationTime: st.CreationMillis, FirstEventTimestamp: st.FirstEventMillis,
			LastEventTimestamp: st.LastEventMillis, LastIngestionTime: st.LastIngestionMillis,
			UploadSequenceToken: sequenceToken(st.Events), Arn: logname.StreamARN(c.Region, h.cfg.AccountID, group, st.Name), StoredBytes: st.StoredBytes,
		})
	}
	return out, nil
}

// sequenceToken makes an upload sequence token in the service's form (a
// long decimal number). Tokens are accepted and ignored.
func sequenceToken(n int64) string {
	s := strconv.FormatInt(n+1, 10)
	return "49" + strings.Repeat("0", 54-len(s)) + s
}
