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

// X-Ray groups are rows of config_documents of kind xrayGroupKind, named
// by the group, whose body is xrayGroupBody, as in metaduck: no table of
// their own.

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

// CreateXRayGroup implements store.XRayGroups. The transaction first takes
// an advisory lock on the project's groups, so that nodes creating groups
// at once count them one after the other and the limit holds.
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
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('lookout.xray_groups/' || $1, 0))`,
			g.Project); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM config_documents WHERE project = $1 AND kind = $2`,
			g.Project, xrayGroupKind).Scan(&n); err != nil {
			return err
		}
		if max > 0 && n >= max {
			var same bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3)`,
				g.Project, xrayGroupKind, g.Name).Scan(&same); err != nil {
				return err
			}
			if !same {
				return fmt.Errorf("x-ray group %q: the project has %d groups: %w", g.Name, n, store.ErrLimit)
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO config_documents (project, kind, name, version, body, updated_ns)
			VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING`, g.Project, xrayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
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
		project, xrayGroupKind, name).Scan(&body, &updated)
	if err != nil {
		return store.XRayGroup{}, notFound(err, "x-ray group %q", name)
	}
	return groupOf(project, name, body, updated)
}

// XRayGroups implements store.XRayGroups.
func (s *Store) XRayGroups(ctx context.Context, project string) ([]store.XRayGroup, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, body, updated_ns FROM config_documents WHERE project = $1 AND kind = $2
		ORDER BY name`, project, xrayGroupKind)
	if err != nil {
		return nil, fmt.Errorf("x-ray groups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.XRayGroup, error) {
		var name, body string
		var updated int64
		if err := r.Scan(&name, &body, &updated); err != nil {
			return store.XRayGroup{}, err
		}
		return groupOf(project, name, body, updated)
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
		FOR UPDATE`, project, xrayGroupKind, name).Scan(&body, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := s.inTx(ctx, func(tx pgx.Tx) error {
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
		_, err = tx.Exec(ctx, `UPDATE config_documents SET version = version + 1, body = $4, updated_ns = $5
			WHERE project = $1 AND kind = $2 AND name = $3`, g.Project, xrayGroupKind, g.Name, body, out.UpdatedAt.UnixNano())
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
	if err := checkGroupKey(project, name); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := storedGroup(ctx, tx, project, name, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3`,
			project, xrayGroupKind, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete x-ray group: %w", err)
	}
	return nil
}
