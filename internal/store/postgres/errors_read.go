package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
	"lookout/internal/store"
)

// itemFilter renders q's conditions, with or without the level filter.
func itemFilter(q store.ItemQuery, withLevels bool) (string, []any) {
	conds := []string{"project = $1"}
	args := []any{clean(q.Project)}
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			st[i] = string(s)
		}
		add("status = ANY($%d)", st)
	}
	if withLevels && len(q.Levels) > 0 {
		ls := make([]int16, len(q.Levels))
		for i, l := range q.Levels {
			ls[i] = int16(l)
		}
		add("level = ANY($%d)", ls)
	}
	if len(q.IDs) > 0 {
		add("id = ANY($%d)", q.IDs)
	}
	if len(q.Frameworks) > 0 {
		add("framework = ANY($%d::text[])", cleanAll(q.Frameworks))
	}
	if len(q.Platforms) > 0 {
		add("platform = ANY($%d::text[])", cleanAll(q.Platforms))
	}
	for _, t := range q.TitleContains {
		add("strpos(lower(title), lower($%d)) > 0", clean(t))
	}
	if len(q.Environments) > 0 {
		envs := make([]string, len(q.Environments))
		for i, e := range q.Environments {
			envs[i] = clean(e)
		}
		add("environments && $%d::text[]", envs)
	}
	return strings.Join(conds, " AND "), args
}

// Items implements store.ErrorReader. The level counts and the page are
// read in one repeatable-read transaction, so they agree.
func (s *Store) Items(ctx context.Context, q store.ItemQuery) (store.ItemPage, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	page := store.ItemPage{LevelCounts: map[model.Level]int64{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		where, args := itemFilter(q, false)
		rows, err := tx.Query(ctx, `SELECT level, count(*) FROM err_items WHERE `+where+` GROUP BY level`, args...)
		if err != nil {
			return fmt.Errorf("level counts: %w", err)
		}
		for rows.Next() {
			var l int16
			var n int64
			if err := rows.Scan(&l, &n); err != nil {
				rows.Close()
				return fmt.Errorf("level counts: %w", err)
			}
			page.LevelCounts[model.Level(l)] = n
			if len(q.Levels) == 0 || slices.Contains(q.Levels, model.Level(l)) {
				page.Total += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("level counts: %w", err)
		}
		where, args = itemFilter(q, true)
		args = append(args, q.Limit, q.Offset)
		rows, err = tx.Query(ctx, fmt.Sprintf(`SELECT `+itemColumns+` FROM err_items WHERE `+where+
			` ORDER BY last_seen_ns DESC, id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
		if err != nil {
			return err
		}
		page.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Item, error) { return scanItem(r) })
		return err
	})
	if err != nil {
		return store.ItemPage{LevelCounts: map[model.Level]int64{}}, fmt.Errorf("items: %w", err)
	}
	return page, nil
}

// Item implements store.ErrorReader.
func (s *Store) Item(ctx context.Context, project string, id int64) (model.Item, error) {
	it, err := scanItem(s.pool.QueryRow(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = $1 AND id = $2`, clean(project), id))
	return it, notFound(err, "item %d", id)
}

// ItemByCounter implements store.ErrorReader.
func (s *Store) ItemByCounter(ctx context.Context, project string, counter int64) (model.Item, error) {
	it, err := scanItem(s.pool.QueryRow(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = $1 AND counter = $2`, clean(project), counter))
	return it, notFound(err, "item #%d", counter)
}

// Occurrence implements store.ErrorReader.
func (s *Store) Occurrence(ctx context.Context, project string, id int64) (model.ErrorOccurrence, error) {
	o, err := scanOccurrence(s.pool.QueryRow(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = $1 AND id = $2`, clean(project), id))
	return o, notFound(err, "occurrence %d", id)
}

// Occurrences implements store.ErrorReader.
func (s *Store) Occurrences(ctx context.Context, project string, itemID int64, offset, limit int) ([]model.ErrorOccurrence, error) {
	if itemID == 0 { // the project's, by the primary key
		return s.occurrences(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = $1
			ORDER BY id DESC LIMIT $2 OFFSET $3`, clean(project), limit, offset)
	}
	return s.occurrences(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE item_id = $2 AND project = $1
		ORDER BY id DESC LIMIT $3 OFFSET $4`, clean(project), itemID, limit, offset)
}

// OccurrencesByTrace implements store.ErrorReader.
func (s *Store) OccurrencesByTrace(ctx context.Context, project string, trace model.TraceID, limit int) ([]model.ErrorOccurrence, error) {
	if trace.IsZero() {
		return nil, nil
	}
	return s.occurrences(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = $1 AND trace_id = $2
		ORDER BY ts_ns, id LIMIT $3`, clean(project), trace.String(), limit)
}

func (s *Store) occurrences(ctx context.Context, query string, args ...any) ([]model.ErrorOccurrence, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ErrorOccurrence, error) { return scanOccurrence(r) })
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	return out, nil
}

// RecentCounts implements store.ErrorReader with one scan of the items'
// occurrences since the oldest bound.
func (s *Store) RecentCounts(ctx context.Context, project string, ids []int64, since []time.Time) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 || len(since) == 0 {
		return out, nil
	}
	args := []any{clean(project), ids}
	oldest := since[0]
	cols := make([]string, len(since))
	for k, t := range since {
		args = append(args, t.UnixNano())
		cols[k] = fmt.Sprintf("count(*) FILTER (WHERE ts_ns >= $%d)", len(args))
		if t.Before(oldest) {
			oldest = t
		}
	}
	args = append(args, oldest.UnixNano())
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT item_id, `+strings.Join(cols, ", ")+` FROM err_occurrences
		WHERE project = $1 AND item_id = ANY($2) AND ts_ns >= $%d GROUP BY item_id`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("recent counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		counts := make([]int64, len(since))
		dest := []any{&id}
		for k := range counts {
			dest = append(dest, &counts[k])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("recent counts: %w", err)
		}
		out[id] = counts
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent counts: %w", err)
	}
	return out, nil
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}
