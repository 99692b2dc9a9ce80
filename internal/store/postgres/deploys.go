package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
	"lookout/internal/store"
)

var _ store.DeployStore = (*Store)(nil)

const deployColumns = `id, project, project_id, environment, revision, rollbar_username, local_username,
	comment, status, start_ns, finish_ns`

func scanDeploy(r scanner) (model.Deploy, error) {
	var d model.Deploy
	var status string
	var start, finish int64
	err := r.Scan(&d.ID, &d.Project, &d.ProjectID, &d.Environment, &d.Revision, &d.RollbarUsername,
		&d.LocalUsername, &d.Comment, &status, &start, &finish)
	d.Status, d.StartTime, d.FinishTime = model.DeployStatus(status), fromNanos(start), fromNanos(finish)
	return d, err
}

// CreateDeploy implements store.DeployStore; the project's row gives its
// id, and a missing project inserts nothing.
func (s *Store) CreateDeploy(ctx context.Context, d model.Deploy) (model.Deploy, error) {
	err := s.pool.QueryRow(ctx, `INSERT INTO err_deploys (project, project_id, environment, revision, rollbar_username,
		local_username, comment, status, start_ns, finish_ns)
		SELECT name, id, $2, $3, $4, $5, $6, $7, $8, $9 FROM err_projects WHERE name = $1 RETURNING id, project_id`,
		clean(d.Project), clean(d.Environment), clean(d.Revision), clean(d.RollbarUsername), clean(d.LocalUsername),
		clean(d.Comment), string(d.Status), nanos(d.StartTime), nanos(d.FinishTime)).Scan(&d.ID, &d.ProjectID)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.Deploy{}, fmt.Errorf("create deploy: project %q: %w", d.Project, store.ErrNotFound)
	}
	if err != nil {
		return model.Deploy{}, fmt.Errorf("create deploy in project %q: %w", d.Project, err)
	}
	return d, nil
}

// Deploy implements store.DeployStore.
func (s *Store) Deploy(ctx context.Context, project string, id int64) (model.Deploy, error) {
	d, err := scanDeploy(s.pool.QueryRow(ctx, `SELECT `+deployColumns+` FROM err_deploys WHERE project = $1 AND id = $2`, clean(project), id))
	return d, notFound(err, "deploy %d", id)
}

// Deploys implements store.DeployStore.
func (s *Store) Deploys(ctx context.Context, project string, offset, limit int) ([]model.Deploy, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deployColumns+` FROM err_deploys WHERE project = $1
		ORDER BY start_ns DESC, id DESC LIMIT $2 OFFSET $3`, clean(project), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("deploys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Deploy, error) { return scanDeploy(r) })
	if err != nil {
		return nil, fmt.Errorf("deploys: %w", err)
	}
	return out, nil
}

// UpdateDeploy implements store.DeployStore: the row is locked FOR UPDATE
// while edit runs.
func (s *Store) UpdateDeploy(ctx context.Context, project string, id int64, edit func(*model.Deploy) error) (model.Deploy, error) {
	var d model.Deploy
	var editErr error
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		d, err = scanDeploy(tx.QueryRow(ctx, `SELECT `+deployColumns+` FROM err_deploys WHERE project = $1 AND id = $2 FOR UPDATE`,
			clean(project), id))
		if err != nil {
			return notFound(err, "deploy %d", id)
		}
		if editErr = edit(&d); editErr != nil {
			return editErr
		}
		_, err = tx.Exec(ctx, `UPDATE err_deploys SET environment = $2, revision = $3, rollbar_username = $4,
			local_username = $5, comment = $6, status = $7, start_ns = $8, finish_ns = $9 WHERE id = $1`,
			id, clean(d.Environment), clean(d.Revision), clean(d.RollbarUsername), clean(d.LocalUsername),
			clean(d.Comment), string(d.Status), nanos(d.StartTime), nanos(d.FinishTime))
		return err
	})
	switch {
	case editErr != nil && errors.Is(err, editErr):
		return model.Deploy{}, editErr
	case errors.Is(err, store.ErrNotFound):
		return model.Deploy{}, err
	case err != nil:
		return model.Deploy{}, fmt.Errorf("update deploy %d: %w", id, err)
	}
	d.ID, d.Project = id, project
	return d, nil
}

// ActivatingDeploys implements store.DeployStore with one lateral join
// (index err_deploys_start).
func (s *Store) ActivatingDeploys(ctx context.Context, project string, ids []int64) (map[int64]model.Deploy, error) {
	out := map[int64]model.Deploy{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT i.id, d.* FROM err_items i
		CROSS JOIN LATERAL (SELECT `+deployColumns+` FROM err_deploys
			WHERE project = i.project AND environment = i.environment AND start_ns <= i.last_activated_ns
			ORDER BY start_ns DESC, id DESC LIMIT 1) d
		WHERE i.project = $1 AND i.id = ANY($2)`, clean(project), ids)
	if err != nil {
		return nil, fmt.Errorf("activating deploys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item int64
		d, err := scanDeploy(prefixed{rows, &item})
		if err != nil {
			return nil, fmt.Errorf("activating deploys: %w", err)
		}
		out[item] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("activating deploys: %w", err)
	}
	return out, nil
}

// prefixed scans a row whose first column is read into first, the rest
// by the caller's destinations.
type prefixed struct {
	r     scanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }
