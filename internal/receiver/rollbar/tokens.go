package rollbar

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// IssueToken creates a token with the comma-separated scopes (default
// post_server_item) for an existing project and returns it with its
// secret, which is not stored anywhere: only its SHA-256 is. Invalid scopes
// or names come back as an error whose text names the field; a missing
// project as store.ErrNotFound. Used by the API and `lookout token create`.
func IssueToken(ctx context.Context, st store.ProjectStore, project, name, scopes string) (model.AccessToken, string, error) {
	if strings.TrimSpace(scopes) == "" {
		scopes = errortrack.ScopePostServerItem
	}
	sc, err := errortrack.ParseScopes(scopes)
	if err != nil {
		return model.AccessToken{}, "", &badRequest{err}
	}
	if len(name) > 64 {
		return model.AccessToken{}, "", &badRequest{fmt.Errorf("name: at most 64 characters, got %d", len(name))}
	}
	secret, err := errortrack.NewToken()
	if err != nil {
		return model.AccessToken{}, "", err
	}
	t := model.AccessToken{Hash: errortrack.HashToken(secret), Project: project, Name: name, Scopes: sc}
	if err := st.CreateToken(ctx, t); err != nil {
		return model.AccessToken{}, "", err
	}
	return t, secret, nil
}
