package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
	"lookout/internal/store"
)

// The readers and the writer of store.MetaDumper.

// ProjectNames implements store.MetaDumper.
func (s *Store) ProjectNames(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT name FROM err_projects
		UNION SELECT project FROM cw_log_groups
		UNION SELECT project FROM config_documents
		UNION SELECT project FROM err_items
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("project names: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("project names: %w", err)
	}
	return out, nil
}

// Tokens implements store.MetaDumper.
func (s *Store) Tokens(ctx context.Context, project string) ([]model.AccessToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT hash, project, name, scopes, created_ns FROM err_tokens
		WHERE project = $1 ORDER BY hash, created_ns`, clean(project))
	if err != nil {
		return nil, fmt.Errorf("tokens of project %q: %w", project, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.AccessToken, error) {
		var t model.AccessToken
		var created int64
		err := r.Scan(&t.Hash, &t.Project, &t.Name, &t.Scopes, &created)
		if len(t.Scopes) == 0 {
			t.Scopes = nil
		}
		t.Created = fromNanos(created)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("tokens of project %q: %w", project, err)
	}
	return out, nil
}

// AllDocuments implements store.MetaDumper.
func (s *Store) AllDocuments(ctx context.Context, project string) ([]store.Document, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, name, version, body, updated_ns FROM config_documents
		WHERE project = $1 ORDER BY kind, name`, project)
	if err != nil {
		return nil, fmt.Errorf("config documents of project %q: %w", project, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Document, error) {
		d := store.Document{Project: project}
		var body string
		var updated int64
		err := r.Scan(&d.Kind, &d.Name, &d.Version, &body, &updated)
		d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("config documents of project %q: %w", project, err)
	}
	return out, nil
}

// ImportItem implements store.MetaDumper. It takes the project's counter
// row, then the item's, as RecordOccurrences does: the two never wait for
// each other in a cycle.
func (s *Store) ImportItem(ctx context.Context, it model.Item) (model.Item, error) {
	it.Project, it.Fingerprint = clean(it.Project), clean(it.Fingerprint)
	var out model.Item
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		out = it
		var last int64
		err := tx.QueryRow(ctx, `INSERT INTO err_item_counters (project, last) VALUES ($1, 0)
			ON CONFLICT (project) DO UPDATE SET last = err_item_counters.last RETURNING last`, it.Project).Scan(&last)
		if err != nil {
			return fmt.Errorf("item counter: %w", err)
		}
		cur, err := scanItem(tx.QueryRow(ctx, `SELECT `+itemColumns+` FROM err_items
			WHERE project = $1 AND fingerprint = $2 FOR UPDATE`, it.Project, it.Fingerprint))
		switch {
		case err == nil:
			out.ID, out.ProjectID, out.Counter = cur.ID, cur.ProjectID, cur.Counter
			b := &pgx.Batch{}
			queueItemUpdate(b, &out)
			return tx.SendBatch(ctx, b).Close()
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM err_items WHERE project = $1 AND counter = $2)`,
			it.Project, it.Counter).Scan(&taken); err != nil {
			return err
		}
		if taken || out.Counter <= 0 {
			out.Counter = last + 1
		}
		err = tx.QueryRow(ctx, `SELECT nextval('err_item_ids'),
			coalesce((SELECT id FROM err_projects WHERE name = $1), 0)`, it.Project).Scan(&out.ID, &out.ProjectID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE err_item_counters SET last = greatest(last, $2) WHERE project = $1`,
			it.Project, out.Counter); err != nil {
			return err
		}
		args := itemArgs(&out)
		_, err = tx.Exec(ctx, `INSERT INTO err_items (`+itemColumns+`) VALUES (`+params(1, len(args))+`)`, args...)
		return err
	})
	if err != nil {
		return model.Item{}, fmt.Errorf("import item %q of project %q: %w", it.Fingerprint, it.Project, err)
	}
	return out, nil
}
