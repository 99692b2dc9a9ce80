package cwlogs

import (
	"crypto/subtle"
	"net/http"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// maxClockSkew is how far X-Amz-Date may be from the server's clock.
const maxClockSkew = 15 * time.Minute

// authenticate reads the caller's access key id and region from the SigV4
// header. When Config.Keys is set, it verifies the signature by signing the
// same request again with aws-sdk-go-v2's signer and takes the key's
// project; otherwise it serves loopback clients only, in the default project.
func (h *Handler) authenticate(r *http.Request, body []byte) (*call, error) {
	cred, ok := caller.ParseSigV4(r.Header.Get("Authorization"))
	c := &call{project: model.DefaultProject, region: h.cfg.Region}
	if ok && cred.Region != "" {
		c.region = cred.Region
	}
	if len(h.cfg.Keys) == 0 {
		if !caller.Loopback(r.RemoteAddr) {
			return nil, &apiError{"AccessDeniedException", http.StatusBadRequest,
				"no AWS access keys are configured: Lookout serves the CloudWatch Logs API only to loopback clients; set --aws-access-keys to accept others"}
		}
		return c, nil
	}
	if !ok {
		return nil, newAPIError("MissingAuthenticationTokenException", "Request is missing Authentication Token")
	}
	key, known := h.cfg.Keys[cred.AccessKeyID]
	if !known {
		return nil, newAPIError("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	signed, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return nil, newAPIError("IncompleteSignatureException", "X-Amz-Date is missing or malformed")
	}
	if d := h.now().Sub(signed); d > maxClockSkew || d < -maxClockSkew {
		return nil, newAPIError("InvalidSignatureException", "Signature expired: %s is more than 15 minutes from the server time", signed.Format(time.RFC3339))
	}
	want, err := cred.ExpectedSignature(r, body, key.Secret, signed)
	if err != nil {
		return nil, newAPIError("IncompleteSignatureException", "cannot verify the signature: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(cred.Signature)) != 1 {
		return nil, newAPIError("InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	c.project = key.Project
	return c, nil
}
