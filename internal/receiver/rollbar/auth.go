package rollbar

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"lookout/internal/caller"
	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// Messages of the documented auth failures.
const (
	msgBadToken = "invalid access token"
	msgScope    = "access token does not have the required scope"
)

// authorize resolves the project of a request whose token is token and
// which needs one of scopes. While no token exists at all, a loopback
// client (with OpenLoopback) gets the default project whatever its token;
// otherwise the token must exist (401) and carry a scope (403).
func (r *Receiver) authorize(req *http.Request, token string, scopes ...string) (string, *apiError) {
	if !r.haveTokens.Load() {
		// "No token" is re-checked at most once a second: tokens are only
		// created through this process (the store file is locked).
		var n int64
		if now := r.now().UnixNano(); now >= r.recheckTokens.Load() {
			var err error
			if n, err = r.store.TokenCount(req.Context()); err != nil {
				return "", fail(http.StatusInternalServerError, "token lookup failed: "+err.Error())
			}
			r.recheckTokens.Store(now + int64(time.Second))
		}
		if n > 0 {
			r.haveTokens.Store(true)
		} else if r.cfg.OpenLoopback && (r.cfg.OpenToAnyone || caller.Loopback(req.RemoteAddr)) {
			r.openOnce.Do(func() {
				r.log.Info("rollbar: no access token exists yet: accepting any token from loopback into project \"default\"; create one with `lookout token create` to enforce tokens")
			})
			return model.DefaultProject, nil
		} else {
			return "", fail(http.StatusUnauthorized, msgBadToken+" (no token exists yet: create one with `lookout token create`)")
		}
	}
	if token == "" {
		return "", fail(http.StatusUnauthorized, msgBadToken)
	}
	t, err := r.token(req, token)
	if errors.Is(err, store.ErrNotFound) {
		return "", fail(http.StatusUnauthorized, msgBadToken)
	}
	if err != nil {
		return "", fail(http.StatusInternalServerError, "token lookup failed: "+err.Error())
	}
	if !slices.ContainsFunc(scopes, t.HasScope) {
		return "", fail(http.StatusForbidden, msgScope)
	}
	return t.Project, nil
}

// token looks a token up by hash, through a cache: tokens never change.
func (r *Receiver) token(req *http.Request, token string) (model.AccessToken, error) {
	h := errortrack.HashToken(token)
	if t, ok := r.tokens.Load(h); ok {
		return t.(model.AccessToken), nil
	}
	t, err := r.store.TokenByHash(req.Context(), h)
	if err != nil {
		return t, err
	}
	r.tokens.Store(h, t)
	return t, nil
}

// postScopes lists the scopes that may post a report from platform.
func postScopes(platform string) []string {
	if errortrack.PostScope(platform) == errortrack.ScopePostClientItem {
		return []string{errortrack.ScopePostClientItem, errortrack.ScopePostServerItem}
	}
	return []string{errortrack.ScopePostServerItem}
}

// headerOrQueryToken reads the token of a read-API request.
func headerOrQueryToken(req *http.Request) string {
	if t := req.Header.Get("X-Rollbar-Access-Token"); t != "" {
		return t
	}
	return req.URL.Query().Get("access_token")
}
