package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// X-Ray groups are configuration documents (rowcodec.XRayGroupKind).

var _ store.XRayGroups = (*Store)(nil)

// CreateXRayGroup implements store.XRayGroups. The transaction first takes
// an advisory lock on the project's groups, so that nodes creating groups
// at once count them one after the other and the limit holds.
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
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('lookout.xray_groups/' || $1, 0))`,
			g.Project); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM config_documents WHERE project = $1 AND kind = $2`,
			g.Project, rowcodec.XRayGroupKind).Scan(&n); err != nil {
			return err
		}
		if max > 0 && n >= max {
			var same bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3)`,
				g.Project, rowcodec.XRayGroupKind, g.Name).Scan(&same); err != nil {
				return err
			}
			if !same {
				return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO config_documents (project, kind, name, version, body, updated_ns)
			VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING`, g.Project, rowcodec.XRayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("x-ray group %q: %w", g.Name, store.ErrExists)
		}
		return err
	})
	if err != nil {
		return store.XRayGroup{}, fmt.Errorf("create x-ray group: %w", err)
	}
	return out, nil
}

// XRayGroup implements store.XRayGroups.
func (s *Store) XRayGroup(ctx context.Context, project, name string) (store.XRayGroup, error) {
	var body string
	var updated int64
	err := s.pool.QueryRow(ctx, `SELECT body, updated_ns FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3`,
		project, rowcodec.XRayGroupKind, name).Scan(&body, &updated)
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return rowcodec.XRayGroupOf(project, name, body, updated)
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, body, updated_ns FROM config_documents WHERE project = $1 AND kind = $2
		ORDER BY name`, project, rowcodec.XRayGroupKind)
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.XRayGroup, error) {
		var name, body string
		var updated int64
		if err := r.Scan(&name, &body, &updated); err != nil {
			return store.XRayGroup{}, err
		}
		return rowcodec.XRayGroupOf(project, name, body, updated)
	})
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	return out, nil
}

// storedGroup reads and locks the group (project, name) with that id in
// tx; ErrNotFound when there is none.
func storedGroup(ctx context.Context, tx pgx.Tx, project, name, id string) (store.XRayGroup, error) {
	var body string
	var updated int64
	err := tx.QueryRow(ctx, `SELECT body, updated_ns FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3
		FOR UPDATE`, project, rowcodec.XRayGroupKind, name).Scan(&body, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
		_, err = tx.Exec(ctx, `UPDATE config_documents SET version = version + 1, body = $4, updated_ns = $5
			WHERE project = $1 AND kind = $2 AND name = $3`, g.Project, rowcodec.XRayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
		return err
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := storedGroup(ctx, tx, project, name, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3`,
			project, rowcodec.XRayGroupKind, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
