package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"lookout/internal/store"
)

// TestNodesCreateGroupsConcurrently: three nodes create groups in one
// project at once, some under the same names. The limit holds exactly, and
// each name is created once.
func TestNodesCreateGroupsConcurrently(t *testing.T) {
	ctx := context.Background()
	ns := nodes(t, 3)
	const limit, perNode = 5, 6
	var mu sync.Mutex
	created, exists, full := map[string]int{}, 0, 0
	var wg sync.WaitGroup
	errs := make(chan error, len(ns)*perNode)
	for node := range ns {
		for i := range perNode {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("g%d", (node*perNode+i)%8) // names repeat across nodes
				_, err := ns[node].CreateXRayGroup(ctx, store.XRayGroup{Project: "p", Name: name, ID: fmt.Sprint(node, i)}, limit)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					created[name]++
				case errors.Is(err, store.ErrExists):
					exists++
				case errors.Is(err, store.ErrLimit):
					full++
				default:
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	gs, err := ns[0].XRayGroups(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != limit || len(created) != limit {
		t.Errorf("%d groups stored, %d created; want %d", len(gs), len(created), limit)
	}
	for name, n := range created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
	if exists+full+len(created) != len(ns)*perNode || full == 0 {
		t.Errorf("created %d, exists %d, full %d of %d", len(created), exists, full, len(ns)*perNode)
	}
}
