package duckdb

import (
	"context"
	"errors"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// TestTwoStoresInOneProcess: stores over different directories share
// nothing, even though DuckDB caches database instances by path.
func TestTwoStoresInOneProcess(t *testing.T) {
	ctx := context.Background()
	open := func() *Store {
		cfg := DefaultConfig()
		cfg.Dir = t.TempDir()
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	now := time.Now().UnixNano()
	span := model.Span{Project: model.DefaultProject, TraceID: model.TraceID{1}, SpanID: model.SpanID{1},
		Name: "only-in-a", StartUnixNano: now, EndUnixNano: now + 1}
	if err := a.Write(ctx, &model.Batch{Spans: []model.Span{span}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Trace(ctx, model.DefaultProject, span.TraceID); err != nil {
		t.Fatalf("store a: %v", err)
	}
	if got, err := b.Trace(ctx, model.DefaultProject, span.TraceID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("store b sees store a's trace: %v, %v", got, err)
	}
}
