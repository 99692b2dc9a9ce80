package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/sqlbuild"
)

// The readers and the writer of store.MetaDumper.

// ProjectNames implements store.MetaDumper.
func (s *Store) ProjectNames(ctx context.Context) ([]string, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return queryList(ctx, s.db, "project names", `SELECT name FROM err_projects
		UNION SELECT project FROM cw_log_groups
		UNION SELECT project FROM config_documents
		UNION SELECT project FROM err_items
		ORDER BY 1`, func(r *sql.Rows) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
}

// Tokens implements store.MetaDumper.
func (s *Store) Tokens(ctx context.Context, project string) ([]model.AccessToken, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return queryList(ctx, s.db, "tokens", `SELECT hash, project, name, scopes, created_ns FROM err_tokens
		WHERE project = ? ORDER BY hash`, func(r *sql.Rows) (model.AccessToken, error) {
		var t model.AccessToken
		var scopes string
		var created int64
		err := r.Scan(&t.Hash, &t.Project, &t.Name, &scopes, &created)
		if scopes != "" {
			t.Scopes = strings.Split(scopes, ",")
		}
		t.Created = fromNanos(created)
		return t, err
	}, project)
}

// AllDocuments implements store.MetaDumper.
func (s *Store) AllDocuments(ctx context.Context, project string) ([]store.Document, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return queryList(ctx, s.db, "config documents", `SELECT kind, name, version, body, updated_ns
		FROM config_documents WHERE project = ? ORDER BY kind, name`,
		func(r *sql.Rows) (store.Document, error) {
			d := store.Document{Project: project}
			var body string
			var updated int64
			err := r.Scan(&d.Kind, &d.Name, &d.Version, &body, &updated)
			d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
			return d, err
		}, project)
}

// ImportItem implements store.MetaDumper.
func (s *Store) ImportItem(ctx context.Context, it model.Item) (model.Item, error) {
	var out model.Item
	err := s.write(ctx, func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
		if out, err = importItem(ctx, tx, it); err != nil {
			return err
		}
		return s.durable(tx.Commit())
	})
	if err != nil {
		return model.Item{}, fmt.Errorf("import item %q of project %q: %w", it.Fingerprint, it.Project, err)
	}
	return out, nil
}

func importItem(ctx context.Context, tx *sql.Tx, it model.Item) (model.Item, error) {
	cur, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM err_items
		WHERE project = ? AND fingerprint = ?`, it.Project, it.Fingerprint))
	switch {
	case err == nil:
		it.ID, it.ProjectID, it.Counter = cur.ID, cur.ProjectID, cur.Counter
		return it, updateItemRow(ctx, tx, &it)
	case !errors.Is(err, sql.ErrNoRows):
		return model.Item{}, err
	}
	var taken bool
	err = tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM err_items WHERE project = ? AND counter = ?`,
		it.Project, it.Counter).Scan(&taken)
	if err != nil {
		return model.Item{}, err
	}
	if taken || it.Counter <= 0 {
		err = tx.QueryRowContext(ctx, `SELECT coalesce(max(counter), 0) + 1 FROM err_items WHERE project = ?`,
			it.Project).Scan(&it.Counter)
		if err != nil {
			return model.Item{}, err
		}
	}
	err = tx.QueryRowContext(ctx, `SELECT nextval('err_item_ids'),
		(SELECT coalesce(max(id), 0) FROM err_projects WHERE name = ?)`, it.Project).Scan(&it.ID, &it.ProjectID)
	if err != nil {
		return model.Item{}, err
	}
	args := itemArgs(&it)
	_, err = tx.ExecContext(ctx, `INSERT INTO err_items (`+itemColumns+`) VALUES (`+placeholders(len(args))+`)`, args...)
	return it, err
}

// queryList runs a query and scans every row with scan.
func queryList[T any](ctx context.Context, db *sql.DB, what, query string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	return sqlbuild.Collect(rows, err, what, scan)
}
