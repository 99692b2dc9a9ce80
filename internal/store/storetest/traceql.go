package storetest

import (
	"embed"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/traceql"
	"lookout/internal/store"
)

//go:embed testdata/traceql/*.txt
var traceqlFiles embed.FS

// traceqlCases run each TraceQL data file: its spans are written, each
// query compiles into a trace filter the backend's FindTraces answers over
// [T0-1h, T0+2h), the oracle must agree, and the spans the query matches
// on each selected trace (read back with SpansOfTraces) must be the ones
// the file lists; for a query that is not exact (structural operators),
// the traces where it matches none are left out, as a search does.
func traceqlCases() []testCase {
	entries, err := traceqlFiles.ReadDir("testdata/traceql")
	if err != nil {
		panic(err)
	}
	var cases []testCase
	for _, e := range entries {
		name := e.Name()
		cases = append(cases, testCase{name: strings.TrimSuffix(name, ".txt"), run: func(t *testing.T, b Backend) {
			src, err := traceqlFiles.ReadFile(path.Join("testdata/traceql", name))
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseTQFile(name, string(src))
			if err != nil {
				t.Fatal(err)
			}
			h := openStore(t, b)
			mustWrite(t, h.Store, &model.Batch{Spans: slices.Clone(f.spans)})
			tf, ok := h.Store.(store.TraceFinder)
			if !ok {
				t.Fatalf("%T does not implement store.TraceFinder", h.Store)
			}
			for _, c := range f.cases {
				t.Run(c.query, func(t *testing.T) { runTQCase(t, f, c, tf, h.Store) })
			}
		}})
	}
	return cases
}

func runTQCase(t *testing.T, f *tqFile, c tqCase, tf store.TraceFinder, sc store.TraceScanner) {
	compiled, err := traceql.CompileString(c.query)
	if c.kind != "eval" {
		var e *traceql.Error
		want := strings.Join(c.want, " ")
		if err == nil || !errors.As(err, &e) || e.Unsupported != (c.kind == "unsupported") || !strings.Contains(err.Error(), want) {
			t.Fatalf("line %d: error %v, want %s containing %q", c.line, err, c.kind, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("line %d: %v", c.line, err)
	}
	q := query.TraceQuery{Start: T0.Add(-time.Hour), End: T0.Add(2 * time.Hour), Where: compiled.Where, Limit: query.MaxTraceLimit}
	if err := q.Normalize(); err != nil {
		t.Fatalf("line %d: %v", c.line, err)
	}
	refs, err := tf.FindTraces(ctx(t), "p1", q)
	if err != nil {
		t.Fatalf("line %d: find traces: %v", c.line, err)
	}
	if want := oracleTraces(f.spans, "p1", q); !slices.Equal(refs, want) {
		t.Errorf("line %d: %s: the store selects %s, the oracle %s", c.line, compiled.Where, f.names(refs), f.names(want))
	}
	ids := make([]model.TraceID, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	spans, err := sc.SpansOfTraces(ctx(t), "p1", ids, store.SpanTrim{})
	if err != nil {
		t.Fatalf("line %d: spans of traces: %v", c.line, err)
	}
	var got []string
	for i, r := range refs {
		line := f.traces[r.ID] + ":"
		matched := false
		for j, m := range compiled.Matched(spans[i]) {
			if m {
				line += " " + f.labels[spans[i][j].SpanID]
				matched = true
			}
		}
		if !matched && !compiled.Exact {
			continue // a candidate whose spans do not stand in the relation
		}
		got = append(got, line)
	}
	if !slices.Equal(got, c.want) {
		t.Errorf("line %d: %s (%s)\n got %q\nwant %q", c.line, c.query, compiled.Where, got, c.want)
	}
}

// names names traces as the file does.
func (f *tqFile) names(refs []query.TraceRef) string {
	var out []string
	for _, r := range refs {
		out = append(out, f.traces[r.ID])
	}
	return "[" + strings.Join(out, " ") + "]"
}

// traceqlMetricsQuery is the query model's query of a TraceQL metrics
// query over the fixture's hour, in 5-minute steps.
func traceqlMetricsQuery(src string) query.Query {
	m, err := traceql.CompileMetricsString(src)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", src, err))
	}
	q := m.Query(T0, T0.Add(time.Hour), 5*time.Minute)
	q.Dataset = ""
	if err := q.Normalize(); err != nil {
		panic(fmt.Sprintf("%s: %v", src, err))
	}
	return q
}
