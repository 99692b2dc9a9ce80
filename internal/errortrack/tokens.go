package errortrack

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Tokens is the access tokens of a running server: it looks them up through
// a cache (tokens never change), tells whether any exists yet, and issues
// new ones. Share one between whatever checks tokens and whatever issues
// them, so that the first token issued is enforced at once. It is safe for
// concurrent use.
type Tokens struct {
	store store.ProjectStore
	now   func() time.Time

	exist   atomic.Bool  // once true, stays true: tokens are never deleted
	recheck atomic.Int64 // unix nanos: when to count tokens again
	cache   sync.Map     // hash → model.AccessToken
}

// NewTokens counts the tokens in st once, to start; now (nil: time.Now)
// paces the recounts of AnyExist.
func NewTokens(ctx context.Context, st store.ProjectStore, now func() time.Time) (*Tokens, error) {
	if now == nil {
		now = time.Now
	}
	n, err := st.TokenCount(ctx)
	if err != nil {
		return nil, fmt.Errorf("count tokens: %w", err)
	}
	t := &Tokens{store: st, now: now}
	t.exist.Store(n > 0)
	return t, nil
}

// AnyExist reports whether any project has a token. While none does, the
// store is counted again at most once a second: tokens are created through
// this process (the store file is locked), whose Issue is known at once.
func (t *Tokens) AnyExist(ctx context.Context) (bool, error) {
	if t.exist.Load() {
		return true, nil
	}
	now := t.now().UnixNano()
	if now < t.recheck.Load() {
		return false, nil
	}
	n, err := t.store.TokenCount(ctx)
	if err != nil {
		return false, err
	}
	t.recheck.Store(now + int64(time.Second))
	if n > 0 {
		t.exist.Store(true)
	}
	return n > 0, nil
}

// Lookup finds the token whose secret is secret; store.ErrNotFound when
// there is none.
func (t *Tokens) Lookup(ctx context.Context, secret string) (model.AccessToken, error) {
	h := HashToken(secret)
	if tok, ok := t.cache.Load(h); ok {
		return tok.(model.AccessToken), nil
	}
	tok, err := t.store.TokenByHash(ctx, h)
	if err != nil {
		return tok, err
	}
	t.cache.Store(h, tok)
	return tok, nil
}

// Issue is IssueToken on the server's store; from then on AnyExist is true.
func (t *Tokens) Issue(ctx context.Context, project, name, scopes string) (model.AccessToken, string, error) {
	tok, secret, err := IssueToken(ctx, t.store, project, name, scopes)
	if err == nil {
		t.exist.Store(true)
	}
	return tok, secret, err
}
