package duckdb

import (
	"context"
	"fmt"
)

// Trace ids are random, so zone maps cannot skip any row group of trace_hi
// and finding a trace by id reads the whole column. Each partition
// therefore keeps a narrow index, one row per trace and commit with the
// range of its spans' starts, about a tenth of the spans' rows: a lookup
// scans it, then reads only the row groups of spans within that range.

const (
	traceIndexTable = "trace_index"
	traceIndexView  = "all_trace_index"
	traceIndexDDL   = `(trace_hi BIGINT, trace_lo BIGINT, first_ns BIGINT, last_ns BIGINT)`
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

// ensureTraceIndex creates the partition's trace index when it has none,
// filled from its spans when it has some (a partition written before the
// index existed: once, a few seconds per 10M spans). Call it before
// createTables.
func (s *Store) ensureTraceIndex(ctx context.Context, p *part) error {
	tables, err := s.tablesOf(ctx, p)
	if err != nil || tables[traceIndexTable] {
		return err
	}
	stmts := []string{fmt.Sprintf("CREATE TABLE %s.main.%s %s", p.catalog, traceIndexTable, traceIndexDDL)}
	if tables["spans"] {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO %s.main.%s SELECT trace_hi, trace_lo, min(start_ns), max(start_ns) FROM %s.main.spans GROUP BY ALL",
			p.catalog, traceIndexTable, p.catalog))
	}
	return s.exec(ctx, stmts...)
}
