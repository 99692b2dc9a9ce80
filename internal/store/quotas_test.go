package store

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestLocalQuotas: concurrent changes of one key run one at a time;
// expired states read as none; nil deletes.
func TestLocalQuotas(t *testing.T) {
	ctx := context.Background()
	var q LocalQuotas
	key := QuotaKey{Project: "p", Kind: "k", Name: "r"}
	inc := func(state []byte) ([]byte, error) {
		n, _ := strconv.Atoi(string(state))
		return []byte(strconv.Itoa(n + 1)), nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if err := q.UpdateQuota(ctx, key, time.Minute, inc); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	steps := []struct {
		name string
		ttl  time.Duration
		put  []byte
		want string // what Quota reads after the step; "-" none
	}{
		{"every increment counted", time.Minute, []byte("800"), "800"},
		{"expired at once", 0, []byte("x"), "-"},
		{"kept", time.Minute, []byte("y"), "y"},
		{"deleted", time.Minute, nil, "-"},
	}
	for _, s := range steps {
		if s.name != "every increment counted" {
			if err := q.UpdateQuota(ctx, key, s.ttl, func([]byte) ([]byte, error) { return s.put, nil }); err != nil {
				t.Fatal(err)
			}
		}
		got, err := q.Quota(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if (s.want == "-") != (got == nil) || (got != nil && string(got) != s.want) {
			t.Errorf("%s: state %q, want %s", s.name, got, s.want)
		}
	}
}
