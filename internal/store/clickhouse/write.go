package clickhouse

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"golang.org/x/sync/errgroup"

	"lookout/internal/model"
)

// Write commits the batch: one INSERT of its spans (which also fills the
// trace index through its materialized view), one of its log events and one
// of its metric points.
//
// Durability: each INSERT is a synchronous native-protocol insert of one
// block, which returns only after the server has written the block's parts
// to the table; there is no Buffer table, and async_insert is turned off
// on servers that have it (syncInsertSettings). The spans, logs and metric
// points of a batch are separate statements, run at once: when one fails,
// the others may stay, and a retry of the batch writes them again (at least
// once).
func (s *Store) Write(ctx context.Context, b *model.Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	p, err := s.Prepare(b)
	if err != nil {
		return err
	}
	return s.WritePrepared(ctx, []any{p})
}

// encoded is a batch turned into the columns of its INSERTs: the CPU work
// of a write, done by Prepare on the caller's goroutine.
type encoded struct {
	spans, logs, metrics []insertCol // nil when the batch has none
}

// Prepare encodes b for WritePrepared (pipeline.Preparer). It is safe to
// call from many goroutines and keeps no reference to b's slices, only to
// its strings.
func (s *Store) Prepare(b *model.Batch) (any, error) {
	e := &encoded{}
	if len(b.Spans) > 0 {
		c, err := encodeSpans(b.Spans)
		if err != nil {
			return nil, err
		}
		e.spans = c.columns()
	}
	if len(b.Logs) > 0 {
		c, err := encodeLogs(b.Logs)
		if err != nil {
			return nil, err
		}
		e.logs = c.columns()
	}
	if len(b.Metrics) > 0 {
		c, err := encodeMetrics(b.Metrics)
		if err != nil {
			return nil, err
		}
		e.metrics = c.columns()
	}
	return e, nil
}

// WritePrepared commits batches made by Prepare together, as Write would
// their concatenation: one INSERT per table, the larger blocks ClickHouse
// prefers.
func (s *Store) WritePrepared(ctx context.Context, prepared []any) error {
	if err := s.check(); err != nil {
		return err
	}
	var spans, logs, metrics []insertCol
	for _, p := range prepared {
		e, ok := p.(*encoded)
		if !ok {
			return fmt.Errorf("write prepared: %T is not from Prepare", p)
		}
		spans, logs, metrics = concatCols(spans, e.spans), concatCols(logs, e.logs), concatCols(metrics, e.metrics)
	}
	// The INSERTs run at once, each on a connection of its own: a part's
	// files are written at the server's pace, not the client's.
	var g errgroup.Group
	if spans != nil {
		g.Go(func() error { return s.insert(ctx, "spans", spans) })
	}
	if logs != nil {
		g.Go(func() error { return s.insert(ctx, "logs", logs) })
	}
	if metrics != nil {
		g.Go(func() error { return s.insert(ctx, "metrics", metrics) })
	}
	return g.Wait()
}

// concatCols appends the values of b's columns to a's (same columns, in
// the same order); a is reused when it holds no columns yet.
func concatCols(a, b []insertCol) []insertCol {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := make([]insertCol, len(a))
	for i := range a {
		out[i] = insertCol{a[i].name, reflect.AppendSlice(reflect.ValueOf(a[i].data), reflect.ValueOf(b[i].data)).Interface()}
	}
	return out
}

// insert sends the columns as one block. The column list is explicit: the
// table may have more columns than this version of the code knows.
func (s *Store) insert(ctx context.Context, table string, cols []insertCol) error {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	if s.insertSettings != nil {
		ctx = ch.Context(ctx, ch.WithSettings(s.insertSettings))
	}
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(names, ", ")+")")
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	defer batch.Close()
	for i, c := range cols {
		if err := batch.Column(i).Append(c.data); err != nil {
			return fmt.Errorf("insert into %s: column %s: %w", table, c.name, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}
