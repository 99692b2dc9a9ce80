package awsjson

import (
	"net/http"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// Caller is what an operation knows of who calls: the project the call
// reads and writes, and the region its ARNs name.
type Caller struct {
	Project string
	Region  string
}

// Auth checks the callers of an API.
type Auth struct {
	// Keys are the access keys accepted (see ParseAccessKeys). When set,
	// every request must carry a valid SigV4 signature by one of them and
	// is served in that key's project. When empty, requests from loopback
	// addresses are served unverified, whatever their key, in
	// model.DefaultProject, and all others are refused
	// (AccessDeniedException).
	Keys map[string]AccessKey
	// Region is the caller's region when the SigV4 credential scope names
	// none.
	Region string
	// API names the API in the refusal of non-loopback callers ("the
	// CloudWatch Logs API").
	API string
	// Service is the service a signature's credential scope must name
	// ("logs").
	Service string
	// OpenToAnyone serves every caller as a loopback one while Keys is
	// empty (lookout serve --insecure-allow-anyone).
	OpenToAnyone bool
	// Now is the clock signatures are dated against.
	Now func() time.Time
}

// Authenticate reads the caller's access key id and region from the SigV4
// Authorization header and, with Keys set, verifies the signature with
// caller.VerifySigV4 (signed again with aws-sdk-go-v2's signer, scoped to
// Service). Failures are the service's: MissingAuthenticationTokenException
// (no signature), UnrecognizedClientException (unknown key),
// IncompleteSignatureException (malformed date), InvalidSignatureException
// (wrong signature, a credential scoped to another service, or more than
// 15 minutes of clock skew), all with status 400.
func (a Auth) Authenticate(r *http.Request, body []byte) (Caller, error) {
	cred, ok := caller.ParseSigV4(r.Header.Get("Authorization"))
	c := Caller{Project: model.DefaultProject, Region: a.Region}
	if ok && cred.Region != "" {
		c.Region = cred.Region
	}
	if len(a.Keys) == 0 {
		if !a.OpenToAnyone && !caller.Loopback(r.RemoteAddr) {
			return Caller{}, Errorf("AccessDeniedException",
				"no AWS access keys are configured: Lookout serves %s only to loopback clients; set --aws-access-keys to accept others", a.API)
		}
		return c, nil
	}
	secret := func(id string) (string, bool) { k, ok := a.Keys[id]; return k.Secret, ok }
	cred, err := caller.VerifySigV4(r, body, a.Service, secret, a.Now())
	if err != nil {
		return Caller{}, Errorf(err.Code, "%s", err.Message)
	}
	c.Project = a.Keys[cred.AccessKeyID].Project
	return c, nil
}
