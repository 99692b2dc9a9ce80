package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

// CreateLogStream implements store.LogGroups: store.ErrNotFound when its
// group is missing (a foreign key), store.ErrExists when the name is taken
// in the group.
func (s *Store) CreateLogStream(ctx context.Context, st store.LogStream) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO cw_log_streams (project, grp, name, creation_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, st.Project, st.Group, st.Name, st.CreationMillis)
	switch {
	case hasCode(err, codeForeignKeyViolation):
		return fmt.Errorf("log group %q: %w", st.Group, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("log stream %q: create: %w", st.Name, err)
	case tag.RowsAffected() == 0:
		return fmt.Errorf("log stream %q: %w", st.Name, store.ErrExists)
	}
	return nil
}

// DeleteLogStream implements store.LogGroups.
func (s *Store) DeleteLogStream(ctx context.Context, project, group, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM cw_log_streams WHERE project = $1 AND grp = $2 AND name = $3`, project, group, name)
	if err != nil {
		return fmt.Errorf("log stream %q: delete: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("log stream %q: %w", name, store.ErrNotFound)
	}
	return nil
}

const streamColumns = `project, grp, name, creation_ms, first_event_ms, last_event_ms, last_ingestion_ms, stored_bytes, events`

// LogStream implements store.LogGroups.
func (s *Store) LogStream(ctx context.Context, project, group, name string) (store.LogStream, error) {
	sts, err := s.queryStreams(ctx, `SELECT `+streamColumns+` FROM cw_log_streams WHERE project = $1 AND grp = $2 AND name = $3`, project, group, name)
	if err != nil {
		return store.LogStream{}, fmt.Errorf("log stream %q: %w", name, err)
	}
	if len(sts) == 0 {
		return store.LogStream{}, fmt.Errorf("log stream %q: %w", name, store.ErrNotFound)
	}
	return sts[0], nil
}

// ListLogStreams implements store.LogGroups; it does not check that the
// group exists.
func (s *Store) ListLogStreams(ctx context.Context, q store.LogStreamList) ([]store.LogStream, error) {
	conds, args := []string{"project = $1", "grp = $2"}, []any{q.Project, q.Group}
	param := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Prefix != "" {
		conds = append(conds, "name LIKE "+param(likePrefix(q.Prefix)))
	}
	cmp, dir := ">", ""
	if q.Descending {
		cmp, dir = "<", " DESC"
	}
	order := "name" + dir
	if q.ByLastEvent {
		order = "last_event_ms" + dir + ", name" + dir
		if q.After != "" {
			ms, after := param(q.AfterMillis), param(q.After)
			conds = append(conds, "(last_event_ms "+cmp+" "+ms+" OR (last_event_ms = "+ms+" AND name "+cmp+" "+after+"))")
		}
	} else if q.After != "" {
		conds = append(conds, "name "+cmp+" "+param(q.After))
	}
	query := `SELECT ` + streamColumns + ` FROM cw_log_streams WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY ` + order
	if q.Limit > 0 {
		query += " LIMIT " + param(q.Limit)
	}
	sts, err := s.queryStreams(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("log group %q: list streams: %w", q.Group, err)
	}
	return sts, nil
}

func (s *Store) queryStreams(ctx context.Context, query string, args ...any) ([]store.LogStream, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.LogStream, error) {
		var st store.LogStream
		err := r.Scan(&st.Project, &st.Group, &st.Name, &st.CreationMillis, &st.FirstEventMillis,
			&st.LastEventMillis, &st.LastIngestionMillis, &st.StoredBytes, &st.Events)
		return st, err
	})
}

// RecordLogEvents implements store.LogGroups in one UPDATE, which adds to
// the row as it stands when its lock is granted: concurrent batches from
// several nodes all count. A stream deleted meanwhile is ignored.
func (s *Store) RecordLogEvents(ctx context.Context, add store.LogStream) error {
	_, err := s.pool.Exec(ctx, `UPDATE cw_log_streams SET
		first_event_ms = CASE WHEN first_event_ms = 0 OR $1 < first_event_ms THEN $1 ELSE first_event_ms END,
		last_event_ms = greatest(last_event_ms, $2),
		last_ingestion_ms = greatest(last_ingestion_ms, $3),
		stored_bytes = stored_bytes + $4,
		events = events + $5
		WHERE project = $6 AND grp = $7 AND name = $8`,
		add.FirstEventMillis, add.LastEventMillis, add.LastIngestionMillis, add.StoredBytes, add.Events,
		add.Project, add.Group, add.Name)
	if err != nil {
		return fmt.Errorf("log stream %q: record events: %w", add.Name, err)
	}
	return nil
}

// ResetLogStreamStats implements store.LogGroups in one transaction.
func (s *Store) ResetLogStreamStats(ctx context.Context, project, group string, stats []store.LogStream) error {
	names := make([]string, len(stats))
	first, last, ingestion, bytes, events := make([]int64, len(stats)), make([]int64, len(stats)),
		make([]int64, len(stats)), make([]int64, len(stats)), make([]int64, len(stats))
	for i, st := range stats {
		names[i], first[i], last[i], ingestion[i], bytes[i], events[i] =
			st.Name, st.FirstEventMillis, st.LastEventMillis, st.LastIngestionMillis, st.StoredBytes, st.Events
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cw_log_streams SET first_event_ms = 0, last_event_ms = 0,
			stored_bytes = 0, events = 0 WHERE project = $1 AND grp = $2`, project, group); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE cw_log_streams s SET first_event_ms = u.first, last_event_ms = u.last,
			last_ingestion_ms = greatest(s.last_ingestion_ms, u.ingestion), stored_bytes = u.bytes, events = u.events
			FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
				AS u(name, first, last, ingestion, bytes, events)
			WHERE s.project = $1 AND s.grp = $2 AND s.name = u.name`,
			project, group, names, first, last, ingestion, bytes, events)
		return err
	})
	if err != nil {
		return fmt.Errorf("log group %q: reset stream figures: %w", group, err)
	}
	return nil
}
