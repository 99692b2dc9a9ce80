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

// X-Ray groups are rows of config_documents of kind xrayGroupKind, named
// by the group, whose body is xrayGroupBody: no table of their own, so the
// schema (and the file's layout) stays as it is.

// xrayGroupKind is the document kind of X-Ray groups.
const xrayGroupKind = "xray.group"

// xrayGroupBody is what a group's document holds besides its name.
type xrayGroupBody struct {
	ID                   string
	FilterExpression     string
	InsightsEnabled      bool
	NotificationsEnabled bool
	Tags                 []store.ResourceTag
	CreatedNs            int64
}

var _ store.XRayGroups = (*Store)(nil)

func checkGroupKey(project, name string) error {
	if project == "" || name == "" {
		return fmt.Errorf("x-ray group: project and name must be set (got %q, %q)", project, name)
	}
	return nil
}

func groupBody(g store.XRayGroup) (string, error) {
	b, err := json.Marshal(xrayGroupBody{ID: g.ID, FilterExpression: g.FilterExpression, InsightsEnabled: g.InsightsEnabled,
		NotificationsEnabled: g.NotificationsEnabled, Tags: g.Tags, CreatedNs: g.CreatedAt.UnixNano()})
	return string(b), err
}

func groupOf(project, name, body string, updated int64) (store.XRayGroup, error) {
	var b xrayGroupBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", name, err)
	}
	if len(b.Tags) == 0 {
		b.Tags = nil
	}
	return store.XRayGroup{Project: project, Name: name, ID: b.ID, FilterExpression: b.FilterExpression,
		InsightsEnabled: b.InsightsEnabled, NotificationsEnabled: b.NotificationsEnabled, Tags: b.Tags,
		CreatedAt: fromNanos(b.CreatedNs), UpdatedAt: fromNanos(updated)}, nil
}

// CreateXRayGroup implements store.XRayGroups. The count, the check for the
// name and the insert run in one transaction, and writes run one at a time
// (write); the answer comes after the commit is durable.
func (s *Store) CreateXRayGroup(ctx context.Context, g store.XRayGroup, max int) (store.XRayGroup, error) {
	if err := checkGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	out := g
	out.CreatedAt = time.Now().UTC()
	out.UpdatedAt = out.CreatedAt
	body, err := groupBody(out)
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", g.Name, err)
	}
	err = s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var n, same int
			if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = ?) FROM config_documents
				WHERE project = ? AND kind = ?`, g.Name, g.Project, xrayGroupKind).Scan(&n, &same); err != nil {
				return err
			}
			switch {
			case same > 0:
				return fmt.Errorf("x-ray group %q: %w", g.Name, store.ErrExists)
			case max > 0 && n >= max:
				return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO config_documents VALUES (?, ?, ?, 1, ?, ?)`,
				g.Project, xrayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
			return err
		})
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("create x-ray group: %w", err)
	}
	return out, nil
}

// XRayGroup implements store.XRayGroups.
func (s *Store) XRayGroup(ctx context.Context, project, name string) (store.XRayGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.XRayGroup{}, err
	}
	defer leave()
	var body string
	var updated int64
	err = s.db.QueryRowContext(ctx, `SELECT body, updated_ns FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
		project, xrayGroupKind, name).Scan(&body, &updated)
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return groupOf(project, name, body, updated)
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT name, body, updated_ns FROM config_documents WHERE project = ? AND kind = ?
		ORDER BY name`, project, xrayGroupKind)
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	defer rows.Close()
	var out []store.XRayGroup
	for rows.Next() {
		var name, body string
		var updated int64
		if err := rows.Scan(&name, &body, &updated); err != nil {
			return nil, fmt.Errorf("x-ray groups: %w", err)
		}
		g, err := groupOf(project, name, body, updated)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	return out, nil
}

// storedGroup reads the group (project, name) with that id in tx;
// ErrNotFound when there is none.
func storedGroup(ctx context.Context, tx *sql.Tx, project, name, id string) (store.XRayGroup, error) {
	var body string
	var updated int64
	err := tx.QueryRowContext(ctx, `SELECT body, updated_ns FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
		project, xrayGroupKind, name).Scan(&body, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return store.XRayGroup{}, err
	}
	g, err := groupOf(project, name, body, updated)
	if err == nil && g.ID != id {
		err = fmt.Errorf("x-ray group %q has id %q, not %q: %w", name, g.ID, id, store.ErrNotFound)
	}
	return g, err
}

// UpdateXRayGroup implements store.XRayGroups.
func (s *Store) UpdateXRayGroup(ctx context.Context, g store.XRayGroup) (store.XRayGroup, error) {
	if err := checkGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	var out store.XRayGroup
	err := s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			cur, err := storedGroup(ctx, tx, g.Project, g.Name, g.ID)
			if err != nil {
				return err
			}
			out = g
			out.CreatedAt, out.UpdatedAt = cur.CreatedAt, time.Now().UTC()
			body, err := groupBody(out)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE config_documents SET version = version + 1, body = ?, updated_ns = ?
				WHERE project = ? AND kind = ? AND name = ?`, body, out.UpdatedAt.UnixNano(), g.Project, xrayGroupKind, g.Name)
			return err
		})
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("update x-ray group: %w", err)
	}
	if len(out.Tags) == 0 {
		out.Tags = nil
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
			if _, err := storedGroup(ctx, tx, project, name, id); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
				project, xrayGroupKind, name)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
