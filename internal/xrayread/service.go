// Package xrayread answers X-Ray's read operations over stored spans. It
// picks the traces of a window that a filter expression selects (in the
// store when it can run the compiled filter, in Go otherwise), sees each
// trace the way X-Ray shows it (services, calls between them, outcomes,
// annotations, users) and builds trace summaries, segment documents and
// service graphs from it. Answers are Go values; the X-Ray API receiver
// (internal/receiver/xrayapi) renders them. docs/xray-api.md describes the
// operations.
package xrayread

import (
	"context"
	"errors"
	"log/slog"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Source is what the service reads of a store. When it is also a
// store.TraceFinder, filter expressions are compiled into the store's
// trace query instead of every trace of the window being read.
type Source interface {
	// Trace returns every stored span of the trace; store.ErrNotFound
	// (wrapped) when there is none.
	Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error)
	// TraceStarts and SpansOfTraces page through the traces of a window, as
	// store.TraceScanner promises (SpansOfTraces is called with
	// tracelint.BulkTrim).
	TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error)
	SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error)
}

// Config bounds what one request reads.
type Config struct {
	// PageSize is the number of summaries per page. Default 100, as X-Ray.
	PageSize int
	// ScanBatch is the number of candidate traces read from the store at a
	// time; ScanLimit bounds the traces one page examines before it is
	// returned with what it has (it may then be short or empty, as X-Ray's
	// are). Defaults 500 and 20,000.
	ScanBatch, ScanLimit int
	// GraphTraceLimit bounds the traces a service graph aggregates. Default
	// 20,000.
	GraphTraceLimit int
	// Groups turns the groups that requests name into filters; nil: a
	// request naming a group is refused.
	Groups Groups
	Logger *slog.Logger // nil: slog.Default()
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{PageSize: 100, ScanBatch: 500, ScanLimit: 20000, GraphTraceLimit: 20000}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.PageSize <= 0 || c.ScanBatch <= 0 || c.ScanLimit < c.ScanBatch || c.GraphTraceLimit <= 0 {
		return errors.New("xray read: PageSize, ScanBatch, GraphTraceLimit must be positive and ScanLimit at least ScanBatch")
	}
	return nil
}

// Service answers the X-Ray read operations for any project. It is safe for
// concurrent use; every method honours ctx through the store.
type Service struct {
	cfg    Config
	src    Source
	finder store.TraceFinder // src, when it is one
	log    *slog.Logger
}

// New builds the service over src.
func New(cfg Config, src Source) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("xray read: nil trace source")
	}
	s := &Service{cfg: cfg, src: src, log: cfg.Logger}
	s.finder, _ = src.(store.TraceFinder)
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}
