package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// X-Ray groups are configuration documents (rowcodec.XRayGroupKind).

var _ store.XRayGroups = (*Store)(nil)

// CreateXRayGroup implements store.XRayGroups. The count, the check for the
// name and the insert run in one transaction, and writes run one at a time
// (write); the answer comes after the commit is durable.
func (s *Store) CreateXRayGroup(ctx context.Context, g store.XRayGroup, max int) (store.XRayGroup, error) {
	if err := rowcodec.CheckXRayGroupKey(g.Project, g.Name); err != nil {
		return store.XRayGroup{}, err
	}
	out := g
	out.CreatedAt = time.Now().UTC()
	out.UpdatedAt = out.CreatedAt
	body, err := rowcodec.XRayGroupBody(out)
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", g.Name, err)
	}
	err = s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var n, same int
			if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = ?) FROM config_documents
				WHERE project = ? AND kind = ?`, g.Name, g.Project, rowcodec.XRayGroupKind).Scan(&n, &same); err != nil {
				return err
			}
			switch {
			case same > 0:
				return fmt.Errorf("x-ray group %q: %w", g.Name, store.ErrExists)
			case max > 0 && n >= max:
				return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO config_documents VALUES (?, ?, ?, 1, ?, ?)`,
				g.Project, rowcodec.XRayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
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
		project, rowcodec.XRayGroupKind, name).Scan(&body, &updated)
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return rowcodec.XRayGroupOf(project, name, body, updated)
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT name, body, updated_ns FROM config_documents WHERE project = ? AND kind = ?
		ORDER BY name`, project, rowcodec.XRayGroupKind)
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
		g, err := rowcodec.XRayGroupOf(project, name, body, updated)
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
		project, rowcodec.XRayGroupKind, name).Scan(&body, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return store.XRayGroup{}, err
	}
	g, err := rowcodec.XRayGroupOf(project, name, body, updated)
	if err == nil && g.ID != id {
		err = fmt.Errorf("x-ray group %q has id %q, not %q: %w", name, g.ID, id, store.ErrNotFound)
	}
	return g, err
}

// UpdateXRayGroup implements store.XRayGroups.
func (s *Store) UpdateXRayGroup(ctx context.Context, g store.XRayGroup) (store.XRayGroup, error) {
	if err := rowcodec.CheckXRayGroupKey(g.Project, g.Name); err != nil {
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
			body, err := rowcodec.XRayGroupBody(out)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE config_documents SET version = version + 1, body = ?, updated_ns = ?
				WHERE project = ? AND kind = ? AND name = ?`, body, out.UpdatedAt.UnixNano(), g.Project, rowcodec.XRayGroupKind, g.Name)
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
	if err := rowcodec.CheckXRayGroupKey(project, name); err != nil {
		return err
	}
	err := s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := storedGroup(ctx, tx, project, name, id); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
				project, rowcodec.XRayGroupKind, name)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
