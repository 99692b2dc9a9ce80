package store

import (
	"context"
	"iter"
	"time"

	"lookout/internal/model"
)

// MetricReader answers metric questions.
type MetricReader interface {
	// Metrics lists the metrics of project with points in [start, end)
	// (zero times: no bound), one entry per name, type, unit, temporality
	// and monotonicity, ordered by those.
	Metrics(ctx context.Context, project string, start, end time.Time) ([]MetricInfo, error)
	// MetricPoints streams the matching points ordered by time, then start
	// time, service and attributes. Stopping the iteration early releases
	// the query.
	MetricPoints(ctx context.Context, q MetricQuery) iter.Seq2[model.MetricPoint, error]
}

// MetricQuery selects the points of one metric. Zero values other than
// Name mean "no filter".
type MetricQuery struct {
	Project    string
	Name       string // the metric's name, exactly
	Start, End time.Time
	Service    string
	Limit      int // 0 means the backend's default (1000)
}

// MetricInfo summarises one metric: its points in the window and the
// services that sent them.
type MetricInfo struct {
	Name        string
	Type        model.MetricType
	Unit        string
	Temporality model.Temporality
	Monotonic   bool
	// Description is one of the descriptions its points carry (the greatest,
	// when they differ).
	Description  string
	Services     []string // sorted
	Points       int64
	LastUnixNano int64 // the newest point's time
}
