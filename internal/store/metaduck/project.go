package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// CreateProject implements store.ProjectStore.
func (s *Store) CreateProject(ctx context.Context, name string) (model.Project, error) {
	var p model.Project
	err := s.write(ctx, func() error {
		if _, err := s.project(ctx, name); err == nil {
			return fmt.Errorf("project %q: %w", name, store.ErrExists)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		p = model.Project{Name: name, Created: time.Now().UTC()}
		err := s.db.QueryRowContext(ctx, `INSERT INTO err_projects VALUES (nextval('err_project_ids'), ?, ?) RETURNING id`,
			name, p.Created.UnixNano()).Scan(&p.ID)
		if err = s.durable(err); err != nil {
			return fmt.Errorf("create project %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return model.Project{}, err
	}
	return p, nil
}

// Project implements store.ProjectStore.
func (s *Store) Project(ctx context.Context, name string) (model.Project, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return model.Project{}, err
	}
	defer leave()
	return s.project(ctx, name)
}

func (s *Store) project(ctx context.Context, name string) (model.Project, error) {
	var p model.Project
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, created_ns FROM err_projects WHERE name = ?`, name).
		Scan(&p.ID, &p.Name, &created)
	p.Created = fromNanos(created)
	return p, notFound(err, "project %q", name)
}

// Projects implements store.ProjectStore.
func (s *Store) Projects(ctx context.Context) ([]model.Project, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_ns FROM err_projects ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	defer rows.Close()
	var out []model.Project
	for rows.Next() {
		var p model.Project
		var created int64
		if err := rows.Scan(&p.ID, &p.Name, &created); err != nil {
			return nil, fmt.Errorf("projects: %w", err)
		}
		p.Created = fromNanos(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreateToken implements store.ProjectStore.
func (s *Store) CreateToken(ctx context.Context, t model.AccessToken) error {
	return s.write(ctx, func() error {
		if _, err := s.project(ctx, t.Project); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		if t.Created.IsZero() {
			t.Created = time.Now().UTC()
		}
		_, err := s.db.ExecContext(ctx, `INSERT INTO err_tokens VALUES (?, ?, ?, ?, ?)`,
			t.Hash, t.Project, t.Name, strings.Join(t.Scopes, ","), t.Created.UnixNano())
		if err = s.durable(err); err != nil {
			return fmt.Errorf("create token for project %q: %w", t.Project, err)
		}
		return nil
	})
}

// TokenByHash implements store.ProjectStore.
func (s *Store) TokenByHash(ctx context.Context, hash string) (model.AccessToken, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return model.AccessToken{}, err
	}
	defer leave()
	t := model.AccessToken{Hash: hash}
	var scopes string
	var created int64
	err = s.db.QueryRowContext(ctx, `SELECT project, name, scopes, created_ns FROM err_tokens WHERE hash = ? LIMIT 1`, hash).
		Scan(&t.Project, &t.Name, &scopes, &created)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, fmt.Errorf("token: %w", store.ErrNotFound)
		}
		return t, fmt.Errorf("token: %w", err)
	}
	if scopes != "" { // a token without scopes has none, not one empty scope
		t.Scopes = strings.Split(scopes, ",")
	}
	t.Created = fromNanos(created)
	return t, nil
}

// TokenCount implements store.ProjectStore.
func (s *Store) TokenCount(ctx context.Context) (int64, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return 0, err
	}
	defer leave()
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM err_tokens`).Scan(&n); err != nil {
		return 0, fmt.Errorf("token count: %w", err)
	}
	return n, nil
}
