package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

// UpdateQuota implements store.QuotaStore: one transaction that upserts
// the key's row, which locks it until the commit, so that concurrent
// changes of the key, from any node, run one after the other. The table
// is unlogged: the commit waits for no WAL flush.
func (s *Store) UpdateQuota(ctx context.Context, key store.QuotaKey, ttl time.Duration, change func([]byte) ([]byte, error)) error {
	project, kind, name := clean(key.Project), clean(key.Kind), clean(key.Name)
	var changeErr error
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var state []byte
		var expires int64
		err := tx.QueryRow(ctx, `INSERT INTO quota_states (project, kind, name, state, expires_ns)
			VALUES ($1, $2, $3, '', 0)
			ON CONFLICT (project, kind, name) DO UPDATE SET expires_ns = quota_states.expires_ns
			RETURNING state, expires_ns`, project, kind, name).Scan(&state, &expires)
		if err != nil {
			return err
		}
		now := time.Now()
		if expires <= now.UnixNano() {
			state = nil
		}
		next, err := change(state)
		if err != nil {
			changeErr = err
			return err
		}
		if next == nil {
			_, err = tx.Exec(ctx, `DELETE FROM quota_states WHERE project = $1 AND kind = $2 AND name = $3`,
				project, kind, name)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE quota_states SET state = $4, expires_ns = $5
			WHERE project = $1 AND kind = $2 AND name = $3`, project, kind, name, next, now.Add(ttl).UnixNano())
		return err
	})
	switch {
	case changeErr != nil && errors.Is(err, changeErr):
		return changeErr
	case err != nil:
		return fmt.Errorf("quota %s/%q: %w", key.Kind, key.Name, err)
	}
	return nil
}

// Quota implements store.QuotaStore.
func (s *Store) Quota(ctx context.Context, key store.QuotaKey) ([]byte, error) {
	var state []byte
	err := s.pool.QueryRow(ctx, `SELECT state FROM quota_states
		WHERE project = $1 AND kind = $2 AND name = $3 AND expires_ns > $4`,
		clean(key.Project), clean(key.Kind), clean(key.Name), time.Now().UnixNano()).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quota %s/%q: %w", key.Kind, key.Name, err)
	}
	return state, nil
}
