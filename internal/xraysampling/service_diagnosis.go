package xraysampling

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tracelint"
)

// Diagnosis is every rule of a project in evaluation order, with what the
// SDKs reported for it over [Start, End) and what looks wrong.
type Diagnosis struct {
	Start, End time.Time
	// LastModified is the latest create, update or delete; zero before the
	// first.
	LastModified time.Time
	Rules        []RuleDiagnosis
	// SegmentsError says what could not be read of the stored segments.
	SegmentsError string
	Notes         []string
	// SentWindow is how far back Sent looks.
	SentWindow time.Duration
}

// RuleDiagnosis is one rule with its statistics over the window, its
// active clients and its findings.
type RuleDiagnosis struct {
	Record
	Stats    Counts
	Clients  []ClientState
	Findings []Finding
	// Sent compares the requests the rule's clients reported sampled in the
	// last SentWindow with the segments that arrived under it.
	Sent []SentCheck
}

// Finding is something AWS would leave silent. Kind is "unmatched" (no
// request matched the rule while other rules took some), "shadowed" (a rule
// evaluated first matches everything this one does), "sdk-ignores" (the
// X-Ray SDKs skip such a rule) or "unsent" (the SDKs sampled more requests
// under the rule than segments arrived, see Sent).
type Finding struct {
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	ShadowedBy string `json:"shadowedBy,omitempty"`
	// TakenBy are the rules that decided the requests while an "unmatched"
	// rule matched none, with how many each took.
	TakenBy []RuleCount `json:"takenBy,omitempty"`
	// Seen are the kinds of requests stored in the window and the field of
	// the rule each fails (for "unmatched").
	Seen []Evidence `json:"seen,omitempty"`
	// Sent is the comparison an "unsent" finding is about.
	Sent *SentCheck `json:"sent,omitempty"`
}

// RuleCount is a rule and a number of requests.
type RuleCount struct {
	Rule     string `json:"rule"`
	Requests int64  `json:"requests"`
}

// Diagnose reports on the project's rules over the last
// ServiceConfig.StatsKeep. Why a rule matched nothing is read from the
// stored segments when the service has a SegmentReader.
func (s *Service) Diagnose(ctx context.Context, project string) (Diagnosis, error) {
	end := s.cfg.Now().UTC()
	start := end.Add(-s.cfg.StatsKeep)
	d := Diagnosis{Start: start, End: end, Rules: []RuleDiagnosis{}, Notes: []string{
		"stats are what the SDKs reported through GetSamplingTargets (kept in memory since lookout started)",
	}}
	var rules []Rule
	var reps map[string]map[string][]ClientReport
	var addrs map[string]string
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		d.LastModified = set.lastMod
		for _, rec := range set.sorted() {
			clients, err := s.alloc.Clients(ctx, project, rec.Rule.RuleName, end)
			if err != nil {
				return err
			}
			rules = append(rules, rec.Rule)
			d.Rules = append(d.Rules, RuleDiagnosis{Record: rec.clone(), Stats: set.stats.Since(rec.Rule.RuleName, start),
				Clients: clients, Findings: []Finding{}, Sent: []SentCheck{}})
		}
		reps, addrs = set.history.snapshot()
		return nil
	})
	if err != nil {
		return Diagnosis{}, err
	}
	d.SentWindow = s.cfg.SentWindow
	sent := s.compareSent(ctx, project, reps, addrs, end)
	d.Notes = append(d.Notes, sent.notes...)
	for i := range d.Rules {
		rd := &d.Rules[i]
		for _, chk := range sent.checks {
			if chk.Rule != rd.Rule.RuleName {
				continue
			}
			rd.Sent = append(rd.Sent, chk)
			if chk.Missing > 0 {
				rd.Findings = append(rd.Findings, unsentFinding(chk, s.cfg.SentWindow))
			}
		}
	}
	shadows := Shadows(rules)
	seen := &seenSegments{s: s, ctx: ctx, project: project, start: start, end: end, byService: map[string][]Segment{}}
	for i := range d.Rules {
		rd := &d.Rules[i]
		if rd.Rule.RuleName == DefaultRuleName {
			continue
		}
		for _, n := range Notes(rd.Rule) {
			rd.Findings = append(rd.Findings, Finding{Kind: "sdk-ignores", Message: n})
		}
		by, shadowed := shadows[rd.Rule.RuleName]
		if shadowed {
			rd.Findings = append(rd.Findings, Finding{Kind: "shadowed", ShadowedBy: by.RuleName, Message: fmt.Sprintf(
				"never matches: rule %q (priority %d) is evaluated first and matches every request this rule matches",
				by.RuleName, by.Priority)})
		}
		if rd.Stats.Requests > 0 {
			continue
		}
		before, after := takenAround(d.Rules, i)
		if len(before)+len(after) == 0 {
			continue // nothing reported at all: nothing to compare with
		}
		f := Finding{Kind: "unmatched", TakenBy: append(append([]RuleCount{}, after...), before...)}
		why := fmt.Sprintf("rule %q is evaluated first and matches everything this rule matches", by.RuleName)
		if !shadowed {
			why, f.Seen = seen.explain(rd.Rule)
		}
		if len(after) > 0 {
			f.Message = fmt.Sprintf("matched no request in the last %s while %s took %s: %s",
				s.cfg.StatsKeep, plural(after, "rule evaluated after it", "rules evaluated after it"), counts(after), why)
		} else {
			f.Message = fmt.Sprintf("matched no request in the last %s: every request reported was decided by %s evaluated before it (%s): %s",
				s.cfg.StatsKeep, plural(before, "a rule", "rules"), counts(before), why)
		}
		rd.Findings = append(rd.Findings, f)
	}
	for _, e := range []string{seen.err, sent.err} {
		if e != "" && d.SegmentsError != "" {
			d.SegmentsError += "; "
		}
		d.SegmentsError += e
	}
	return d, nil
}

// takenAround lists the rules evaluated before and after rules[i] that took
// requests in the window, in evaluation order.
func takenAround(rules []RuleDiagnosis, i int) (before, after []RuleCount) {
	for j, rd := range rules {
		if j == i || rd.Stats.Requests == 0 {
			continue
		}
		rc := RuleCount{Rule: rd.Rule.RuleName, Requests: rd.Stats.Requests}
		if j < i {
			before = append(before, rc)
		} else {
			after = append(after, rc)
		}
	}
	return before, after
}

func plural(rcs []RuleCount, one, many string) string {
	if len(rcs) == 1 {
		return one
	}
	return many
}

// counts renders rules with their requests: `"catch-all" 40, "Default" 12`.
func counts(rcs []RuleCount) string {
	parts := make([]string, len(rcs))
	for i, rc := range rcs {
		parts[i] = fmt.Sprintf("%q %d", rc.Rule, rc.Requests)
	}
	return strings.Join(parts, ", ")
}

// seenSegments reads, once per diagnosis, what the stored segments say.
type seenSegments struct {
	s          *Service
	ctx        context.Context
	project    string
	start, end time.Time
	services   []ServiceCount
	loaded     bool
	byService  map[string][]Segment
	err        string
}

// explain says why r matched nothing, from the stored segments, and how
// the kinds of requests seen fail it.
func (seen *seenSegments) explain(r Rule) (string, []Evidence) {
	if seen.s.segs == nil {
		return "no segment store to compare the rule with", nil
	}
	if !seen.loaded {
		seen.loaded = true
		stats, err := seen.s.segs.Services(seen.ctx, seen.project, seen.start, seen.end)
		if err != nil {
			seen.err = "reading services: " + err.Error()
		}
		for _, st := range stats {
			if st.SpanCount > 0 {
				seen.services = append(seen.services, ServiceCount{Name: st.Name, Count: st.SpanCount})
			}
		}
		sort.Slice(seen.services, func(i, j int) bool { return seen.services[i].Count > seen.services[j].Count })
	}
	// The services the rule's ServiceName matches, else (to tell why not)
	// the busiest ones.
	var segs []Segment
	names := MatchingServices(r, seen.services)
	if len(names) == 0 {
		for _, sc := range seen.services {
			names = append(names, sc.Name)
		}
	}
	for i, name := range names {
		if i == seen.s.cfg.DiagServices {
			break
		}
		segs = append(segs, seen.segmentsOf(name)...)
	}
	return Unmatched(r, seen.services, segs), Evidences(r, seen.services, segs)
}

// segmentsOf describes the SERVER spans (segments) of the service's newest
// traces in the window.
func (seen *seenSegments) segmentsOf(service string) []Segment {
	if segs, ok := seen.byService[service]; ok {
		return segs
	}
	refs, err := seen.s.segs.TraceStarts(seen.ctx, store.TraceStartQuery{Project: seen.project, Service: service,
		Start: seen.start, End: seen.end, Limit: seen.s.cfg.DiagTraces})
	var traces [][]model.Span
	if err == nil && len(refs) > 0 {
		ids := make([]model.TraceID, len(refs))
		for i, r := range refs {
			ids[i] = r.ID
		}
		traces, err = seen.s.segs.SpansOfTraces(seen.ctx, seen.project, ids, tracelint.BulkTrim)
	}
	if err != nil {
		seen.err = "reading segments of " + service + ": " + err.Error()
	}
	counts := map[Segment]int{}
	for _, spans := range traces {
		for i := range spans {
			if sp := &spans[i]; sp.Kind == model.SpanKindServer && sp.Service() == service {
				counts[segmentOf(sp)]++
			}
		}
	}
	segs := make([]Segment, 0, len(counts))
	for seg, n := range counts {
		seg.Count = n
		segs = append(segs, seg)
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].Count > segs[j].Count })
	seen.byService[service] = segs
	return segs
}

// segmentOf reads what a rule compares from a span: X-Ray's origin, method
// and URL (host with port, as the SDKs see the Host header), or OTel's
// server.address and url.path.
func segmentOf(sp *model.Span) Segment {
	str := func(k string) string {
		if v, ok := sp.Attributes.Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	seg := Segment{Service: sp.Service(), Origin: str("aws.xray.origin"), Method: str("http.request.method")}
	if seg.Method == "" {
		seg.Method = str("http.method")
	}
	if u, err := url.Parse(str("url.full")); err == nil && u.Host != "" {
		seg.Host, seg.Path = u.Host, u.Path
	}
	if seg.Host == "" {
		if host := str("server.address"); host != "" {
			seg.Host = host
			if port := str("server.port"); port != "" {
				seg.Host = net.JoinHostPort(host, port)
			}
		}
	}
	if seg.Path == "" {
		seg.Path = str("url.path")
	}
	return seg
}

// Decision is the rule that decides a request, why each rule evaluated
// before it did not match, and what the SDKs do with that rule (Notes).
type Decision struct {
	Rule    Rule
	Skipped []Skipped
	Notes   []string
	// Rules is every rule, in evaluation order, compared field by field.
	Rules []RuleTrace
}

// Match picks the project's rule for req as the SDKs do.
func (s *Service) Match(ctx context.Context, project string, req Request) (Decision, error) {
	var rules []Rule
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		for _, rec := range set.sorted() {
			rules = append(rules, rec.clone().Rule)
		}
		return nil
	})
	if err != nil {
		return Decision{}, err
	}
	i, skipped := Select(rules, req)
	if i < 0 { // cannot happen while Default exists; answer rather than panic
		return Decision{}, errors.New("no rule matched, not even Default")
	}
	d := Decision{Rule: rules[i], Skipped: skipped, Notes: Notes(rules[i]), Rules: Trace(rules, req)}
	if d.Notes == nil {
		d.Notes = []string{}
	}
	return d, nil
}
