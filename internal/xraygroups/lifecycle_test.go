package xraygroups

import (
	"context"
	"fmt"
	"testing"

	"lookout/internal/query/xrayfilter"
)

// TestLifecycle runs one project's groups through a table of steps, each an
// operation with what it must answer: the group (as "name arn filter
// insights/notifications"), or the error.
func TestLifecycle(t *testing.T) {
	s := newService(t, 2)
	ctx := context.Background()
	show := func(g Group) string {
		return fmt.Sprintf("%s %s %q %v/%v", g.Name, g.ARN, g.FilterExpression, g.InsightsEnabled, g.NotificationsEnabled)
	}
	create := func(name, filter string) func() (string, error) {
		return func() (string, error) {
			g, err := s.Create(ctx, "p", Create{Name: &name, FilterExpression: &filter})
			return show(g), err
		}
	}
	update := func(ref Ref, u Update) func() (string, error) {
		return func() (string, error) {
			g, err := s.Update(ctx, "p", ref, u)
			return show(g), err
		}
	}
	del := func(ref Ref) func() (string, error) {
		return func() (string, error) { return "", s.Delete(ctx, "p", ref) }
	}
	list := func() (string, error) {
		gs, err := s.List(ctx, "p")
		out := ""
		for _, g := range gs {
			out += "[" + show(g) + "]"
		}
		return out, err
	}
	name := func(n string) Ref { return Ref{Name: &n} }
	arn := func(a string) Ref { a = arnPrefix + a; return Ref{ARN: &a} }
	on := &Insights{InsightsEnabled: ptr(true)}
	steps := []struct {
		name   string
		do     func() (string, error)
		want   string
		err    string
		reason error
	}{
		{name: "only Default", do: list, want: `[Default ` + arnPrefix + `Default "" false/false]`},
		{name: "create", do: create("errors", "fault OR error"), want: `errors ` + arnPrefix + `errors/ID1 "fault OR error" false/false`},
		{name: "create another", do: create("slow", "responsetime > 2"), want: `slow ` + arnPrefix + `slow/ID2 "responsetime > 2" false/false`},
		{name: "past the limit", do: create("third", ""), err: `GroupName "third": the project has 2 groups besides Default, the most allowed`, reason: ErrLimit},
		{name: "Default's insights", do: update(name("Default"), Update{Insights: on}), want: `Default ` + arnPrefix + `Default "" true/false`},
		{name: "a stored Default does not count", do: create("third", ""), err: "the most allowed", reason: ErrLimit},
		{name: "Default's notifications", do: update(arn("Default"), Update{Insights: &Insights{NotificationsEnabled: ptr(true)}}),
			want: `Default ` + arnPrefix + `Default "" true/true`},
		{name: "Default's filter", do: update(name("Default"), Update{FilterExpression: ptr("fault")}),
			err: "FilterExpression: the Default group holds every trace", reason: ErrDefaultGroup},
		{name: "Default's empty filter", do: update(name("Default"), Update{FilterExpression: ptr("")}), want: `Default ` + arnPrefix + `Default "" true/true`},
		{name: "delete Default", do: del(name("Default")), err: "the Default group cannot be deleted", reason: ErrDefaultGroup},
		{name: "update the filter", do: update(name("errors"), Update{FilterExpression: ptr("fault")}), want: `errors ` + arnPrefix + `errors/ID1 "fault" false/false`},
		{name: "insights, filter kept", do: update(arn("errors/ID1"), Update{Insights: on}), want: `errors ` + arnPrefix + `errors/ID1 "fault" true/false`},
		{name: "notifications alone", do: update(name("slow"), Update{Insights: &Insights{NotificationsEnabled: ptr(true)}}),
			err: "NotificationsEnabled can be true only with InsightsEnabled true"},
		{name: "insights off while notifications on", do: update(name("errors"), Update{Insights: &Insights{NotificationsEnabled: ptr(true)}}),
			want: `errors ` + arnPrefix + `errors/ID1 "fault" true/true`},
		{name: "turn insights off alone", do: update(name("errors"), Update{Insights: &Insights{InsightsEnabled: ptr(false)}}),
			err: "NotificationsEnabled can be true only with InsightsEnabled true"},
		{name: "bad filter", do: update(name("errors"), Update{FilterExpression: ptr("fault AND")}), err: "FilterExpression: invalid filter expression"},
		{name: "clear the filter", do: update(name("errors"), Update{FilterExpression: ptr("")}), want: `errors ` + arnPrefix + `errors/ID1 "" true/true`},
		{name: "update unknown", do: update(name("nope"), Update{}), err: `GroupName "nope": no such group`, reason: ErrNoGroup},
		{name: "delete through a stale ARN", do: del(arn("slow/ID1")), err: "no such group", reason: ErrNoGroup},
		{name: "delete", do: del(arn("slow/ID2"))},
		{name: "delete again", do: del(name("slow")), err: `GroupName "slow": no such group`, reason: ErrNoGroup},
		{name: "room again (the refused creates took ids 3 and 4)", do: create("slow", ""), want: `slow ` + arnPrefix + `slow/ID5 "" false/false`},
		{name: "the old ARN finds nothing", do: update(arn("slow/ID2"), Update{}), err: "no such group", reason: ErrNoGroup},
		{name: "list", do: list, want: `[Default ` + arnPrefix + `Default "" true/true][errors ` + arnPrefix + `errors/ID1 "" true/true]` +
			`[slow ` + arnPrefix + `slow/ID5 "" false/false]`},
	}
	for i, st := range steps {
		got, err := st.do()
		label := fmt.Sprintf("step %d %s", i, st.name)
		wantErr(t, label, err, st.err, st.reason)
		if st.err == "" && err == nil && got != st.want {
			t.Errorf("%s:\n got %s\nwant %s", label, got, st.want)
		}
	}
}

func TestFilterAndResolve(t *testing.T) {
	s := newService(t, 25)
	ctx := context.Background()
	for _, c := range []Create{
		{Name: ptr("errors"), FilterExpression: ptr("fault OR error")},
		{Name: ptr("all")},
	} {
		if _, err := s.Create(ctx, "p", c); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		in, want, err string
	}{
		{in: `group.name = "errors"`, want: `(fault OR error)`},
		{in: `group.arn = "` + arnPrefix + `errors/ID1" AND http.status = 500`, want: `((fault OR error) AND http.status = 500)`},
		{in: `group.name = "all" OR group.name = "Default"`, want: `(service() OR service())`},
		{in: `!group.name = "errors"`, want: `!(fault OR error)`},
		{in: `ok`, want: `ok`},
		{in: `group.name = "nope"`, err: `FilterExpression: group.name: GroupName "nope": no such group`},
		{in: `group.arn = "` + arnPrefix + `errors/ID9"`, err: `FilterExpression: group.arn: GroupARN "` + arnPrefix + `errors/ID9": no such group`},
		{in: `group.arn = "errors"`, err: `FilterExpression: group.arn: GroupARN "errors" is not a group ARN`},
		{in: `group.name = ""`, err: `FilterExpression: group.name: GroupName must be 1 to 32 characters long, not 0`},
	}
	for _, tc := range cases {
		e, err := xrayfilter.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Resolve(ctx, "p", e)
		wantErr(t, tc.in, err, tc.err, nil)
		if tc.err == "" && err == nil && got.String() != tc.want {
			t.Errorf("Resolve(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		ref  Ref
		want string
	}{
		{Ref{Name: ptr("errors")}, "(fault OR error)"},
		{Ref{Name: ptr("all")}, "<nil>"},
		{Ref{Name: ptr("Default")}, "<nil>"},
	} {
		f, err := s.Filter(ctx, "p", tc.ref)
		if err != nil || fmt.Sprint(f) != tc.want {
			t.Errorf("Filter(%s) = %v, %v; want %s", *tc.ref.Name, f, err, tc.want)
		}
	}
	if _, err := s.Filter(ctx, "p", Ref{Name: ptr("nope")}); err == nil {
		t.Error("Filter of an unknown group: no error")
	}
}
