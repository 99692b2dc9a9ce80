package xrayread

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/xraygroups"
)

// fakeGroups holds groups by name, each a filter expression ("": every
// trace).
type fakeGroups map[string]string

func (f fakeGroups) Filter(_ context.Context, _ string, ref xraygroups.Ref) (xrayfilter.Expr, error) {
	src, ok := f[*ref.Name]
	switch {
	case !ok:
		return nil, &xraygroups.Error{Msg: "no group " + *ref.Name, Err: xraygroups.ErrNoGroup}
	case src == "":
		return nil, nil
	}
	return xrayfilter.Parse(src)
}

func (f fakeGroups) Resolve(ctx context.Context, project string, e xrayfilter.Expr) (xrayfilter.Expr, error) {
	return xrayfilter.Resolve(e, func(_, name string) (xrayfilter.Expr, error) {
		return f.Filter(ctx, project, xraygroups.Ref{Name: &name})
	})
}

// TestGroupsInSummaries: a filter naming a group selects what the group's
// own filter, written out in its place, selects; in the store and in Go.
func TestGroupsInSummaries(t *testing.T) {
	st := openStore(t, genTraces(t, 80))
	groups := fakeGroups{"faults": "fault", "gets": `http.method = "GET"`, "all": ""}
	withGroups := func(c *Config) { c.Groups = groups }
	cases := []struct{ filter, same string }{
		{`group.name = "faults"`, `fault`},
		{`group.name = "faults" AND group.name = "gets"`, `fault AND http.method = "GET"`},
		{`!group.name = "faults" OR responsetime > 1`, `!fault OR responsetime > 1`},
		{`group.name != "gets"`, `!http.method = "GET"`},
		{`group.name = "all" AND error`, `error`},
	}
	for _, src := range []Source{st, goOnly{st}} {
		s := newService(t, src, withGroups)
		for _, tc := range cases {
			got, want := summariesIn(t, s, tc.filter), summariesIn(t, s, tc.same)
			if !slices.Equal(got, want) || (len(want) == 0 && tc.same != "error") {
				t.Errorf("%T %s: %d traces, %s: %d", src, tc.filter, len(got), tc.same, len(want))
			}
		}
	}
	e, _ := xrayfilter.Parse(`group.name = "nope"`)
	q := SummaryQuery{Start: compileT0, End: compileT0.Add(time.Hour), Filter: e, Rate: 1}
	if _, err := newService(t, st, withGroups).Summaries(context.Background(), model.DefaultProject, q); !errors.Is(err, xraygroups.ErrNoGroup) {
		t.Errorf("unknown group: %v", err)
	}
	var ge *xraygroups.Error
	if _, err := newService(t, st, nil).Summaries(context.Background(), model.DefaultProject, q); !errors.As(err, &ge) {
		t.Errorf("groups without a Groups: %v", err)
	}
}

// TestGroupsInServiceGraph: the graph of a group is the graph of the
// traces its filter selects; a group of every trace changes nothing.
func TestGroupsInServiceGraph(t *testing.T) {
	st := openStore(t, genTraces(t, 80))
	groups := fakeGroups{"faults": "fault", "all": "", "api": `service("cart") { error }`}
	ctx := context.Background()
	graph := func(s *Service, group string) string {
		t.Helper()
		q := GraphQuery{Start: compileT0, End: compileT0.Add(time.Hour)}
		if group != "" {
			q.Group = &xraygroups.Ref{Name: &group}
		}
		nodes, err := s.ServiceGraph(ctx, model.DefaultProject, q)
		if err != nil {
			t.Fatalf("graph of %q: %v", group, err)
		}
		return fmt.Sprintf("%+v", nodes)
	}
	for _, src := range []Source{st, goOnly{st}} {
		s := newService(t, src, func(c *Config) { c.Groups = groups; c.ScanBatch = 7 })
		for group, filter := range map[string]string{"faults": "fault", "api": `service("cart") { error }`} {
			var ids []model.TraceID
			for _, id := range summariesIn(t, s, filter) {
				tid, err := model.ParseTraceID(id)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tid)
			}
			want, err := s.TraceGraph(ctx, model.DefaultProject, ids)
			if err != nil {
				t.Fatal(err)
			}
			if got := graph(s, group); got != fmt.Sprintf("%+v", want) || len(ids) == 0 {
				t.Errorf("%T group %s (%d traces):\n got %s\nwant %+v", src, group, len(ids), got, want)
			}
		}
		if all, none := graph(s, "all"), graph(s, ""); all != none {
			t.Errorf("%T: the graph of a group of every trace differs:\n%s\n%s", src, all, none)
		}
	}
	nope := "nope"
	_, err := newService(t, st, func(c *Config) { c.Groups = groups }).ServiceGraph(ctx, model.DefaultProject,
		GraphQuery{Start: compileT0, End: compileT0.Add(time.Hour), Group: &xraygroups.Ref{Name: &nope}})
	if !errors.Is(err, xraygroups.ErrNoGroup) {
		t.Errorf("unknown group: %v", err)
	}
}
