package duckdb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"lookout/internal/model"
)

// Write commits the batch: encode, then writeEncoded.
func (s *Store) Write(ctx context.Context, b *model.Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	e, err := encodeBatch(b)
	if err != nil {
		return err
	}
	return s.writeEncoded(ctx, e)
}

// writeEncoded commits encoded batches together, as Write would their
// concatenation. Items are grouped by partition (UTC day) and each
// partition's rows are committed in one DuckDB transaction, because DuckDB
// refuses a write transaction that spans two attached databases. A batch
// within one day is therefore atomic; a batch spanning days is committed day
// by day, and on error the days already committed stay (a retry duplicates
// them: at-least-once).
//
// Durability: it returns nil only after COMMIT; a failed COMMIT returns an
// error and the partition is reopened from its files before anything else
// is written to it (recover.go). Verified with strace on
// DuckDB 1.2.2 (go-duckdb v2.2.0): COMMIT write()s the WAL and fsync()s it
// before returning; a large append that DuckDB writes straight into the
// database file is pwrite()n and fsync()ed before the WAL record pointing at
// it (re-checked with the chunk appender: an fsync of the WAL per COMMIT).
// DuckDB does not fsync the directory, so Write does so when a partition
// file or a WAL file is new (see syncWAL).
//
// Rows are appended as data chunks (write_chunk.go) on the raw writer
// connection inside an explicit BEGIN ... COMMIT: the appender's flush joins
// the open transaction (checked by TestAppenderJoinsTransaction), so a failed
// batch rolls back whole.
func (s *Store) writeEncoded(ctx context.Context, encs ...*encoded) error {
	byPart := map[string][]*partCols{}
	for _, e := range encs {
		for name, p := range e.parts {
			byPart[name] = append(byPart[name], p)
		}
	}
	if len(byPart) == 0 {
		return nil
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
	if err := s.revive(ctx); err != nil {
		return err
	}
	if err := s.reattach(ctx); err != nil {
		return err
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := s.ensurePart(ctx, name)
		if err != nil {
			return err
		}
		if err := s.foldWAL(ctx, p); err != nil {
			return err
		}
		var spans, logs, metrics, traces []chunkTable
		var keys []batchKeys
		for _, c := range byPart[name] {
			spans, logs, keys = append(spans, &c.spans), append(logs, &c.logs), append(keys, c.keys)
			metrics, traces = append(metrics, &c.metrics), append(traces, c.traces)
		}
		// The keys become visible before the rows can be, and are saved
		// with them.
		newKeys := s.newKeys(p, keys)
		if err := s.commitPart(p, tables{spans: spans, logs: logs, metrics: metrics, traces: traces}, newKeys); err != nil {
			err = fmt.Errorf("partition %s: %w", name, err)
			if rerr := s.recoverPart(ctx, p, err); rerr != nil {
				err = errors.Join(err, fmt.Errorf("recover: %w", rerr))
			}
			return err
		}
		s.savedKeys(p, newKeys)
		for _, t := range traces {
			p.traceTail += int64(t.len())
		}
		if err := s.syncWAL(p); err != nil {
			return err
		}
		if p.traceIndexDue() && !p.sortingTraces {
			// After this write's acknowledgement, not before it.
			p.sortingTraces = true
			go s.sortTraceIndexLater(p)
		}
	}
	return nil
}

// tables are the rows of one partition's tables in a commit.
type tables struct{ spans, logs, metrics, traces []chunkTable }

// commitPart appends the rows to the partition's tables in one transaction.
// The caller holds wmu and, on error, recovers the partition (recover.go):
// after a failed COMMIT, DuckDB has already rolled back (so the ROLLBACK
// here fails with "no transaction is active"), but its in-memory state of
// the partition is not to be trusted.
func (s *Store) commitPart(p *part, t tables, keys *keyRows) error {
	if err := s.raw.exec("BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err := appendTable(s.raw.conn, p.catalog, "spans", t.spans...)
	if err == nil {
		err = appendTable(s.raw.conn, p.catalog, "logs", t.logs...)
	}
	if err == nil {
		err = appendTable(s.raw.conn, p.catalog, "metrics", t.metrics...)
	}
	if err == nil {
		err = appendTable(s.raw.conn, p.catalog, traceIndexTable, t.traces...)
	}
	if err == nil && keys != nil {
		err = appendTable(s.raw.conn, p.catalog, keysTable, keys)
	}
	if err == nil && s.failCommit != nil {
		err = s.failCommit(p.name)
	}
	if err == nil {
		if err = s.raw.exec("COMMIT"); err == nil {
			return nil
		}
		err = fmt.Errorf("commit: %w", err)
	}
	if rerr := s.raw.exec("ROLLBACK"); rerr != nil {
		err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
	}
	return err
}
