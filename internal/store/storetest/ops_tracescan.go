package storetest

import (
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Steps on store.TraceScanner.

// traceRef is query.TraceRef with its id in hex.
type traceRef struct {
	ID    traceID
	Start int64
}

func init() {
	register(map[string]op{
		// TraceStarts takes store.TraceStartQuery with After in hex and
		// answers the refs.
		"TraceStarts": telemetryOp(func(e *env, in struct {
			Project, Service string
			Start, End       time.Time
			After            *traceRef
			Limit            int
		}) (any, error) {
			q := store.TraceStartQuery{Project: in.Project, Service: in.Service, Start: in.Start, End: in.End, Limit: in.Limit}
			if in.After != nil {
				q.After = &query.TraceRef{ID: model.TraceID(in.After.ID), Start: in.After.Start}
			}
			refs, err := e.tel.TraceStarts(e.ctx, q)
			out := make([]traceRef, len(refs))
			for i, r := range refs {
				out[i] = traceRef{ID: traceID(r.ID), Start: r.Start}
			}
			return out, err
		}),
		// SpansOfTraces answers one list of spans per id.
		"SpansOfTraces": telemetryOp(func(e *env, in struct {
			Project string
			IDs     []traceID
			Trim    store.SpanTrim
		}) (any, error) {
			ids := make([]model.TraceID, len(in.IDs))
			for i, id := range in.IDs {
				ids[i] = model.TraceID(id)
			}
			groups, err := e.tel.SpansOfTraces(e.ctx, in.Project, ids, in.Trim)
			out := make([][]spanIn, len(groups))
			for i, g := range groups {
				out[i] = spansOf(g)
			}
			return out, err
		}),
		"ServerSpanNames": telemetryOp(func(e *env, in struct {
			Project    string
			Start, End time.Time
		}) (any, error) {
			return e.tel.ServerSpanNames(e.ctx, in.Project, in.Start, in.End)
		}),
	})
}
