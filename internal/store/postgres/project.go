package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
	"lookout/internal/store"
)

// CreateProject implements store.ProjectStore; the unique name decides
// between concurrent creations.
func (s *Store) CreateProject(ctx context.Context, name string) (model.Project, error) {
	p := model.Project{Name: name, Created: time.Now().UTC()}
	err := s.pool.QueryRow(ctx, `INSERT INTO err_projects (name, created_ns) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING RETURNING id`, clean(name), p.Created.UnixNano()).Scan(&p.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Project{}, fmt.Errorf("project %q: %w", name, store.ErrExists)
	}
	if err != nil {
		return model.Project{}, fmt.Errorf("create project %q: %w", name, err)
	}
	return p, nil
}

// Project implements store.ProjectStore.
func (s *Store) Project(ctx context.Context, name string) (model.Project, error) {
	var p model.Project
	var created int64
	err := s.pool.QueryRow(ctx, `SELECT id, name, created_ns FROM err_projects WHERE name = $1`, clean(name)).
		Scan(&p.ID, &p.Name, &created)
	p.Created = fromNanos(created)
	return p, notFound(err, "project %q", name)
}

// Projects implements store.ProjectStore, ordered by id.
func (s *Store) Projects(ctx context.Context) ([]model.Project, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_ns FROM err_projects ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Project, error) {
		var p model.Project
		var created int64
		err := r.Scan(&p.ID, &p.Name, &created)
		p.Created = fromNanos(created)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	return out, nil
}

// CreateToken implements store.ProjectStore; a foreign key checks the
// project.
func (s *Store) CreateToken(ctx context.Context, t model.AccessToken) error {
	if t.Created.IsZero() {
		t.Created = time.Now().UTC()
	}
	scopes := make([]string, len(t.Scopes))
	for i, sc := range t.Scopes {
		scopes[i] = clean(sc)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO err_tokens (hash, project, name, scopes, created_ns) VALUES ($1, $2, $3, $4, $5)`,
		clean(t.Hash), clean(t.Project), clean(t.Name), scopes, t.Created.UnixNano())
	if hasCode(err, codeForeignKeyViolation) {
		return fmt.Errorf("create token: project %q: %w", t.Project, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("create token for project %q: %w", t.Project, err)
	}
	return nil
}

// TokenByHash implements store.ProjectStore.
func (s *Store) TokenByHash(ctx context.Context, hash string) (model.AccessToken, error) {
	t := model.AccessToken{Hash: hash}
	var created int64
	err := s.pool.QueryRow(ctx, `SELECT project, name, scopes, created_ns FROM err_tokens WHERE hash = $1
		ORDER BY created_ns LIMIT 1`, clean(hash)).Scan(&t.Project, &t.Name, &t.Scopes, &created)
	if err != nil {
		return t, notFound(err, "token")
	}
	if len(t.Scopes) == 0 {
		t.Scopes = nil // a token without scopes has none
	}
	t.Created = fromNanos(created)
	return t, nil
}

// TokenCount implements store.ProjectStore.
func (s *Store) TokenCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM err_tokens`).Scan(&n); err != nil {
		return 0, fmt.Errorf("token count: %w", err)
	}
	return n, nil
}
