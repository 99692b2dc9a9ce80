package xrayread

import (
	"context"
	"errors"
	"sort"
	"time"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/xraygroups"
)

// StatsQuery asks for statistics over time
// (GetTimeSeriesServiceStatistics).
type StatsQuery struct {
	// Start and End select the traces with a span starting in [Start, End).
	Start, End time.Time
	// Period is the width of each point, from Start; positive.
	Period time.Duration
	// Group, when set, keeps the traces of that group.
	Group *xraygroups.Ref
	// Selector picks what is counted: a *xrayfilter.Service (the requests
	// of the nodes it matches, and the calls into them) or a
	// *xrayfilter.Edge (the calls along the edges it matches), without an
	// inner filter; nil: the calls along every edge.
	Selector xrayfilter.Expr
}

// StatsPoint is the statistics of the traces starting in
// [Time, Time+Period).
type StatsPoint struct {
	Time time.Time
	// Edge counts the calls selected: along the selected edges, or into the
	// selected services. Service counts the selected services' own
	// requests; nil unless the selector is a service.
	Edge, Service *Stats
	// Histogram is by response time: of the services' requests for a
	// service selector, of the calls otherwise.
	Histogram []Bucket
}

// ErrSelector is returned (wrapped in an *xraygroups.Error, so the API
// answers InvalidRequestException) for a selector that is neither a
// service nor an edge.
var ErrSelector = errors.New("EntitySelectorExpression must be service(...), id(...) or edge(..., ...) without a sub-filter")

// TimeSeries returns the statistics of project's traces with a span
// starting in [q.Start, q.End), of q.Group when set, one point per Period
// in which the selection saw a request, oldest first. A trace counts in the
// period in which it starts (a trace starting before Start, in the first).
// It reads the traces the service graph reads, at most
// Config.GraphTraceLimit, and builds one graph per period.
func (s *Service) TimeSeries(ctx context.Context, project string, q StatsQuery) ([]StatsPoint, error) {
	if q.Period <= 0 {
		return nil, &xraygroups.Error{Msg: "Period must be positive"}
	}
	if err := checkSelector(q.Selector); err != nil {
		return nil, err
	}
	filter, err := s.groupFilter(ctx, project, q.Group)
	if err != nil {
		return nil, err
	}
	graphs := map[int64]*graph{}
	err = s.scan(ctx, project, q.Start, q.End, filter, func(v *traceView) {
		i := max(0, (v.start-q.Start.UnixNano())/int64(q.Period))
		g, ok := graphs[i]
		if !ok {
			g = newGraph()
			graphs[i] = g
		}
		g.add(v)
	})
	if err != nil {
		return nil, err
	}
	idx := make([]int64, 0, len(graphs))
	for i := range graphs {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	out := []StatsPoint{}
	for _, i := range idx {
		p, ok := selectStats(graphs[i].nodes(), q.Selector)
		if !ok {
			continue
		}
		p.Time = q.Start.Add(time.Duration(i) * q.Period)
		out = append(out, p)
	}
	return out, nil
}

func checkSelector(sel xrayfilter.Expr) error {
	switch e := sel.(type) {
	case nil:
		return nil
	case *xrayfilter.Service:
		if e.Inner == nil {
			return nil
		}
	case *xrayfilter.Edge:
		if e.Inner == nil {
			return nil
		}
	}
	return &xraygroups.Error{Msg: ErrSelector.Error()}
}

// selectStats sums what sel selects of a graph's nodes; false when it
// selects nothing.
func selectStats(nodes []Node, sel xrayfilter.Expr) (StatsPoint, bool) {
	var edge, svc Stats
	hist := map[float64]int{}
	addHist := func(bs []Bucket) {
		for _, b := range bs {
			hist[b.Value] += b.Count
		}
	}
	edges := func(from, to *xrayfilter.ID, withHist bool) {
		for _, n := range nodes {
			if !idMatches(from, &n) {
				continue
			}
			for _, e := range n.Edges {
				if idMatches(to, &nodes[e.To]) {
					addStats(&edge, e.Stats)
					if withHist {
						addHist(e.Histogram)
					}
				}
			}
		}
	}
	p := StatsPoint{Edge: &edge}
	switch e := sel.(type) {
	case nil:
		edges(nil, nil, true)
	case *xrayfilter.Edge:
		edges(e.From, e.To, true)
	case *xrayfilter.Service:
		p.Service = &svc
		for _, n := range nodes {
			if idMatches(e.Match, &n) {
				addStats(&svc, n.Stats)
				addHist(n.Histogram)
			}
		}
		edges(nil, e.Match, false)
	}
	if edge.Total == 0 && svc.Total == 0 {
		return p, false
	}
	for v, c := range hist {
		p.Histogram = append(p.Histogram, Bucket{Value: v, Count: c})
	}
	sort.Slice(p.Histogram, func(i, j int) bool { return p.Histogram[i].Value < p.Histogram[j].Value })
	return p, true
}

// idMatches is whether id (nil: any) names node n, as filter expressions
// compare them: name and type exactly.
func idMatches(id *xrayfilter.ID, n *Node) bool {
	if id == nil {
		return true
	}
	return (id.Name == nil || *id.Name == n.Name) && (id.Type == nil || *id.Type == n.Type)
}

func addStats(s *Stats, o Stats) {
	s.OK += o.OK
	s.Errors += o.Errors
	s.Throttles += o.Throttles
	s.Faults += o.Faults
	s.Total += o.Total
	s.TotalResponseTime += o.TotalResponseTime
}
