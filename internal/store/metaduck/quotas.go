package metaduck

import (
	"context"
	"time"

	"lookout/internal/store"
)

// UpdateQuota implements store.QuotaStore. The embedded store serves one
// process, so the state stays in its memory and is gone after a restart.
func (s *Store) UpdateQuota(ctx context.Context, key store.QuotaKey, ttl time.Duration, change func([]byte) ([]byte, error)) error {
	return s.quotas.UpdateQuota(ctx, key, ttl, change)
}

// Quota implements store.QuotaStore.
func (s *Store) Quota(ctx context.Context, key store.QuotaKey) ([]byte, error) {
	return s.quotas.Quota(ctx, key)
}
