package xray

import (
	"context"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
)

// TraceFinder is what the read API uses, when the store has it, to select
// the traces a filter expression matches in the store (the query model's
// trace-level filters) instead of paging through every trace of the window.
type TraceFinder interface {
	// FindTraces returns the traces q selects, newest first, paged by
	// keyset as TraceSource.TraceStarts.
	FindTraces(ctx context.Context, project string, q query.TraceQuery) ([]query.TraceRef, error)
}

// candidateSource pages through the traces that may match a filter.
type candidateSource struct {
	a          *ReadAPI
	project    string
	start, end time.Time
	// where is the compiled filter, nil without a TraceFinder or filter.
	where *query.TraceFilter
	// residual: the candidates must still be checked with Match.
	residual bool
}

// candidates compiles filter (nil: none) into the query model when the
// store can run it; otherwise every trace of the window is a candidate and
// the whole filter is residual.
func (a *ReadAPI) candidates(project string, start, end time.Time, filter xrayfilter.Expr) *candidateSource {
	c := &candidateSource{a: a, project: project, start: start, end: end, residual: filter != nil}
	if _, ok := a.src.(TraceFinder); !ok || filter == nil {
		return c
	}
	comp := xrayfilter.Compile(filter)
	if err := (&query.TraceQuery{Start: start, End: end, Where: comp.Where}).Normalize(); err != nil {
		// Beyond what the query model takes (nesting): Go decides alone.
		a.log.Debug("xray filter not compiled", "err", err)
		return c
	}
	c.where, c.residual = comp.Where, !comp.Exact
	return c
}

// next returns up to limit candidates after the keyset (after, afterStart),
// newest first.
func (c *candidateSource) next(ctx context.Context, after model.TraceID, afterStart int64, limit int) ([]model.TraceID, []int64, error) {
	var from *query.TraceRef
	if !after.IsZero() {
		from = &query.TraceRef{ID: after, Start: afterStart}
	}
	var refs []query.TraceRef
	var err error
	if f, ok := c.a.src.(TraceFinder); !ok || (c.where == nil && c.residual) {
		refs, err = c.a.src.TraceStarts(ctx, store.TraceStartQuery{Project: c.project, Start: c.start, End: c.end, After: from, Limit: limit})
	} else {
		q := query.TraceQuery{Start: c.start, End: c.end, Where: c.where, Limit: limit, After: from}
		if err := q.Normalize(); err != nil {
			return nil, nil, err
		}
		refs, err = f.FindTraces(ctx, c.project, q)
	}
	if err != nil {
		return nil, nil, err
	}
	starts := make([]int64, len(refs))
	for i, r := range refs {
		starts[i] = r.Start
	}
	return refIDs(refs), starts, nil
}

// refIDs lists the ids of refs.
func refIDs(refs []query.TraceRef) []model.TraceID {
	ids := make([]model.TraceID, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}
