package duckdb

import (
	"context"
	"errors"
	"fmt"
)

// Trace ids are random, so zone maps cannot skip any row group of trace_hi
// and finding a trace by id would read the whole column. Each partition
// therefore keeps a narrow index, one row per trace and commit with the
// range of its spans' starts, in two tables:
//
//   - trace_index, the tail: the rows of recent commits, in commit order,
//     scanned whole by a lookup;
//   - trace_index_sorted: every older row merged into one run sorted by
//     trace id (one row per trace), whose row groups' zone maps let a
//     lookup read a single row group whatever the partition's size.
//
// When the tail outgrows a share of the sorted run (sortTraceIndex), both
// are merged into a new sorted run in one transaction: the index is only
// ever derived from the spans it was committed with, so a failed merge loses
// nothing. A lookup then reads the spans of the partitions that hold the
// trace, only within the trace's range of starts.

const (
	traceIndexTable  = "trace_index"
	traceSortedTable = "trace_index_sorted"
	traceIndexView   = "all_trace_index"
	traceIndexDDL    = `(trace_hi BIGINT, trace_lo BIGINT, first_ns BIGINT, last_ns BIGINT)`
)

// Merging policy: the tail is merged into the sorted run once it holds
// minTraceTail rows and at least a traceTailShare-th of the sorted run's, so
// each index row is rewritten a bounded number of times (the run grows
// geometrically) while a lookup scans at most that many tail rows.
const (
	minTraceTail   = 64 << 10
	traceTailShare = 8
)

// traceRows are rows of the trace index, appended like the other tables.
type traceRows struct {
	hi, lo, first, last intCol[int64]
}

func (r *traceRows) len() int { return len(r.hi) }
func (r *traceRows) columns() []chunkColumn {
	return []chunkColumn{r.hi, r.lo, r.first, r.last}
}

// traceRowsOf indexes the encoded spans of one partition.
func traceRowsOf(c *spanCols) *traceRows {
	seen := map[[2]int64]int{} // trace → its row
	var r traceRows
	for i := range c.traceHi {
		id, start := [2]int64{c.traceHi[i], c.traceLo[i]}, c.startNs[i]
		j, ok := seen[id]
		if !ok {
			seen[id] = len(r.hi)
			r.hi, r.lo = append(r.hi, id[0]), append(r.lo, id[1])
			r.first, r.last = append(r.first, start), append(r.last, start)
			continue
		}
		r.first[j], r.last[j] = min(r.first[j], start), max(r.last[j], start)
	}
	return &r
}

// ensureTraceIndex creates the partition's trace index tables when missing,
// the tail filled from its spans when it has some (a partition written
// before the index existed: once, a few seconds per 10M spans), and counts
// their rows. Call it before createTables.
func (s *Store) ensureTraceIndex(ctx context.Context, p *part) error {
	tables, err := s.tablesOf(ctx, p)
	if err != nil {
		return err
	}
	var stmts []string
	if !tables[traceIndexTable] {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE %s.main.%s %s", p.catalog, traceIndexTable, traceIndexDDL))
		if tables["spans"] {
			stmts = append(stmts, fmt.Sprintf("INSERT INTO %s.main.%s SELECT trace_hi, trace_lo, min(start_ns), max(start_ns) FROM %s.main.spans GROUP BY ALL",
				p.catalog, traceIndexTable, p.catalog))
		}
	}
	if !tables[traceSortedTable] {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE %s.main.%s %s", p.catalog, traceSortedTable, traceIndexDDL))
	}
	if err := s.exec(ctx, stmts...); err != nil {
		return err
	}
	return s.wconn.QueryRowContext(ctx, fmt.Sprintf("SELECT (SELECT count(*) FROM %[1]s.main.%[2]s), (SELECT count(*) FROM %[1]s.main.%[3]s)",
		p.catalog, traceIndexTable, traceSortedTable)).Scan(&p.traceTail, &p.traceSorted)
}

// traceIndexDue reports whether the partition's tail is due to be merged.
// The caller holds wmu.
func (p *part) traceIndexDue() bool {
	return p.traceTail >= max(minTraceTail, p.traceSorted/traceTailShare)
}

// sortTraceIndex merges the partition's tail into its sorted run. The caller
// holds wmu, so no commit adds tail rows meanwhile. The merged run is built
// in a temporary table first because a transaction cannot read the rows it
// has deleted; the swap is one transaction of the partition.
func (s *Store) sortTraceIndex(ctx context.Context, p *part) error {
	tail := fmt.Sprintf("%s.main.%s", p.catalog, traceIndexTable)
	sorted := fmt.Sprintf("%s.main.%s", p.catalog, traceSortedTable)
	err := s.exec(ctx,
		"CREATE OR REPLACE TEMP TABLE trace_merge AS SELECT trace_hi, trace_lo, min(first_ns) AS first_ns, max(last_ns) AS last_ns FROM (SELECT * FROM "+
			sorted+" UNION ALL SELECT * FROM "+tail+") GROUP BY trace_hi, trace_lo ORDER BY trace_hi, trace_lo")
	if err != nil {
		return fmt.Errorf("trace index of %s: merge: %w", p.name, err)
	}
	defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.trace_merge")
	if err := s.exec(ctx, "BEGIN TRANSACTION", "DELETE FROM "+sorted, "DELETE FROM "+tail,
		"INSERT INTO "+sorted+" SELECT * FROM temp.trace_merge", "COMMIT"); err != nil {
		_ = s.exec(context.WithoutCancel(ctx), "ROLLBACK")
		err = fmt.Errorf("trace index of %s: swap: %w", p.name, err)
		// After a failed COMMIT the partition is reopened as after a failed
		// write (recover.go); the index rolled back whole.
		return errors.Join(err, s.recoverPart(ctx, p, err))
	}
	var n int64
	if err := s.wconn.QueryRowContext(ctx, "SELECT count(*) FROM "+sorted).Scan(&n); err != nil {
		return fmt.Errorf("trace index of %s: %w", p.name, err)
	}
	p.traceTail, p.traceSorted = 0, n
	return nil
}

// sortTraceIndexLater merges the partition's trace index once the writer is
// free, unless the partition was dropped, reopened or the store closed
// meanwhile. A failure only leaves the tail longer: it is logged and the
// next commit tries again.
func (s *Store) sortTraceIndexLater(p *part) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	p.sortingTraces = false
	s.mu.Lock()
	current := !s.closed && s.down == nil && s.parts[p.name] == p
	s.mu.Unlock()
	if !current {
		return
	}
	if err := s.sortTraceIndex(context.Background(), p); err != nil {
		s.log.Warn("trace index not merged", "partition", p.name, "err", err)
	}
}
