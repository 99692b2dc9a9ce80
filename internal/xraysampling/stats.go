package xraysampling

import (
	"sort"
	"time"
)

// Counts are what the SDKs report for a rule: requests it matched, requests
// sampled, and of those the ones sampled by borrowing (no quota yet).
type Counts struct {
	Requests int64 `json:"requests"`
	Sampled  int64 `json:"sampled"`
	Borrowed int64 `json:"borrowed"`
}

func (c *Counts) add(o Counts) {
	c.Requests += o.Requests
	c.Sampled += o.Sampled
	c.Borrowed += o.Borrowed
}

// Stats sums the reports of every client per rule per fixed window (10 s, as
// GetSamplingStatisticSummaries reports them) and keeps the windows for a
// while (an hour). Not safe for concurrent use.
type Stats struct {
	window, keep time.Duration
	rules        map[string]map[int64]Counts // rule → window start (unix ns) →
}

// NewStats keeps windows of the given length for keep. Zero values mean 10s
// and 1h.
func NewStats(window, keep time.Duration) *Stats {
	if window <= 0 {
		window = 10 * time.Second
	}
	if keep < window {
		keep = time.Hour
	}
	return &Stats{window: window, keep: keep, rules: map[string]map[int64]Counts{}}
}

// Add counts a report received at at.
func (s *Stats) Add(rule string, at time.Time, c Counts) {
	w := s.rules[rule]
	if w == nil {
		w = map[int64]Counts{}
		s.rules[rule] = w
	}
	start := at.Truncate(s.window).UnixNano()
	if _, ok := w[start]; !ok { // a new window: drop the expired ones
		s.prune(at)
	}
	cur := w[start]
	cur.add(c)
	w[start] = cur
}

func (s *Stats) prune(now time.Time) {
	oldest := now.Add(-s.keep).UnixNano()
	for _, w := range s.rules {
		for start := range w {
			if start+int64(s.window) <= oldest {
				delete(w, start)
			}
		}
	}
}

// Since adds up the rule's windows that end after from (a window from is
// inside counts whole).
func (s *Stats) Since(rule string, from time.Time) Counts {
	var c Counts
	for start, v := range s.rules[rule] {
		if start+int64(s.window) > from.UnixNano() {
			c.add(v)
		}
	}
	return c
}

// Window is one rule's counts in one window.
type Window struct {
	Start time.Time
	Counts
}

// Latest returns the rule's newest window, if it has one.
func (s *Stats) Latest(rule string) (Window, bool) {
	var best int64
	found := false
	for start := range s.rules[rule] {
		if !found || start > best {
			best, found = start, true
		}
	}
	if !found {
		return Window{}, false
	}
	return Window{Start: time.Unix(0, best).UTC(), Counts: s.rules[rule][best]}, true
}

// Windows returns the rule's windows, oldest first.
func (s *Stats) Windows(rule string) []Window {
	out := make([]Window, 0, len(s.rules[rule]))
	for start, c := range s.rules[rule] {
		out = append(out, Window{Start: time.Unix(0, start).UTC(), Counts: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Forget drops a rule's windows (the rule was deleted).
func (s *Stats) Forget(rule string) { delete(s.rules, rule) }
