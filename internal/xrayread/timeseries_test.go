package xrayread

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/xraygroups"
)

// TestTimeSeriesAddsUpToTheGraph: over any period, the points of a
// selection add up to what the service graph of the same window says of
// it, each point's histogram counts its requests, and points are oldest
// first, on period boundaries.
func TestTimeSeriesAddsUpToTheGraph(t *testing.T) {
	st := openStore(t, genTraces(t, 120))
	s := newService(t, st, nil)
	ctx := context.Background()
	start, end := compileT0, compileT0.Add(time.Hour)
	nodes, err := s.ServiceGraph(ctx, model.DefaultProject, GraphQuery{Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Node{}
	for _, n := range nodes {
		byName[n.Name] = n
	}
	callsTo := func(name string) (sum Stats) {
		for _, n := range nodes {
			for _, e := range n.Edges {
				if nodes[e.To].Name == name {
					addStats(&sum, e.Stats)
				}
			}
		}
		return sum
	}
	var allEdges Stats
	for _, n := range nodes {
		for _, e := range n.Edges {
			addStats(&allEdges, e.Stats)
		}
	}
	cart := byName["cart"]
	var cartToDynamo Stats
	for _, e := range cart.Edges {
		if e.To == byName["DynamoDB"].Ref {
			cartToDynamo = e.Stats
		}
	}
	if cart.Stats.Total == 0 || cartToDynamo.Total == 0 {
		t.Fatalf("the generated traces have no cart requests or cart → DynamoDB calls: %d nodes", len(nodes))
	}
	cases := []struct {
		selector        string
		edge            Stats
		service         *Stats
		serviceSelector bool
	}{
		{"", allEdges, nil, false},
		{`service("cart")`, callsTo("cart"), &cart.Stats, true},
		{`id(name: "cart", type: "` + cart.Type + `")`, callsTo("cart"), &cart.Stats, true},
		{`edge("cart", "DynamoDB")`, cartToDynamo, nil, false},
	}
	for _, tc := range cases {
		var sel xrayfilter.Expr
		if tc.selector != "" {
			if sel, err = xrayfilter.Parse(tc.selector); err != nil {
				t.Fatal(err)
			}
		}
		for _, period := range []time.Duration{time.Minute, 5 * time.Minute, time.Hour} {
			points, err := s.TimeSeries(ctx, model.DefaultProject, StatsQuery{Start: start, End: end, Period: period, Selector: sel})
			if err != nil {
				t.Fatalf("%s every %s: %v", tc.selector, period, err)
			}
			var edge, svc Stats
			for i, p := range points {
				if p.Time.Sub(start)%period != 0 || p.Time.Before(start) || !p.Time.Before(end) ||
					i > 0 && !p.Time.After(points[i-1].Time) {
					t.Errorf("%s every %s: point %d at %s", tc.selector, period, i, p.Time)
				}
				if (p.Service != nil) != tc.serviceSelector {
					t.Errorf("%s: point %d has service statistics %v", tc.selector, i, p.Service)
				}
				counted := p.Edge.Total
				if p.Service != nil {
					addStats(&svc, *p.Service)
					counted = p.Service.Total
				}
				addStats(&edge, *p.Edge)
				var inHist int64
				for _, b := range p.Histogram {
					inHist += int64(b.Count)
				}
				if inHist != counted {
					t.Errorf("%s every %s: point %d counts %d requests, its histogram %d", tc.selector, period, i, counted, inHist)
				}
			}
			if period == time.Hour && len(points) != 1 {
				t.Errorf("%s: %d points in one hour-long period", tc.selector, len(points))
			}
			if !sameStats(edge, tc.edge) || tc.service != nil && !sameStats(svc, *tc.service) {
				t.Errorf("%s every %s: edges %+v, services %+v; the graph says %+v, %+v", tc.selector, period, edge, svc, tc.edge, tc.service)
			}
		}
	}
}

func sameStats(a, b Stats) bool {
	rt := math.Abs(a.TotalResponseTime-b.TotalResponseTime) < 1e-6
	a.TotalResponseTime, b.TotalResponseTime = 0, 0
	return a == b && rt
}

// TestTimeSeriesRefuses: selectors other than a bare service or edge, a
// period that is not positive and an unknown group are refused as
// xraygroups errors (InvalidRequestException in the API).
func TestTimeSeriesRefuses(t *testing.T) {
	s := newService(t, openStore(t, nil), func(c *Config) { c.Groups = fakeGroups{} })
	for _, tc := range []struct {
		name, selector string
		period         time.Duration
		group          *xraygroups.Ref
	}{
		{"sub-filter", `service("a") { fault }`, time.Minute, nil},
		{"not an entity", `fault`, time.Minute, nil},
		{"two services", `service("a") OR service("b")`, time.Minute, nil},
		{"zero period", ``, 0, nil},
		{"unknown group", ``, time.Minute, &xraygroups.Ref{Name: ptr("nope")}},
	} {
		var sel xrayfilter.Expr
		if tc.selector != "" {
			var err error
			if sel, err = xrayfilter.Parse(tc.selector); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.TimeSeries(context.Background(), model.DefaultProject,
			StatsQuery{Start: compileT0, End: compileT0.Add(time.Hour), Period: tc.period, Selector: sel, Group: tc.group})
		var ge *xraygroups.Error
		if !errors.As(err, &ge) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
