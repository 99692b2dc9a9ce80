package rollbar

import (
	"errors"
	"net/http"
	"slices"

	"lookout/internal/caller"
	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
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
	exist, err := r.tokens.AnyExist(req.Context())
	if err != nil {
		return "", fail(http.StatusInternalServerError, "token lookup failed: "+err.Error())
	}
	if !exist {
		if r.cfg.OpenLoopback && (r.cfg.OpenToAnyone || caller.Loopback(req.RemoteAddr)) {
			r.openOnce.Do(func() {
				r.log.Info("rollbar: no access token exists yet: accepting any token from loopback into project \"default\"; create one with `lookout token create` to enforce tokens")
			})
			return model.DefaultProject, nil
		}
		return "", fail(http.StatusUnauthorized, msgBadToken+" (no token exists yet: create one with `lookout token create`)")
	}
	if token == "" {
		return "", fail(http.StatusUnauthorized, msgBadToken)
	}
	t, err := r.tokens.Lookup(req.Context(), token)
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

// authorizer lends restapi the receiver's token check.
type authorizer struct{ r *Receiver }

func (a authorizer) Authorize(req *http.Request, token string, scopes ...string) (string, *wire.Error) {
	return a.r.authorize(req, token, scopes...)
}
