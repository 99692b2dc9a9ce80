package metaduck

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lookout/internal/store"
)

// xrayGroupsDDL creates the table of X-Ray groups: one row per (project,
// name), the tags as a JSON array of {"Key","Value"} (no JSON type, so the
// same layout fits PostgreSQL).
func xrayGroupsDDL() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS xray_groups (
			project               VARCHAR NOT NULL,
			name                  VARCHAR NOT NULL,
			id                    VARCHAR NOT NULL,
			filter_expression     VARCHAR NOT NULL,
			insights_enabled      BOOLEAN NOT NULL,
			notifications_enabled BOOLEAN NOT NULL,
			tags                  VARCHAR NOT NULL,
			created_ns            BIGINT NOT NULL,
			updated_ns            BIGINT NOT NULL,
			PRIMARY KEY (project, name))`,
	}
}

var _ store.XRayGroups = (*Store)(nil)

const xrayGroupColumns = `name, id, filter_expression, insights_enabled, notifications_enabled, tags, created_ns, updated_ns`

func checkGroupKey(project, name string) error {
	if project == "" || name == "" {
		return fmt.Errorf("x-ray group: project and name must be set (got %q, %q)", project, name)
	}
	return nil
}

// tagsJSON encodes tags for the tags column.
func tagsJSON(tags []store.ResourceTag) (string, error) {
	if tags == nil {
		tags = []store.ResourceTag{}
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

// CreateXRayGroup implements store.XRayGroups. The count, the check for the
// name and the insert run in one transaction, and writes run one at a time
// (write); the answer comes after the commit is durable.
func (s *Store) CreateXRayGroup(ctx context.Context, g store.XRayGroup, max int) (store.XRayGroup, error) {
	if err := checkGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	tags, err := tagsJSON(g.Tags)
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", g.Name, err)
	}
	out := g
	out.CreatedAt = time.Now().UTC()
	out.UpdatedAt = out.CreatedAt
	err = s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var n, same int
			if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = ?) FROM xray_groups
				WHERE project = ?`, g.Name, g.Project).Scan(&n, &same); err != nil {
				return err
			}
			switch {
			case same > 0:
				return fmt.Errorf("x-ray group %q: %w", g.Name, store.ErrExists)
			case max > 0 && n >= max:
				return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO xray_groups (project, `+xrayGroupColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.Project, g.Name, g.ID, g.FilterExpression, g.InsightsEnabled,
				g.NotificationsEnabled, tags, out.CreatedAt.UnixNano(), out.UpdatedAt.UnixNano())
			return err
		})
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("create x-ray group: %w", err)
	}
	return out, nil
}

// scanGroup reads one row of xrayGroupColumns.
func scanGroup(project string, scan func(...any) error) (store.XRayGroup, error) {
	g := store.XRayGroup{Project: project}
	var tags string
	var created, updated int64
	if err := scan(&g.Name, &g.ID, &g.FilterExpression, &g.InsightsEnabled, &g.NotificationsEnabled, &tags,
		&created, &updated); err != nil {
		return store.XRayGroup{}, err
	}
	if err := json.Unmarshal([]byte(tags), &g.Tags); err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: tags: %w", g.Name, err)
	}
	if len(g.Tags) == 0 {
		g.Tags = nil
	}
	g.CreatedAt, g.UpdatedAt = fromNanos(created), fromNanos(updated)
	return g, nil
}

// XRayGroup implements store.XRayGroups.
func (s *Store) XRayGroup(ctx context.Context, project, name string) (store.XRayGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.XRayGroup{}, err
	}
	defer leave()
	row := s.db.QueryRowContext(ctx, `SELECT `+xrayGroupColumns+` FROM xray_groups WHERE project = ? AND name = ?`,
		project, name)
	g, err := scanGroup(project, row.Scan)
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return g, nil
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT `+xrayGroupColumns+` FROM xray_groups WHERE project = ?
		ORDER BY name`, project)
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	defer rows.Close()
	var out []store.XRayGroup
	for rows.Next() {
		g, err := scanGroup(project, rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("x-ray groups: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	return out, nil
}

// UpdateXRayGroup implements store.XRayGroups.
func (s *Store) UpdateXRayGroup(ctx context.Context, g store.XRayGroup) (store.XRayGroup, error) {
	if err := checkGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	tags, err := tagsJSON(g.Tags)
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", g.Name, err)
	}
	updated := time.Now().UTC()
	var out store.XRayGroup
	err = s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE xray_groups SET filter_expression = ?, insights_enabled = ?,
				notifications_enabled = ?, tags = ?, updated_ns = ? WHERE project = ? AND name = ? AND id = ?`,
				g.FilterExpression, g.InsightsEnabled, g.NotificationsEnabled, tags, updated.UnixNano(), g.Project, g.Name, g.ID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(err, fmt.Errorf("x-ray group %q (id %q): %w", g.Name, g.ID, store.ErrNotFound))
			}
			row := tx.QueryRowContext(ctx, `SELECT `+xrayGroupColumns+` FROM xray_groups WHERE project = ? AND name = ?`,
				g.Project, g.Name)
			out, err = scanGroup(g.Project, row.Scan)
			return err
		})
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("update x-ray group: %w", err)
	}
	return out, nil
}

// DeleteXRayGroup implements store.XRayGroups.
func (s *Store) DeleteXRayGroup(ctx context.Context, project, name, id string) error {
	if err := checkGroupKey(project, name); err != nil {
		return err
	}
	err := s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM xray_groups WHERE project = ? AND name = ? AND id = ?`,
				project, name, id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(err, fmt.Errorf("x-ray group %q (id %q): %w", name, id, store.ErrNotFound))
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
