package cwlogs

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"lookout/internal/store"
)

type streamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func streamNames(in streamInput) (group, stream string, err error) {
	if group, err = groupName(in.LogGroupName, nil); err != nil {
		return "", "", err
	}
	if in.LogStreamName == nil {
		return "", "", invalidParam("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	return group, *in.LogStreamName, checkStreamName("logStreamName", *in.LogStreamName)
}

func (h *Handler) createLogStream(ctx context.Context, c *call, body []byte) (any, error) {
	var in streamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, stream, err := streamNames(in)
	if err != nil {
		return nil, err
	}
	err = h.meta.CreateLogStream(ctx, store.LogStream{Project: c.project, Group: group, Name: stream, CreationMillis: h.now().UnixMilli()})
	switch {
	case errors.Is(err, store.ErrExists):
		return nil, errStreamExists
	case errors.Is(err, store.ErrNotFound):
		return nil, errGroupNotFound
	}
	return nil, err
}

func (h *Handler) deleteLogStream(ctx context.Context, c *call, body []byte) (any, error) {
	var in streamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, stream, err := streamNames(in)
	if err != nil {
		return nil, err
	}
	if err := h.requireStream(ctx, c, group, stream); err != nil {
		return nil, err
	}
	if err := h.meta.DeleteLogStream(ctx, c.project, group, stream); err != nil {
		return nil, streamErr(err)
	}
	_, err = h.events.DeleteGroupEvents(ctx, c.project, group, stream, 0)
	return nil, err
}

// requireStream checks that the group and the stream exist, answering with
// the service's ResourceNotFoundException for the missing one.
func (h *Handler) requireStream(ctx context.Context, c *call, group, stream string) error {
	if _, err := h.meta.LogStream(ctx, c.project, group, stream); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, err := h.meta.LogGroup(ctx, c.project, group); err != nil {
		return groupErr(err)
	}
	return errStreamNotFound
}

func streamErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errStreamNotFound
	}
	return err
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

func (h *Handler) describeLogStreams(ctx context.Context, c *call, body []byte) (any, error) {
	var in describeStreamsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	q := store.LogStreamList{Project: c.project, Group: group, Descending: in.Descending, Limit: limit + 1}
	if in.OrderBy != nil {
		switch *in.OrderBy {
		case "LogStreamName":
		case "LastEventTime":
			q.ByLastEvent = true
		default:
			return nil, invalidParam("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", *in.OrderBy)
		}
	}
	if in.LogStreamNamePrefix != nil {
		if q.ByLastEvent {
			return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
		q.Prefix = *in.LogStreamNamePrefix
	}
	if in.NextToken != nil {
		tok, err := readPageToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		ms, name, ok := strings.Cut(tok, ":")
		n, perr := strconv.ParseInt(ms, 10, 64)
		if !ok || perr != nil {
			return nil, invalidParam("The specified nextToken is invalid.")
		}
		q.AfterMillis, q.After = n, name
	}
	if _, err := h.meta.LogGroup(ctx, c.project, group); err != nil {
		return nil, groupErr(err)
	}
	streams, err := h.meta.ListLogStreams(ctx, q)
	if err != nil {
		return nil, err
	}
	out := describeStreamsOutput{LogStreams: []logStreamOut{}}
	for i, st := range streams {
		if i == limit {
			last := streams[i-1]
			out.NextToken = pageToken(strconv.FormatInt(last.LastEventMillis, 10) + ":" + last.Name)
			break
		}
		out.LogStreams = append(out.LogStreams, logStreamOut{
			LogStreamName: st.Name, CreationTime: st.CreationMillis, FirstEventTimestamp: st.FirstEventMillis,
			LastEventTimestamp: st.LastEventMillis, LastIngestionTime: st.LastIngestionMillis,
			UploadSequenceToken: sequenceToken(st.Events), Arn: h.streamArn(c, group, st.Name), StoredBytes: st.StoredBytes,
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
