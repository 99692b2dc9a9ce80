package loggroups

import (
	"context"
	"errors"
	"time"

	"lookout/internal/loglevel"
	"lookout/internal/logtrace"
	"lookout/internal/model"
	"lookout/internal/store"
)

// ErrSpanTooLong fails an Append whose events to store span more than 24
// hours; nothing is stored.
var ErrSpanTooLong = errors.New("loggroups: the events to store span more than 24 hours")

// Append is the events sent to one stream at once, in chronological order.
type Append struct {
	Project, Group, Stream string
	// RetentionDays is the group's policy (0: none): older events are
	// refused as Expired.
	RetentionDays int
	// Resource describes the sender; every event carries it.
	Resource model.Resource
	Events   []Event
}

// Event is one log event as sent.
type Event struct {
	TimeMillis int64 // epoch milliseconds
	Message    string
}

// Reason says why an event was not stored.
type Reason uint8

const (
	TooNew  Reason = iota + 1 // more than 2 hours ahead, or ahead of the store's window
	TooOld                    // older than 14 days
	Expired                   // older than the group's retention, or the store's
)

// Refusal is an event not stored: its index in Append.Events and why.
type Refusal struct {
	Index  int
	Reason Reason
}

// Appended tells what became of an Append.
type Appended struct {
	Refused []Refusal
	// Stamp is the ingestion stamp (unix nanoseconds) of the last event
	// handed to the store, or the time of the call when none was.
	Stamp int64
}

// reasons names the refusals before submission as the status page counts
// them, with the text it shows.
var reasons = map[Reason]struct{ name, text string }{
	TooNew:  {"too_new", "more than 2 hours in the future"},
	TooOld:  {"too_old", "older than 14 days"},
	Expired: {"expired", "older than the log group's retention"},
}

// Append stores the events of a stream that fall within the window and the
// group's retention, in one durable commit, and adds what was committed to
// the stream's figures. Each stored event gets an ingestion stamp, strictly
// increasing across the process, as its observed time, the trace and the
// severity its message states. The refusals before submission are counted
// on the sink.
func (s *Service) Append(ctx context.Context, a Append) (Appended, error) {
	now := s.now()
	var out Appended
	counts := map[Reason]int{}
	keep := make([]int, 0, len(a.Events)) // indexes of the events to store
	for i, e := range a.Events {
		t := time.UnixMilli(e.TimeMillis)
		var why Reason
		switch {
		case t.After(now.Add(maxEventFuture)):
			why = TooNew
		case t.Before(now.Add(-maxEventAge)):
			why = TooOld
		case a.RetentionDays > 0 && t.Before(now.Add(-time.Duration(a.RetentionDays)*24*time.Hour)):
			why = Expired
		default:
			keep = append(keep, i)
			continue
		}
		out.Refused = append(out.Refused, Refusal{i, why})
		counts[why]++
	}
	for why, n := range counts {
		s.d.Sink.Rejected("log", a.Project, a.Group, reasons[why].name, "CloudWatch Logs PutLogEvents: event "+reasons[why].text, n)
	}
	if len(keep) > 1 {
		first, last := a.Events[keep[0]].TimeMillis, a.Events[keep[len(keep)-1]].TimeMillis
		if time.Duration(last-first)*time.Millisecond > maxBatchSpan {
			return Appended{}, ErrSpanTooLong
		}
	}
	if len(keep) == 0 {
		out.Stamp = now.UnixNano()
		return out, nil
	}
	var err error
	out.Stamp, err = s.store(ctx, a, keep, &out)
	return out, err
}

// store submits the kept events and records what was committed in the
// stream's figures. It returns the last ingestion stamp.
func (s *Service) store(ctx context.Context, a Append, keep []int, out *Appended) (int64, error) {
	first := s.clock.stamps(len(keep))
	logs := make([]model.LogEvent, len(keep))
	for j, i := range keep {
		msg := a.Events[i].Message
		logs[j] = model.LogEvent{
			Project: a.Project, TimeUnixNano: a.Events[i].TimeMillis * 1e6, ObservedTimeUnixNano: first + int64(j),
			Body: model.StringValue(msg), LogGroup: a.Group, LogStream: a.Stream, Resource: a.Resource,
		}
		logs[j].TraceID, logs[j].SpanID = logtrace.Find(msg)
		loglevel.Fill(&logs[j]) // the severity the message states; the message is kept as sent
	}
	result, err := s.d.Sink.Submit(ctx, &model.Batch{Logs: logs})
	if err != nil {
		return 0, err
	}
	refused := map[int]bool{}
	for _, x := range result.Rejected {
		if x.Kind != "log" {
			continue
		}
		refused[x.Index] = true
		why := Expired // too_old: older than the store's own retention
		if x.Reason == "too_new" {
			why = TooNew
		}
		out.Refused = append(out.Refused, Refusal{keep[x.Index], why})
	}
	add := store.LogStream{Project: a.Project, Group: a.Group, Name: a.Stream}
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
		if err := s.d.Meta.RecordLogEvents(ctx, add); err != nil {
			s.log.Warn("loggroups: stream figures not updated", "group", a.Group, "stream", a.Stream, "err", err)
		}
	}
	return first + int64(len(logs)) - 1, nil
}
