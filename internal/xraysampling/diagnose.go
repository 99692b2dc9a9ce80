package xraysampling

import (
	"fmt"
	"net"
	"sort"
	"strings"
)

// ServiceCount is a service that stored segments, and how many.
type ServiceCount struct {
	Name  string
	Count int64
}

// Segment is the part of a stored segment a rule compares, with how many
// segments had it.
type Segment struct {
	Service string // the segment's name
	Origin  string // its origin (the rule's ServiceType); "" when it had none
	Host    string // the request's host[:port]
	Method  string
	Path    string
	Count   int
}

// MatchingServices returns the names of services whose name the rule's
// ServiceName pattern matches, in the order given.
func MatchingServices(r Rule, services []ServiceCount) []string {
	var out []string
	for _, s := range services {
		if Glob(r.ServiceName, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

// Unmatched explains why a rule matched no request, from what was stored:
// services lists every service that stored segments; segments describes the
// segments (all or a sample) of the services the rule's ServiceName
// matches. It names the first field that ruled out every segment left, with
// the values seen, e.g. `ServiceName "backend" matched no segment; services
// seen: backend-flask, api`. An empty value is not compared (the SDKs skip
// it too).
func Unmatched(r Rule, services []ServiceCount, segments []Segment) string {
	if len(services) == 0 {
		return "no segments were stored in the window, so nothing tells why"
	}
	names := MatchingServices(r, services)
	if len(names) == 0 {
		seen := make([]valueCount, 0, len(services))
		for _, s := range services {
			seen = append(seen, valueCount{s.Name, s.Count})
		}
		msg := fmt.Sprintf("ServiceName %q matched no segment; services seen: %s", r.ServiceName, list(seen))
		if dyn := namedAfterHost(segments); len(dyn) > 0 {
			msg += fmt.Sprintf("; %s named after the request's Host header (dynamic segment naming): "+
				"the SDK matches rules against that name, not its fixed one (see /api/xray/naming)", strings.Join(quoteAll(dyn), ", "))
			if len(dyn) == 1 {
				msg = strings.Replace(msg, " named after", " is named after", 1)
			} else {
				msg = strings.Replace(msg, " named after", " are named after", 1)
			}
		}
		return msg
	}
	of := fmt.Sprintf("of %s", strings.Join(quoteAll(names), ", "))
	left := make([]Segment, 0, len(segments))
	for _, s := range segments {
		if contains(names, s.Service) {
			left = append(left, s)
		}
	}
	if len(left) == 0 {
		return fmt.Sprintf("ServiceName %q matches service %s, but none of its segments could be read to compare the other fields",
			r.ServiceName, strings.Join(quoteAll(names), ", "))
	}
	for _, f := range []struct {
		name, plural, pattern string
		value                 func(Segment) string
	}{
		{"ServiceType", "origins", r.ServiceType, func(s Segment) string { return s.Origin }},
		{"Host", "hosts", r.Host, func(s Segment) string { return s.Host }},
		{"HTTPMethod", "methods", r.HTTPMethod, func(s Segment) string { return s.Method }},
		{"URLPath", "paths", r.URLPath, func(s Segment) string { return s.Path }},
	} {
		var keep []Segment
		counts := map[string]int64{}
		for _, s := range left {
			v := f.value(s)
			counts[v] += int64(s.Count)
			if v == "" || Glob(f.pattern, v) {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			seen := make([]valueCount, 0, len(counts))
			for v, n := range counts {
				seen = append(seen, valueCount{v, n})
			}
			return fmt.Sprintf("%s %q matched no segment %s; %s seen: %s", f.name, f.pattern, of, f.plural, list(seen))
		}
		left = keep
	}
	n := 0
	for _, s := range left {
		n += s.Count
	}
	ex := left[0]
	return fmt.Sprintf("%d stored segments match every field (e.g. %s %s%s of %q): the SDKs may not have fetched the rule yet "+
		"(they poll rules every 5 minutes) or were not asked to decide (an upstream caller's sampling decision is kept)",
		n, ex.Method, ex.Host, ex.Path, ex.Service)
}

// namedAfterHost lists the services whose segments are named after their
// request's Host header (with or without its port): dynamic naming.
func namedAfterHost(segments []Segment) []string {
	var out []string
	for _, s := range segments {
		host := s.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if s.Host != "" && (strings.EqualFold(s.Service, s.Host) || strings.EqualFold(s.Service, host)) && !contains(out, s.Service) {
			out = append(out, s.Service)
		}
	}
	sort.Strings(out)
	return out
}

// Evidence is one kind of request seen (a segment's service, origin, host,
// method and path) and the first field of a rule it fails, as
// POST /api/xray/sampling/match answers for that request.
type Evidence struct {
	Service string   `json:"service"`
	Host    string   `json:"host,omitempty"`
	Method  string   `json:"method,omitempty"`
	Path    string   `json:"path,omitempty"`
	Count   int64    `json:"count"`
	Why     Mismatch `json:"why"`
}

// MaxEvidence bounds the kinds of requests a finding lists.
const MaxEvidence = 5

// Evidences matches the rule against what was seen, request by request:
// the segments given, else (none could be read) the services, each by its
// name alone. Requests the rule matches are left out; the most frequent
// come first, at most MaxEvidence.
func Evidences(r Rule, services []ServiceCount, segments []Segment) []Evidence {
	out := []Evidence{}
	read := map[string]bool{}
	for _, s := range segments {
		read[s.Service] = true
		req := Request{ServiceName: s.Service, ServiceType: s.Origin, Host: s.Host, HTTPMethod: s.Method, URLPath: s.Path}
		if m, ok := r.Match(req); !ok {
			out = append(out, Evidence{Service: s.Service, Host: s.Host, Method: s.Method, Path: s.Path, Count: int64(s.Count), Why: m})
		}
	}
	for _, s := range services {
		if read[s.Name] {
			continue
		}
		if m, ok := r.Match(Request{ServiceName: s.Name}); !ok {
			out = append(out, Evidence{Service: s.Name, Count: s.Count, Why: m})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	if len(out) > MaxEvidence {
		out = out[:MaxEvidence]
	}
	return out
}

// Notes are facts about a rule that make SDKs ignore or mis-read it.
func Notes(r Rule) []string {
	var out []string
	if r.ResourceARN != "*" {
		out = append(out, fmt.Sprintf("ResourceARN is %q, not \"*\": aws-xray-sdk-go (and the other X-Ray SDKs) ignore such rules; only the OpenTelemetry X-Ray sampler compares it", r.ResourceARN))
	}
	if len(r.Attributes) > 0 {
		out = append(out, "the rule has Attributes: aws-xray-sdk-go ignores such rules; only the OpenTelemetry X-Ray sampler compares them with span attributes")
	}
	return out
}

type valueCount struct {
	v string
	n int64
}

// list renders values by count, most first, at most 10 of them.
func list(vs []valueCount) string {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].n != vs[j].n {
			return vs[i].n > vs[j].n
		}
		return vs[i].v < vs[j].v
	})
	const most = 10
	parts := make([]string, 0, most+1)
	for i, v := range vs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-most))
			break
		}
		name := v.v
		if name == "" {
			name = "(none)"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
