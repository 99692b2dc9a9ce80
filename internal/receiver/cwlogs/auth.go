package cwlogs

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"lookout/internal/model"
)

// credential is what a SigV4 Authorization header says about its signer:
// "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/logs/aws4_request,
// SignedHeaders=content-type;host;x-amz-date, Signature=<hex>".
type credential struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
	signature                          string
}

func parseAuthorization(auth string) (credential, bool) {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return credential{}, false
	}
	var c credential
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 {
				return credential{}, false
			}
			c.accessKeyID, c.date, c.region, c.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			c.signedHeaders = strings.Split(v, ";")
		case "Signature":
			c.signature = v
		}
	}
	return c, c.accessKeyID != ""
}

// maxClockSkew is how far X-Amz-Date may be from the server's clock.
const maxClockSkew = 15 * time.Minute

// authenticate reads the caller's access key id and region from the SigV4
// header. When Config.Keys is set, it verifies the signature by signing the
// same request again with aws-sdk-go-v2's signer and takes the key's
// project; otherwise it serves loopback clients only, in the default project.
func (h *Handler) authenticate(r *http.Request, body []byte) (*call, error) {
	cred, ok := parseAuthorization(r.Header.Get("Authorization"))
	c := &call{project: model.DefaultProject, region: h.cfg.Region}
	if ok && cred.region != "" {
		c.region = cred.region
	}
	if len(h.cfg.Keys) == 0 {
		if !isLoopback(r.RemoteAddr) {
			return nil, &apiError{"AccessDeniedException", http.StatusBadRequest,
				"no AWS access keys are configured: Lookout serves the CloudWatch Logs API only to loopback clients; set --aws-access-keys to accept others"}
		}
		return c, nil
	}
	if !ok {
		return nil, newAPIError("MissingAuthenticationTokenException", "Request is missing Authentication Token")
	}
	key, known := h.cfg.Keys[cred.accessKeyID]
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
	want, err := resign(r, body, cred, key.Secret, signed)
	if err != nil {
		return nil, newAPIError("IncompleteSignatureException", "cannot verify the signature: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(cred.signature)) != 1 {
		return nil, newAPIError("InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	c.project = key.Project
	return c, nil
}

// isLoopback reports whether a request's RemoteAddr is a loopback address.
func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// resign signs a copy of r that holds only the headers the client signed and
// returns the signature.
func resign(r *http.Request, body []byte, cred credential, secret string, at time.Time) (string, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	req, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Host = r.Host
	for _, name := range cred.signedHeaders {
		switch name {
		case "host":
		case "content-length":
			req.ContentLength = int64(len(body))
		default:
			for _, v := range r.Header.Values(name) {
				req.Header.Add(name, v)
			}
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: cred.accessKeyID, SecretAccessKey: secret,
		SessionToken: r.Header.Get("X-Amz-Security-Token")}
	err = v4.NewSigner().SignHTTP(r.Context(), creds, req, hex.EncodeToString(sum[:]), cred.service, cred.region, at)
	if err != nil {
		return "", err
	}
	got, ok := parseAuthorization(req.Header.Get("Authorization"))
	if !ok {
		return "", errNoSignature
	}
	return got.signature, nil
}
