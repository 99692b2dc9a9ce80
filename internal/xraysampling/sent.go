package xraysampling

import (
	"net"
	"sort"
	"time"
)

// Sampled but never sent: a client's GetSamplingTargets report says how
// many requests it sampled under a rule since its previous report; every
// sampled request should arrive as a segment carrying the rule's name
// (aws.xray.sampling_rule_name), started within that time. This file
// compares the two; service_sent.go feeds it.

// ClientReport is one report of a client for a rule: when it was received
// (At), the time the client stamped on it (Timestamp, its own clock; zero
// when absent) and its counts.
type ClientReport struct {
	At, Timestamp time.Time
	Counts
}

// SegmentCount is how many segments (distinct ids) of one process, sent
// under one sampling rule, started within one time bucket.
type SegmentCount struct {
	Rule string
	// Source is the address the process sent from (xray.udp.source), ""
	// when unknown; Service is the segments' name.
	Source, Service string
	// Second starts the bucket, which lasts Width (0: one second).
	Second time.Time
	Width  time.Duration
	Count  int64
}

// end is when the segment's bucket ends.
func (c SegmentCount) end() time.Time {
	if c.Width <= 0 {
		return c.Second.Add(time.Second)
	}
	return c.Second.Add(c.Width)
}

// process is who sent segments: its source, else its service.
func (c SegmentCount) process() string {
	if c.Source != "" {
		return c.Source
	}
	return "service " + c.Service
}

// SentCheck compares, for one rule and the clients it was tied to, the
// requests the clients reported sampled with the segments that arrived.
type SentCheck struct {
	Rule string `json:"rule"`
	// Clients reported the requests. One client unless the segments could
	// not be told apart by client: then every client of the rule.
	Clients []string `json:"clients"`
	// Services and Sources are the names and sender addresses of the
	// segments counted.
	Services []string `json:"services"`
	Sources  []string `json:"sources"`
	// From and To bound the time the reports cover: from the report before
	// the first one counted to the last one counted.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Sampled is what the reports said: SampledCount and BorrowCount (the
	// X-Ray SDKs count a request sampled by borrowing in BorrowCount only).
	// Arrived is the segments stored that started within [From, To] (whole
	// seconds, so a few more may count).
	Sampled int64 `json:"sampled"`
	Arrived int64 `json:"arrived"`
	Missing int64 `json:"missing"`
}

// SentConfig tunes the comparison.
type SentConfig struct {
	// From and To bound the reports compared (by when they were received).
	From, To time.Time
	// FirstCover is how far before a report its requests may have been
	// decided: the SDKs report a rule at their first poll (every Interval)
	// after it matched a request. It bounds the time a client's first
	// report covers, and one that follows a long silence.
	FirstCover time.Duration
	// Addrs maps client ids to the host they report from, "" unknown.
	Addrs map[string]string
}

// CompareSent compares each rule's reports (rule → client → reports, in
// the order received, including reports before cfg.From) with the segments
// that arrived under it. Segments are tied to the client whose reports
// cover them: all of a rule's segments when it has one client; else each
// process's (source's) to the one client whose reports cover its segments'
// times from the same host. When some cannot be tied, the rule gets one
// check over all its clients.
func CompareSent(cfg SentConfig, reports map[string]map[string][]ClientReport, segs []SegmentCount) []SentCheck {
	byRule := map[string][]SegmentCount{}
	for _, s := range segs {
		if s.Rule != "" {
			byRule[s.Rule] = append(byRule[s.Rule], s)
		}
	}
	var out []SentCheck
	for _, rule := range sortedKeys(reports) {
		var covers []cover
		for _, client := range sortedKeys(reports[rule]) {
			if c, ok := coverOf(cfg, client, reports[rule][client]); ok {
				covers = append(covers, c)
			}
		}
		if len(covers) == 0 {
			continue
		}
		out = append(out, compareRule(cfg, rule, covers, byRule[rule])...)
	}
	return out
}

// cover is what a client's reports in the window cover.
type cover struct {
	client   string
	from, to time.Time
	sampled  int64
}

// coverOf sums the client's reports received in (From, To] and bounds the
// time they cover: from its report before them (at most FirstCover before
// the first), to the last one. Both bounds take the earlier (from) or later
// (to) of the client's stamp and the time received, so segments are never
// left out for a clock difference or a stamp cut to whole seconds.
func coverOf(cfg SentConfig, client string, rs []ClientReport) (cover, bool) {
	c := cover{client: client}
	first := -1
	for i, r := range rs {
		if !r.At.After(cfg.From) || r.At.After(cfg.To) {
			continue
		}
		if first < 0 {
			first = i
		}
		c.sampled += r.Sampled + r.Borrowed // the SDKs count a borrowed request in BorrowCount only
		c.to = latest(r.At, r.Timestamp)
	}
	if first < 0 {
		return cover{}, false
	}
	c.from = earliest(rs[first].At, rs[first].Timestamp).Add(-cfg.FirstCover)
	if first > 0 {
		c.from = latest(c.from, earliest(rs[first-1].At, rs[first-1].Timestamp))
	}
	return c, true
}

func earliest(a, b time.Time) time.Time {
	if !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// covers reports whether the segment's bucket overlaps [from, to].
func (c cover) covers(s SegmentCount) bool {
	return s.end().After(c.from) && !s.Second.After(c.to)
}

func compareRule(cfg SentConfig, rule string, covers []cover, segs []SegmentCount) []SentCheck {
	procs := map[string][]SegmentCount{}
	for _, s := range segs {
		procs[s.process()] = append(procs[s.process()], s)
	}
	owner := map[string]string{} // process → client
	tied := 0                    // processes with a segment some report covers
	for p, ss := range procs {
		if !coveredByAny(covers, ss) {
			continue // nothing the reports speak of
		}
		tied++
		if len(covers) == 1 {
			owner[p] = covers[0].client
			continue
		}
		var fits []string
		for _, c := range covers {
			if fitsCover(cfg, c, covers, ss) {
				fits = append(fits, c.client)
			}
		}
		if len(fits) == 1 {
			owner[p] = fits[0]
		}
	}
	if len(owner) < tied { // some cannot be told apart: the rule as a whole
		all := cover{from: covers[0].from, to: covers[0].to}
		var clients []string
		for _, c := range covers {
			clients = append(clients, c.client)
			all.sampled += c.sampled
			all.from, all.to = earliest(all.from, c.from), latest(all.to, c.to)
		}
		chk := check(rule, clients, all, segs)
		return []SentCheck{chk}
	}
	var out []SentCheck
	for _, c := range covers {
		var mine []SegmentCount
		for p, ss := range procs {
			if owner[p] == c.client {
				mine = append(mine, ss...)
			}
		}
		out = append(out, check(rule, []string{c.client}, c, mine))
	}
	return out
}

func coveredByAny(covers []cover, ss []SegmentCount) bool {
	for _, s := range ss {
		for _, c := range covers {
			if c.covers(s) {
				return true
			}
		}
	}
	return false
}

// fitsCover reports whether every segment of a process that some report
// covers is covered by c's reports, and (when both are known) comes from
// the host c reports from.
func fitsCover(cfg SentConfig, c cover, covers []cover, ss []SegmentCount) bool {
	for _, s := range ss {
		if !coveredByAny(covers, []SegmentCount{s}) {
			continue
		}
		if !c.covers(s) {
			return false
		}
		if addr := cfg.Addrs[c.client]; addr != "" && s.Source != "" {
			if host, _, err := net.SplitHostPort(s.Source); err == nil && host != addr {
				return false
			}
		}
	}
	return true
}

func check(rule string, clients []string, c cover, segs []SegmentCount) SentCheck {
	chk := SentCheck{Rule: rule, Clients: clients, Services: []string{}, Sources: []string{}, From: c.from.UTC(), To: c.to.UTC(),
		Sampled: c.sampled}
	for _, s := range segs {
		if !c.covers(s) {
			continue
		}
		chk.Arrived += s.Count
		if !contains(chk.Services, s.Service) {
			chk.Services = append(chk.Services, s.Service)
		}
		if s.Source != "" && !contains(chk.Sources, s.Source) {
			chk.Sources = append(chk.Sources, s.Source)
		}
	}
	sort.Strings(chk.Services)
	sort.Strings(chk.Sources)
	chk.Missing = max(chk.Sampled-chk.Arrived, 0)
	return chk
}
