// Package storetest is the conformance suite every store backend runs: one
// RunAll call from a few-line test in the backend's package, with a
// Backend that opens its telemetry store (store.Store), its metadata store
// (store.Meta) or both.
//
// Most cases are data files, testdata/*.json: the data to load, the calls
// and the answers they must give (data.go describes the format; every
// store method has a step of its name, ops*.go). Large generated data sets
// are built in Go (query_data.go, query_trace.go) and answered by a
// brute-force oracle over the same data (query_oracle.go); the remaining Go
// cases compare with values written out by hand from fixtures.go.
package storetest

import (
	"context"
	"errors"
	"iter"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Capabilities declares a backend's known gaps; the suite skips those cases.
type Capabilities struct {
	// NoReopen: the backend cannot close and reopen the same data (a
	// memory-only fake), so durability across restart is not tested.
	NoReopen bool
	// NoDayPartitions: partitions are not one per UTC day named freely, so
	// the per-day partition layout is not checked (dropping still is).
	NoDayPartitions bool
	// NoJSONMatch: GroupEventQuery.Match's JSON conditions are not decided
	// by the backend (it answers a superset), so cases that check them
	// exactly are skipped.
	NoJSONMatch bool
}

// Backend is the store under test: a telemetry store, a metadata store or
// both. RunAll runs the cases of each one it has.
type Backend struct {
	// Open opens a telemetry store over dir, a fresh empty directory per
	// case. Opening the same dir again after Close must see every batch
	// written before. Open fails the test itself on error.
	Open func(t *testing.T, dir string) store.Store
	// OpenMeta opens a metadata store over dir, as Open does.
	OpenMeta func(t *testing.T, dir string) store.Meta
	Capabilities
}

// RunAll runs every conformance case the backend has a store for, as
// subtests: the cases written in Go, then the data-file cases
// (testdata/*.json) under "Data".
func RunAll(t *testing.T, b Backend) {
	if b.Open == nil && b.OpenMeta == nil {
		t.Fatal("storetest: the backend opens no store")
	}
	if b.Open != nil {
		runGoCases(t, b)
	}
	t.Run("Data", func(t *testing.T) {
		if b.Open != nil {
			t.Run("Telemetry", func(t *testing.T) { runDataFiles(t, b, storeTelemetry) })
		}
		if b.OpenMeta != nil {
			t.Run("Meta", func(t *testing.T) { runDataFiles(t, b, storeMeta) })
		}
	})
}

func runGoCases(t *testing.T, b Backend) {
	groups := []struct {
		name  string
		cases func(b Backend) []testCase
	}{
		{"Admin", adminCases},
		{"Query", queryCases},
		{"QueryTrace", func(Backend) []testCase { return traceQueryCases() }},
		{"TraceQL", func(Backend) []testCase { return traceqlCases() }},
		{"Metrics", metricCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases(b) {
				t.Run(c.name, func(t *testing.T) {
					if c.skip != "" {
						t.Skip(c.skip)
					}
					c.run(t, b)
				})
			}
		})
	}
}

type testCase struct {
	name string
	skip string // non-empty: the reason the backend skips this case
	run  func(t *testing.T, b Backend)
}

// openStore opens a store in a fresh directory and closes it when the test
// ends, unless the test closed it first through the returned handle.
func openStore(t *testing.T, b Backend) *handle {
	t.Helper()
	h := &handle{dir: t.TempDir(), b: b}
	h.open(t)
	t.Cleanup(func() { h.close(t) })
	return h
}

// handle is a store plus the directory it lives in, for reopen tests.
type handle struct {
	store.Store
	dir    string
	b      Backend
	mu     sync.Mutex
	closed bool
}

func (h *handle) open(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.Store = h.b.Open(t, h.dir)
	h.closed = false
}

func (h *handle) close(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	if err := h.Store.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

// reopen closes the store and opens the same directory again.
func (h *handle) reopen(t *testing.T) {
	t.Helper()
	h.close(t)
	h.open(t)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func mustWrite(t *testing.T, s store.Store, b *model.Batch) {
	t.Helper()
	if err := s.Write(ctx(t), b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func mustTrace(t *testing.T, s store.Store, project string, id model.TraceID) []model.Span {
	t.Helper()
	spans, err := s.Trace(ctx(t), project, id)
	if err != nil {
		t.Fatalf("trace %s in %q: %v", id, project, err)
	}
	return spans
}

func wantNotFound(t *testing.T, s store.Store, project string, id model.TraceID) {
	t.Helper()
	spans, err := s.Trace(ctx(t), project, id)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("trace %s in %q: got %d spans, err %v; want store.ErrNotFound", id, project, len(spans), err)
	}
}

// collect drains a log iterator, failing the test on an error.
func collect(t *testing.T, seq iter.Seq2[model.LogEvent, error]) []model.LogEvent {
	t.Helper()
	var out []model.LogEvent
	for l, err := range seq {
		if err != nil {
			t.Fatalf("logs: %v", err)
		}
		out = append(out, l)
	}
	return out
}

func spanNames(spans []model.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}
