package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// TestProjectsAndTokens: the default project exists; names are unique and
// case-sensitive; a token needs its project and reads back whole.
func TestProjectsAndTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		def, err := s.Project(ctx, "default")
		if err != nil || def.ID == 0 || def.Created.IsZero() {
			t.Fatalf("default project: %+v, %v", def, err)
		}
		shop, err := s.CreateProject(ctx, "shop")
		if err != nil || shop.ID == def.ID || shop.Name != "shop" || time.Since(shop.Created) > time.Minute {
			t.Fatalf("create: %+v, %v", shop, err)
		}
		for _, name := range []string{"shop", "default"} {
			if _, err := s.CreateProject(ctx, name); !errors.Is(err, store.ErrExists) {
				t.Errorf("create %q again: %v, want ErrExists", name, err)
			}
		}
		if _, err := s.Project(ctx, "SHOP"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("project SHOP: %v, want ErrNotFound", err)
		}
		if got, err := s.Project(ctx, "shop"); err != nil || got.ID != shop.ID || !got.Created.Equal(shop.Created) {
			t.Errorf("project shop: %+v, %v; created %+v", got, err, shop)
		}
		ps, err := s.Projects(ctx)
		if err != nil || len(ps) != 2 || ps[0].Name != "default" || ps[1].Name != "shop" {
			t.Errorf("projects: %+v, %v", ps, err)
		}

		created := t0.Add(123 * time.Nanosecond)
		tokens := []struct {
			tok  model.AccessToken
			want error
		}{
			{model.AccessToken{Hash: "h1", Project: "nope", Scopes: []string{"read"}}, store.ErrNotFound},
			{model.AccessToken{Hash: "h1", Project: "shop", Name: "ci ✓", Scopes: []string{"post_server_item", "read"}, Created: created}, nil},
			{model.AccessToken{Hash: "h2", Project: "default", Name: "no scopes", Created: created}, nil},
		}
		for _, tc := range tokens {
			if err := s.CreateToken(ctx, tc.tok); !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Errorf("create token %+v: %v, want %v", tc.tok, err, tc.want)
			}
		}
		for _, tc := range tokens[1:] {
			got, err := s.TokenByHash(ctx, tc.tok.Hash)
			if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.tok) || !got.Created.Equal(created) {
				t.Errorf("token %s: %+v, %v; want %+v", tc.tok.Hash, got, err, tc.tok)
			}
		}
		if _, err := s.TokenByHash(ctx, "H1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token H1: %v, want ErrNotFound", err)
		}
		if n, err := s.TokenCount(ctx); err != nil || n != 2 {
			t.Errorf("token count %d, %v", n, err)
		}
	})
}

// TestNodesCreateProjectConcurrently: of concurrent creations of one name
// from two nodes, exactly one succeeds.
func TestNodesCreateProjectConcurrently(t *testing.T) {
	ns := nodes(t, 2)
	var wg sync.WaitGroup
	results := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ns[i%2].CreateProject(context.Background(), "race")
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrExists):
			t.Error(err)
		}
	}
	if ok != 1 {
		t.Errorf("%d creations succeeded, want 1", ok)
	}
}
