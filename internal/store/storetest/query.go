package storetest

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// querySpans is the size of the generated query data set.
const querySpans = 3000

// openQuerier opens a store holding the query fixture; the backend must
// implement store.Querier.
func openQuerier(t *testing.T, b Backend) (store.Querier, []model.Span) {
	t.Helper()
	h := openStore(t, b)
	in, noise := queryFixture(querySpans)
	mustWrite(t, h.Store, &model.Batch{Spans: append(slices.Clone(in), noise...)})
	qr, ok := h.Store.(store.Querier)
	if !ok {
		t.Fatalf("%T does not implement store.Querier", h.Store)
	}
	return qr, in
}

// hourQuery is a p1 query over the fixture's hour.
func hourQuery(edit func(q *query.Query)) query.Query {
	q := query.Query{Start: T0, End: T0.Add(time.Hour), Granularity: 5 * time.Minute}
	edit(&q)
	if err := q.Normalize(); err != nil {
		panic(err)
	}
	return q
}

func calcs(cs ...string) []query.Calculation {
	var out []query.Calculation
	for i := 0; i+1 < len(cs); i += 2 {
		out = append(out, query.Calculation{Op: query.Op(cs[i]), Column: cs[i+1]})
	}
	return out
}

func flt(col string, op query.FilterOp, vals ...any) query.Filter {
	return query.Filter{Column: col, Op: op, Values: vals}
}

func queryCases(Backend) []testCase {
	dur := query.ColDuration
	aggregates := []struct {
		name string
		q    query.Query
	}{
		{"Count", hourQuery(func(q *query.Query) {})},
		{"CountP99ByService", hourQuery(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("COUNT", "", "P99", dur), []string{query.ColService}
		})},
		{"EveryCalculation", hourQuery(func(q *query.Query) {
			q.Calculations = calcs("COUNT", "", "COUNT_DISTINCT", "http.status_code", "SUM", dur, "AVG", dur, "MIN", dur,
				"MAX", dur, "P001", dur, "P10", dur, "P50", dur, "P90", dur, "P95", dur, "P999", dur)
			q.Breakdowns = []string{query.ColName}
		})},
		{"TwoBreakdowns", hourQuery(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("P50", dur), []string{query.ColService, "tier"}
		})},
		{"BreakdownMissingValue", hourQuery(func(q *query.Query) { q.Breakdowns = []string{"retry"} })},
		{"BreakdownTypedFields", hourQuery(func(q *query.Query) {
			q.Breakdowns = []string{query.ColStatusCode, query.ColError, query.ColKind}
		})},
		{"Dataset", hourQuery(func(q *query.Query) { q.Dataset, q.Calculations = "worker", calcs("P95", dur) })},
		{"FilterEqString", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("tier", "=", "gold")} })},
		{"FilterEqNumber", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("http.status_code", "=", 500.0)} })},
		{"FilterNe", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("http.status_code", "!=", 200.0)} })},
		{"FilterGtDuration", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt(dur, ">", 100.0)}, []string{query.ColService}
		})},
		{"FilterRange", hourQuery(func(q *query.Query) {
			q.Filters = []query.Filter{flt(dur, ">=", 10.0), flt(dur, "<", 20.0), flt(dur, "<=", 19.5)}
		})},
		{"FilterExists", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("retry", "exists")} })},
		{"FilterDoesNotExist", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("retry", "does-not-exist")} })},
		{"FilterBool", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("retry", "=", true)} })},
		{"FilterContains", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt(query.ColName, "contains", "/b")} })},
		{"FilterDoesNotContain", hourQuery(func(q *query.Query) {
			q.Filters = []query.Filter{flt("retry", "does-not-contain", "tru")}
		})},
		{"FilterStartsWith", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("host.name", "starts-with", "host-1")} })},
		{"FilterIn", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("http.status_code", "in", 404.0, 500.0)}, []string{"http.status_code"}
		})},
		{"FilterNotIn", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt(query.ColService, "not-in", "api", "web")} })},
		{"FilterOr", hourQuery(func(q *query.Query) {
			q.Filters = []query.Filter{flt("tier", "=", "gold"), flt(query.ColError, "=", true)}
			q.FilterCombination = query.Or
		})},
		{"FilterRootSpans", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt(query.ColParentID, "does-not-exist")} })},
		{"OrderByBreakdownLimit", hourQuery(func(q *query.Query) {
			q.Breakdowns, q.Orders, q.Limit = []string{"host.name"}, []query.Order{{Column: "host.name"}}, 3
		})},
		{"OrderByCalcAscending", hourQuery(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("COUNT", "", "AVG", dur), []string{"host.name"}
			q.Orders = []query.Order{{Op: "AVG", Column: dur}}
		})},
		{"Having", hourQuery(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("COUNT", "", "P90", dur), []string{query.ColService, query.ColName}
			q.Havings = []query.Having{{CalculateOp: "P90", Column: dur, Op: ">", Value: 90}}
		})},
		{"MinuteGranularity", hourQuery(func(q *query.Query) {
			q.Granularity, q.Calculations = time.Minute, calcs("COUNT", "", "P99", dur)
		})},
		{"Empty", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("tier", "=", "platinum")} })},
		{"EventBreakdown", hourQuery(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("COUNT", "", "P50", dur), []string{"event.exception.type", "event.name"}
		})},
		{"EventFilterAnyEvent", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("event.name", "=", "exception")}, []string{query.ColError}
		})},
		{"EventFilterNegated", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("event.name", "!=", "retry")} })},
		{"EventFilterNumber", hourQuery(func(q *query.Query) {
			q.Filters = []query.Filter{flt("event.attempt", ">=", 3.0)}
			q.Calculations = calcs("COUNT", "", "MAX", "event.attempt")
		})},
		{"EventFilterBoolIn", hourQuery(func(q *query.Query) {
			q.Filters = []query.Filter{flt("event.exception.escaped", "=", true), flt("event.exception.type", "in", "IOError", "Timeout")}
		})},
		{"EventExists", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("event.attempt", "exists")}, []string{"event.attempt"}
		})},
		{"EventDoesNotExist", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("event.exception.type", "does-not-exist")} })},
		{"FilterMatches", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt(query.ColName, "matches", "GET /[ab]")}, []string{query.ColName}
		})},
		{"FilterMatchesIsAnchored", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("host.name", "matches", "host-")} })},
		{"FilterMatchesNumberText", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("http.status_code", "matches", "[45]0.")}, []string{"http.status_code"}
		})},
		{"FilterDoesNotMatch", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("retry", "does-not-match", "t.*")}, []string{"retry"}
		})},
		{"EventFilterMatches", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("event.exception.type", "matches", ".*Error")} })},
		{"EventFilterDoesNotMatch", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("event.name", "does-not-match", "re.*")} })},
		{"ScopedResource", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("resource:region", "=", "eu")}, []string{"resource:host.name"}
		})},
		{"ScopedResourceService", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("resource:service.name", "=", "web")} })},
		{"ScopedAttributeIsNotResource", hourQuery(func(q *query.Query) { q.Filters = []query.Filter{flt("attribute:region", "exists")} })},
		{"ScopedAttributeNamedLikeField", hourQuery(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt("attribute:name", "does-not-exist")}, []string{"attribute:tier", "resource:tier"}
		})},
	}
	// TraceQL metrics queries run as the query model's queries they
	// compile into (see traceql.CompileMetrics).
	for _, src := range []string{
		`{ } | rate() by (resource.service.name)`,
		`{ kind = server } | quantile_over_time(duration, .5, .99, 1) by (name)`,
		`{ span.tier = "gold" || status = error } | avg_over_time(duration) by (resource.host.name)`,
		`{ nestedSetParent < 0 } | count_over_time() by (status, kind)`,
		`{ span.http.status_code >= 400 } | min_over_time(span.http.status_code) by (.region)`,
	} {
		aggregates = append(aggregates, struct {
			name string
			q    query.Query
		}{"TraceQL/" + src, traceqlMetricsQuery(src)})
	}
	var cases []testCase
	cases = append(cases, testCase{name: "Aggregates", run: func(t *testing.T, b Backend) {
		qr, spans := openQuerier(t, b)
		for _, c := range aggregates {
			t.Run(c.name, func(t *testing.T) {
				got, err := qr.Query(ctx(t), "p1", c.q)
				if err != nil {
					t.Fatalf("query: %v", err)
				}
				want := oracleQuery(spanRecords(spans), c.q)
				if strings.HasPrefix(c.name, "TraceQL/") && len(want.Series) == 0 {
					t.Errorf("the oracle has no row: the case tests nothing")
				}
				compareResults(t, c.q, got, want)
			})
		}
		// The Go matcher of the query package keeps the spans the store
		// counts.
		for _, c := range aggregates {
			if len(c.q.Filters) == 0 {
				continue
			}
			t.Run("SpanMatcher/"+c.name, func(t *testing.T) {
				q := hourQuery(func(q *query.Query) { q.Filters, q.FilterCombination = c.q.Filters, c.q.FilterCombination })
				got, err := qr.Query(ctx(t), "p1", q)
				if err != nil {
					t.Fatalf("query: %v", err)
				}
				m, err := query.NewSpanMatcher(q.Filters, q.FilterCombination)
				if err != nil {
					t.Fatal(err)
				}
				var kept int64
				for i := range spans {
					if m.Match(&spans[i]) {
						kept++
					}
				}
				var counted int64
				if len(got.Results) > 0 {
					counted = got.Results[0].Values[0].(int64)
				}
				if kept != counted {
					t.Errorf("%v: the matcher keeps %d spans, the store counts %d", q.Filters, kept, counted)
				}
			})
		}
	}})
	cases = append(cases, queryMoreCases()...)
	cases = append(cases, logQueryCases()...)
	return cases
}

// compareResults fails t where got differs from want beyond float rounding.
func compareResults(t *testing.T, q query.Query, got, want query.Result) {
	t.Helper()
	if len(got.Results) != len(want.Results) {
		t.Fatalf("%d result rows, want %d:\n got %v\nwant %v", len(got.Results), len(want.Results), got.Results, want.Results)
	}
	rank := map[string]int{}
	for i, w := range want.Results {
		rank[fmt.Sprint(w.Group...)] = i
		compareRow(t, q, fmt.Sprintf("results[%d]", i), got.Results[i], w)
	}
	slices.SortFunc(want.Series, func(a, b query.Row) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return rank[fmt.Sprint(a.Group...)] - rank[fmt.Sprint(b.Group...)]
	})
	if len(got.Series) != len(want.Series) {
		t.Fatalf("%d series rows, want %d", len(got.Series), len(want.Series))
	}
	for i, w := range want.Series {
		compareRow(t, q, fmt.Sprintf("series[%d]", i), got.Series[i], w)
	}
}

func compareRow(t *testing.T, q query.Query, what string, got, want query.Row) {
	t.Helper()
	if !got.Time.Equal(want.Time) || len(got.Group) != len(want.Group) || len(got.Group) > 0 && !reflect.DeepEqual(got.Group, want.Group) {
		t.Fatalf("%s: time %s group %#v, want %s %#v", what, got.Time, got.Group, want.Time, want.Group)
	}
	for i, c := range q.Calculations {
		if c.Op == query.OpHeatmap {
			continue
		}
		if !closeEnough(got.Values[i], want.Values[i]) {
			t.Errorf("%s %v: %s = %#v, want %#v", what, got.Group, c.Name(), got.Values[i], want.Values[i])
		}
	}
}

// closeEnough compares values exactly, floats within 1e-9 relative (the
// backends sum in other orders); quantile_cont is exact up to that rounding.
func closeEnough(got, want any) bool {
	g, gok := got.(float64)
	w, wok := want.(float64)
	if gok && wok {
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	return reflect.DeepEqual(got, want)
}

// wantFieldError checks that err wraps a *query.FieldError on field.
func wantFieldError(t *testing.T, err error, field string) {
	t.Helper()
	var fe *query.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Errorf("error %v, want a field error on %q", err, field)
	}
}
