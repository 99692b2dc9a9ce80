package xrayread

import (
	"context"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
)

// candidates pages through the traces that may match a filter.
type candidates struct {
	s          *Service
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
func (s *Service) candidates(project string, start, end time.Time, filter xrayfilter.Expr) *candidates {
	c := &candidates{s: s, project: project, start: start, end: end, residual: filter != nil}
	if s.finder == nil || filter == nil {
		return c
	}
	comp := xrayfilter.Compile(filter)
	if err := (&query.TraceQuery{Start: start, End: end, Where: comp.Where}).Normalize(); err != nil {
		// Beyond what the query model takes (nesting): Go decides alone.
		s.log.Debug("xray filter not compiled", "err", err)
		return c
	}
	c.where, c.residual = comp.Where, !comp.Exact
	return c
}

// next returns up to limit candidates after the keyset from (nil: from the
// newest), newest first.
func (c *candidates) next(ctx context.Context, from *query.TraceRef, limit int) ([]query.TraceRef, error) {
	if c.s.finder == nil || (c.where == nil && c.residual) {
		return c.s.src.TraceStarts(ctx, store.TraceStartQuery{Project: c.project, Start: c.start, End: c.end, After: from, Limit: limit})
	}
	q := query.TraceQuery{Start: c.start, End: c.end, Where: c.where, Limit: limit, After: from}
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	return c.s.finder.FindTraces(ctx, c.project, q)
}

// refIDs lists the ids of refs.
func refIDs(refs []query.TraceRef) []model.TraceID {
	ids := make([]model.TraceID, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}
