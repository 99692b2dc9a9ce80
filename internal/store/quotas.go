package store

import (
	"context"
	"sync"
	"time"
)

// QuotaKey names one piece of quota state: what a feature (Kind) keeps for
// one of its objects (Name) in a project, e.g. the clients of an X-Ray
// sampling rule's reservoir.
type QuotaKey struct {
	Project, Kind, Name string
}

// QuotaStore keeps the small, short-lived state that shares a limited rate
// among clients: every node using the same store reads and changes the same
// state, one change at a time, so that what the nodes hand out together
// stays within the limit. The state is not durable data: a store may lose
// it in a crash (the rate is then shared afresh).
type QuotaStore interface {
	// UpdateQuota runs change on the state stored under key (nil when there
	// is none or it expired) and stores what change returns, valid for ttl;
	// a nil state deletes it. No other UpdateQuota of the same key runs
	// between the read and the write, on any node. An error from change
	// leaves the state as it was and is returned as is. change may run
	// more than once when the store retries a conflicting transaction.
	UpdateQuota(ctx context.Context, key QuotaKey, ttl time.Duration, change func(state []byte) ([]byte, error)) error
	// Quota returns the state stored under key, nil when there is none or
	// it expired.
	Quota(ctx context.Context, key QuotaKey) ([]byte, error)
}

// LocalQuotas is a QuotaStore in the memory of one process: what a store
// used by one node at a time needs. The zero value is ready to use.
type LocalQuotas struct {
	mu      sync.Mutex
	states  map[QuotaKey]localQuota
	updates int
}

type localQuota struct {
	state   []byte
	expires time.Time
}

// UpdateQuota implements QuotaStore.
func (q *LocalQuotas) UpdateQuota(_ context.Context, key QuotaKey, ttl time.Duration, change func([]byte) ([]byte, error)) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	if q.states == nil {
		q.states = map[QuotaKey]localQuota{}
	}
	if q.updates++; q.updates%1024 == 0 { // forget what expired now and then
		for k, s := range q.states {
			if !s.expires.After(now) {
				delete(q.states, k)
			}
		}
	}
	var old []byte
	if s, ok := q.states[key]; ok && s.expires.After(now) {
		old = s.state
	}
	next, err := change(old)
	if err != nil {
		return err
	}
	if next == nil {
		delete(q.states, key)
		return nil
	}
	q.states[key] = localQuota{state: append([]byte(nil), next...), expires: now.Add(ttl)}
	return nil
}

// Quota implements QuotaStore.
func (q *LocalQuotas) Quota(_ context.Context, key QuotaKey) ([]byte, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s, ok := q.states[key]; ok && s.expires.After(time.Now()) {
		return append([]byte(nil), s.state...), nil
	}
	return nil, nil
}
