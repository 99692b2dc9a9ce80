package store

import (
	"context"
	"time"

	"lookout/internal/query"
)

// Querier runs the one query model over stored spans. Every method honours
// ctx: cancelling it stops the backend's work and returns ctx's error
// (wrapped). A backend applies its own time budget when ctx has no deadline.
type Querier interface {
	// Query aggregates the spans of project that q selects. q must be valid
	// (query.Query.Normalize); an invalid one gives an error wrapping a
	// *query.FieldError.
	Query(ctx context.Context, project string, q query.Query) (query.Result, error)
	// Columns lists the queryable columns of a dataset (a service name or
	// query.DatasetAll) and source: the source's fields, then the attribute
	// keys seen on its records of [start, end), most frequent first.
	Columns(ctx context.Context, project, dataset string, src query.Source, start, end time.Time) ([]query.Column, error)
	// BubbleUp compares the spans of q that sel selects with q's other
	// spans (q's calculations, breakdowns and orders are ignored).
	BubbleUp(ctx context.Context, project string, q query.Query, sel query.Selection) (query.BubbleUpResult, error)
}

// TraceFinder selects whole traces with the query model's trace-level
// filters. Like Querier, it honours ctx and applies a time budget.
type TraceFinder interface {
	// FindTraces returns the traces of project that q selects, newest first
	// (see query.TraceQuery), at most q.Limit. q must be valid
	// (query.TraceQuery.Normalize); an invalid one gives an error wrapping a
	// *query.FieldError.
	FindTraces(ctx context.Context, project string, q query.TraceQuery) ([]query.TraceRef, error)
}
