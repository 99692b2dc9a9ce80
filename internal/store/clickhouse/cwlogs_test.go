package clickhouse

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

var cwT0 = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

// cwFixture is six events of group /g in streams a and b (two share a
// time), one of group /other and one of another project.
func cwFixture() []model.LogEvent {
	ev := func(project, group, stream string, sec, obs int, msg string) model.LogEvent {
		return model.LogEvent{Project: project, LogGroup: group, LogStream: stream, Body: model.StringValue(msg),
			TimeUnixNano: cwT0.Add(time.Duration(sec) * time.Second).UnixNano(), ObservedTimeUnixNano: cwT0.Add(time.Duration(obs) * time.Millisecond).UnixNano()}
	}
	return []model.LogEvent{
		ev("p1", "/g", "a", 0, 1, "start ok"),
		ev("p1", "/g", "b", 1, 2, `{"level":"error","code":5}`),
		ev("p1", "/g", "a", 2, 3, "ERROR disk full"),
		ev("p1", "/g", "b", 2, 4, "error lower"),
		ev("p1", "/g", "a", 3, 5, "done ok"),
		ev("p1", "/g", "app-b", 4, 6, "other stream ok"),
		ev("p1", "/other", "a", 1, 7, "not this group"),
		ev("p2", "/g", "a", 1, 8, "not this project"),
	}
}

func TestGroupEvents(t *testing.T) {
	s := openTest(t, t.Name())
	defer s.Close()
	if err := s.Write(t.Context(), &model.Batch{Logs: cwFixture()}); err != nil {
		t.Fatal(err)
	}
	pos := func(sec, obs int, stream string) *store.EventPosition {
		return &store.EventPosition{TimeNano: cwT0.Add(time.Duration(sec) * time.Second).UnixNano(),
			ObservedNano: cwT0.Add(time.Duration(obs) * time.Millisecond).UnixNano(), Stream: stream}
	}
	contains := func(s string) *query.TextMatch { return &query.TextMatch{Op: query.MatchContains, Text: s} }
	cases := []struct {
		name string
		q    store.GroupEventQuery
		want []string
	}{
		{"All", store.GroupEventQuery{}, []string{"start ok", `{"level":"error","code":5}`, "ERROR disk full", "error lower", "done ok", "other stream ok"}},
		{"Descending", store.GroupEventQuery{Descending: true, Limit: 2}, []string{"other stream ok", "done ok"}},
		{"Streams", store.GroupEventQuery{Streams: []string{"b"}}, []string{`{"level":"error","code":5}`, "error lower"}},
		{"StreamPrefix", store.GroupEventQuery{StreamPrefix: "app-"}, []string{"other stream ok"}},
		{"Window", store.GroupEventQuery{StartNano: cwT0.Add(time.Second).UnixNano(), EndNano: cwT0.Add(3 * time.Second).UnixNano()},
			[]string{`{"level":"error","code":5}`, "ERROR disk full", "error lower"}},
		{"AfterATie", store.GroupEventQuery{After: pos(2, 3, "a")}, []string{"error lower", "done ok", "other stream ok"}},
		{"BeforeDescending", store.GroupEventQuery{Before: pos(2, 4, "b"), Descending: true}, []string{"ERROR disk full", `{"level":"error","code":5}`, "start ok"}},
		{"ContainsIsCaseSensitive", store.GroupEventQuery{Contains: []string{"error"}}, []string{`{"level":"error","code":5}`, "error lower"}},
		{"MatchOr", store.GroupEventQuery{Match: &query.TextMatch{Op: query.MatchOr, Children: []*query.TextMatch{contains("ERROR"), contains("start")}}},
			[]string{"start ok", "ERROR disk full"}},
		{"MatchNotContains", store.GroupEventQuery{Match: &query.TextMatch{Op: query.MatchAnd, Children: []*query.TextMatch{
			contains("ok"), {Op: query.MatchNotContains, Text: "stream"}}}}, []string{"start ok", "done ok"}},
		{"MatchJSONLeftToTheCaller", store.GroupEventQuery{Match: &query.TextMatch{Op: query.MatchAnd, Children: []*query.TextMatch{
			contains("{"), {Op: query.MatchJSONString, Path: []query.PathStep{{Key: "level", Index: -1}}, Text: "error"}}}},
			[]string{`{"level":"error","code":5}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Project, q.Group = "p1", "/g"
			var got []string
			for e, err := range s.GroupEvents(t.Context(), q) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, e.Message)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestDeleteGroupEvents(t *testing.T) {
	s := openTest(t, t.Name())
	defer s.Close()
	if err := s.Write(t.Context(), &model.Batch{Logs: cwFixture()}); err != nil {
		t.Fatal(err)
	}
	stats := func() string {
		t.Helper()
		st, err := s.GroupStreamStats(t.Context(), "p1", "/g")
		if err != nil {
			t.Fatal(err)
		}
		var out string
		for _, x := range st {
			out += fmt.Sprintf("%s:%d/%d@%d-%d;", x.Name, x.Events, x.StoredBytes, x.FirstEventMillis-cwT0.UnixMilli(), x.LastEventMillis-cwT0.UnixMilli())
		}
		return out
	}
	steps := []struct {
		name       string
		stream     string
		beforeNano int64
		deleted    int64
		stats      string
	}{
		{"Nothing", "", 0, 0, "a:3/30@0-3000;app-b:1/15@4000-4000;b:2/37@1000-2000;"},
		{"OlderThan", "", cwT0.Add(2 * time.Second).UnixNano(), 2, "a:2/22@2000-3000;app-b:1/15@4000-4000;b:1/11@2000-2000;"},
		{"OneStream", "a", 0, 2, "app-b:1/15@4000-4000;b:1/11@2000-2000;"},
		{"All", "", 0, 2, ""},
	}
	for _, st := range steps {
		if st.name == "Nothing" {
			if got := stats(); got != st.stats {
				t.Fatalf("before: stats %s, want %s", got, st.stats)
			}
			continue
		}
		n, err := s.DeleteGroupEvents(t.Context(), "p1", "/g", st.stream, st.beforeNano)
		if err != nil || n != st.deleted {
			t.Fatalf("%s: deleted %d, %v; want %d", st.name, n, err, st.deleted)
		}
		if got := stats(); got != st.stats {
			t.Errorf("%s: stats %s, want %s", st.name, got, st.stats)
		}
	}
	var left []string
	for l, err := range s.Logs(t.Context(), store.LogQuery{Project: "p1"}) {
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, l.Body.Str)
	}
	if !slices.Equal(left, []string{"not this group"}) {
		t.Errorf("left in p1: %q", left)
	}
}
