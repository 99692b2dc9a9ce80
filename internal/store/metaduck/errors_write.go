package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

var _ store.ErrorStore = (*Store)(nil)

// UpdateItem implements store.ErrorWriter.
func (s *Store) UpdateItem(ctx context.Context, project string, id int64, edit func(*model.Item) error) (model.Item, error) {
	var it model.Item
	err := s.write(ctx, func() (err error) {
		it, err = s.updateItem(ctx, project, id, edit)
		return err
	})
	return it, err
}

func (s *Store) updateItem(ctx context.Context, project string, id int64, edit func(*model.Item) error) (model.Item, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return model.Item{}, fmt.Errorf("update item %d: begin: %w", id, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = ? AND id = ?`, project, id))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Item{}, fmt.Errorf("item %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return model.Item{}, fmt.Errorf("update item %d: %w", id, err)
	}
	if err := edit(&it); err != nil {
		return model.Item{}, err
	}
	if err := updateItemRow(ctx, tx, &it); err != nil {
		return model.Item{}, fmt.Errorf("update item %d: %w", id, err)
	}
	if err := s.durable(tx.Commit()); err != nil {
		return model.Item{}, fmt.Errorf("update item %d: commit: %w", id, err)
	}
	return it, nil
}

func updateItemRow(ctx context.Context, tx *sql.Tx, it *model.Item) error {
	args := itemArgs(it)
	_, err := tx.ExecContext(ctx, `UPDATE err_items SET title = ?, level = ?, status = ?, environment = ?,
		environments = ?, platform = ?, framework = ?, first_occurrence_id = ?, first_seen_ns = ?,
		last_occurrence_id = ?, last_seen_ns = ?, total = ?, last_activated_ns = ?, last_resolved_ns = ?,
		resolved_in_version = ?, activating_occurrence_id = ?, level_lock = ?, title_lock = ?, notifier_level = ?
		WHERE id = ?`, append(args[5:], it.ID)...)
	return err
}

// DeleteOccurrencesBefore implements store.ErrorWriter.
func (s *Store) DeleteOccurrencesBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func() error {
		res, err := s.db.ExecContext(ctx, `DELETE FROM err_occurrences WHERE received_ns < ?`, t.UnixNano())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return s.syncWAL()
	})
	if err != nil {
		return 0, fmt.Errorf("delete occurrences: %w", err)
	}
	return n, nil
}
