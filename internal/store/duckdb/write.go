package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"

	duckdb "github.com/marcboeker/go-duckdb/v2"

	"lookout/internal/model"
)

// partRows are the encoded rows of one batch that go to one partition.
type partRows struct {
	spans [][]driver.Value
	logs  [][]driver.Value
}

// Write commits the batch. Items are grouped by partition (UTC day) and each
// partition's rows are committed in one DuckDB transaction, because DuckDB
// refuses a write transaction that spans two attached databases. A batch
// within one day is therefore atomic; a batch spanning days is committed day
// by day, and on error the days already committed stay (a retry duplicates
// them: at-least-once).
//
// Durability: Write returns nil only after COMMIT. Verified with strace on
// DuckDB 1.2.2 (go-duckdb v2.2.0): COMMIT write()s the WAL and fsync()s it
// before returning; a large append that DuckDB writes straight into the
// database file is pwrite()n and fsync()ed before the WAL record pointing at
// it. DuckDB does not fsync the directory, so Write does so when a partition
// file or a WAL file is new (see syncWAL).
//
// Rows are appended with the go-duckdb Appender on the writer connection
// inside an explicit BEGIN ... COMMIT: the appender's flush joins the open
// transaction (checked by TestAppenderJoinsTransaction), so a failed batch
// rolls back whole.
func (s *Store) Write(ctx context.Context, b *model.Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	byPart := map[string]*partRows{}
	enc := newEncoder()
	get := func(ns int64) *partRows {
		name := partName(ns)
		r := byPart[name]
		if r == nil {
			r = &partRows{}
			byPart[name] = r
		}
		return r
	}
	for i := range b.Spans {
		row, err := enc.spanRow(&b.Spans[i])
		if err != nil {
			return fmt.Errorf("span %d of batch: %w", i, err)
		}
		r := get(b.Spans[i].StartUnixNano)
		r.spans = append(r.spans, row)
	}
	for i := range b.Logs {
		row, err := enc.logRow(&b.Logs[i])
		if err != nil {
			return fmt.Errorf("log event %d of batch: %w", i, err)
		}
		r := get(b.Logs[i].TimeUnixNano)
		r.logs = append(r.logs, row)
	}
	names := make([]string, 0, len(byPart))
	for name := range byPart {
		names = append(names, name)
	}
	slices.Sort(names)

	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := s.ensurePart(ctx, name)
		if err != nil {
			return err
		}
		if err := s.commitPart(ctx, p, byPart[name]); err != nil {
			return fmt.Errorf("partition %s: %w", name, err)
		}
		if err := s.syncWAL(p); err != nil {
			return err
		}
	}
	return nil
}

// commitPart appends the rows to the partition's tables in one transaction.
func (s *Store) commitPart(ctx context.Context, p *part, rows *partRows) error {
	return s.wconn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		ex, ok2 := dc.(driver.ExecerContext)
		if !ok || !ok2 {
			return errors.New("writer connection is not a duckdb connection")
		}
		if _, err := ex.ExecContext(ctx, "BEGIN TRANSACTION", nil); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		err := appendRows(conn, p.catalog, "spans", rows.spans)
		if err == nil {
			err = appendRows(conn, p.catalog, "logs", rows.logs)
		}
		if err == nil {
			if _, err = ex.ExecContext(ctx, "COMMIT", nil); err == nil {
				return nil
			}
			err = fmt.Errorf("commit: %w", err)
		}
		if _, rerr := ex.ExecContext(context.Background(), "ROLLBACK", nil); rerr != nil {
			err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	})
}

func appendRows(conn driver.Conn, catalog, table string, rows [][]driver.Value) error {
	if len(rows) == 0 {
		return nil
	}
	app, err := duckdb.NewAppender(conn, catalog, "main", table)
	if err != nil {
		return fmt.Errorf("%s appender: %w", table, err)
	}
	for _, r := range rows {
		if err = app.AppendRow(r...); err != nil {
			break
		}
	}
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append %s: %w", table, err)
	}
	return nil
}
