package pipeline

import (
	"fmt"
	"time"

	"lookout/internal/model"
)

// Rejection is one item the pipeline refused before queueing it.
type Rejection struct {
	Kind    string // "span" or "log"
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
// It returns b itself when nothing is removed.
func (w window) filter(now time.Time, b *model.Batch) (*model.Batch, []Rejection) {
	var rej []Rejection
	for i := range b.Spans {
		if reason, why := w.check(now, b.Spans[i].StartUnixNano); reason != "" {
			rej = append(rej, Rejection{Kind: "span", Project: b.Spans[i].Project, Index: i, Service: b.Spans[i].Service(), Reason: reason,
				Message: fmt.Sprintf("span %s: %s", b.Spans[i].SpanID, why)})
		}
	}
	nSpans := len(rej)
	for i := range b.Logs {
		if reason, why := w.check(now, b.Logs[i].EffectiveTimeUnixNano()); reason != "" {
			rej = append(rej, Rejection{Kind: "log", Project: b.Logs[i].Project, Index: i, Service: b.Logs[i].Service(), Reason: reason,
				Message: fmt.Sprintf("log record %d: %s", i, why)})
		}
	}
	if len(rej) == 0 {
		return b, nil
	}
	kept := &model.Batch{}
	drop := map[int]bool{}
	for _, r := range rej[:nSpans] {
		drop[r.Index] = true
	}
	for i := range b.Spans {
		if !drop[i] {
			kept.Spans = append(kept.Spans, b.Spans[i])
		}
	}
	clear(drop)
	for _, r := range rej[nSpans:] {
		drop[r.Index] = true
	}
	for i := range b.Logs {
		if !drop[i] {
			kept.Logs = append(kept.Logs, b.Logs[i])
		}
	}
	return kept, rej
}
