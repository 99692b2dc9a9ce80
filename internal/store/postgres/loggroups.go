package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

// CreateLogGroup implements store.LogGroups; store.ErrExists when the name
// is taken.
func (s *Store) CreateLogGroup(ctx context.Context, g store.LogGroup) error {
	tags, err := json.Marshal(nonNil(g.Tags))
	if err != nil {
		return fmt.Errorf("log group %q: tags: %w", g.Name, err)
	}
	class := g.Class
	if class == "" {
		class = "STANDARD"
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO cw_log_groups (project, name, creation_ms, retention_days, class, kms_key_id, tags)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		g.Project, g.Name, g.CreationMillis, g.RetentionDays, class, g.KMSKeyID, string(tags))
	if err != nil {
		return fmt.Errorf("log group %q: create: %w", g.Name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("log group %q: %w", g.Name, store.ErrExists)
	}
	return nil
}

// DeleteLogGroup implements store.LogGroups; its streams go with it (a
// cascading foreign key).
func (s *Store) DeleteLogGroup(ctx context.Context, project, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM cw_log_groups WHERE project = $1 AND name = $2`, project, name)
	if err != nil {
		return fmt.Errorf("log group %q: delete: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
	}
	return nil
}

const groupColumns = `g.project, g.name, g.creation_ms, g.retention_days, g.class, g.kms_key_id, g.tags,
	coalesce((SELECT sum(st.stored_bytes) FROM cw_log_streams st WHERE st.project = g.project AND st.grp = g.name), 0)::bigint`

// LogGroup implements store.LogGroups.
func (s *Store) LogGroup(ctx context.Context, project, name string) (store.LogGroup, error) {
	gs, err := s.queryGroups(ctx, `SELECT `+groupColumns+` FROM cw_log_groups g WHERE g.project = $1 AND g.name = $2`, project, name)
	if err != nil {
		return store.LogGroup{}, fmt.Errorf("log group %q: %w", name, err)
	}
	if len(gs) == 0 {
		return store.LogGroup{}, fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
	}
	return gs[0], nil
}

// ListLogGroups implements store.LogGroups, in byte order of the names.
func (s *Store) ListLogGroups(ctx context.Context, q store.LogGroupList) ([]store.LogGroup, error) {
	conds, args := []string{"g.project = $1"}, []any{q.Project}
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if q.Prefix != "" {
		add(`g.name LIKE $%d`, likePrefix(q.Prefix))
	}
	if q.Pattern != "" {
		add("strpos(lower(g.name), lower($%d)) > 0", q.Pattern)
	}
	if q.After != "" {
		add("g.name > $%d", q.After)
	}
	query := `SELECT ` + groupColumns + ` FROM cw_log_groups g WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY g.name`
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	gs, err := s.queryGroups(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	return gs, nil
}

// likePrefix is a LIKE pattern matching strings that start with p.
func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}

// RetainedLogGroups implements store.LogGroups.
func (s *Store) RetainedLogGroups(ctx context.Context) ([]store.LogGroup, error) {
	gs, err := s.queryGroups(ctx, `SELECT `+groupColumns+` FROM cw_log_groups g WHERE g.retention_days > 0 ORDER BY g.project, g.name`)
	if err != nil {
		return nil, fmt.Errorf("log groups with retention: %w", err)
	}
	return gs, nil
}

func (s *Store) queryGroups(ctx context.Context, query string, args ...any) ([]store.LogGroup, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.LogGroup, error) {
		var g store.LogGroup
		var tags string
		if err := r.Scan(&g.Project, &g.Name, &g.CreationMillis, &g.RetentionDays, &g.Class, &g.KMSKeyID, &tags, &g.StoredBytes); err != nil {
			return g, err
		}
		if err := json.Unmarshal([]byte(tags), &g.Tags); err != nil {
			return g, fmt.Errorf("log group %q: tags: %w", g.Name, err)
		}
		return g, nil
	})
}

// SetRetention implements store.LogGroups.
func (s *Store) SetRetention(ctx context.Context, project, name string, days int) error {
	tag, err := s.pool.Exec(ctx, `UPDATE cw_log_groups SET retention_days = $3 WHERE project = $1 AND name = $2`, project, name, days)
	if err != nil {
		return fmt.Errorf("log group %q: retention: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("log group %q: %w", name, store.ErrNotFound)
	}
	return nil
}

// TagLogGroup implements store.LogGroups.
func (s *Store) TagLogGroup(ctx context.Context, project, name string, tags map[string]string) error {
	return s.editTags(ctx, project, name, func(m map[string]string) {
		for k, v := range tags {
			m[k] = v
		}
	})
}

// UntagLogGroup implements store.LogGroups; absent keys are ignored.
func (s *Store) UntagLogGroup(ctx context.Context, project, name string, keys []string) error {
	return s.editTags(ctx, project, name, func(m map[string]string) {
		for _, k := range keys {
			delete(m, k)
		}
	})
}

// editTags changes the tags with the group's row locked, so concurrent
// edits from several nodes all apply.
func (s *Store) editTags(ctx context.Context, project, name string, edit func(map[string]string)) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var raw string
		err := tx.QueryRow(ctx, `SELECT tags FROM cw_log_groups WHERE project = $1 AND name = $2 FOR UPDATE`, project, name).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
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
		b, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("log group %q: tags: %w", name, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE cw_log_groups SET tags = $3 WHERE project = $1 AND name = $2`, project, name, string(b)); err != nil {
			return fmt.Errorf("log group %q: tags: %w", name, err)
		}
		return nil
	})
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
