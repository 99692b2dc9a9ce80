package cwlogs

import (
	"net/http"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// sigV4Service is the credential scope's service of CloudWatch Logs.
const sigV4Service = "logs"

// authenticate reads the caller's access key id and region from the SigV4
// header. When Config.Keys is set, it verifies the signature (and that it
// is scoped to the logs service) with caller.VerifySigV4 and takes the
// key's project; otherwise it serves loopback clients only (anyone with
// Config.OpenToAnyone), in the default project.
func (h *Handler) authenticate(r *http.Request, body []byte) (*call, error) {
	cred, ok := caller.ParseSigV4(r.Header.Get("Authorization"))
	c := &call{project: model.DefaultProject, region: h.cfg.Region}
	if ok && cred.Region != "" {
		c.region = cred.Region
	}
	if len(h.cfg.Keys) == 0 {
		if !h.cfg.OpenToAnyone && !caller.Loopback(r.RemoteAddr) {
			return nil, &apiError{"AccessDeniedException", http.StatusBadRequest,
				"no AWS access keys are configured: Lookout serves the CloudWatch Logs API only to loopback clients; set --aws-access-keys to accept others"}
		}
		return c, nil
	}
	secret := func(id string) (string, bool) { k, ok := h.cfg.Keys[id]; return k.Secret, ok }
	cred, err := caller.VerifySigV4(r, body, sigV4Service, secret, h.now())
	if err != nil {
		return nil, newAPIError(err.Code, "%s", err.Message)
	}
	c.project = h.cfg.Keys[cred.AccessKeyID].Project
	return c, nil
}
