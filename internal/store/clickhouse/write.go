package clickhouse

import (
	"context"
	"fmt"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"lookout/internal/model"
)

// Write commits the batch: one INSERT of its spans (which also fills the
// trace index through its materialized view) and one of its log events.
//
// Durability: each INSERT is a synchronous native-protocol insert of one
// block, which returns only after the server has written the block's parts
// to the table; there is no Buffer table, and async_insert is turned off
// on servers that have it (syncInsertSettings). The spans and the logs of
// a batch are two statements: when the second fails, the first stays and a
// retry of the batch writes it again (at least once).
func (s *Store) Write(ctx context.Context, b *model.Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	if err := s.check(); err != nil {
		return err
	}
	if len(b.Spans) > 0 {
		c, err := encodeSpans(b.Spans)
		if err != nil {
			return err
		}
		if err := s.insert(ctx, "spans", c.columns()); err != nil {
			return err
		}
	}
	if len(b.Logs) > 0 {
		c, err := encodeLogs(b.Logs)
		if err != nil {
			return err
		}
		if err := s.insert(ctx, "logs", c.columns()); err != nil {
			return err
		}
	}
	return nil
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
