package metaduck

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lookout/internal/store"
)

// CreateLogStream adds the stream; store.ErrNotFound when its group is
// missing, store.ErrExists when the name is taken in the group.
func (s *Store) CreateLogStream(ctx context.Context, st store.LogStream) error {
	return s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM cw_log_groups WHERE project = ? AND name = ?`, st.Project, st.Group).Scan(&one)
			if err == sql.ErrNoRows {
				return fmt.Errorf("log group %q: %w", st.Group, store.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("log stream %q: create: %w", st.Name, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO cw_log_streams (project, grp, name, creation_ms) VALUES (?, ?, ?, ?)`,
				st.Project, st.Group, st.Name, st.CreationMillis)
			if isConstraint(err) {
				return fmt.Errorf("log stream %q: %w", st.Name, store.ErrExists)
			}
			if err != nil {
				return fmt.Errorf("log stream %q: create: %w", st.Name, err)
			}
			return nil
		})
	})
}

// DeleteLogStream removes the stream's metadata.
func (s *Store) DeleteLogStream(ctx context.Context, project, group, name string) error {
	return s.retry(ctx, func() error {
		res, err := s.db.ExecContext(ctx, `DELETE FROM cw_log_streams WHERE project = ? AND grp = ? AND name = ?`, project, group, name)
		if err != nil {
			return fmt.Errorf("log stream %q: delete: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("log stream %q: %w", name, store.ErrNotFound)
		}
		return nil
	})
}

const streamColumns = `project, grp, name, creation_ms, first_event_ms, last_event_ms, last_ingestion_ms, stored_bytes, events`

// LogStream returns one stream.
func (s *Store) LogStream(ctx context.Context, project, group, name string) (store.LogStream, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.LogStream{}, err
	}
	defer leave()
	sts, err := s.queryStreams(ctx, `SELECT `+streamColumns+` FROM cw_log_streams WHERE project = ? AND grp = ? AND name = ?`, project, group, name)
	if err != nil {
		return store.LogStream{}, fmt.Errorf("log stream %q: %w", name, err)
	}
	if len(sts) == 0 {
		return store.LogStream{}, fmt.Errorf("log stream %q: %w", name, store.ErrNotFound)
	}
	return sts[0], nil
}

// ListLogStreams returns the selected streams of a group in the requested
// order; it does not check that the group exists.
func (s *Store) ListLogStreams(ctx context.Context, q store.LogStreamList) ([]store.LogStream, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	conds, args := []string{"project = ?", "grp = ?"}, []any{q.Project, q.Group}
	if q.Prefix != "" {
		conds, args = append(conds, "starts_with(name, ?)"), append(args, q.Prefix)
	}
	cmp, dir := ">", ""
	if q.Descending {
		cmp, dir = "<", " DESC"
	}
	order := "name" + dir
	if q.ByLastEvent {
		order = "last_event_ms" + dir + ", name" + dir
		if q.After != "" {
			conds = append(conds, "(last_event_ms "+cmp+" ? OR (last_event_ms = ? AND name "+cmp+" ?))")
			args = append(args, q.AfterMillis, q.AfterMillis, q.After)
		}
	} else if q.After != "" {
		conds, args = append(conds, "name "+cmp+" ?"), append(args, q.After)
	}
	query := `SELECT ` + streamColumns + ` FROM cw_log_streams WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY ` + order
	if q.Limit > 0 {
		query, args = query+" LIMIT ?", append(args, q.Limit)
	}
	sts, err := s.queryStreams(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("log group %q: list streams: %w", q.Group, err)
	}
	return sts, nil
}

func (s *Store) queryStreams(ctx context.Context, query string, args ...any) ([]store.LogStream, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LogStream
	for rows.Next() {
		var st store.LogStream
		if err := rows.Scan(&st.Project, &st.Group, &st.Name, &st.CreationMillis, &st.FirstEventMillis,
			&st.LastEventMillis, &st.LastIngestionMillis, &st.StoredBytes, &st.Events); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// RecordLogEvents widens the stream's event time range and adds to its
// counts. A stream deleted meanwhile is ignored.
func (s *Store) RecordLogEvents(ctx context.Context, add store.LogStream) error {
	err := s.retry(ctx, func() error {
		_, err := s.db.ExecContext(ctx, `UPDATE cw_log_streams SET
			first_event_ms = CASE WHEN first_event_ms = 0 OR ? < first_event_ms THEN ? ELSE first_event_ms END,
			last_event_ms = greatest(last_event_ms, ?),
			last_ingestion_ms = greatest(last_ingestion_ms, ?),
			stored_bytes = stored_bytes + ?,
			events = events + ?
			WHERE project = ? AND grp = ? AND name = ?`,
			add.FirstEventMillis, add.FirstEventMillis, add.LastEventMillis, add.LastIngestionMillis,
			add.StoredBytes, add.Events, add.Project, add.Group, add.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("log stream %q: record events: %w", add.Name, err)
	}
	return nil
}

// ResetLogStreamStats replaces the figures of the group's streams with
// stats; streams not listed become empty.
func (s *Store) ResetLogStreamStats(ctx context.Context, project, group string, stats []store.LogStream) error {
	err := s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE cw_log_streams SET first_event_ms = 0, last_event_ms = 0,
				stored_bytes = 0, events = 0 WHERE project = ? AND grp = ?`, project, group); err != nil {
				return err
			}
			for _, st := range stats {
				if _, err := tx.ExecContext(ctx, `UPDATE cw_log_streams SET first_event_ms = ?, last_event_ms = ?,
					last_ingestion_ms = greatest(last_ingestion_ms, ?), stored_bytes = ?, events = ?
					WHERE project = ? AND grp = ? AND name = ?`,
					st.FirstEventMillis, st.LastEventMillis, st.LastIngestionMillis, st.StoredBytes, st.Events,
					project, group, st.Name); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("log group %q: reset stream figures: %w", group, err)
	}
	return nil
}
