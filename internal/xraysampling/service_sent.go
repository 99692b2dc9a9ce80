package xraysampling

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"lookout/internal/query"
)

// Attributes the sampled-but-never-sent comparison reads of stored
// segments (docs/xray-mapping.md).
const (
	AttrSamplingRule = "aws.xray.sampling_rule_name" // the rule that sampled the request
	AttrUDPSource    = "xray.udp.source"             // the address the segment came from
	xrayScope        = "lookout/receiver/xray"       // spans made from X-Ray documents
)

// history keeps each client's reports per rule for the comparison, and
// the host each client reports from.
type history struct {
	keep    time.Duration
	reports map[string]map[string][]ClientReport // rule → client →, oldest first
	addrs   map[string]string                    // client → host
}

func newHistory(keep time.Duration) *history {
	return &history{keep: keep, reports: map[string]map[string][]ClientReport{}, addrs: map[string]string{}}
}

// add keeps a report, dropping the client's reports older than keep (the
// newest of those stays: it bounds what the next one covers).
func (h *history) add(rule, client, addr string, r ClientReport) {
	byClient := h.reports[rule]
	if byClient == nil {
		byClient = map[string][]ClientReport{}
		h.reports[rule] = byClient
	}
	rs := append(byClient[client], r)
	cut := 0
	for cut < len(rs)-1 && r.At.Sub(rs[cut+1].At) > h.keep {
		cut++
	}
	byClient[client] = append(rs[:0:0], rs[cut:]...)
	if addr != "" {
		h.addrs[client] = addr
	}
	for rule, byClient := range h.reports { // clients gone for long
		for id, rs := range byClient {
			if r.At.Sub(rs[len(rs)-1].At) > 2*h.keep {
				delete(byClient, id)
			}
		}
		if len(byClient) == 0 {
			delete(h.reports, rule)
		}
	}
}

func (h *history) forget(rule string) { delete(h.reports, rule) }

// snapshot copies what the comparison reads.
func (h *history) snapshot() (map[string]map[string][]ClientReport, map[string]string) {
	reps := make(map[string]map[string][]ClientReport, len(h.reports))
	for rule, byClient := range h.reports {
		reps[rule] = make(map[string][]ClientReport, len(byClient))
		for id, rs := range byClient {
			reps[rule][id] = append([]ClientReport(nil), rs...)
		}
	}
	addrs := make(map[string]string, len(h.addrs))
	for k, v := range h.addrs {
		addrs[k] = v
	}
	return reps, addrs
}

// sentReport is the comparison over the last SentWindow.
type sentReport struct {
	checks []SentCheck
	notes  []string
	err    string
}

// compareSent compares what the project's clients reported sampled in the
// last SentWindow (but SentSettle) with the segments stored under each rule;
// reps and addrs are a snapshot of the project's history.
func (s *Service) compareSent(ctx context.Context, project string, reps map[string]map[string][]ClientReport,
	addrs map[string]string, now time.Time) sentReport {
	cfg := SentConfig{From: now.Add(-s.cfg.SentWindow), To: now.Add(-s.cfg.SentSettle),
		FirstCover: 3 * s.cfg.Alloc.Interval, Addrs: addrs}
	var out sentReport
	if s.segs == nil {
		return out
	}
	// Segments carry the SDK's clock: read from the earliest time a report
	// may cover by the clients' stamps too (an hour back at most).
	since := cfg.From.Add(-cfg.FirstCover)
	for _, byClient := range reps {
		for _, rs := range byClient {
			for _, r := range rs {
				if !r.Timestamp.IsZero() && r.Timestamp.Add(-cfg.FirstCover).Before(since) {
					since = r.Timestamp.Add(-cfg.FirstCover)
				}
			}
		}
	}
	since = latest(since, now.Add(-s.cfg.SentWindow-time.Hour))
	segs, err := s.segmentCounts(ctx, project, since, now)
	if err != nil {
		out.err = "reading segments by sampling rule: " + err.Error()
		return out
	}
	out.checks = CompareSent(cfg, reps, segs)
	// Who sent segments without a client reporting for their rule.
	reported := map[string]bool{}
	for _, c := range out.checks {
		reported[c.Rule] = true
	}
	// Only segments old enough that their clients' reports must have come
	// in: a report may lag the requests it covers by FirstCover.
	local := map[string][]string{} // rule ("" none) → services
	for _, sc := range segs {
		if sc.Second.Before(cfg.From) || sc.Second.After(cfg.To.Add(-cfg.FirstCover)) || reported[sc.Rule] ||
			contains(local[sc.Rule], sc.Service) {
			continue
		}
		local[sc.Rule] = append(local[sc.Rule], sc.Service)
	}
	window := s.cfg.SentWindow.String()
	if len(out.checks) == 0 && len(local) > 0 {
		var all []string
		for _, svcs := range local {
			for _, svc := range svcs {
				if !contains(all, svc) {
					all = append(all, svc)
				}
			}
		}
		sort.Strings(all)
		out.notes = append(out.notes, fmt.Sprintf("no client reported sampling statistics (GetSamplingTargets) in the last %s: "+
			"the X-Ray SDKs that sent segments here (%s) do not use centralized sampling (local rules, or they poll another address), "+
			"so whether every sampled request was sent cannot be checked", window, strings.Join(all, ", ")))
		return out
	}
	for _, rule := range sortedKeys(local) {
		if rule == "" {
			continue // segments decided upstream, or by an SDK that does not name the rule
		}
		sort.Strings(local[rule])
		out.notes = append(out.notes, fmt.Sprintf("segments of %s carry sampling rule %q, but no client reported statistics for it "+
			"in the last %s: they were sampled by local rules, so they cannot be compared", strings.Join(local[rule], ", "), rule, window))
	}
	return out
}

// segmentCounts counts the X-Ray segments of [start, end) per sampling
// rule, source, service and time bucket, through the query model.
func (s *Service) segmentCounts(ctx context.Context, project string, start, end time.Time) ([]SegmentCount, error) {
	start = start.Truncate(time.Second)
	gran := time.Second
	for end.Sub(start)/gran > query.MaxBuckets {
		gran *= 2
	}
	q := query.Query{Start: start, End: end, Granularity: gran, Limit: query.MaxLimit,
		Calculations: []query.Calculation{{Op: query.OpCountDistinct, Column: query.ColSpanID}},
		Filters: []query.Filter{{Column: query.ColKind, Op: query.FilterEq, Values: []any{"server"}},
			{Column: query.ColLibraryName, Op: query.FilterEq, Values: []any{xrayScope}}},
		Breakdowns: []string{AttrSamplingRule, AttrUDPSource, query.ColService}}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	res, err := s.segs.Query(ctx, project, q)
	if err != nil {
		return nil, err
	}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	out := make([]SegmentCount, 0, len(res.Series))
	for _, row := range res.Series {
		if len(row.Group) != 3 || len(row.Values) != 1 {
			continue
		}
		n, _ := row.Values[0].(int64)
		out = append(out, SegmentCount{Rule: str(row.Group[0]), Source: str(row.Group[1]), Service: str(row.Group[2]),
			Second: row.Time, Width: gran, Count: n})
	}
	return out, nil
}

// unsentFinding says what a check that lacks segments means.
func unsentFinding(chk SentCheck, window time.Duration) Finding {
	who := strings.Join(chk.Services, ", ")
	if who == "" {
		who = "client " + strings.Join(chk.Clients, ", ")
	}
	var causes string
	if chk.Arrived == 0 {
		causes = "no segment arrived under this rule: the SDK may send segments to another address than the one it polls " +
			"(AWS_XRAY_DAEMON_ADDRESS), or every one was lost or refused (see /metrics)"
	} else {
		svc := "SERVICE"
		if len(chk.Services) > 0 {
			svc = chk.Services[0]
		}
		causes = fmt.Sprintf("a subsegment left open (the Python, Node.js and Java SDKs send a segment only once all its "+
			"subsegments are closed; GET /api/services/%s/lint lists those sent open), or UDP loss (see "+
			"lookout_xray_segments_rejected_total in /metrics: \"overloaded\" is lookout's queue, other reasons refused documents; "+
			"the kernel's UDP receive errors are in /proc/net/snmp)", svc)
	}
	return Finding{Kind: "unsent", Sent: &chk, Message: fmt.Sprintf(
		"%s: %d requests sampled by %s in the last %s, %d segments arrived: %d never sent — %s",
		who, chk.Sampled, chk.Rule, window, chk.Arrived, chk.Missing, causes)}
}

// SamplingClients ties processes, by the address they send segments from,
// to the clients whose reports of the last SentWindow cover their segments
// (see CompareSent); start and end are not read beyond that window.
func (s *Service) SamplingClients(ctx context.Context, project string, sources []string, _, _ time.Time) (map[string][]string, error) {
	out := map[string][]string{}
	var reps map[string]map[string][]ClientReport
	var addrs map[string]string
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		reps, addrs = set.history.snapshot()
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep := s.compareSent(ctx, project, reps, addrs, s.cfg.Now().UTC())
	want := map[string]bool{}
	for _, src := range sources {
		want[src] = true
	}
	for _, c := range rep.checks {
		if len(c.Clients) != 1 {
			continue
		}
		for _, src := range c.Sources {
			if want[src] && !contains(out[src], c.Clients[0]) {
				out[src] = append(out[src], c.Clients[0])
			}
		}
	}
	if rep.err != "" {
		return out, fmt.Errorf("sampling clients: %s", rep.err)
	}
	return out, nil
}
