package caller

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"time"
)

// MaxClockSkew is how far a signed request's X-Amz-Date may be from the
// server's clock, as AWS allows.
const MaxClockSkew = 15 * time.Minute

// SigV4Error is why VerifySigV4 did not accept a request, in the terms AWS
// services answer with: Code is the error type (the __type or
// X-Amzn-ErrorType a client reads), Message its text.
type SigV4Error struct {
	Code    string
	Message string
}

func (e *SigV4Error) Error() string { return e.Code + ": " + e.Message }

// The codes of SigV4Error.
const (
	CodeMissingToken        = "MissingAuthenticationTokenException"
	CodeUnrecognizedClient  = "UnrecognizedClientException"
	CodeIncompleteSignature = "IncompleteSignatureException"
	CodeInvalidSignature    = "InvalidSignatureException"
)

// VerifySigV4 checks that r, whose body is body, carries a genuine SigV4
// signature for service, dated within MaxClockSkew of now, by an access key
// that secret knows (secret returns the key's secret and true, or false
// for a key it does not know). It signs the request again with
// aws-sdk-go-v2's signer and compares in constant time. It returns the
// verified credential, or a *SigV4Error: MissingAuthenticationTokenException
// (no signature), UnrecognizedClientException (unknown key),
// IncompleteSignatureException (no or malformed X-Amz-Date) or
// InvalidSignatureException (a credential scoped to another service, an
// expired or a wrong signature).
func VerifySigV4(r *http.Request, body []byte, service string, secret func(accessKeyID string) (string, bool), now time.Time) (Credential, *SigV4Error) {
	cred, claimErr := SigV4Claim(r, func(id string) bool { _, ok := secret(id); return ok })
	if claimErr != nil {
		return Credential{}, claimErr
	}
	key, _ := secret(cred.AccessKeyID)
	if cred.Service != service {
		return Credential{}, &SigV4Error{CodeInvalidSignature,
			fmt.Sprintf("Credential should be scoped to correct service: '%s'.", service)}
	}
	signed, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return Credential{}, &SigV4Error{CodeIncompleteSignature, "X-Amz-Date is missing or malformed"}
	}
	if d := now.Sub(signed); d > MaxClockSkew || d < -MaxClockSkew {
		return Credential{}, &SigV4Error{CodeInvalidSignature,
			fmt.Sprintf("Signature expired: %s is more than 15 minutes from the server time", signed.Format(time.RFC3339))}
	}
	want, err := cred.ExpectedSignature(r, body, key, signed)
	if err != nil {
		return Credential{}, &SigV4Error{CodeIncompleteSignature, fmt.Sprintf("cannot verify the signature: %v", err)}
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(cred.Signature)) != 1 {
		return Credential{}, &SigV4Error{CodeInvalidSignature,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return cred, nil
}

// SigV4Claim reads r's SigV4 credential and checks what can be checked
// before its body is read: that there is one (else
// MissingAuthenticationTokenException) and that known knows its access
// key (else UnrecognizedClientException).
func SigV4Claim(r *http.Request, known func(accessKeyID string) bool) (Credential, *SigV4Error) {
	cred, ok := ParseSigV4(r.Header.Get("Authorization"))
	if !ok {
		return Credential{}, &SigV4Error{CodeMissingToken, "Request is missing Authentication Token"}
	}
	if !known(cred.AccessKeyID) {
		return Credential{}, &SigV4Error{CodeUnrecognizedClient, "The security token included in the request is invalid."}
	}
	return cred, nil
}

// AccessKey is an AWS access key's secret and the project that requests
// signed with it read and write.
type AccessKey struct {
	Secret  string
	Project string
}
