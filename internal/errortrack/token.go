package errortrack

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Token scopes, as Rollbar names them.
const (
	ScopePostServerItem = "post_server_item"
	ScopePostClientItem = "post_client_item"
	ScopeRead           = "read"
	ScopeWrite          = "write"
)

// AllScopes lists every scope.
var AllScopes = []string{ScopePostServerItem, ScopePostClientItem, ScopeRead, ScopeWrite}

// NewToken returns a fresh project access token: 32 lower-case hex
// characters from 16 random bytes, the shape Rollbar issues.
func NewToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// HashToken returns the hex SHA-256 of a token: what the store keeps.
// Tokens carry 128 random bits, so a fast unsalted hash is enough.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ParseScopes reads a comma-separated scope list; it must name at least one
// scope and only known ones. Duplicates are dropped.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(AllScopes, p) {
			return nil, fmt.Errorf("scope %q: want %s", p, strings.Join(AllScopes, ", "))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("scopes: want at least one of %s", strings.Join(AllScopes, ", "))
	}
	return out, nil
}

// ClientPlatforms are the platforms whose reports a post_client_item token
// may send (browser and mobile SDKs).
var ClientPlatforms = []string{"browser", "android", "ios", "flash", "client"}

// PostScope reports the scope a report from platform needs:
// post_client_item for ClientPlatforms, post_server_item otherwise. A
// post_server_item token may post any platform.
func PostScope(platform string) string {
	if slices.Contains(ClientPlatforms, strings.ToLower(platform)) {
		return ScopePostClientItem
	}
	return ScopePostServerItem
}

// InvalidTokenError is a token request that breaks a rule (an unknown
// scope, a name too long); its text names the field.
type InvalidTokenError struct{ Err error }

func (e *InvalidTokenError) Error() string { return e.Err.Error() }
func (e *InvalidTokenError) Unwrap() error { return e.Err }

// IssueToken creates a token with the comma-separated scopes (default
// post_server_item) for an existing project and returns it with its
// secret, which is not stored anywhere: only its SHA-256 is. Invalid scopes
// or names come back as an *InvalidTokenError; a missing project as
// store.ErrNotFound. Tokens.Issue is the same for a running server.
func IssueToken(ctx context.Context, st store.ProjectStore, project, name, scopes string) (model.AccessToken, string, error) {
	if strings.TrimSpace(scopes) == "" {
		scopes = ScopePostServerItem
	}
	sc, err := ParseScopes(scopes)
	if err != nil {
		return model.AccessToken{}, "", &InvalidTokenError{err}
	}
	if len(name) > 64 {
		return model.AccessToken{}, "", &InvalidTokenError{fmt.Errorf("name: at most 64 characters, got %d", len(name))}
	}
	secret, err := NewToken()
	if err != nil {
		return model.AccessToken{}, "", err
	}
	t := model.AccessToken{Hash: HashToken(secret), Project: project, Name: name, Scopes: sc}
	if err := st.CreateToken(ctx, t); err != nil {
		return model.AccessToken{}, "", err
	}
	return t, secret, nil
}
