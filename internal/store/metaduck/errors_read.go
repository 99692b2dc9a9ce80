package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// itemFilter renders q's conditions, with or without the level filter.
func itemFilter(q store.ItemQuery, withLevels bool) (string, []any) {
	conds := []string{"project = ?"}
	args := []any{q.Project}
	in := func(col string, n int) string {
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
	}
	if len(q.Statuses) > 0 {
		conds = append(conds, in("status", len(q.Statuses)))
		for _, s := range q.Statuses {
			args = append(args, string(s))
		}
	}
	if withLevels && len(q.Levels) > 0 {
		conds = append(conds, in("level", len(q.Levels)))
		for _, l := range q.Levels {
			args = append(args, int8(l))
		}
	}
	if len(q.IDs) > 0 {
		conds = append(conds, in("id", len(q.IDs)))
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	for col, vals := range map[string][]string{"framework": q.Frameworks, "platform": q.Platforms} {
		if len(vals) > 0 {
			conds = append(conds, in(col, len(vals)))
			for _, v := range vals {
				args = append(args, v)
			}
		}
	}
	for _, t := range q.TitleContains {
		conds, args = append(conds, "contains(lower(title), lower(?))"), append(args, t)
	}
	if len(q.Environments) > 0 {
		var or []string
		for _, e := range q.Environments {
			or = append(or, "list_contains(string_split(environments, chr(10)), ?)")
			args = append(args, e)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
}

// Items implements store.ErrorReader.
func (s *Store) Items(ctx context.Context, q store.ItemQuery) (store.ItemPage, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.ItemPage{}, err
	}
	defer leave()
	if q.Limit <= 0 {
		q.Limit = 100
	}
	page := store.ItemPage{LevelCounts: map[model.Level]int64{}}
	where, args := itemFilter(q, false)
	rows, err := s.db.QueryContext(ctx, `SELECT level, count(*) FROM err_items WHERE `+where+` GROUP BY level`, args...)
	if err != nil {
		return page, fmt.Errorf("items: level counts: %w", err)
	}
	for rows.Next() {
		var l int8
		var n int64
		if err := rows.Scan(&l, &n); err != nil {
			rows.Close()
			return page, fmt.Errorf("items: level counts: %w", err)
		}
		page.LevelCounts[model.Level(l)] = n
		if len(q.Levels) == 0 || containsLevel(q.Levels, model.Level(l)) {
			page.Total += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("items: level counts: %w", err)
	}
	where, args = itemFilter(q, true)
	args = append(args, q.Limit, q.Offset)
	rows, err = s.db.QueryContext(ctx, `SELECT `+itemColumns+` FROM err_items WHERE `+where+
		` ORDER BY last_seen_ns DESC, id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return page, fmt.Errorf("items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return page, fmt.Errorf("items: %w", err)
		}
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("items: %w", err)
	}
	return page, nil
}

func containsLevel(ls []model.Level, l model.Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// Item implements store.ErrorReader.
func (s *Store) Item(ctx context.Context, project string, id int64) (model.Item, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return model.Item{}, err
	}
	defer leave()
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = ? AND id = ?`, project, id))
	return it, notFound(err, "item %d", id)
}

// ItemByCounter implements store.ErrorReader.
func (s *Store) ItemByCounter(ctx context.Context, project string, counter int64) (model.Item, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return model.Item{}, err
	}
	defer leave()
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = ? AND counter = ?`, project, counter))
	return it, notFound(err, "item #%d", counter)
}

// Occurrence implements store.ErrorReader.
func (s *Store) Occurrence(ctx context.Context, project string, id int64) (model.ErrorOccurrence, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return model.ErrorOccurrence{}, err
	}
	defer leave()
	o, err := scanOccurrence(s.db.QueryRowContext(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = ? AND id = ?`, project, id))
	return o, notFound(err, "occurrence %d", id)
}

// Occurrences implements store.ErrorReader.
func (s *Store) Occurrences(ctx context.Context, project string, itemID int64, offset, limit int) ([]model.ErrorOccurrence, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.occurrences(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = ? AND (? = 0 OR item_id = ?)
		ORDER BY id DESC LIMIT ? OFFSET ?`, project, itemID, itemID, limit, offset)
}

// OccurrencesByTrace implements store.ErrorReader.
func (s *Store) OccurrencesByTrace(ctx context.Context, project string, trace model.TraceID, limit int) ([]model.ErrorOccurrence, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.occurrences(ctx, `SELECT `+occurrenceColumns+` FROM err_occurrences WHERE project = ? AND trace_id = ?
		ORDER BY ts_ns, id LIMIT ?`, project, trace.String(), limit)
}

func (s *Store) occurrences(ctx context.Context, query string, args ...any) ([]model.ErrorOccurrence, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	defer rows.Close()
	var out []model.ErrorOccurrence
	for rows.Next() {
		o, err := scanOccurrence(rows)
		if err != nil {
			return nil, fmt.Errorf("occurrences: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	return out, nil
}

// notFound maps sql.ErrNoRows to store.ErrNotFound, naming the object.
func notFound(err error, format string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf(format+": %w", append(args, store.ErrNotFound)...)
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// RecentCounts implements store.ErrorReader with one scan of the items'
// occurrences since the oldest bound (err_occ_item index).
func (s *Store) RecentCounts(ctx context.Context, project string, ids []int64, since []time.Time) (map[int64][]int64, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	out := map[int64][]int64{}
	if len(ids) == 0 || len(since) == 0 {
		return out, nil
	}
	var cols []string
	var args []any
	oldest := since[0]
	for _, t := range since {
		cols = append(cols, "count(*) FILTER (WHERE ts_ns >= ?)")
		args = append(args, t.UnixNano())
		if t.Before(oldest) {
			oldest = t
		}
	}
	args = append(args, project, oldest.UnixNano())
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT item_id, `+strings.Join(cols, ", ")+` FROM err_occurrences
		WHERE project = ? AND ts_ns >= ? AND item_id IN (`+placeholders(len(ids))+`) GROUP BY item_id`, args...)
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
