package postgres

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"lookout/internal/store"
)

// TestNodesUpdateQuotaOneAtATime: writers on two nodes increment one
// quota state at once; no increment is lost, so each change saw the
// state the previous one stored, whichever node made it.
func TestNodesUpdateQuotaOneAtATime(t *testing.T) {
	ctx := context.Background()
	ns := nodes(t, 2)
	key := store.QuotaKey{Project: "p", Kind: "test.counter", Name: "r"}
	const writers, increments = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for node := range ns {
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range increments {
					err := ns[node].UpdateQuota(ctx, key, time.Minute, func(state []byte) ([]byte, error) {
						n, _ := strconv.Atoi(string(state))
						return []byte(strconv.Itoa(n + 1)), nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := ns[1].Quota(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(2 * writers * increments); string(got) != want {
		t.Errorf("state %q after every increment, want %s", got, want)
	}
}
