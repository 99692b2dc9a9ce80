package errortrack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// memProjects is an in-memory store.ProjectStore of the default project
// that counts its token lookups.
type memProjects struct {
	mu      sync.Mutex
	tokens  map[string]model.AccessToken
	counts  int // TokenCount calls
	lookups int // TokenByHash calls
}

func (m *memProjects) CreateProject(context.Context, string) (model.Project, error) {
	return model.Project{}, store.ErrExists
}

func (m *memProjects) Project(_ context.Context, name string) (model.Project, error) {
	if name != model.DefaultProject {
		return model.Project{}, store.ErrNotFound
	}
	return model.Project{ID: 1, Name: name}, nil
}

func (m *memProjects) Projects(context.Context) ([]model.Project, error) {
	return []model.Project{{ID: 1, Name: model.DefaultProject}}, nil
}

func (m *memProjects) CreateToken(_ context.Context, t model.AccessToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.Project != model.DefaultProject {
		return store.ErrNotFound
	}
	m.tokens[t.Hash] = t
	return nil
}

func (m *memProjects) TokenByHash(_ context.Context, hash string) (model.AccessToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lookups++
	t, ok := m.tokens[hash]
	if !ok {
		return t, store.ErrNotFound
	}
	return t, nil
}

func (m *memProjects) TokenCount(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts++
	return int64(len(m.tokens)), nil
}

// TestTokens checks that a store without tokens is counted again at most
// once a second, that a token issued elsewhere is seen by the next count,
// one issued through Tokens at once, and that lookups are cached.
func TestTokens(t *testing.T) {
	ctx := context.Background()
	st := &memProjects{tokens: map[string]model.AccessToken{}}
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tokens, err := NewTokens(ctx, st, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	exist := func() bool {
		t.Helper()
		ok, err := tokens.AnyExist(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if exist() || exist() || st.counts != 2 {
		t.Fatalf("no tokens: %d counts, want the start's and one more within the second", st.counts)
	}
	if _, _, err := IssueToken(ctx, st, model.DefaultProject, "elsewhere", ""); err != nil {
		t.Fatal(err)
	}
	if exist() {
		t.Fatal("a token issued elsewhere is seen before the next count is due")
	}
	clock = clock.Add(time.Second)
	if !exist() {
		t.Fatal("a token issued elsewhere is not seen once the count is due")
	}

	st2 := &memProjects{tokens: map[string]model.AccessToken{}}
	tokens2, err := NewTokens(ctx, st2, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := tokens2.Issue(ctx, model.DefaultProject, "ci", "read,write")
	if err != nil || strings.Join(tok.Scopes, ",") != "read,write" {
		t.Fatalf("issue: %+v %v", tok, err)
	}
	if ok, _ := tokens2.AnyExist(ctx); !ok {
		t.Fatal("a token issued through Tokens is not enforced at once")
	}
	for range 3 {
		if got, err := tokens2.Lookup(ctx, secret); err != nil || got.Name != "ci" {
			t.Fatalf("lookup: %+v %v", got, err)
		}
	}
	if _, err := tokens2.Lookup(ctx, "not a token"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v, want store.ErrNotFound", err)
	}
	if st2.lookups != 2 {
		t.Errorf("%d store lookups, want 2: one per token, then the cache", st2.lookups)
	}
}

func TestIssueTokenErrors(t *testing.T) {
	ctx := context.Background()
	st := &memProjects{tokens: map[string]model.AccessToken{}}
	var invalid *InvalidTokenError
	for _, c := range []struct {
		project, name, scopes string
		invalid               bool
		want                  string
	}{
		{model.DefaultProject, "x", "everything", true, `scope "everything"`},
		{model.DefaultProject, strings.Repeat("n", 65), "", true, "name: at most 64 characters"},
		{"nope", "x", "", false, store.ErrNotFound.Error()},
	} {
		_, _, err := IssueToken(ctx, st, c.project, c.name, c.scopes)
		if err == nil || errors.As(err, &invalid) != c.invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("IssueToken(%q, %q, %q) = %v, want an error with %q (invalid: %v)", c.project, c.name, c.scopes, err, c.want, c.invalid)
		}
	}
}
