package xrayread

import (
	"context"
	"errors"
	"math"
	"sort"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
	"lookout/internal/tracelint"
)

// Node is one service of a graph: a service that sent segments, the client
// that called an entry service, or a downstream known only from its callers
// (Inferred).
type Node struct {
	// Ref is the node's index in the graph, which edges refer to.
	Ref        int
	Name, Type string
	Root       bool // the client node, where traces enter
	Inferred   bool // no segment of its own arrived
	// Start and End bound the traces of its requests; zero without requests.
	Start, End time.Time
	Stats      Stats
	// Histogram counts its requests by response time.
	Histogram []Bucket
	Edges     []Edge // by callee
}

// Edge is the calls from a node to the node To (a Ref).
type Edge struct {
	To         int
	Start, End time.Time // bound the traces of its calls
	Stats      Stats
	Histogram  []Bucket // by response time
}

// Stats count requests by outcome: each is a fault, else a throttle, else
// an error, else OK.
type Stats struct {
	OK, Errors, Throttles, Faults, Total int64
	TotalResponseTime                    float64 // seconds
}

// Bucket is how many requests took Value seconds (to the millisecond).
type Bucket struct {
	Value float64
	Count int
}

// TraceGraph returns the services graph of the given traces; traces not
// stored are left out.
func (s *Service) TraceGraph(ctx context.Context, project string, ids []model.TraceID) ([]Node, error) {
	g := newGraph()
	for _, id := range ids {
		spans, err := s.src.Trace(ctx, project, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		g.add(viewOf(id, spans))
	}
	return g.nodes(), nil
}

// ServiceGraph returns the services graph of project's traces with a span
// starting in [q.Start, q.End), of q.Group when set, newest first; it
// examines at most Config.GraphTraceLimit traces.
func (s *Service) ServiceGraph(ctx context.Context, project string, q GraphQuery) ([]Node, error) {
	filter, err := s.groupFilter(ctx, project, q.Group)
	if err != nil {
		return nil, err
	}
	g := newGraph()
	if err := s.scan(ctx, project, q.Start, q.End, filter, g.add); err != nil {
		return nil, err
	}
	return g.nodes(), nil
}

// scan hands fn the view of each trace of project with a span starting in
// [start, end) that filter (nil: every trace) selects, newest first; it
// examines at most Config.GraphTraceLimit traces.
func (s *Service) scan(ctx context.Context, project string, start, end time.Time, filter xrayfilter.Expr, fn func(*traceView)) error {
	cands := s.candidates(project, start, end, filter)
	var from *query.TraceRef
	for seen := 0; seen < s.cfg.GraphTraceLimit; {
		refs, err := cands.next(ctx, from, s.cfg.ScanBatch)
		if err != nil {
			return err
		}
		spans, err := s.src.SpansOfTraces(ctx, project, refIDs(refs), tracelint.BulkTrim)
		if err != nil {
			return err
		}
		for i, ref := range refs {
			from = &refs[i]
			seen++
			if len(spans[i]) == 0 {
				continue
			}
			v := viewOf(ref.ID, spans[i])
			if cands.residual && !xrayfilter.Match(filter, &v.facts) {
				continue
			}
			fn(v)
		}
		if len(refs) < s.cfg.ScanBatch {
			break
		}
	}
	return nil
}

// graph accumulates services and edges over traces.
type graph struct {
	byKey map[[2]string]*gnode // by name and type
	order [][2]string
}

type gnode struct {
	node  Node
	stats acc
	edges map[int]*acc // by the callee's Ref
}

// acc accumulates request outcomes and response times.
type acc struct {
	stats      Stats
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
	s.Total++
	s.TotalResponseTime += o.ResponseTime
	switch {
	case o.Fault:
		s.Faults++
	case o.Throttle:
		s.Throttles++
	case o.Error:
		s.Errors++
	default:
		s.OK++
	}
	a.hist[math.Round(o.ResponseTime*1000)/1000]++
}

func (a *acc) histogram() []Bucket {
	out := make([]Bucket, 0, len(a.hist))
	for v, c := range a.hist {
		out = append(out, Bucket{Value: v, Count: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

func newGraph() *graph { return &graph{byKey: map[[2]string]*gnode{}} }

func (g *graph) node(name, typ string, root bool) *gnode {
	k := [2]string{name, typ}
	n, ok := g.byKey[k]
	if !ok {
		n = &gnode{node: Node{Ref: len(g.order), Name: name, Type: typ}, edges: map[int]*acc{}}
		g.byKey[k] = n
		g.order = append(g.order, k)
	}
	n.node.Root = n.node.Root || root
	return n
}

// add folds one trace into the graph: a client node calls each entry
// service, every node counts its requests, every call its edge.
func (g *graph) add(v *traceView) {
	f := &v.facts
	refs := make([]int, len(f.Nodes))
	for i, n := range f.Nodes {
		gn := g.node(n.Name, n.Type, false)
		gn.node.Inferred = gn.node.Inferred || n.Inferred
		refs[i] = gn.node.Ref
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
		from := g.byKey[[2]string{f.Nodes[c.from].Name, f.Nodes[c.from].Type}]
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

// nodes lists the graph in Ref order, each node's edges by callee.
func (g *graph) nodes() []Node {
	out := make([]Node, 0, len(g.order))
	for _, k := range g.order {
		gn := g.byKey[k]
		n := gn.node
		n.Stats = gn.stats.stats
		n.Histogram = gn.stats.histogram()
		if gn.stats.hist != nil {
			n.Start, n.End = time.Unix(0, gn.stats.start), time.Unix(0, gn.stats.end)
		}
		refs := make([]int, 0, len(gn.edges))
		for r := range gn.edges {
			refs = append(refs, r)
		}
		sort.Ints(refs)
		n.Edges = []Edge{}
		for _, r := range refs {
			e := gn.edges[r]
			n.Edges = append(n.Edges, Edge{To: r, Start: time.Unix(0, e.start), End: time.Unix(0, e.end),
				Stats: e.stats, Histogram: e.histogram()})
		}
		out = append(out, n)
	}
	return out
}
