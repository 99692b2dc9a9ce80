package xrayapi

import (
	"net/http"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
)

// MaxBatchTraceIDs is the most trace ids one BatchGetTraces or GetTraceGraph
// request may name, as in X-Ray.
const MaxBatchTraceIDs = 5

type traceIDsRequest struct {
	TraceIds  []string
	NextToken *string
}

type segmentOut struct {
	Id       string
	Document string
}

type traceOut struct {
	Id            string
	Duration      float64
	LimitExceeded bool
	Segments      []segmentOut
}

type batchResponse struct {
	Traces              []traceOut
	UnprocessedTraceIds []string
}

// traceIDs reads and checks the TraceIds of a request: as sent, and parsed.
func traceIDs(w http.ResponseWriter, r *http.Request) ([]string, []model.TraceID, bool) {
	var in traceIDsRequest
	if !restjson.Decode(w, r, &in) {
		return nil, nil, false
	}
	if len(in.TraceIds) == 0 || len(in.TraceIds) > MaxBatchTraceIDs {
		restjson.Invalid(w, "TraceIds: give 1 to %d trace ids, not %d", MaxBatchTraceIDs, len(in.TraceIds))
		return nil, nil, false
	}
	ids := make([]model.TraceID, len(in.TraceIds))
	for i, s := range in.TraceIds {
		id, err := model.ParseTraceID(s)
		if err != nil {
			restjson.Invalid(w, "TraceIds[%d]: %v", i, err)
			return nil, nil, false
		}
		ids[i] = id
	}
	return in.TraceIds, ids, true
}

func (a *ReadAPI) batchGetTraces(w http.ResponseWriter, r *http.Request) {
	names, ids, ok := traceIDs(w, r)
	if !ok {
		return
	}
	traces, err := a.read.Traces(r.Context(), a.project(r), ids)
	if err != nil {
		a.readError(w, r, "BatchGetTraces", err)
		return
	}
	out := batchResponse{Traces: []traceOut{}, UnprocessedTraceIds: []string{}}
	for i, t := range traces {
		if !t.Found {
			out.UnprocessedTraceIds = append(out.UnprocessedTraceIds, names[i])
			continue
		}
		segs := make([]segmentOut, len(t.Segments))
		for j, s := range t.Segments {
			segs[j] = segmentOut{Id: s.ID, Document: s.Document}
		}
		out.Traces = append(out.Traces, traceOut{Id: t.ID.XRayString(), Duration: t.Duration, Segments: segs})
	}
	restjson.Write(w, out)
}
