package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync/atomic"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/xrayread"
)

// The service map: GET /api/servicemap?start=&end=&limit= answers the
// services of the window's traces as nodes and the calls between them as
// edges, for every source alike. It is the X-Ray service graph
// (xrayread.ServiceGraph) in Lookout's JSON: a node is a service that opened
// a segment (a SERVER or CONSUMER span, a span whose parent is in another
// service, or an X-Ray segment), a downstream known only from a CLIENT span
// (inferred), or "client", where traces enter; an edge counts the requests
// from the parent segment's service to the child's.
//
// One request recorded by two SDKs of one service — an X-Ray segment made
// inside the OpenTelemetry SERVER span of the same request, as a service
// instrumented with both has them — is counted once: a SERVER span whose
// parent is a SERVER or CONSUMER span of the same service is read as part
// of its parent's work (foldSecondRecord).

// defaultMapTraces is how many traces (newest first) a map reads by default.
const defaultMapTraces = 5000

// mapStatsJSON counts requests by outcome (each a fault, else a throttle,
// else an error, else OK) and their response times in milliseconds
// (percentiles nearest-rank over times kept to the millisecond).
type mapStatsJSON struct {
	Requests  int64   `json:"requests"`
	OK        int64   `json:"ok"`
	Errors    int64   `json:"errors"`
	Throttles int64   `json:"throttles"`
	Faults    int64   `json:"faults"`
	MeanMs    float64 `json:"meanMs"`
	P50Ms     float64 `json:"p50Ms"`
	P95Ms     float64 `json:"p95Ms"`
	P99Ms     float64 `json:"p99Ms"`
}

type mapNodeJSON struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Client   bool   `json:"client"`
	Inferred bool   `json:"inferred"`
	mapStatsJSON
}

type mapEdgeJSON struct {
	From int `json:"from"`
	To   int `json:"to"`
	mapStatsJSON
}

type serviceMapJSON struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Traces is how many traces were read; Truncated says the window holds
	// more (the newest Limit were read).
	Traces    int           `json:"traces"`
	Limit     int           `json:"limit"`
	Truncated bool          `json:"truncated"`
	Nodes     []mapNodeJSON `json:"nodes"`
	Edges     []mapEdgeJSON `json:"edges"`
}

// countingSource is the store as xrayread reads it, counting the traces
// listed and folding second records of one request into the first.
type countingSource struct {
	store.TraceReader
	store.TraceScanner
	traces atomic.Int64
}

func (c *countingSource) TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	refs, err := c.TraceScanner.TraceStarts(ctx, q)
	c.traces.Add(int64(len(refs)))
	return refs, err
}

func (c *countingSource) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	traces, err := c.TraceScanner.SpansOfTraces(ctx, project, ids, trim)
	for _, spans := range traces {
		foldSecondRecord(spans)
	}
	return traces, err
}

// foldSecondRecord makes a SERVER span whose parent is a SERVER or CONSUMER
// span of the same service an INTERNAL one: the same request, recorded
// again by a second SDK, rather than a request of its own.
func foldSecondRecord(spans []model.Span) {
	byID := make(map[model.SpanID]int, len(spans))
	kinds := make([]model.SpanKind, len(spans)) // as sent: a chain of records folds whole
	for i := range spans {
		byID[spans[i].SpanID], kinds[i] = i, spans[i].Kind
	}
	for i := range spans {
		sp := &spans[i]
		p, ok := byID[sp.ParentSpanID]
		if !ok || sp.ParentSpanID.IsZero() || kinds[i] != model.SpanKindServer {
			continue
		}
		if (kinds[p] == model.SpanKindServer || kinds[p] == model.SpanKindConsumer) && spans[p].Service() == sp.Service() {
			sp.Kind = model.SpanKindInternal
		}
	}
}

func (a *API) serviceMap(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Scanner == nil {
		return notImplemented("service map")
	}
	q := r.URL.Query()
	start, end, err := a.window(q, false)
	if err != nil {
		return err
	}
	limit, err := a.limit(q, defaultMapTraces)
	if err != nil {
		return err
	}
	src := &countingSource{TraceReader: a.cfg.Traces, TraceScanner: a.cfg.Scanner}
	cfg := xrayread.DefaultConfig()
	cfg.GraphTraceLimit, cfg.ScanBatch = limit, min(cfg.ScanBatch, limit)
	cfg.ScanLimit = max(cfg.ScanLimit, cfg.ScanBatch)
	cfg.Logger = a.log
	svc, err := xrayread.New(cfg, src)
	if err != nil {
		return fmt.Errorf("service map: %w", err)
	}
	nodes, err := svc.ServiceGraph(r.Context(), a.project(r), xrayread.GraphQuery{Start: start, End: end})
	if err != nil {
		return storeError(err)
	}
	read := int(src.traces.Load())
	out := serviceMapJSON{Start: start.UTC(), End: end.UTC(), Traces: read, Limit: limit, Truncated: read >= limit,
		Nodes: make([]mapNodeJSON, 0, len(nodes)), Edges: []mapEdgeJSON{}}
	for _, n := range nodes {
		out.Nodes = append(out.Nodes, mapNodeJSON{ID: n.Ref, Name: n.Name, Type: n.Type, Client: n.Root,
			Inferred: n.Inferred, mapStatsJSON: mapStats(n.Stats, n.Histogram)})
		for _, e := range n.Edges {
			out.Edges = append(out.Edges, mapEdgeJSON{From: n.Ref, To: e.To, mapStatsJSON: mapStats(e.Stats, e.Histogram)})
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// mapStats turns graph statistics and a response-time histogram (seconds)
// into milliseconds.
func mapStats(s xrayread.Stats, hist []xrayread.Bucket) mapStatsJSON {
	out := mapStatsJSON{Requests: s.Total, OK: s.OK, Errors: s.Errors, Throttles: s.Throttles, Faults: s.Faults}
	if s.Total > 0 {
		out.MeanMs = roundMs(s.TotalResponseTime / float64(s.Total))
	}
	out.P50Ms, out.P95Ms, out.P99Ms = percentile(hist, 0.50), percentile(hist, 0.95), percentile(hist, 0.99)
	return out
}

// percentile is the nearest-rank q-quantile of a histogram sorted by value,
// in milliseconds; 0 when it is empty.
func percentile(hist []xrayread.Bucket, q float64) float64 {
	total := 0
	for _, b := range hist {
		total += b.Count
	}
	if total == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(total)))
	seen := 0
	for _, b := range hist {
		seen += b.Count
		if seen >= rank {
			return roundMs(b.Value)
		}
	}
	return roundMs(hist[len(hist)-1].Value)
}

// roundMs turns seconds into milliseconds, to the microsecond.
func roundMs(sec float64) float64 { return math.Round(sec*1e6) / 1e3 }
