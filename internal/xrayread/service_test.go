package xrayread

import (
	"context"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
)

func TestConfigValidate(t *testing.T) {
	st := openStore(t, nil)
	for name, mod := range map[string]func(*Config){
		"page":  func(c *Config) { c.PageSize = 0 },
		"batch": func(c *Config) { c.ScanBatch = 0 },
		"limit": func(c *Config) { c.ScanLimit = c.ScanBatch - 1 },
		"graph": func(c *Config) { c.GraphTraceLimit = 0 },
	} {
		cfg := DefaultConfig()
		mod(&cfg)
		if _, err := New(cfg, st); err == nil {
			t.Errorf("%s: %+v accepted", name, cfg)
		}
	}
	if _, err := New(DefaultConfig(), nil); err == nil {
		t.Error("nil source accepted")
	}
}

// TestSummaryPages: pages follow each other through Next, newest first,
// each trace once; a page stops at PageSize summaries or ScanLimit traces
// examined, and only the last has no Next.
func TestSummaryPages(t *testing.T) {
	spans := genTraces(t, 60)
	st := openStore(t, spans)
	fault, _ := xrayfilter.Parse("fault")
	cases := []struct {
		name                        string
		src                         Source
		filter                      xrayfilter.Expr
		page, batch, limit, minPage int
	}{
		{"every trace, compiled", st, nil, 7, 500, 20000, 2},
		{"every trace, read in small batches", goOnly{st}, nil, 7, 3, 9, 2},
		{"faults, compiled", st, fault, 4, 500, 20000, 2},
		{"faults in Go, short pages", goOnly{st}, fault, 4, 5, 10, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, tc.src, func(c *Config) { c.PageSize, c.ScanBatch, c.ScanLimit = tc.page, tc.batch, tc.limit })
			q := SummaryQuery{Start: compileT0, End: compileT0.Add(time.Hour), Filter: tc.filter, Rate: 1}
			var ids []model.TraceID
			var last time.Time
			pages := 0
			for {
				page, err := s.Summaries(context.Background(), model.DefaultProject, q)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if len(page.Summaries) > tc.page || page.Processed > int64(max(tc.limit, tc.page+1)) {
					t.Fatalf("page %d: %d summaries, %d traces examined", pages, len(page.Summaries), page.Processed)
				}
				for _, sum := range page.Summaries {
					if !last.IsZero() && sum.Start.After(last) {
						t.Errorf("%s starts after the one before it", sum.ID.XRayString())
					}
					last = sum.Start
					if tc.filter != nil && !sum.Fault {
						t.Errorf("%s: no fault", sum.ID.XRayString())
					}
					ids = append(ids, sum.ID)
				}
				if page.Next == nil {
					break
				}
				q.After = page.Next
			}
			if pages < tc.minPage || len(ids) == 0 {
				t.Errorf("%d pages, %d summaries", pages, len(ids))
			}
			slices.SortFunc(ids, func(a, b model.TraceID) int { return slices.Compare(a[:], b[:]) })
			if len(slices.Compact(slices.Clone(ids))) != len(ids) {
				t.Errorf("a trace came twice")
			}
		})
	}
}

// TestTracesAndGraphs: a trace that is not stored is reported as such by
// Traces and left out of a trace graph.
func TestTracesAndGraphs(t *testing.T) {
	spans := genTraces(t, 10)
	s := newService(t, openStore(t, spans), nil)
	ctx := context.Background()
	known, unknown := spans[0].TraceID, model.TraceID{0xff, 1}
	traces, err := s.Traces(ctx, model.DefaultProject, []model.TraceID{unknown, known})
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 2 || traces[0].Found || traces[0].ID != unknown || !traces[1].Found || traces[1].ID != known ||
		len(traces[1].Segments) == 0 || traces[1].Duration <= 0 {
		t.Errorf("traces %+v", traces)
	}
	nodes, err := s.TraceGraph(ctx, model.DefaultProject, []model.TraceID{unknown, known})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) < 2 || nodes[0].Name == "" || nodes[len(nodes)-1].Name != "client" || !nodes[len(nodes)-1].Root {
		t.Errorf("graph %+v", nodes)
	}
	for i, n := range nodes {
		if n.Ref != i {
			t.Errorf("node %d has Ref %d", i, n.Ref)
		}
	}
	if nodes, err := s.TraceGraph(ctx, model.DefaultProject, []model.TraceID{unknown}); err != nil || len(nodes) != 0 {
		t.Errorf("graph of an unknown trace: %+v %v", nodes, err)
	}
}
