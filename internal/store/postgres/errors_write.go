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

// UpdateItem implements store.ErrorWriter: the item is locked FOR UPDATE
// while edit runs, so an edit and concurrent occurrences (from any node)
// apply one after the other.
func (s *Store) UpdateItem(ctx context.Context, project string, id int64, edit func(*model.Item) error) (model.Item, error) {
	var it model.Item
	var editErr error
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		it, err = scanItem(tx.QueryRow(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = $1 AND id = $2 FOR UPDATE`,
			clean(project), id))
		if err != nil {
			return notFound(err, "item %d", id)
		}
		if editErr = edit(&it); editErr != nil {
			return editErr
		}
		b := &pgx.Batch{}
		queueItemUpdate(b, &it)
		return tx.SendBatch(ctx, b).Close()
	})
	switch {
	case editErr != nil && errors.Is(err, editErr):
		return model.Item{}, editErr
	case errors.Is(err, store.ErrNotFound):
		return model.Item{}, err
	case err != nil:
		return model.Item{}, fmt.Errorf("update item %d: %w", id, err)
	}
	return it, nil
}

// DeleteOccurrencesBefore implements store.ErrorWriter.
func (s *Store) DeleteOccurrencesBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM err_occurrences WHERE received_ns < $1`, t.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("delete occurrences: %w", err)
	}
	return tag.RowsAffected(), nil
}
