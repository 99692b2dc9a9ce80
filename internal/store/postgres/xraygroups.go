package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

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

// CreateXRayGroup implements store.XRayGroups. The transaction first takes
// an advisory lock on the project's groups, so that nodes creating groups
// at once count them one after the other and the limit holds.
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
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('lookout.xray_groups/' || $1, 0))`,
			g.Project); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM xray_groups WHERE project = $1`, g.Project).Scan(&n); err != nil {
			return err
		}
		var inserted bool
		err := tx.QueryRow(ctx, `INSERT INTO xray_groups (project, `+xrayGroupColumns+`)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE $10::int <= 0 OR $11::int < $10::int
			ON CONFLICT DO NOTHING RETURNING true`,
			g.Project, g.Name, g.ID, g.FilterExpression, g.InsightsEnabled, g.NotificationsEnabled, tags,
			out.CreatedAt.UnixNano(), out.UpdatedAt.UnixNano(), max, n).Scan(&inserted)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// Nothing inserted: the name is taken, or the project is full.
		var same bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM xray_groups WHERE project = $1 AND name = $2)`,
			g.Project, g.Name).Scan(&same); err != nil {
			return err
		}
		if same {
			return fmt.Errorf("x-ray group %q: %w", g.Name, store.ErrExists)
		}
		return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("create x-ray group: %w", err)
	}
	return out, nil
}

// scanGroup reads one row of xrayGroupColumns.
func scanGroup(project string, row pgx.Row) (store.XRayGroup, error) {
	g := store.XRayGroup{Project: project}
	var tags string
	var created, updated int64
	if err := row.Scan(&g.Name, &g.ID, &g.FilterExpression, &g.InsightsEnabled, &g.NotificationsEnabled, &tags,
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
	g, err := scanGroup(project, s.pool.QueryRow(ctx, `SELECT `+xrayGroupColumns+` FROM xray_groups
		WHERE project = $1 AND name = $2`, project, name))
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return g, nil
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+xrayGroupColumns+` FROM xray_groups WHERE project = $1 ORDER BY name`, project)
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.XRayGroup, error) { return scanGroup(project, r) })
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	return out, nil
}

// UpdateXRayGroup implements store.XRayGroups in one statement.
func (s *Store) UpdateXRayGroup(ctx context.Context, g store.XRayGroup) (store.XRayGroup, error) {
	if err := checkGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	tags, err := tagsJSON(g.Tags)
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", g.Name, err)
	}
	out, err := scanGroup(g.Project, s.pool.QueryRow(ctx, `UPDATE xray_groups SET filter_expression = $4,
		insights_enabled = $5, notifications_enabled = $6, tags = $7, updated_ns = $8
		WHERE project = $1 AND name = $2 AND id = $3 RETURNING `+xrayGroupColumns,
		g.Project, g.Name, g.ID, g.FilterExpression, g.InsightsEnabled, g.NotificationsEnabled, tags,
		time.Now().UTC().UnixNano()))
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("update x-ray group: %w", notFound(err, "x-ray group %q (id %q)", g.Name, g.ID))
	}
	return out, nil
}

// DeleteXRayGroup implements store.XRayGroups.
func (s *Store) DeleteXRayGroup(ctx context.Context, project, name, id string) error {
	if err := checkGroupKey(project, name); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM xray_groups WHERE project = $1 AND name = $2 AND id = $3`, project, name, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("x-ray group %q (id %q): %w", name, id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
