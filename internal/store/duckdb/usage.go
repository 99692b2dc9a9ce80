package duckdb

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"lookout/internal/store"
)

// Usage returns one row per (project, kind, service), kinds "spans", "logs"
// and "metrics", ordered by project, kind and service. Rows and
// LastUnixNano are exact. Bytes is an estimate: DuckDB cannot attribute disk
// to rows, so each partition's file size (with its WAL) is shared among its
// rows, of every kind alike, in proportion to their count.
func (s *Store) Usage(ctx context.Context) ([]store.UsageRow, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	s.mu.Lock()
	parts := s.sortedParts()
	s.mu.Unlock()

	type key struct{ project, kind, service string }
	acc := map[key]*store.UsageRow{}
	for _, p := range parts {
		query := `SELECT 'spans', project, service, count(*), max(start_ns) FROM ` + p.catalog + `.main.spans GROUP BY ALL
			UNION ALL SELECT 'logs', project, service, count(*), max(time_ns) FROM ` + p.catalog + `.main.logs GROUP BY ALL
			UNION ALL SELECT 'metrics', project, service, count(*), max(time_ns) FROM ` + p.catalog + `.main.metrics GROUP BY ALL`
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("usage of partition %s: %w", p.name, err)
		}
		var got []store.UsageRow
		var total int64
		for rows.Next() {
			var r store.UsageRow
			if err := rows.Scan(&r.Kind, &r.Project, &r.Service, &r.Rows, &r.LastUnixNano); err != nil {
				rows.Close()
				return nil, fmt.Errorf("usage of partition %s: scan: %w", p.name, err)
			}
			total += r.Rows
			got = append(got, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("usage of partition %s: %w", p.name, err)
		}
		size := p.size()
		for _, r := range got {
			k := key{r.Project, r.Kind, r.Service}
			a := acc[k]
			if a == nil {
				a = &store.UsageRow{Project: r.Project, Kind: r.Kind, Service: r.Service, LastUnixNano: r.LastUnixNano}
				acc[k] = a
			}
			a.Rows += r.Rows
			a.Bytes += int64(float64(size) * float64(r.Rows) / float64(total))
			a.LastUnixNano = max(a.LastUnixNano, r.LastUnixNano)
		}
	}
	out := make([]store.UsageRow, 0, len(acc))
	for _, r := range acc {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b store.UsageRow) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Service, b.Service))
	})
	return out, nil
}
