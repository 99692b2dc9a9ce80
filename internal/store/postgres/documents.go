package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

func checkDocumentKey(project, kind, name string) error {
	if project == "" || kind == "" || name == "" {
		return fmt.Errorf("config document: project, kind and name must be set (got %q, %q, %q)", project, kind, name)
	}
	return nil
}

// PutDocument implements store.Documents. Each case is one statement that
// checks the version and writes (compare-and-swap), so concurrent puts
// from any number of nodes each see the version they replaced.
func (s *Store) PutDocument(ctx context.Context, d store.Document, ifVersion int64) (store.Document, error) {
	if err := checkDocumentKey(d.Project, d.Kind, d.Name); err != nil {
		return store.Document{}, err
	}
	if !json.Valid(d.Body) || !utf8.Valid(d.Body) {
		return store.Document{}, fmt.Errorf("config document %s/%q: body is not JSON", d.Kind, d.Name)
	}
	if ifVersion < store.AnyVersion {
		return store.Document{}, fmt.Errorf("config document %s/%q: bad version %d", d.Kind, d.Name, ifVersion)
	}
	out := d
	out.UpdatedAt = time.Now().UTC()
	args := []any{d.Project, d.Kind, d.Name, string(d.Body), out.UpdatedAt.UnixNano()}
	var err error
	switch {
	case ifVersion == 0:
		err = s.pool.QueryRow(ctx, `INSERT INTO config_documents (project, kind, name, version, body, updated_ns)
			VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING RETURNING version`, args...).Scan(&out.Version)
		if errors.Is(err, pgx.ErrNoRows) {
			err = fmt.Errorf("config document %s/%q: %w", d.Kind, d.Name, store.ErrExists)
		}
	case ifVersion == store.AnyVersion:
		err = s.pool.QueryRow(ctx, `INSERT INTO config_documents AS d (project, kind, name, version, body, updated_ns)
			VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (project, kind, name)
			DO UPDATE SET version = d.version + 1, body = excluded.body, updated_ns = excluded.updated_ns
			RETURNING version`, args...).Scan(&out.Version)
	default:
		err = s.pool.QueryRow(ctx, `UPDATE config_documents SET version = version + 1, body = $4, updated_ns = $5
			WHERE project = $1 AND kind = $2 AND name = $3 AND version = $6 RETURNING version`,
			append(args, ifVersion)...).Scan(&out.Version)
		if errors.Is(err, pgx.ErrNoRows) {
			err = s.versionMismatch(ctx, d.Project, d.Kind, d.Name, ifVersion)
		}
	}
	if err != nil {
		return store.Document{}, fmt.Errorf("put config document: %w", err)
	}
	return out, nil
}

// versionMismatch explains why a write of version ifVersion changed
// nothing: the document is absent, or at another version.
func (s *Store) versionMismatch(ctx context.Context, project, kind, name string, ifVersion int64) error {
	var cur int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3`,
		project, kind, name).Scan(&cur)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("config document %s/%q: %w", kind, name, store.ErrNotFound)
	case err != nil:
		return err
	}
	return fmt.Errorf("config document %s/%q is at version %d, not %d: %w", kind, name, cur, ifVersion, store.ErrVersionConflict)
}

// Document implements store.Documents.
func (s *Store) Document(ctx context.Context, project, kind, name string) (store.Document, error) {
	d := store.Document{Project: project, Kind: kind, Name: name}
	var body string
	var updated int64
	err := s.pool.QueryRow(ctx, `SELECT version, body, updated_ns FROM config_documents
		WHERE project = $1 AND kind = $2 AND name = $3`, project, kind, name).Scan(&d.Version, &body, &updated)
	if err != nil {
		return store.Document{}, notFound(err, "config document %s/%q", kind, name)
	}
	d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
	return d, nil
}

// Documents implements store.Documents.
func (s *Store) Documents(ctx context.Context, project, kind string) ([]store.Document, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, version, body, updated_ns FROM config_documents
		WHERE project = $1 AND kind = $2 ORDER BY name`, project, kind)
	if err != nil {
		return nil, fmt.Errorf("config documents %s: %w", kind, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Document, error) {
		d := store.Document{Project: project, Kind: kind}
		var body string
		var updated int64
		err := r.Scan(&d.Name, &d.Version, &body, &updated)
		d.Body, d.UpdatedAt = []byte(body), fromNanos(updated)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("config documents %s: %w", kind, err)
	}
	return out, nil
}

// DeleteDocument implements store.Documents, as a compare-and-swap like
// PutDocument.
func (s *Store) DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error {
	if err := checkDocumentKey(project, kind, name); err != nil {
		return err
	}
	if ifVersion == 0 || ifVersion < store.AnyVersion {
		return fmt.Errorf("config document %s/%q: bad version %d", kind, name, ifVersion)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM config_documents WHERE project = $1 AND kind = $2 AND name = $3
		AND ($4::bigint = -1 OR version = $4)`, project, kind, name, ifVersion)
	if err == nil && tag.RowsAffected() == 0 {
		if ifVersion == store.AnyVersion {
			err = fmt.Errorf("config document %s/%q: %w", kind, name, store.ErrNotFound)
		} else {
			err = s.versionMismatch(ctx, project, kind, name, ifVersion)
		}
	}
	if err != nil {
		return fmt.Errorf("delete config document: %w", err)
	}
	return nil
}
