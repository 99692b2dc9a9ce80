package xray

import (
	"errors"
	"math"
	"net/http"
	"sort"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
	"lookout/internal/tracelint"
)

type errorStats struct{ ThrottleCount, OtherCount, TotalCount int64 }
type faultStats struct{ OtherCount, TotalCount int64 }

type statistics struct {
	OkCount           int64
	ErrorStatistics   errorStats
	FaultStatistics   faultStats
	TotalCount        int64
	TotalResponseTime float64
}

type histEntry struct {
	Value float64
	Count int
}

type edgeOut struct {
	ReferenceId           int
	StartTime, EndTime    *epoch
	SummaryStatistics     statistics
	ResponseTimeHistogram []histEntry
	Aliases               []any
}

type serviceOut struct {
	ReferenceId           int
	Name                  string
	Names                 []string
	Root                  bool
	Type                  string `json:",omitempty"`
	State                 string
	StartTime, EndTime    *epoch
	Edges                 []edgeOut
	SummaryStatistics     statistics
	DurationHistogram     []histEntry
	ResponseTimeHistogram []histEntry
}

// graph accumulates services and edges over traces.
type graph struct {
	nodes map[[2]string]*gnode
	order [][2]string
}

type gnode struct {
	out   serviceOut
	stats acc
	edges map[int]*acc // by the callee's reference id
	first int64
	last  int64
}

// acc accumulates request outcomes and response times.
type acc struct {
	stats      statistics
	hist       map[float64]int
	start, end int64
}

func (a *acc) add(o xrayfilter.Outcome, start, end int64) {
	if a.hist == nil {
		a.hist = map[float64]int{}
		a.start, a.end = start, end
	}
	a.start, a.end = min(a.start, start), max(a.end, end)
	s := &a.stats
	s.TotalCount++
	s.TotalResponseTime += o.ResponseTime
	switch {
	case o.Fault:
		s.FaultStatistics.TotalCount++
		s.FaultStatistics.OtherCount++
	case o.Throttle:
		s.ErrorStatistics.TotalCount++
		s.ErrorStatistics.ThrottleCount++
	case o.Error:
		s.ErrorStatistics.TotalCount++
		s.ErrorStatistics.OtherCount++
	default:
		s.OkCount++
	}
	a.hist[math.Round(o.ResponseTime*1000)/1000]++
}

func (a *acc) histogram() []histEntry {
	out := make([]histEntry, 0, len(a.hist))
	for v, c := range a.hist {
		out = append(out, histEntry{Value: v, Count: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

func newGraph() *graph { return &graph{nodes: map[[2]string]*gnode{}} }

func (g *graph) node(name, typ string, root bool) *gnode {
	k := [2]string{name, typ}
	n, ok := g.nodes[k]
	if !ok {
		n = &gnode{out: serviceOut{ReferenceId: len(g.order), Name: name, Names: []string{name}, Type: typ, State: "active"},
			edges: map[int]*acc{}}
		g.nodes[k] = n
		g.order = append(g.order, k)
	}
	n.out.Root = n.out.Root || root
	return n
}

// add folds one trace into the graph: a client node calls each entry
// service, every node counts its requests, every call its edge.
func (g *graph) add(v *traceView) {
	f := &v.facts
	refs := make([]int, len(f.Nodes))
	for i, n := range f.Nodes {
		gn := g.node(n.Name, n.Type, false)
		if n.Inferred {
			gn.out.State = "unknown"
		}
		refs[i] = gn.out.ReferenceId
		for _, o := range v.requests[i] {
			gn.stats.add(o, v.start, v.end)
		}
	}
	if v.entry >= 0 {
		client := g.node(typeClient, typeClient, true)
		e := client.edge(refs[v.entry])
		e.add(f.Entry, v.start, v.end)
		client.stats.add(f.Entry, v.start, v.end)
	}
	for _, c := range v.calls {
		from := g.nodes[[2]string{f.Nodes[c.from].Name, f.Nodes[c.from].Type}]
		from.edge(refs[c.to]).add(c.out, v.start, v.end)
	}
}

func (n *gnode) edge(ref int) *acc {
	e, ok := n.edges[ref]
	if !ok {
		e = &acc{}
		n.edges[ref] = e
	}
	return e
}

// services renders the graph in reference-id order.
func (g *graph) services() []serviceOut {
	out := make([]serviceOut, 0, len(g.order))
	for _, k := range g.order {
		n := g.nodes[k]
		s := n.out
		s.SummaryStatistics = n.stats.stats
		s.ResponseTimeHistogram = n.stats.histogram()
		s.DurationHistogram = s.ResponseTimeHistogram
		if n.stats.hist != nil {
			s.StartTime, s.EndTime = epochOf(n.stats.start), epochOf(n.stats.end)
		}
		refs := make([]int, 0, len(n.edges))
		for r := range n.edges {
			refs = append(refs, r)
		}
		sort.Ints(refs)
		s.Edges = []edgeOut{}
		for _, r := range refs {
			e := n.edges[r]
			s.Edges = append(s.Edges, edgeOut{ReferenceId: r, StartTime: epochOf(e.start), EndTime: epochOf(e.end),
				SummaryStatistics: e.stats, ResponseTimeHistogram: e.histogram(), Aliases: []any{}})
		}
		out = append(out, s)
	}
	return out
}

type traceGraphResponse struct {
	Services []serviceOut
}

func (a *ReadAPI) traceGraph(w http.ResponseWriter, r *http.Request) {
	_, ids, ok := traceIDs(w, r)
	if !ok {
		return
	}
	project := a.project(r)
	g := newGraph()
	for _, id := range ids {
		spans, err := a.src.Trace(r.Context(), project, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			a.storeError(w, r, "GetTraceGraph", err)
			return
		}
		g.add(viewOf(id, spans))
	}
	writeJSON(w, traceGraphResponse{Services: g.services()})
}

type serviceGraphRequest struct {
	StartTime, EndTime *float64
	GroupName          *string
	GroupARN           *string
	NextToken          *string
}

type serviceGraphResponse struct {
	StartTime, EndTime       *epoch
	Services                 []serviceOut
	ContainsOldGroupVersions bool
}

func (a *ReadAPI) serviceGraph(w http.ResponseWriter, r *http.Request) {
	var in serviceGraphRequest
	if !decode(w, r, &in) {
		return
	}
	start, end, ok := a.window(w, in.StartTime, in.EndTime)
	if !ok {
		return
	}
	project := a.project(r)
	g := newGraph()
	q := store.TraceStartQuery{Project: project, Start: start, End: end, Limit: a.cfg.ScanBatch}
	for seen := 0; seen < a.cfg.GraphTraceLimit; {
		refs, err := a.src.TraceStarts(r.Context(), q)
		if err != nil {
			a.storeError(w, r, "GetServiceGraph", err)
			return
		}
		spans, err := a.src.SpansOfTraces(r.Context(), project, refIDs(refs), tracelint.BulkTrim)
		if err != nil {
			a.storeError(w, r, "GetServiceGraph", err)
			return
		}
		for i, ref := range refs {
			if len(spans[i]) > 0 {
				g.add(viewOf(ref.ID, spans[i]))
			}
			q.After = &refs[i]
			seen++
		}
		if len(refs) < a.cfg.ScanBatch {
			break
		}
	}
	writeJSON(w, serviceGraphResponse{StartTime: epochOf(start.UnixNano()), EndTime: epochOf(end.UnixNano()), Services: g.services()})
}
