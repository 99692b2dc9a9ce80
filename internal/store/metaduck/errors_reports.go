package metaduck

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/store"
)

var _ store.ErrorReports = (*Store)(nil)

// countFilter renders q's conditions on occurrences o joined with their
// items i, with the time range on o.ts_ns.
func countFilter(q store.CountQuery) (string, []any) {
	conds := []string{"o.project = ?", "o.ts_ns >= ?", "o.ts_ns < ?"}
	args := []any{q.Project, q.Start.UnixNano(), q.End().UnixNano()}
	if len(q.Environments) > 0 {
		conds = append(conds, "o.environment IN ("+placeholders(len(q.Environments))+")")
		for _, e := range q.Environments {
			args = append(args, e)
		}
	}
	if len(q.ItemIDs) > 0 {
		conds = append(conds, "o.item_id IN ("+placeholders(len(q.ItemIDs))+")")
		for _, id := range q.ItemIDs {
			args = append(args, id)
		}
	}
	c, a := levelRange(q)
	return strings.Join(append(conds, c...), " AND "), append(args, a...)
}

// levelRange renders q's bounds on the item level i.level.
func levelRange(q store.CountQuery) ([]string, []any) {
	var conds []string
	var args []any
	if q.MinLevel != 0 {
		conds, args = append(conds, "i.level >= ?"), append(args, int8(q.MinLevel))
	}
	if q.MaxLevel != 0 {
		conds, args = append(conds, "i.level <= ?"), append(args, int8(q.MaxLevel))
	}
	return conds, args
}

// OccurrenceCounts implements store.ErrorReports.
func (s *Store) OccurrenceCounts(ctx context.Context, q store.CountQuery) ([]int64, error) {
	where, args := countFilter(q)
	return s.buckets(ctx, q, `SELECT (o.ts_ns - ?) // ?, count(*) FROM err_occurrences o
		JOIN err_items i ON i.id = o.item_id WHERE `+where+` GROUP BY 1`,
		append([]any{q.Start.UnixNano(), q.Bucket.Nanoseconds()}, args...))
}

// ActivatedCounts implements store.ErrorReports.
func (s *Store) ActivatedCounts(ctx context.Context, q store.CountQuery) ([]int64, error) {
	conds := []string{"i.project = ?", "i.last_activated_ns >= ?", "i.last_activated_ns < ?"}
	args := []any{q.Start.UnixNano(), q.Bucket.Nanoseconds(), q.Project, q.Start.UnixNano(), q.End().UnixNano()}
	if len(q.Environments) > 0 {
		var or []string
		for _, e := range q.Environments {
			or, args = append(or, "list_contains(string_split(i.environments, chr(10)), ?)"), append(args, e)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	c, a := levelRange(q)
	return s.buckets(ctx, q, `SELECT (i.last_activated_ns - ?) // ?, count(*) FROM err_items i WHERE `+
		strings.Join(append(conds, c...), " AND ")+` GROUP BY 1`, append(args, a...))
}

// buckets runs a query of (bucket index, count) rows into q.Buckets counts.
func (s *Store) buckets(ctx context.Context, q store.CountQuery, query string, args []any) ([]int64, error) {
	if q.Bucket <= 0 || q.Buckets <= 0 {
		return nil, fmt.Errorf("counts: bucket width and count must be positive")
	}
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	out := make([]int64, q.Buckets)
	for rows.Next() {
		var k, n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		if k >= 0 && k < int64(len(out)) {
			out[k] = n
		}
	}
	return out, rows.Err()
}

// TopItems implements store.ErrorReports.
func (s *Store) TopItems(ctx context.Context, q store.CountQuery, limit int) ([]store.ItemCount, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	where, args := countFilter(q)
	rows, err := s.db.QueryContext(ctx, `SELECT o.item_id, count(*) AS n FROM err_occurrences o
		JOIN err_items i ON i.id = o.item_id WHERE `+where+` GROUP BY o.item_id ORDER BY n DESC, o.item_id DESC LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("top items: %w", err)
	}
	defer rows.Close()
	var out []store.ItemCount
	for rows.Next() {
		var c store.ItemCount
		if err := rows.Scan(&c.ItemID, &c.Count); err != nil {
			return nil, fmt.Errorf("top items: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Environments implements store.ErrorReader.
func (s *Store) Environments(ctx context.Context, project string) ([]string, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT e FROM (
		SELECT unnest(string_split(environments, chr(10))) AS e FROM err_items WHERE project = ?
		UNION ALL SELECT environment FROM err_deploys WHERE project = ?) WHERE e <> '' ORDER BY e`, project, project)
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("environments: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteOccurrence implements store.ErrorWriter.
func (s *Store) DeleteOccurrence(ctx context.Context, project string, id int64) error {
	return s.write(ctx, func() error {
		res, err := s.db.ExecContext(ctx, `DELETE FROM err_occurrences WHERE project = ? AND id = ?`, project, id)
		if err = s.durable(err); err != nil {
			return fmt.Errorf("delete occurrence %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("occurrence %d: %w", id, store.ErrNotFound)
		}
		return nil
	})
}
