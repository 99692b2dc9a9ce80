package caller

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Credential is what a SigV4 Authorization header says about its signer:
// "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/logs/aws4_request,
// SignedHeaders=content-type;host;x-amz-date, Signature=<hex>".
type Credential struct {
	AccessKeyID   string
	Date          string // the credential scope's date, YYYYMMDD
	Region        string
	Service       string
	SignedHeaders []string // lower-case header names
	Signature     string   // hex
}

// ParseSigV4 reads a SigV4 Authorization header. It reports false when the
// header is not AWS4-HMAC-SHA256, its credential scope does not have five
// parts, or it names no access key id. It checks nothing else: a parsed
// credential is a claim until ExpectedSignature confirms it.
func ParseSigV4(auth string) (Credential, bool) {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return Credential{}, false
	}
	var c Credential
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 {
				return Credential{}, false
			}
			c.AccessKeyID, c.Date, c.Region, c.Service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			c.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			c.Signature = v
		}
	}
	return c, c.AccessKeyID != ""
}

// AccessKeyID returns the access key id that r's SigV4 Authorization header
// claims, or "" when r carries none. It does not verify the signature.
func AccessKeyID(r *http.Request) string {
	c, _ := ParseSigV4(r.Header.Get("Authorization"))
	return c.AccessKeyID
}

// errNoSignature means the signer left no Authorization header to read.
var errNoSignature = errors.New("the signer produced no signature")

// ExpectedSignature signs again, with aws-sdk-go-v2's signer, a copy of r
// that holds body and only the headers c lists as signed, as the holder of
// secret would have at time at, and returns that signature. r is genuine
// when it equals c.Signature; compare in constant time. The session token,
// if any, comes from r's X-Amz-Security-Token header.
func (c Credential) ExpectedSignature(r *http.Request, body []byte, secret string, at time.Time) (string, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	req, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Host = r.Host
	for _, name := range c.SignedHeaders {
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
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: secret,
		SessionToken: r.Header.Get("X-Amz-Security-Token")}
	err = v4.NewSigner().SignHTTP(r.Context(), creds, req, hex.EncodeToString(sum[:]), c.Service, c.Region, at)
	if err != nil {
		return "", err
	}
	got, ok := ParseSigV4(req.Header.Get("Authorization"))
	if !ok {
		return "", errNoSignature
	}
	return got.Signature, nil
}
