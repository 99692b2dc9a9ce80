package pipeline

import (
	"fmt"
	"time"

	"lookout/internal/model"
)

// Rejection is one item the pipeline refused before queueing it.
type Rejection struct {
	Kind    string // "span", "log" or "metric"
	Project string
	Index   int // position in the submitted batch's slice of that kind
	Service string
	Reason  string // short category, e.g. "too_old", "too_new"
	Message string // says what was wrong, for the client
}

// Result tells a receiver what happened to the items it submitted. Items not
// listed in Rejected were committed.
type Result struct {
	Rejected []Rejection
}

// window holds the accepted time range: data older than the retention would be
// expired at once and data from the far future would pin a partition, so both
// are refused and reported instead of silently vanishing.
type window struct {
	maxAge    time.Duration
	maxFuture time.Duration
}

func (w window) check(now time.Time, unixNano int64) (reason, why string) {
	t := time.Unix(0, unixNano)
	switch {
	case unixNano <= 0:
		return "bad_time", "timestamp is zero or before 1970"
	case t.Before(now.Add(-w.maxAge)):
		return "too_old", fmt.Sprintf("timestamp %s is older than the retention of %s", t.UTC().Format(time.RFC3339), w.maxAge)
	case t.After(now.Add(w.maxFuture)):
		return "too_new", fmt.Sprintf("timestamp %s is more than %s in the future", t.UTC().Format(time.RFC3339), w.maxFuture)
	}
	return "", ""
}

// filter returns the batch with out-of-window items removed, and the removals.
// It returns b itself when nothing is removed. A metric point is placed by
// its time, the end of the interval it covers.
func (w window) filter(now time.Time, b *model.Batch) (*model.Batch, []Rejection) {
	var rej []Rejection
	spans := dropOutside(w, now, b.Spans, &rej, func(i int, s *model.Span) (int64, Rejection) {
		return s.StartUnixNano, Rejection{Kind: "span", Project: s.Project, Index: i, Service: s.Service(),
			Message: fmt.Sprintf("span %s: ", s.SpanID)}
	})
	logs := dropOutside(w, now, b.Logs, &rej, func(i int, l *model.LogEvent) (int64, Rejection) {
		return l.EffectiveTimeUnixNano(), Rejection{Kind: "log", Project: l.Project, Index: i, Service: l.Service(),
			Message: fmt.Sprintf("log record %d: ", i)}
	})
	metrics := dropOutside(w, now, b.Metrics, &rej, func(i int, m *model.MetricPoint) (int64, Rejection) {
		return m.TimeUnixNano, Rejection{Kind: "metric", Project: m.Project, Index: i, Service: m.Service(),
			Message: fmt.Sprintf("data point %d of metric %q: ", i, m.Name)}
	})
	if len(rej) == 0 {
		return b, nil
	}
	return &model.Batch{Spans: spans, Logs: logs, Metrics: metrics}, rej
}

// dropOutside returns the items of xs within the window: xs itself when
// all are, else a copy without the others, each of which it appends to rej.
// at gives an item's time and its rejection without reason, the message
// prefix naming the item.
func dropOutside[T any](w window, now time.Time, xs []T, rej *[]Rejection, at func(int, *T) (int64, Rejection)) []T {
	var kept []T
	for i := range xs {
		t, r := at(i, &xs[i])
		reason, why := w.check(now, t)
		if reason == "" {
			if kept != nil {
				kept = append(kept, xs[i])
			}
			continue
		}
		if kept == nil {
			kept = make([]T, i, len(xs)-1)
			copy(kept, xs[:i])
		}
		r.Reason, r.Message = reason, r.Message+why
		*rej = append(*rej, r)
	}
	if kept == nil {
		return xs
	}
	return kept
}
