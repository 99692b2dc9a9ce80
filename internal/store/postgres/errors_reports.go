package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

var _ store.ErrorReports = (*Store)(nil)

// sqlArgs collects the positional arguments of one statement.
type sqlArgs []any

// add appends v and returns its placeholder.
func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// countConds renders q's conditions: the time range on column ts, the
// item level on i.level, and envCond for the environments.
func countConds(q store.CountQuery, a *sqlArgs, ts string, envCond func(ph string) string) []string {
	conds := []string{ts + " >= " + a.add(q.Start.UnixNano()), ts + " < " + a.add(q.End().UnixNano())}
	if len(q.Environments) > 0 {
		envs := make([]string, len(q.Environments))
		for i, e := range q.Environments {
			envs[i] = clean(e)
		}
		conds = append(conds, envCond(a.add(envs)))
	}
	if q.MinLevel != 0 {
		conds = append(conds, "i.level >= "+a.add(int16(q.MinLevel)))
	}
	if q.MaxLevel != 0 {
		conds = append(conds, "i.level <= "+a.add(int16(q.MaxLevel)))
	}
	return conds
}

// occurrenceConds adds the project and item conditions on occurrences o.
func occurrenceConds(q store.CountQuery, a *sqlArgs) string {
	conds := append([]string{"o.project = " + a.add(clean(q.Project))},
		countConds(q, a, "o.ts_ns", func(ph string) string { return "o.environment = ANY(" + ph + "::text[])" })...)
	if len(q.ItemIDs) > 0 {
		conds = append(conds, "o.item_id = ANY("+a.add(q.ItemIDs)+")")
	}
	return strings.Join(conds, " AND ")
}

// OccurrenceCounts implements store.ErrorReports.
func (s *Store) OccurrenceCounts(ctx context.Context, q store.CountQuery) ([]int64, error) {
	var a sqlArgs
	k := fmt.Sprintf("(o.ts_ns - %s) / %s", a.add(q.Start.UnixNano()), a.add(q.Bucket.Nanoseconds()))
	where := occurrenceConds(q, &a)
	return s.buckets(ctx, q, `SELECT `+k+`, count(*) FROM err_occurrences o JOIN err_items i ON i.id = o.item_id
		WHERE `+where+` GROUP BY 1`, a)
}

// ActivatedCounts implements store.ErrorReports.
func (s *Store) ActivatedCounts(ctx context.Context, q store.CountQuery) ([]int64, error) {
	var a sqlArgs
	k := fmt.Sprintf("(i.last_activated_ns - %s) / %s", a.add(q.Start.UnixNano()), a.add(q.Bucket.Nanoseconds()))
	conds := append([]string{"i.project = " + a.add(clean(q.Project))},
		countConds(q, &a, "i.last_activated_ns", func(ph string) string { return "i.environments && " + ph + "::text[]" })...)
	return s.buckets(ctx, q, `SELECT `+k+`, count(*) FROM err_items i WHERE `+strings.Join(conds, " AND ")+` GROUP BY 1`, a)
}

// buckets runs a query of (bucket index, count) rows into q.Buckets counts.
func (s *Store) buckets(ctx context.Context, q store.CountQuery, query string, args sqlArgs) ([]int64, error) {
	if q.Bucket <= 0 || q.Buckets <= 0 {
		return nil, fmt.Errorf("counts: bucket width and count must be positive")
	}
	rows, err := s.pool.Query(ctx, query, args...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	return out, nil
}

// TopItems implements store.ErrorReports.
func (s *Store) TopItems(ctx context.Context, q store.CountQuery, limit int) ([]store.ItemCount, error) {
	var a sqlArgs
	where := occurrenceConds(q, &a)
	rows, err := s.pool.Query(ctx, `SELECT o.item_id, count(*) AS n FROM err_occurrences o JOIN err_items i ON i.id = o.item_id
		WHERE `+where+` GROUP BY o.item_id ORDER BY n DESC, o.item_id DESC LIMIT `+a.add(limit), a...)
	if err != nil {
		return nil, fmt.Errorf("top items: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ItemCount, error) {
		var c store.ItemCount
		err := r.Scan(&c.ItemID, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("top items: %w", err)
	}
	return out, nil
}

// Environments implements store.ErrorReader.
func (s *Store) Environments(ctx context.Context, project string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT e FROM (
		SELECT unnest(environments) AS e FROM err_items WHERE project = $1
		UNION ALL SELECT environment FROM err_deploys WHERE project = $1) envs WHERE e <> '' ORDER BY e`, clean(project))
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// DeleteOccurrence implements store.ErrorWriter.
func (s *Store) DeleteOccurrence(ctx context.Context, project string, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM err_occurrences WHERE project = $1 AND id = $2`, clean(project), id)
	if err != nil {
		return fmt.Errorf("delete occurrence %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("occurrence %d: %w", id, store.ErrNotFound)
	}
	return nil
}
