package sqlbuild

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// testDialect spells everything as plain, recognisable text.
type testDialect struct{}

func (testDialect) Table(name string) string             { return "t_" + name }
func (testDialect) Bool(b bool) string                   { return fmt.Sprint(b) }
func (testDialect) Contains(text, sub string) string     { return "has(" + text + ", " + sub + ")" }
func (testDialect) ContainsFold(text, sub string) string { return "ihas(" + text + ", " + sub + ")" }
func (testDialect) StartsWith(text, p string) string     { return "starts(" + text + ", " + p + ")" }
func (testDialect) AttrIs(prefix, k, v string) string    { return prefix + "is(" + k + ", " + v + ")" }
func (testDialect) Int64(e string) string                { return "i64(" + e + ")" }
func (testDialect) CountIf(c string) string              { return "countif(" + c + ")" }
func (testDialect) ArgMin(v string, by ...string) string {
	return "argmin(" + v + ", " + strings.Join(by, ", ") + ")"
}
func (testDialect) TracesOf(spans string, hits Cond) (Cond, Cond) {
	return Cond{SQL: "(hits FROM " + spans + " WHERE " + hits.SQL + ")", Args: hits.Args}, Cond{}
}

var d testDialect

// TestPlaceholdersMatchArguments: every statement binds as many arguments
// as it has ? marks, whatever parts of the query are set.
func TestPlaceholdersMatchArguments(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	id := model.TraceID{1, 2, 3}
	match := &query.TextMatch{Op: query.MatchOr, Children: []*query.TextMatch{
		{Op: query.MatchContains, Text: "a"}, {Op: query.MatchNotContains, Text: "b"}}}
	leaf := func(f *query.TextMatch) Cond { return ContainsLeaf(d, f) }
	stmt := func(s string, args []any) [2]any { return [2]any{s, args} }
	cases := []struct {
		name string
		got  [2]any
	}{
		{"logs, nothing set", stmt(Logs(d, "c", store.LogQuery{Project: "p"}))},
		{"logs, everything set", stmt(Logs(d, "c", store.LogQuery{Project: "p", Start: t0, End: t0.Add(time.Hour), Service: "s",
			LogGroup: "g", LogStream: "st", MinSeverity: 9, TraceID: id, Text: "x", Limit: 5, Descending: true}))},
		{"group events, nothing set", stmt(GroupEvents(d, store.GroupEventQuery{Project: "p", Group: "g"}, leaf))},
		{"group events, everything set", stmt(GroupEvents(d, store.GroupEventQuery{Project: "p", Group: "g", Streams: []string{"a", "b"},
			StreamPrefix: "a", StartNano: 1, EndNano: 9, After: &store.EventPosition{TimeNano: 2, ObservedNano: 3, Stream: "a"},
			Before: &store.EventPosition{TimeNano: 8, ObservedNano: 3, Stream: "b"}, Contains: []string{"x", "y"}, Match: match, Limit: 10}, leaf))},
		{"search, nothing set", stmt(SearchTraces(d, store.TraceQuery{Project: "p"}))},
		{"search, everything set", stmt(SearchTraces(d, store.TraceQuery{Project: "p", Start: t0, End: t0.Add(time.Hour),
			MinDuration: time.Millisecond, MaxDuration: time.Second, Limit: 3,
			Tags: []store.Tag{{Key: "name", Value: "n"}, {Key: "status", Value: "error"}, {Key: "status", Value: "bogus"},
				{Key: "service.name", Value: "s"}, {Key: "http.route", Value: "/"}}}))},
		{"services", stmt(Services(d, "p", t0, t0.Add(time.Hour)))},
		{"trace starts", stmt(TraceStarts(d, store.TraceStartQuery{Project: "p", Start: t0, End: t0.Add(time.Hour), Service: "s",
			After: &query.TraceRef{ID: id, Start: 5}, Limit: 10}))},
		{"metric points", stmt(MetricPoints(d, "c", store.MetricQuery{Project: "p", Name: "m", Start: t0, End: t0.Add(time.Hour), Service: "s"}))},
		{"dump", stmt(Dump(d, "spans", "c", "start_ns", t0, t0.Add(time.Hour)))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sql, args := c.got[0].(string), c.got[1].([]any)
			if n := strings.Count(sql, "?"); n != len(args) {
				t.Errorf("%d ? marks, %d arguments in\n%s\n%v", n, len(args), sql, args)
			}
		})
	}
}

// TestPrefilter: AND drops what it cannot render, OR gives up on it.
func TestPrefilter(t *testing.T) {
	contains := func(s string) *query.TextMatch { return &query.TextMatch{Op: query.MatchContains, Text: s} }
	json := &query.TextMatch{Op: query.MatchJSONString, Path: []query.PathStep{{Key: "a", Index: -1}}, Text: "x"}
	node := func(op query.TextMatchOp, cs ...*query.TextMatch) *query.TextMatch {
		return &query.TextMatch{Op: op, Children: cs}
	}
	cases := []struct {
		name string
		f    *query.TextMatch
		want string
		args []any
	}{
		{"a test", contains("a"), "has(body_text, ?)", []any{"a"}},
		{"negated", &query.TextMatch{Op: query.MatchNotContains, Text: "a"}, "NOT (has(body_text, ?))", []any{"a"}},
		{"unrenderable", json, "", nil},
		{"and", node(query.MatchAnd, contains("a"), contains("b")), "(has(body_text, ?) AND has(body_text, ?))", []any{"a", "b"}},
		{"and drops what it cannot render", node(query.MatchAnd, json, contains("b")), "(has(body_text, ?))", []any{"b"}},
		{"or gives up on it", node(query.MatchOr, contains("a"), json), "", nil},
		{"nested", node(query.MatchOr, contains("a"), node(query.MatchAnd, contains("b"), json)),
			"(has(body_text, ?) OR (has(body_text, ?)))", []any{"a", "b"}},
		{"and of nothing", node(query.MatchAnd, json), "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Prefilter(c.f, func(f *query.TextMatch) Cond { return ContainsLeaf(d, f) })
			if got.SQL != c.want || fmt.Sprint(got.Args) != fmt.Sprint(c.args) {
				t.Errorf("got %q %v, want %q %v", got.SQL, got.Args, c.want, c.args)
			}
		})
	}
}

// TestWhere: conditions join by AND, an empty one is the dialect's true.
func TestWhere(t *testing.T) {
	t0 := time.Unix(0, 100)
	cases := []struct {
		name string
		w    *Where
		want string
		args []any
	}{
		{"empty", NewWhere(d), "true", nil},
		{"window, both bounds", NewWhere(d).Window("c", t0, t0.Add(1)), "c >= ? AND c < ?", []any{int64(100), int64(101)}},
		{"window, no bound", NewWhere(d).Window("c", time.Time{}, time.Time{}), "true", nil},
		{"in", NewWhere(d).Add("a = ?", 1).In("b", []string{"x", "y"}), "a = ? AND b IN (?, ?)", []any{1, "x", "y"}},
		{"empty cond adds nothing", NewWhere(d).AddCond(Cond{}), "true", nil},
		{"tag of an unknown status", NewWhere(d).Tag(store.Tag{Key: "status", Value: "bogus"}), "false", nil},
		{"tag of an attribute", NewWhere(d).Tag(store.Tag{Key: "k", Value: "v"}), "(attr_is(?, ?) OR res_is(?, ?))", []any{"k", "v", "k", "v"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.String(); got != c.want || fmt.Sprint(c.w.Args()) != fmt.Sprint(c.args) {
				t.Errorf("got %q %v, want %q %v", got, c.w.Args(), c.want, c.args)
			}
		})
	}
}

// TestScaleSampled: counts scale by each side's sampling rate, read from
// the service.name column's sums.
func TestScaleSampled(t *testing.T) {
	counts := []query.ValueCount{
		{Column: query.ColService, Inside: 10, Outside: 50, ColumnInside: 10, ColumnOutside: 100},
		{Column: "k", Inside: 3, Outside: 7, ColumnInside: 4, ColumnOutside: 100},
	}
	ScaleSampled(counts, 10, 1000) // inside unsampled, outside 1 in 10
	want := []query.ValueCount{
		{Column: query.ColService, Inside: 10, Outside: 500, ColumnInside: 10, ColumnOutside: 1000},
		{Column: "k", Inside: 3, Outside: 70, ColumnInside: 4, ColumnOutside: 1000},
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", counts, want)
	}
}

// TestColumns: fields first, a key once, as its first source, counts added.
func TestColumns(t *testing.T) {
	c := NewColumns(query.SourceSpans)
	nFields := len(c.List())
	c.Add(0, "http.route", model.KindString, 10, 3)
	c.Add(1, "http.route", model.KindString, 5, 4)
	c.Add(1, "host.name", model.KindInt, 2, 2)
	c.Add(0, query.ColService, model.KindString, 9, 9) // a field: not listed again
	got := c.List()[nFields:]
	want := []query.Column{
		{Name: "http.route", Type: query.TypeString, Source: "attribute", Count: 15, Cardinality: 4},
		{Name: "host.name", Type: query.TypeInteger, Source: "resource", Count: 2, Cardinality: 2},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
