package xray

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tracelint"
	"lookout/internal/xraysampling"
)

// diagWindow is how far back the diagnostics look: the statistics kept.
func (a *SamplingAPI) diagWindow() time.Duration { return a.cfg.StatsKeep }

// SamplingReport is the answer of GET /api/xray/sampling.
type SamplingReport struct {
	Start                time.Time    `json:"start"`
	End                  time.Time    `json:"end"`
	LastRuleModification *time.Time   `json:"lastRuleModification"`
	Rules                []RuleReport `json:"rules"`
	// SegmentsError says what could not be read of the stored segments.
	SegmentsError string   `json:"segmentsError,omitempty"`
	Notes         []string `json:"notes"`
}

// RuleReport is one rule, in evaluation order, with what the SDKs reported
// for it over the window and what looks wrong.
type RuleReport struct {
	Name       string                     `json:"name"`
	Priority   int32                      `json:"priority"`
	Rule       ruleOutput                 `json:"rule"`
	CreatedAt  *time.Time                 `json:"createdAt"`
	ModifiedAt *time.Time                 `json:"modifiedAt"`
	Stats      xraysampling.Counts        `json:"stats"`
	Clients    []xraysampling.ClientState `json:"clients"`
	Findings   []Finding                  `json:"findings"`
}

// Finding is something AWS would leave silent. Kind is "unmatched" (no
// request matched the rule while Default took some), "shadowed" (a rule
// evaluated first matches everything this one does) or "sdk-ignores" (the
// X-Ray SDKs skip such a rule).
type Finding struct {
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	ShadowedBy string `json:"shadowedBy,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (a *SamplingAPI) diagnostics(w http.ResponseWriter, r *http.Request) {
	ctx, project := r.Context(), a.project(r)
	end := a.cfg.Now().UTC()
	start := end.Add(-a.diagWindow())
	rep := SamplingReport{Start: start, End: end, Rules: []RuleReport{}, Notes: []string{
		"stats are what the SDKs reported through GetSamplingTargets (kept in memory since lookout started)",
	}}
	var rules []xraysampling.Rule
	err := a.withSet(ctx, project, func(s *ruleSet) error {
		rep.LastRuleModification = timePtr(s.lastMod)
		for _, rec := range s.sorted() {
			rules = append(rules, rec.Rule)
			rep.Rules = append(rep.Rules, RuleReport{Name: rec.Rule.RuleName, Priority: rec.Rule.Priority,
				Rule: ruleOutput{Rule: rec.Rule, RuleARN: a.arn(rec.Rule.RuleName)}, CreatedAt: timePtr(rec.CreatedAt),
				ModifiedAt: timePtr(rec.ModifiedAt), Stats: s.stats.Since(rec.Rule.RuleName, start),
				Clients: s.alloc.Clients(rec.Rule.RuleName, end), Findings: []Finding{}})
		}
		return nil
	})
	if err != nil {
		a.log.Error("x-ray sampling diagnostics", "err", err)
		writeLookoutError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var defaults int64
	for _, rr := range rep.Rules {
		if rr.Name == xraysampling.DefaultRuleName {
			defaults = rr.Stats.Requests
		}
	}
	shadows := xraysampling.Shadows(rules)
	seen := &seenSegments{api: a, ctx: ctx, project: project, start: start, end: end, byService: map[string][]xraysampling.Segment{}}
	for i := range rep.Rules {
		rr := &rep.Rules[i]
		if rr.Name == xraysampling.DefaultRuleName {
			continue
		}
		for _, n := range xraysampling.Notes(rr.Rule.Rule) {
			rr.Findings = append(rr.Findings, Finding{Kind: "sdk-ignores", Message: n})
		}
		by, shadowed := shadows[rr.Name]
		if shadowed {
			rr.Findings = append(rr.Findings, Finding{Kind: "shadowed", ShadowedBy: by.RuleName, Message: fmt.Sprintf(
				"never matches: rule %q (priority %d) is evaluated first and matches every request this rule matches",
				by.RuleName, by.Priority)})
		}
		if rr.Stats.Requests > 0 || defaults == 0 {
			continue
		}
		why := fmt.Sprintf("rule %q is evaluated first and matches everything this rule matches", by.RuleName)
		if !shadowed {
			why = seen.explain(rr.Rule.Rule)
		}
		rr.Findings = append(rr.Findings, Finding{Kind: "unmatched", Message: fmt.Sprintf(
			"matched no request in the last %s while Default took %d: %s", a.diagWindow(), defaults, why)})
	}
	rep.SegmentsError = seen.err
	writeLookoutJSON(w, http.StatusOK, rep)
}

// seenSegments reads, once per request, what the stored segments say.
type seenSegments struct {
	api        *SamplingAPI
	ctx        context.Context
	project    string
	start, end time.Time
	services   []xraysampling.ServiceCount
	loaded     bool
	byService  map[string][]xraysampling.Segment
	err        string
}

// explain says why r matched nothing, from the stored segments.
func (s *seenSegments) explain(r xraysampling.Rule) string {
	if s.api.segs == nil {
		return "no segment store to compare the rule with"
	}
	if !s.loaded {
		s.loaded = true
		stats, err := s.api.segs.Services(s.ctx, s.project, s.start, s.end)
		if err != nil {
			s.err = "reading services: " + err.Error()
		}
		for _, st := range stats {
			if st.SpanCount > 0 {
				s.services = append(s.services, xraysampling.ServiceCount{Name: st.Name, Count: st.SpanCount})
			}
		}
		sort.Slice(s.services, func(i, j int) bool { return s.services[i].Count > s.services[j].Count })
	}
	var segs []xraysampling.Segment
	names := xraysampling.MatchingServices(r, s.services)
	for i, name := range names {
		if i == s.api.cfg.DiagServices {
			break
		}
		segs = append(segs, s.segmentsOf(name)...)
	}
	return xraysampling.Unmatched(r, s.services, segs)
}

// segmentsOf describes the SERVER spans (segments) of the service's newest
// traces in the window.
func (s *seenSegments) segmentsOf(service string) []xraysampling.Segment {
	if segs, ok := s.byService[service]; ok {
		return segs
	}
	refs, err := s.api.segs.TraceStarts(s.ctx, store.TraceStartQuery{Project: s.project, Service: service,
		Start: s.start, End: s.end, Limit: s.api.cfg.DiagTraces})
	var traces [][]model.Span
	if err == nil && len(refs) > 0 {
		traces, err = s.api.segs.SpansOfTraces(s.ctx, s.project, refIDs(refs), tracelint.BulkTrim)
	}
	if err != nil {
		s.err = "reading segments of " + service + ": " + err.Error()
	}
	counts := map[xraysampling.Segment]int{}
	for _, spans := range traces {
		for i := range spans {
			if sp := &spans[i]; sp.Kind == model.SpanKindServer && sp.Service() == service {
				counts[segmentOf(sp)]++
			}
		}
	}
	segs := make([]xraysampling.Segment, 0, len(counts))
	for seg, n := range counts {
		seg.Count = n
		segs = append(segs, seg)
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].Count > segs[j].Count })
	s.byService[service] = segs
	return segs
}

// segmentOf reads what a rule compares from a span: X-Ray's origin, method
// and URL (host with port, as the SDKs see the Host header), or OTel's
// server.address and url.path.
func segmentOf(sp *model.Span) xraysampling.Segment {
	str := func(k string) string {
		if v, ok := sp.Attributes.Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	seg := xraysampling.Segment{Service: sp.Service(), Origin: str("aws.xray.origin"), Method: str("http.request.method")}
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

// matchRequest is the body of POST /api/xray/sampling/match.
type matchRequest struct {
	Service     string            `json:"service"`
	ServiceType string            `json:"serviceType"`
	Host        string            `json:"host"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	ResourceARN string            `json:"resourceARN"`
	Attributes  map[string]string `json:"attributes"`
}

// request turns the body into a sampling request; a full URL as path also
// gives the host.
func (m matchRequest) request() xraysampling.Request {
	q := xraysampling.Request{ServiceName: m.Service, ServiceType: m.ServiceType, Host: m.Host,
		HTTPMethod: m.Method, URLPath: m.Path, ResourceARN: m.ResourceARN, Attributes: m.Attributes}
	if strings.Contains(m.Path, "://") {
		if u, err := url.Parse(m.Path); err == nil {
			q.URLPath = u.Path
			if q.Host == "" {
				q.Host = u.Host
			}
		}
	}
	return q
}

// MatchReport is the answer of POST /api/xray/sampling/match.
type MatchReport struct {
	Rule     string                 `json:"rule"`
	Priority int32                  `json:"priority"`
	Matched  ruleOutput             `json:"matched"`
	Skipped  []xraysampling.Skipped `json:"skipped"`
	Notes    []string               `json:"notes"`
}

func (a *SamplingAPI) match(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReadBody))
	if err != nil {
		writeLookoutError(w, http.StatusBadRequest, "reading request body: "+err.Error())
		return
	}
	var in matchRequest
	if err := json.Unmarshal(body, &in); err != nil {
		writeLookoutError(w, http.StatusBadRequest, "request body: "+describeJSONError(err))
		return
	}
	var rules []xraysampling.Rule
	err = a.withSet(r.Context(), a.project(r), func(s *ruleSet) error {
		for _, rec := range s.sorted() {
			rules = append(rules, rec.Rule)
		}
		return nil
	})
	if err != nil {
		writeLookoutError(w, http.StatusInternalServerError, err.Error())
		return
	}
	i, skipped := xraysampling.Select(rules, in.request())
	if i < 0 { // cannot happen while Default exists; answer rather than panic
		writeLookoutError(w, http.StatusInternalServerError, "no rule matched, not even Default")
		return
	}
	rep := MatchReport{Rule: rules[i].RuleName, Priority: rules[i].Priority,
		Matched: ruleOutput{Rule: rules[i], RuleARN: a.arn(rules[i].RuleName)}, Skipped: skipped,
		Notes: xraysampling.Notes(rules[i])}
	if rep.Notes == nil {
		rep.Notes = []string{}
	}
	writeLookoutJSON(w, http.StatusOK, rep)
}

func writeLookoutJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeLookoutError(w http.ResponseWriter, status int, msg string) {
	writeLookoutJSON(w, status, map[string]string{"error": msg})
}
