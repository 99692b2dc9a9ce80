package metaduck

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lookout/internal/store"
)

// cwlogsDDL creates the CloudWatch Logs metadata: log groups (with their
// retention and tags) and streams (with figures about their events, kept up
// to date by RecordLogEvents so that listing them reads no telemetry).
func cwlogsDDL() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS cw_log_groups (
			project        VARCHAR NOT NULL,
			name           VARCHAR NOT NULL,
			creation_ms    BIGINT NOT NULL,
			retention_days INTEGER NOT NULL DEFAULT 0,
			class          VARCHAR NOT NULL DEFAULT 'STANDARD',
			kms_key_id     VARCHAR NOT NULL DEFAULT '',
			tags           VARCHAR NOT NULL DEFAULT '{}',
			PRIMARY KEY (project, name))`,
		`CREATE TABLE IF NOT EXISTS cw_log_streams (
			project           VARCHAR NOT NULL,
			grp               VARCHAR NOT NULL,
			name              VARCHAR NOT NULL,
			creation_ms       BIGINT NOT NULL,
			first_event_ms    BIGINT NOT NULL DEFAULT 0,
			last_event_ms     BIGINT NOT NULL DEFAULT 0,
			last_ingestion_ms BIGINT NOT NULL DEFAULT 0,
			stored_bytes      BIGINT NOT NULL DEFAULT 0,
			events            BIGINT NOT NULL DEFAULT 0,
			PRIMARY KEY (project, grp, name))`,
	}
}

var _ store.LogGroups = (*Store)(nil)

// CreateLogGroup adds g; store.ErrExists when the name is taken.
func (s *Store) CreateLogGroup(ctx context.Context, g store.LogGroup) error {
	tags, err := json.Marshal(nonNil(g.Tags))
	if err != nil {
		return fmt.Errorf("log group %q: tags: %w", g.Name, err)
	}
	class := g.Class
	if class == "" {
		class = "STANDARD"
	}
	err = s.retry(ctx, func() error {
		_, err := s.db.ExecContext(ctx, `INSERT INTO cw_log_groups VALUES (?, ?, ?, ?, ?, ?, ?)`,
			g.Project, g.Name, g.CreationMillis, g.RetentionDays, class, g.KMSKeyID, string(tags))
		return err
	})
	if isConstraint(err) {
		return fmt.Errorf("log group %q: %w", g.Name, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("log group %q: create: %w", g.Name, err)
	}
	return nil
}

// DeleteLogGroup removes the group and its streams.
func (s *Store) DeleteLogGroup(ctx context.Context, project, name string) error {
	return s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM cw_log_groups WHERE project = ? AND name = ?`, project, name)
			if err != nil {
				return fmt.Errorf("log group %q: delete: %w", name, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM cw_log_streams WHERE project = ? AND grp = ?`, project, name); err != nil {
				return fmt.Errorf("log group %q: delete streams: %w", name, err)
			}
			return nil
		})
	})
}

const groupColumns = `g.project, g.name, g.creation_ms, g.retention_days, g.class, g.kms_key_id, g.tags,
	coalesce((SELECT sum(st.stored_bytes) FROM cw_log_streams st WHERE st.project = g.project AND st.grp = g.name), 0)::BIGINT`

// LogGroup returns one group with its stored bytes.
func (s *Store) LogGroup(ctx context.Context, project, name string) (store.LogGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.LogGroup{}, err
	}
	defer leave()
	gs, err := s.queryGroups(ctx, `SELECT `+groupColumns+` FROM cw_log_groups g WHERE g.project = ? AND g.name = ?`, project, name)
	if err != nil {
		return store.LogGroup{}, fmt.Errorf("log group %q: %w", name, err)
	}
	if len(gs) == 0 {
		return store.LogGroup{}, fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
	}
	return gs[0], nil
}

// ListLogGroups returns the selected groups ordered by name.
func (s *Store) ListLogGroups(ctx context.Context, q store.LogGroupList) ([]store.LogGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	conds, args := []string{"g.project = ?"}, []any{q.Project}
	if q.Prefix != "" {
		conds, args = append(conds, "starts_with(g.name, ?)"), append(args, q.Prefix)
	}
	if q.Pattern != "" {
		conds, args = append(conds, "contains(lower(g.name), lower(?))"), append(args, q.Pattern)
	}
	if q.After != "" {
		conds, args = append(conds, "g.name > ?"), append(args, q.After)
	}
	query := `SELECT ` + groupColumns + ` FROM cw_log_groups g WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY g.name`
	if q.Limit > 0 {
		query, args = query+" LIMIT ?", append(args, q.Limit)
	}
	gs, err := s.queryGroups(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	return gs, nil
}

// RetainedLogGroups lists every group with a retention policy.
func (s *Store) RetainedLogGroups(ctx context.Context) ([]store.LogGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	gs, err := s.queryGroups(ctx, `SELECT `+groupColumns+` FROM cw_log_groups g WHERE g.retention_days > 0 ORDER BY g.project, g.name`)
	if err != nil {
		return nil, fmt.Errorf("log groups with retention: %w", err)
	}
	return gs, nil
}

func (s *Store) queryGroups(ctx context.Context, query string, args ...any) ([]store.LogGroup, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LogGroup
	for rows.Next() {
		var g store.LogGroup
		var tags string
		if err := rows.Scan(&g.Project, &g.Name, &g.CreationMillis, &g.RetentionDays, &g.Class, &g.KMSKeyID, &tags, &g.StoredBytes); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(tags), &g.Tags); err != nil {
			return nil, fmt.Errorf("log group %q: tags: %w", g.Name, err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetRetention sets (days > 0) or removes (0) the group's retention.
func (s *Store) SetRetention(ctx context.Context, project, name string, days int) error {
	return s.updateGroup(ctx, project, name, `UPDATE cw_log_groups SET retention_days = ? WHERE project = ? AND name = ?`, days)
}

// TagLogGroup adds or replaces tags.
func (s *Store) TagLogGroup(ctx context.Context, project, name string, tags map[string]string) error {
	return s.editTags(ctx, project, name, func(m map[string]string) {
		for k, v := range tags {
			m[k] = v
		}
	})
}

// UntagLogGroup removes the keys; absent keys are ignored.
func (s *Store) UntagLogGroup(ctx context.Context, project, name string, keys []string) error {
	return s.editTags(ctx, project, name, func(m map[string]string) {
		for _, k := range keys {
			delete(m, k)
		}
	})
}

func (s *Store) editTags(ctx context.Context, project, name string, edit func(map[string]string)) error {
	return s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var raw string
			err := tx.QueryRowContext(ctx, `SELECT tags FROM cw_log_groups WHERE project = ? AND name = ?`, project, name).Scan(&raw)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("log group %q: tags: %w", name, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				return fmt.Errorf("log group %q: tags: %w", name, err)
			}
			edit(m)
			b, _ := json.Marshal(m)
			_, err = tx.ExecContext(ctx, `UPDATE cw_log_groups SET tags = ? WHERE project = ? AND name = ?`, string(b), project, name)
			if err != nil {
				return fmt.Errorf("log group %q: tags: %w", name, err)
			}
			return nil
		})
	})
}

func (s *Store) updateGroup(ctx context.Context, project, name, query string, args ...any) error {
	return s.retry(ctx, func() error {
		res, err := s.db.ExecContext(ctx, query, append(args, project, name)...)
		if err != nil {
			return fmt.Errorf("log group %q: update: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
		}
		return nil
	})
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// retry runs the write fn (see write), again while DuckDB reports a
// write-write conflict with a concurrent transaction (its optimistic
// concurrency control), up to about a second.
func (s *Store) retry(ctx context.Context, fn func() error) error {
	return s.write(ctx, func() error {
		delay := time.Millisecond
		for attempt := 0; ; attempt++ {
			err := fn()
			if err == nil || !isConflict(err) || attempt == 12 {
				return s.durable(err)
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(delay):
			}
			delay = min(2*delay, 100*time.Millisecond)
		}
	})
}

// isConflict reports a conflict worth retrying; never a failed commit
// that leaves DuckDB's memory suspect (reopen.go).
func isConflict(err error) bool {
	if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) || suspect(err) {
		return false
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "transactioncontext error") || strings.Contains(m, "write-write conflict") ||
		strings.Contains(m, "conflict on")
}

func isConstraint(err error) bool {
	if err == nil {
		return false
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "constraint") || strings.Contains(m, "duplicate key")
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
