package awsjson

import (
	"crypto/subtle"
	"net/http"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// maxClockSkew is how far X-Amz-Date may be from the server's clock.
const maxClockSkew = 15 * time.Minute

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
	// Now is the clock signatures are dated against.
	Now func() time.Time
}

// Authenticate reads the caller's access key id and region from the SigV4
// Authorization header and, with Keys set, verifies the signature by
// signing the same request again with aws-sdk-go-v2's signer. Failures are
// the service's: MissingAuthenticationTokenException (no signature),
// UnrecognizedClientException (unknown key), IncompleteSignatureException
// (malformed date), InvalidSignatureException (wrong signature, or more than
// 15 minutes of clock skew), all with status 400.
func (a Auth) Authenticate(r *http.Request, body []byte) (Caller, error) {
	cred, ok := caller.ParseSigV4(r.Header.Get("Authorization"))
	c := Caller{Project: model.DefaultProject, Region: a.Region}
	if ok && cred.Region != "" {
		c.Region = cred.Region
	}
	if len(a.Keys) == 0 {
		if !caller.Loopback(r.RemoteAddr) {
			return Caller{}, Errorf("AccessDeniedException",
				"no AWS access keys are configured: Lookout serves %s only to loopback clients; set --aws-access-keys to accept others", a.API)
		}
		return c, nil
	}
	if !ok {
		return Caller{}, Errorf("MissingAuthenticationTokenException", "Request is missing Authentication Token")
	}
	key, known := a.Keys[cred.AccessKeyID]
	if !known {
		return Caller{}, Errorf("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	signed, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return Caller{}, Errorf("IncompleteSignatureException", "X-Amz-Date is missing or malformed")
	}
	if d := a.Now().Sub(signed); d > maxClockSkew || d < -maxClockSkew {
		return Caller{}, Errorf("InvalidSignatureException", "Signature expired: %s is more than 15 minutes from the server time", signed.Format(time.RFC3339))
	}
	want, err := cred.ExpectedSignature(r, body, key.Secret, signed)
	if err != nil {
		return Caller{}, Errorf("IncompleteSignatureException", "cannot verify the signature: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(cred.Signature)) != 1 {
		return Caller{}, Errorf("InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	c.Project = key.Project
	return c, nil
}
