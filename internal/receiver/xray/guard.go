package xray

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"lookout/internal/caller"
	"lookout/internal/identity"
	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
)

// sigV4Service is the credential scope's service of the X-Ray API.
const sigV4Service = "xray"

// Guard decides who may call the X-Ray API (PutTraceSegments, reads,
// sampling) and in which project, in front of its handlers on both ports.
// The project granted is in the request's context (identity.Project).
//
//   - With Keys, a call must carry a SigV4 signature by one of them,
//     scoped to the xray service, verified with caller.VerifySigV4 as the
//     CloudWatch Logs API does, and is served in the key's project.
//     Exception: on the daemon address (Daemon), unsigned calls from
//     local clients are served in model.DefaultProject, since the X-Ray
//     SDKs poll sampling rules and targets there unsigned, as from the
//     X-Ray daemon.
//   - A call carrying a credential of Lookout's own that Lookout takes
//     (an API key or a UI login, as the web UI sends) is served in its
//     project.
//   - Without Keys, local clients (identity.Local: loopback, addressed by a
//     loopback host) are served in model.DefaultProject, signed or not,
//     and all others refused; AllowAnyone serves everyone so.
//
// Refusals are the restJson error shape with status 403:
// AccessDeniedException, or the SigV4 error code.
type Guard struct {
	Keys   map[string]caller.AccessKey
	Daemon bool
	// Lookout returns the project a call's credential of Lookout's own
	// grants, if it carries a valid one (identity.Gate.KeyProject); nil
	// takes none.
	Lookout      func(*http.Request) (string, bool)
	AllowAnyone  bool
	MaxBodyBytes int64            // the body read to verify a signature; default 16 MiB
	Now          func() time.Time // nil: time.Now
}

// Wrap puts g in front of next.
func (g Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project, err := g.authorize(r)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				restjson.WriteError(w, http.StatusRequestEntityTooLarge, "InvalidRequestException",
					fmt.Sprintf("request body exceeds %d bytes", tooBig.Limit))
				return
			}
			code := "AccessDeniedException"
			var se *caller.SigV4Error
			if errors.As(err, &se) {
				code, err = se.Code, errors.New(se.Message)
			}
			restjson.WriteError(w, http.StatusForbidden, code, err.Error())
			return
		}
		next.ServeHTTP(w, r.WithContext(identity.WithProject(r.Context(), project)))
	})
}

// authorize returns the project of r, or why it is refused. To verify a
// signature it reads the body and puts it back for next.
func (g Guard) authorize(r *http.Request) (string, error) {
	if g.Lookout != nil {
		if project, ok := g.Lookout(r); ok {
			return project, nil
		}
	}
	open := g.AllowAnyone || identity.Local(r)
	if len(g.Keys) == 0 {
		if open {
			return model.DefaultProject, nil
		}
		return "", errors.New("no AWS access keys are configured: Lookout serves the X-Ray API only to loopback clients (addressed by a loopback host); set --aws-access-keys to accept signed calls from others")
	}
	if g.Daemon && open && r.Header.Get("Authorization") == "" {
		return model.DefaultProject, nil
	}
	// Refuse what cannot be genuine before reading a body for it.
	if _, err := caller.SigV4Claim(r, func(id string) bool { _, ok := g.Keys[id]; return ok }); err != nil {
		return "", err
	}
	limit := g.MaxBodyBytes
	if limit <= 0 {
		limit = 16 << 20
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		return "", err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	secret := func(id string) (string, bool) { k, ok := g.Keys[id]; return k.Secret, ok }
	cred, serr := caller.VerifySigV4(r, body, sigV4Service, secret, now())
	if serr != nil {
		return "", serr
	}
	return g.Keys[cred.AccessKeyID].Project, nil
}

// DenyCrossSite answers, in the X-Ray API's error shape, a state-changing
// call a browser sent from another site (identity.CrossSite).
func DenyCrossSite(w http.ResponseWriter, r *http.Request) {
	restjson.WriteError(w, http.StatusForbidden, "AccessDeniedException", identity.CrossSiteMessage(r))
}
