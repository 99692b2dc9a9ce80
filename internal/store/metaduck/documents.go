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

// documentsDDL creates the generic table of configuration documents: one row
// per (project, kind, name), the JSON body as text (no JSON type, so the same
// layout fits PostgreSQL), a version bumped at every put.
func documentsDDL() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS config_documents (
			project    VARCHAR NOT NULL,
			kind       VARCHAR NOT NULL,
			name       VARCHAR NOT NULL,
			version    BIGINT NOT NULL,
			body       VARCHAR NOT NULL,
			updated_ns BIGINT NOT NULL,
			PRIMARY KEY (project, kind, name))`,
	}
}

var _ store.Documents = (*Store)(nil)

func checkDocumentKey(project, kind, name string) error {
	if project == "" || kind == "" || name == "" {
		return fmt.Errorf("config document: project, kind and name must be set (got %q, %q, %q)", project, kind, name)
	}
	return nil
}

// PutDocument implements store.Documents. The version check and the write
// run in one transaction; the answer comes after the commit is durable.
func (s *Store) PutDocument(ctx context.Context, d store.Document, ifVersion int64) (store.Document, error) {
	if err := checkDocumentKey(d.Project, d.Kind, d.Name); err != nil {
		return store.Document{}, err
	}
	if !json.Valid(d.Body) {
		return store.Document{}, fmt.Errorf("config document %s/%q: body is not JSON", d.Kind, d.Name)
	}
	if ifVersion < store.AnyVersion {
		return store.Document{}, fmt.Errorf("config document %s/%q: bad version %d", d.Kind, d.Name, ifVersion)
	}
	out := d
	out.UpdatedAt = time.Now().UTC()
	s.documentWrites.Lock()
	err := s.putDocument(ctx, &out, ifVersion)
	s.documentWrites.Unlock()
	if isConstraint(err) {
		err = fmt.Errorf("config document %s/%q: %w", d.Kind, d.Name, store.ErrExists)
	}
	if err != nil {
		return store.Document{}, fmt.Errorf("put config document: %w", err)
	}
	return out, nil
}

// putDocument is one attempt of PutDocument; it sets out.Version.
func (s *Store) putDocument(ctx context.Context, out *store.Document, ifVersion int64) error {
	d := *out
	return s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			cur, err := documentVersion(ctx, tx, d.Project, d.Kind, d.Name)
			if err != nil {
				return err
			}
			switch {
			case ifVersion == 0 && cur != 0:
				return fmt.Errorf("config document %s/%q: %w", d.Kind, d.Name, store.ErrExists)
			case ifVersion > 0 && cur == 0:
				return fmt.Errorf("config document %s/%q: %w", d.Kind, d.Name, store.ErrNotFound)
			case ifVersion > 0 && cur != ifVersion:
				return fmt.Errorf("config document %s/%q is at version %d, not %d: %w", d.Kind, d.Name, cur, ifVersion, store.ErrVersionConflict)
			}
			out.Version = cur + 1
			if cur == 0 {
				_, err = tx.ExecContext(ctx, `INSERT INTO config_documents VALUES (?, ?, ?, ?, ?, ?)`,
					d.Project, d.Kind, d.Name, out.Version, string(d.Body), out.UpdatedAt.UnixNano())
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE config_documents SET version = ?, body = ?, updated_ns = ?
					WHERE project = ? AND kind = ? AND name = ?`,
					out.Version, string(d.Body), out.UpdatedAt.UnixNano(), d.Project, d.Kind, d.Name)
			}
			return err
		})
	})
}

// documentVersion is the stored version, 0 when there is none.
func documentVersion(ctx context.Context, tx *sql.Tx, project, kind, name string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
		project, kind, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// Document implements store.Documents.
func (s *Store) Document(ctx context.Context, project, kind, name string) (store.Document, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return store.Document{}, err
	}
	defer leave()
	d := store.Document{Project: project, Kind: kind, Name: name}
	var body string
	var updated int64
	err = s.db.QueryRowContext(ctx, `SELECT version, body, updated_ns FROM config_documents
		WHERE project = ? AND kind = ? AND name = ?`, project, kind, name).Scan(&d.Version, &body, &updated)
	if err != nil {
		return store.Document{}, notFound(err, "config document %s/%q", kind, name)
	}
	d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
	return d, nil
}

// Documents implements store.Documents.
func (s *Store) Documents(ctx context.Context, project, kind string) ([]store.Document, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	rows, err := s.db.QueryContext(ctx, `SELECT name, version, body, updated_ns FROM config_documents
		WHERE project = ? AND kind = ? ORDER BY name`, project, kind)
	if err != nil {
		return nil, fmt.Errorf("config documents %s: %w", kind, err)
	}
	defer rows.Close()
	var out []store.Document
	for rows.Next() {
		d := store.Document{Project: project, Kind: kind}
		var body string
		var updated int64
		if err := rows.Scan(&d.Name, &d.Version, &body, &updated); err != nil {
			return nil, fmt.Errorf("config documents %s: %w", kind, err)
		}
		d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("config documents %s: %w", kind, err)
	}
	return out, nil
}

// DeleteDocument implements store.Documents.
func (s *Store) DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error {
	if err := checkDocumentKey(project, kind, name); err != nil {
		return err
	}
	if ifVersion == 0 || ifVersion < store.AnyVersion {
		return fmt.Errorf("config document %s/%q: bad version %d", kind, name, ifVersion)
	}
	s.documentWrites.Lock()
	defer s.documentWrites.Unlock()
	err := s.retry(ctx, func() error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			cur, err := documentVersion(ctx, tx, project, kind, name)
			switch {
			case err != nil:
				return err
			case cur == 0:
				return fmt.Errorf("config document %s/%q: %w", kind, name, store.ErrNotFound)
			case ifVersion > 0 && cur != ifVersion:
				return fmt.Errorf("config document %s/%q is at version %d, not %d: %w", kind, name, cur, ifVersion, store.ErrVersionConflict)
			}
			_, err = tx.ExecContext(ctx, `DELETE FROM config_documents WHERE project = ? AND kind = ? AND name = ?`,
				project, kind, name)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("delete config document: %w", err)
	}
	return nil
}
