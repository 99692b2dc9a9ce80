package xrayread

import (
	"net/url"
	"strconv"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/tracelint"
)

// traceView is one trace seen the way X-Ray shows it: services (nodes),
// calls between them (edges) with the outcome of each request, and the
// facts filter expressions read.
type traceView struct {
	id         model.TraceID
	tree       *tracelint.Tree
	start, end int64
	facts      xrayfilter.Trace
	// requests are the outcomes of each node's requests (one per segment or,
	// for inferred nodes, per call), for graph statistics.
	requests [][]xrayfilter.Outcome
	calls    []call
	entry    int // node index of the entry service, -1 when none
	// annServices names the nodes each annotation value was seen on.
	annServices map[string][]string
	userNodes   map[string][]string
}

// call is one request along an edge.
type call struct {
	from, to int
	out      xrayfilter.Outcome
}

// Node types X-Ray uses for nodes without an origin.
const (
	typeClient = "client"
	typeRemote = "remote"
)

// viewOf builds the X-Ray view of a trace from its spans (any order, ids may
// repeat; see tracelint.Tree).
func viewOf(id model.TraceID, spans []model.Span) *traceView {
	t := tracelint.Build(spans)
	v := &traceView{id: id, tree: t, entry: -1, annServices: map[string][]string{}, userNodes: map[string][]string{}}
	v.start, v.end = t.Bounds()
	f := &v.facts
	f.ID, f.Duration = id.XRayString(), seconds(v.end-v.start)
	f.Annotations = map[string][]xrayfilter.Value{}
	nodeIndex := map[[2]string]int{}
	node := func(name, typ string, inferred bool) int {
		k := [2]string{name, typ}
		if i, ok := nodeIndex[k]; ok {
			return i
		}
		nodeIndex[k] = len(f.Nodes)
		f.Nodes = append(f.Nodes, xrayfilter.Node{Name: name, Type: typ, Inferred: inferred})
		v.requests = append(v.requests, nil)
		return len(f.Nodes) - 1
	}
	segNode := map[int]int{} // segment span → node
	root := t.Root()
	for i, sp := range t.Spans {
		if !t.IsSegment(i) {
			continue
		}
		n := node(t.Service[i], nodeType(sp), false)
		segNode[i] = n
		placeNode(&f.Nodes[n], sp)
		out := outcomeOf(sp)
		v.requests[n] = append(v.requests[n], out)
		if i == root {
			v.entry = n
			f.Nodes[n].Root = true
			f.Entry = out
		}
	}
	outs := make([]xrayfilter.Outcome, len(t.Spans))
	for i, sp := range t.Spans {
		n := segNode[t.Segment[i]]
		if tracelint.InProgress(sp) {
			f.Partial = true
		}
		out := outcomeOf(sp)
		outs[i] = out
		f.Fault, f.Error, f.Throttle = f.Fault || out.Fault, f.Error || out.Error, f.Throttle || out.Throttle
		mergeOutcome(&f.Nodes[n].Outcome, out)
		v.collectAnnotations(sp, f.Nodes[n].Name)
		if u, ok := sp.Attributes.Get("enduser.id"); ok && u.Str != "" {
			if _, seen := v.userNodes[u.Str]; !seen {
				f.Users = append(f.Users, u.Str)
			}
			v.userNodes[u.Str] = appendUnique(v.userNodes[u.Str], f.Nodes[n].Name)
		}
		if p := t.Parent[i]; t.IsSegment(i) && p >= 0 {
			v.calls = append(v.calls, call{from: segNode[t.Segment[p]], to: n, out: out})
		}
		if sp.Kind == model.SpanKindClient && !hasSegmentChild(t, i) {
			name, typ := inferredNode(sp)
			to := node(name, typ, true)
			mergeOutcome(&f.Nodes[to].Outcome, out)
			v.requests[to] = append(v.requests[to], out)
			v.calls = append(v.calls, call{from: n, to: to, out: out})
		}
	}
	for _, c := range v.calls {
		f.Edges = append(f.Edges, xrayfilter.Call{From: c.from, To: c.to, Outcome: c.out})
	}
	f.RootCauses = rootCauses(t, outs, func(i int) xrayfilter.Node {
		if sp := t.Spans[i]; sp.Kind == model.SpanKindClient && !hasSegmentChild(t, i) {
			name, typ := inferredNode(sp)
			return xrayfilter.Node{Name: name, Type: typ, Inferred: true}
		}
		n := f.Nodes[segNode[t.Segment[i]]]
		return xrayfilter.Node{Name: n.Name, Type: n.Type, Inferred: n.Inferred}
	})
	return v
}

func (v *traceView) collectAnnotations(sp *model.Span, service string) {
	for _, kv := range sp.Attributes {
		key, ok := strings.CutPrefix(kv.Key, xrayfilter.AttrAnnotationPrefix)
		if !ok {
			continue
		}
		val, ok := filterValue(kv.Value)
		if !ok {
			continue
		}
		list := v.facts.Annotations[key]
		found := false
		for _, x := range list {
			found = found || x == val
		}
		if !found {
			v.facts.Annotations[key] = append(list, val)
		}
		sk := key + "\x00" + val.String()
		v.annServices[sk] = appendUnique(v.annServices[sk], service)
	}
}

func filterValue(m model.Value) (xrayfilter.Value, bool) {
	switch m.Kind {
	case model.KindString:
		return xrayfilter.Value{Kind: xrayfilter.String, Str: m.Str}, true
	case model.KindBool:
		return xrayfilter.Value{Kind: xrayfilter.Bool, Bool: m.Bool}, true
	case model.KindInt:
		return xrayfilter.Value{Kind: xrayfilter.Number, Num: float64(m.Int)}, true
	case model.KindDouble:
		return xrayfilter.Value{Kind: xrayfilter.Number, Num: m.Double}, true
	}
	return xrayfilter.Value{}, false
}

func hasSegmentChild(t *tracelint.Tree, i int) bool {
	for _, c := range t.Children[i] {
		if t.IsSegment(c) {
			return true
		}
	}
	return false
}

// nodeType is the X-Ray node type of a segment: its origin; none without
// one.
func nodeType(sp *model.Span) string {
	if v, ok := sp.Attributes.Get("aws.xray.origin"); ok && v.Str != "" {
		return v.Str
	}
	return ""
}

// inferredNode names the downstream a CLIENT span called when no segment of
// the callee arrived: an AWS service by its name, else the URL's host.
func inferredNode(sp *model.Span) (name, typ string) {
	if ns, _ := sp.Attributes.Get(tracelint.AttrNamespace); ns.Str == "aws" {
		return sp.Name, "AWS::" + sp.Name
	}
	if v, ok := sp.Attributes.Get("rpc.system"); ok && v.Str == "aws-api" {
		if s, ok := sp.Attributes.Get("rpc.service"); ok && s.Str != "" {
			return s.Str, "AWS::" + s.Str
		}
	}
	if u, ok := sp.Attributes.Get("url.full"); ok {
		if pu, err := url.Parse(u.Str); err == nil && pu.Host != "" {
			return pu.Host, typeRemote
		}
	}
	if v, ok := sp.Attributes.Get("server.address"); ok && v.Str != "" {
		return v.Str, typeRemote
	}
	return sp.Name, typeRemote
}

// outcomeOf reads a span's request outcome. X-Ray flags are used as sent;
// for other spans a 5xx (or an error status without an HTTP status) is a
// fault, a 4xx an error and a 429 also a throttle.
func outcomeOf(sp *model.Span) xrayfilter.Outcome {
	var o xrayfilter.Outcome
	a := sp.Attributes
	str := func(k string) string {
		v, _ := a.Get(k)
		if v.Kind == model.KindString {
			return v.Str
		}
		return ""
	}
	flag := func(k string) bool { v, _ := a.Get(k); return v.Kind == model.KindBool && v.Bool }
	o.HTTP = xrayfilter.HTTP{URL: requestURL(a), Method: str("http.request.method"),
		UserAgent: str("user_agent.original"), ClientIP: str("client.address")}
	if v, ok := a.Get("http.response.status_code"); ok {
		switch v.Kind {
		case model.KindInt:
			o.HTTP.Status = int(v.Int)
		case model.KindDouble:
			o.HTTP.Status = int(v.Double)
		}
	}
	if sp.Scope.Name == xrayfilter.ScopeName {
		o.Fault, o.Error, o.Throttle = flag("aws.xray.fault"), flag("aws.xray.error"), flag("aws.xray.throttle")
	} else {
		st := o.HTTP.Status
		o.Fault = st >= 500 || (st == 0 && sp.StatusCode == model.StatusError)
		o.Error = st >= 400 && st < 500
		o.Throttle = st == 429
	}
	o.ResponseTime = seconds(sp.DurationNano())
	for _, e := range sp.Events {
		if e.Name != "exception" {
			continue
		}
		msg, _ := e.Attributes.Get("exception.message")
		if o.Fault {
			o.FaultMessages = append(o.FaultMessages, msg.Str)
		} else if o.Error {
			o.ErrorMessages = append(o.ErrorMessages, msg.Str)
		}
	}
	return o
}

// mergeOutcome folds the outcome of one more span into a node's: flags
// accumulate, the HTTP and response time of the first request stay.
func mergeOutcome(dst *xrayfilter.Outcome, o xrayfilter.Outcome) {
	first := dst.HTTP == (xrayfilter.HTTP{}) && dst.ResponseTime == 0
	dst.Fault, dst.Error, dst.Throttle = dst.Fault || o.Fault, dst.Error || o.Error, dst.Throttle || o.Throttle
	dst.FaultMessages = append(dst.FaultMessages, o.FaultMessages...)
	dst.ErrorMessages = append(dst.ErrorMessages, o.ErrorMessages...)
	if first {
		dst.HTTP, dst.ResponseTime = o.HTTP, o.ResponseTime
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func seconds(nano int64) float64 { return float64(nano) / 1e9 }

// placeNode adds where the segment sp ran (its resource's availability
// zone and host id, as the X-Ray mapping sets them) to n.
func placeNode(n *xrayfilter.Node, sp *model.Span) {
	if v, ok := sp.Resource.Attributes.Get("cloud.availability_zone"); ok && v.Str != "" {
		n.AvailabilityZones = appendUnique(n.AvailabilityZones, v.Str)
	}
	if v, ok := sp.Resource.Attributes.Get("host.id"); ok && v.Str != "" {
		n.InstanceIDs = appendUnique(n.InstanceIDs, v.Str)
	}
}

// requestURL is a span's request URL: url.full when the span has it, else
// rebuilt from the parts a server instrumentation records instead (otelhttp
// sets url.scheme, server.address, server.port, url.path and url.query, never
// url.full); "" when no path is known.
func requestURL(a model.Attributes) string {
	str := func(k string) string {
		if v, ok := a.Get(k); ok && v.Kind == model.KindString {
			return v.Str
		}
		return ""
	}
	if full := str("url.full"); full != "" {
		return full
	}
	path := str("url.path")
	if path == "" {
		return ""
	}
	u := url.URL{Scheme: str("url.scheme"), Host: str("server.address"), Path: path, RawQuery: str("url.query")}
	if u.Host == "" {
		u.Scheme = ""
	} else if u.Scheme == "" {
		u.Scheme = "http"
	}
	if p, ok := a.Get("server.port"); ok && p.Kind == model.KindInt && u.Host != "" && !defaultPort(u.Scheme, p.Int) {
		u.Host += ":" + strconv.FormatInt(p.Int, 10)
	}
	return u.String()
}

// defaultPort reports whether port is the scheme's own, left out of URLs.
func defaultPort(scheme string, port int64) bool {
	return (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
}
