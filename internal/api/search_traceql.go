package api

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/traceql"
	"lookout/internal/store"
)

// TraceQL search limits.
const (
	// maxQueryBytes caps the length of a TraceQL query.
	maxQueryBytes = 16 << 10
	// defaultSpansPerSpanSet is Tempo's default spss.
	defaultSpansPerSpanSet = 3
	// maxSpansPerSpanSet caps spss.
	maxSpansPerSpanSet = 1000
	// structuralBatch is the least number of candidates a structural query
	// reads at once: many may not stand in the relation.
	structuralBatch = 200
	// maxStructuralScan bounds the candidates one structural search reads.
	maxStructuralScan = 20000
)

// traceQLReply is Tempo's search reply to a TraceQL query.
type traceQLReply struct {
	Traces  []traceQLHit  `json:"traces"`
	Metrics traceQLMetric `json:"metrics"`
}

// traceQLHit is a trace with the spans the query matched on it, under both
// of Tempo's names: spanSet (older) and spanSets.
type traceQLHit struct {
	traceHit
	SpanSet  spanSetJSON   `json:"spanSet"`
	SpanSets []spanSetJSON `json:"spanSets"`
}

// spanSetJSON holds the first spss matched spans and how many matched.
type spanSetJSON struct {
	Spans   []spanJSON `json:"spans"`
	Matched int        `json:"matched"`
}

type spanJSON struct {
	SpanID            string     `json:"spanID"`
	Name              string     `json:"name"`
	StartTimeUnixNano string     `json:"startTimeUnixNano"`
	DurationNanos     string     `json:"durationNanos"`
	Attributes        []attrJSON `json:"attributes,omitempty"`
}

// attrJSON is an OTLP/JSON key-value: {"key","value":{"stringValue":...}}.
type attrJSON struct {
	Key   string         `json:"key"`
	Value map[string]any `json:"value"`
}

// traceQLMetric counts what the search read: the traces the store
// selected and their spans.
type traceQLMetric struct {
	InspectedTraces int `json:"inspectedTraces"`
	InspectedSpans  int `json:"inspectedSpans"`
	CompletedJobs   int `json:"completedJobs"`
	TotalJobs       int `json:"totalJobs"`
}

// compileQ compiles the q parameter; a query that does not parse or that
// Lookout does not run is a 400 naming the problem.
func compileQ(q string) (*traceql.Compiled, error) {
	if len(q) > maxQueryBytes {
		return nil, badRequest("q", errors.New("longer than 16 KiB"))
	}
	c, err := traceql.CompileString(q)
	if err != nil {
		return nil, badRequest("q", err)
	}
	return c, nil
}

// searchTraceQL answers GET /api/search?q=<TraceQL>&start=&end=&limit=&spss=
// in Tempo's shape. The store selects the traces (the compiled filter,
// AND minDuration/maxDuration on the trace's duration when given), newest
// first; each comes with the spans the query matched on it, at most spss
// (default 3), with service.name and the attributes the query read or
// selected. For structural operators the store selects candidates and the
// relation is decided on their spans (traceql.Compiled.Matched).
func (a *API) searchTraceQL(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Finder == nil || a.cfg.Scanner == nil {
		return notImplemented("traceql search")
	}
	q := r.URL.Query()
	compiled, err := compileQ(q.Get("q"))
	if err != nil {
		return err
	}
	minDur, maxDur, err := durationBounds(q)
	if err != nil {
		return err
	}
	start, end, err := a.window(q, false)
	if err != nil {
		return err
	}
	limit, err := a.limit(q, defaultSearchLimit)
	if err != nil {
		return err
	}
	spss, err := spansPerSet(q)
	if err != nil {
		return err
	}
	where := compiled.Where
	var bounds []*query.TraceFilter
	if minDur > 0 {
		bounds = append(bounds, query.MeasureIs(query.MeasureDuration, query.FilterGe, float64(minDur)/1e6))
	}
	if maxDur > 0 {
		bounds = append(bounds, query.MeasureIs(query.MeasureDuration, query.FilterLe, float64(maxDur)/1e6))
	}
	if len(bounds) > 0 {
		if where != nil {
			bounds = append(bounds, where)
		}
		where = query.AllOf(bounds...)
	}
	limit = min(limit, query.MaxTraceLimit)
	tq := query.TraceQuery{Start: start, End: end, Where: where, Limit: limit}
	if !compiled.Exact {
		tq.Limit = max(limit, structuralBatch)
	}
	if err := tq.Normalize(); err != nil {
		return badRequest("q", err)
	}
	reply := traceQLReply{Traces: make([]traceQLHit, 0, limit), Metrics: traceQLMetric{CompletedJobs: 1, TotalJobs: 1}}
	for {
		refs, err := a.cfg.Finder.FindTraces(r.Context(), a.project(r), tq)
		if err != nil {
			return storeError(err)
		}
		ids := make([]model.TraceID, len(refs))
		for i, ref := range refs {
			ids[i] = ref.ID
		}
		traces, err := a.cfg.Scanner.SpansOfTraces(r.Context(), a.project(r), ids, store.SpanTrim{})
		if err != nil {
			return storeError(err)
		}
		for i, spans := range traces {
			reply.Metrics.InspectedTraces++
			reply.Metrics.InspectedSpans += len(spans)
			if hit, ok := traceQLHitOf(compiled, ids[i], spans, spss); ok {
				reply.Traces = append(reply.Traces, hit)
			}
			if len(reply.Traces) == limit {
				return writeJSON(w, http.StatusOK, reply)
			}
		}
		// A structural query pages on through the candidates, within a
		// budget, until it has its limit.
		if compiled.Exact || len(refs) < tq.Limit || reply.Metrics.InspectedTraces >= maxStructuralScan {
			break
		}
		tq.After = &refs[len(refs)-1]
	}
	return writeJSON(w, http.StatusOK, reply)
}

// traceQLHitOf describes a selected trace with the spans the query matched
// on it; ok is false when it matched none (a trace gone since it was
// selected, or a candidate of a structural query that is not related so).
func traceQLHitOf(compiled *traceql.Compiled, id model.TraceID, spans []model.Span, spss int) (traceQLHit, bool) {
	if len(spans) == 0 {
		return traceQLHit{}, false
	}
	hit := traceQLHit{traceHit: summarize(id, spans)}
	set := spanSetJSON{Spans: []spanJSON{}}
	for j, m := range compiled.Matched(spans) {
		if !m {
			continue
		}
		set.Matched++
		if len(set.Spans) < spss {
			set.Spans = append(set.Spans, spanOf(&spans[j], compiled.Fields))
		}
	}
	if set.Matched == 0 && !compiled.Exact {
		return traceQLHit{}, false
	}
	hit.SpanSet, hit.SpanSets = set, []spanSetJSON{set}
	return hit, true
}

// spansPerSet reads spss: absent or 0 gives Tempo's default, larger values
// are clamped.
func spansPerSet(q url.Values) (int, error) {
	s := q.Get("spss")
	if s == "" {
		return defaultSpansPerSpanSet, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, badRequest("spss", errors.New(strconv.Quote(s)+": want a non-negative integer"))
	}
	if n == 0 {
		return defaultSpansPerSpanSet, nil
	}
	return min(n, maxSpansPerSpanSet), nil
}

// summarize describes a trace as the tag search does (store.TraceSummary):
// its root is the earliest span without a parent, else its earliest span.
func summarize(id model.TraceID, spans []model.Span) traceHit {
	first, last := spans[0].StartUnixNano, spans[0].EndUnixNano
	root := &spans[0]
	hasRoot := false
	var errs int64
	for i := range spans {
		s := &spans[i]
		first, last = min(first, s.StartUnixNano), max(last, s.EndUnixNano)
		if s.StatusCode == model.StatusError {
			errs++
		}
		switch parentless := s.ParentSpanID.IsZero(); {
		case parentless && (!hasRoot || s.StartUnixNano < root.StartUnixNano):
			root, hasRoot = s, true
		case !hasRoot && s.StartUnixNano < root.StartUnixNano:
			root = s
		}
	}
	return traceHit{
		TraceID: id.String(), RootServiceName: root.Service(), RootTraceName: root.Name,
		StartTimeUnixNano: strconv.FormatInt(first, 10), DurationMs: (last - first) / int64(time.Millisecond),
		SpanCount: int64(len(spans)), ErrorCount: errs,
	}
}

// spanOf renders a matched span with service.name and the query's fields.
func spanOf(sp *model.Span, fields []traceql.OutputField) spanJSON {
	out := spanJSON{
		SpanID: sp.SpanID.String(), Name: sp.Name,
		StartTimeUnixNano: strconv.FormatInt(sp.StartUnixNano, 10),
		DurationNanos:     strconv.FormatInt(sp.DurationNano(), 10),
		Attributes:        []attrJSON{{Key: "service.name", Value: anyValue(model.StringValue(sp.Service()))}},
	}
	for _, f := range fields {
		if f.Name == "service.name" {
			continue
		}
		if v, ok := f.Value(sp); ok {
			out.Attributes = append(out.Attributes, attrJSON{Key: f.Name, Value: anyValue(v)})
		}
	}
	return out
}

// anyValue is an OTLP/JSON AnyValue of a scalar; other values go as their
// text.
func anyValue(v model.Value) map[string]any {
	switch v.Kind {
	case model.KindInt:
		return map[string]any{"intValue": strconv.FormatInt(v.Int, 10)}
	case model.KindDouble:
		if math.IsNaN(v.Double) || math.IsInf(v.Double, 0) {
			return map[string]any{"stringValue": v.AsString()}
		}
		return map[string]any{"doubleValue": v.Double}
	case model.KindBool:
		return map[string]any{"boolValue": v.Bool}
	}
	return map[string]any{"stringValue": v.AsString()}
}
