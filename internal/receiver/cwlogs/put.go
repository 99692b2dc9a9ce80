package cwlogs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"lookout/internal/loglevel"
	"lookout/internal/logtrace"
	"lookout/internal/model"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

// PutLogEvents limits, from the API reference.
const (
	maxBatchBytes  = 1_048_576 // Σ UTF-8 message bytes + eventOverhead per event
	eventOverhead  = 26
	maxBatchEvents = 10_000
	maxEventBytes  = 1_048_576 - eventOverhead
	maxBatchSpan   = 24 * time.Hour
	maxEventAge    = 14 * 24 * time.Hour
	maxEventFuture = 2 * time.Hour
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

func (in *putInput) group() (string, error) { return groupName(in.LogGroupName, nil) }
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
	if len(events) == 0 {
		return badList("logEvents", "Member must have length greater than or equal to 1")
	}
	if len(events) > maxBatchEvents {
		return badList("logEvents", "Member must have length less than or equal to "+strconv.Itoa(maxBatchEvents))
	}
	total := 0
	for i, e := range events {
		if e.Timestamp == nil {
			return nullValue(fmt.Sprintf("logEvents.%d.member.timestamp", i+1))
		}
		if e.Message == nil || len(*e.Message) == 0 {
			return badList(fmt.Sprintf("logEvents.%d.member.message", i+1), "Member must have length greater than or equal to 1")
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
	now := h.now()
	rej := &rejectedInfo{}
	counts := map[string]int{}
	keep := make([]int, 0, len(in.LogEvents)) // indexes of the events to store
	for i, e := range in.LogEvents {
		t := time.UnixMilli(*e.Timestamp)
		switch {
		case t.After(now.Add(maxEventFuture)):
			rej.markNew(i)
			counts["too_new"]++
		case t.Before(now.Add(-maxEventAge)):
			rej.markOld(i)
			counts["too_old"]++
		case g.RetentionDays > 0 && t.Before(now.Add(-time.Duration(g.RetentionDays)*24*time.Hour)):
			rej.markExpired(i)
			counts["expired"]++
		default:
			keep = append(keep, i)
		}
	}
	h.countRejected(c, group, counts)
	if len(keep) > 1 {
		first, last := *in.LogEvents[keep[0]].Timestamp, *in.LogEvents[keep[len(keep)-1]].Timestamp
		if time.Duration(last-first)*time.Millisecond > maxBatchSpan {
			return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
		}
	}
	out := putOutput{}
	if len(keep) > 0 {
		stored, err := h.store(ctx, c, group, stream, in.LogEvents, keep, rej)
		if err != nil {
			return nil, err
		}
		out.NextSequenceToken = sequenceToken(stored)
	} else {
		out.NextSequenceToken = sequenceToken(now.UnixNano())
	}
	if !rej.empty() {
		out.RejectedLogEventsInfo = rej
	}
	return out, nil
}

// store submits the kept events and records what was committed in the
// stream's figures. It returns the last ingestion stamp.
func (h *Handler) store(ctx context.Context, c awsjson.Caller, group, stream string, events []inputEvent, keep []int, rej *rejectedInfo) (int64, error) {
	res := h.resource(c, group, stream)
	first := h.clock.stamps(len(keep))
	logs := make([]model.LogEvent, len(keep))
	for j, i := range keep {
		msg := *events[i].Message // valid UTF-8: the JSON decoder replaced bad bytes
		logs[j] = model.LogEvent{
			Project: c.Project, TimeUnixNano: *events[i].Timestamp * 1e6, ObservedTimeUnixNano: first + int64(j),
			Body: model.StringValue(msg), LogGroup: group, LogStream: stream, Resource: res,
		}
		logs[j].TraceID, logs[j].SpanID = logtrace.Find(msg)
		loglevel.Fill(&logs[j]) // the severity the message states; the message is kept as sent
	}
	result, err := h.b.Sink.Submit(ctx, &model.Batch{Logs: logs})
	if err != nil {
		return 0, err
	}
	refused := map[int]bool{}
	for _, x := range result.Rejected {
		if x.Kind != "log" {
			continue
		}
		refused[x.Index] = true
		switch x.Reason {
		case "too_new":
			rej.markNew(keep[x.Index])
		default: // too_old: older than the server's own retention
			rej.markExpired(keep[x.Index])
		}
	}
	add := store.LogStream{Project: c.Project, Group: group, Name: stream}
	for j := range logs {
		if refused[j] {
			continue
		}
		ms := logs[j].TimeUnixNano / 1e6
		if add.Events == 0 || ms < add.FirstEventMillis {
			add.FirstEventMillis = ms
		}
		add.LastEventMillis = max(add.LastEventMillis, ms)
		add.StoredBytes += int64(len(logs[j].Body.Str))
		add.Events++
	}
	add.LastIngestionMillis = (first + int64(len(logs)) - 1) / 1e6
	if add.Events > 0 {
		// The events are committed: a failure here only leaves the figures
		// behind until the next expiry pass recomputes them.
		if err := h.b.Meta.RecordLogEvents(ctx, add); err != nil {
			h.log.Warn("cwlogs: stream figures not updated", "group", group, "stream", stream, "err", err)
		}
	}
	return first + int64(len(logs)) - 1, nil
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

// countRejected reports the events refused before submission, so the status
// page shows that a group's data is being rejected.
func (h *Handler) countRejected(c awsjson.Caller, group string, counts map[string]int) {
	for reason, n := range counts {
		h.b.Sink.Rejected("log", c.Project, group, reason, "CloudWatch Logs PutLogEvents: event "+reasonText[reason], n)
	}
}

var reasonText = map[string]string{
	"too_new": "more than 2 hours in the future",
	"too_old": "older than 14 days",
	"expired": "older than the log group's retention",
}
