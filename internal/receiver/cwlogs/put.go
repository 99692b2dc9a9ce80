package cwlogs

import (
	"context"
	"errors"

	"lookout/internal/loggroups"
	"lookout/internal/model"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
)

// PutLogEvents limits, from the API reference; those on event times are
// package loggroups'.
const (
	maxBatchBytes  = 1_048_576 // Σ UTF-8 message bytes + eventOverhead per event
	eventOverhead  = 26
	maxBatchEvents = 10_000
	maxEventBytes  = 1_048_576 - eventOverhead
)

type inputEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putInput struct {
	LogGroupName  *string      `json:"logGroupName"`
	LogStreamName *string      `json:"logStreamName"`
	LogEvents     []inputEvent `json:"logEvents"`
	SequenceToken *string      `json:"sequenceToken"` // accepted and ignored, as the service does
}

func (in *putInput) group() (string, error) { return logname.Resolve(in.LogGroupName, nil) }
func (in *putInput) stream() *string        { return in.LogStreamName }

// rejectedInfo holds indexes into the request's events; each is omitted
// when no event was rejected for that reason.
type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putOutput struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

func (r *rejectedInfo) empty() bool {
	return r.TooNewLogEventStartIndex == nil && r.TooOldLogEventEndIndex == nil && r.ExpiredLogEventEndIndex == nil
}

// markOld, markExpired and markNew widen the rejected index ranges.
func (r *rejectedInfo) markOld(i int) {
	if r.TooOldLogEventEndIndex == nil || *r.TooOldLogEventEndIndex < i {
		r.TooOldLogEventEndIndex = &i
	}
}

func (r *rejectedInfo) markExpired(i int) {
	if r.ExpiredLogEventEndIndex == nil || *r.ExpiredLogEventEndIndex < i {
		r.ExpiredLogEventEndIndex = &i
	}
}

func (r *rejectedInfo) markNew(i int) {
	if r.TooNewLogEventStartIndex == nil || *r.TooNewLogEventStartIndex > i {
		r.TooNewLogEventStartIndex = &i
	}
}

// checkBatch applies the request-wide rules; any failure fails the batch.
func checkBatch(events []inputEvent) error {
	total := 0
	for i, e := range events {
		if e.Timestamp == nil || e.Message == nil { // the model requires both
			return invalidParam("logEvents.%d needs a timestamp and a message", i+1)
		}
		n := len(*e.Message)
		if n > maxEventBytes {
			return invalidParam("Log event too large: event %d has %d bytes, the limit is %d bytes", i, n, maxEventBytes)
		}
		total += n + eventOverhead
		if i > 0 && *e.Timestamp < *events[i-1].Timestamp {
			return invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if total > maxBatchBytes {
		return invalidParam("Upload too large: %d bytes exceeds limit of %d", total, maxBatchBytes)
	}
	return nil
}

func (h *Handler) putLogEvents(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	in, group, stream, err := decodeStream[putInput](body)
	if err != nil {
		return nil, err
	}
	if err := checkBatch(in.LogEvents); err != nil {
		return nil, err
	}
	if err := h.requireStream(ctx, c, group, stream); err != nil {
		return nil, err
	}
	g, err := h.logGroup(ctx, c, group)
	if err != nil {
		return nil, err
	}
	events := make([]loggroups.Event, len(in.LogEvents))
	for i, e := range in.LogEvents {
		events[i] = loggroups.Event{TimeMillis: *e.Timestamp, Message: *e.Message} // valid UTF-8: the JSON decoder replaced bad bytes
	}
	res, err := h.b.Groups.Append(ctx, loggroups.Append{Project: c.Project, Group: group, Stream: stream,
		RetentionDays: g.RetentionDays, Resource: h.resource(c, group, stream), Events: events})
	if errors.Is(err, loggroups.ErrSpanTooLong) {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	if err != nil {
		return nil, err
	}
	out := putOutput{NextSequenceToken: sequenceToken(res.Stamp)}
	rej := &rejectedInfo{}
	for _, r := range res.Refused {
		switch r.Reason {
		case loggroups.TooNew:
			rej.markNew(r.Index)
		case loggroups.TooOld:
			rej.markOld(r.Index)
		default:
			rej.markExpired(r.Index)
		}
	}
	if !rej.empty() {
		out.RejectedLogEventsInfo = rej
	}
	return out, nil
}

// resource describes the sender of a group's events: the group is the
// service (service.name), with OTel's aws.log.* names for group and stream.
// One value per request, so the store encodes it once.
func (h *Handler) resource(c awsjson.Caller, group, stream string) model.Resource {
	return model.Resource{Attributes: model.Attributes{
		{Key: "service.name", Value: model.StringValue(group)},
		{Key: "cloud.provider", Value: model.StringValue("aws")},
		{Key: "cloud.region", Value: model.StringValue(c.Region)},
		{Key: "cloud.account.id", Value: model.StringValue(h.cfg.AccountID)},
		{Key: "aws.log.group.names", Value: model.ArrayValue(model.StringValue(group))},
		{Key: "aws.log.stream.names", Value: model.ArrayValue(model.StringValue(stream))},
	}}
}
