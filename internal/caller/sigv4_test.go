package caller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestParseSigV4(t *testing.T) {
	for _, tc := range []struct {
		name, auth string
		want       Credential
		ok         bool
	}{
		{"x-ray SDK", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/xray/aws4_request, SignedHeaders=host, Signature=abc",
			Credential{"AKIDEXAMPLE", "20150830", "us-east-1", "xray", []string{"host"}, "abc"}, true},
		{"logs, no spaces", "AWS4-HMAC-SHA256 Credential=AKID/20240501/eu-west-1/logs/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=0f9e",
			Credential{"AKID", "20240501", "eu-west-1", "logs", []string{"content-type", "host", "x-amz-date"}, "0f9e"}, true},
		{"empty", "", Credential{}, false},
		{"basic auth", "Basic dXNlcjpwYXNz", Credential{}, false},
		{"other algorithm", "AWS4-ECDSA-P256-SHA256 Credential=AKID/20240501/*/logs/aws4_request, Signature=ab", Credential{}, false},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20240501/logs, Signature=ab", Credential{}, false},
		{"no key id", "AWS4-HMAC-SHA256 Credential=/20240501/us-east-1/logs/aws4_request, Signature=ab", Credential{Date: "20240501", Region: "us-east-1", Service: "logs", Signature: "ab"}, false},
		{"no credential", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab", Credential{SignedHeaders: []string{"host"}, Signature: "ab"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseSigV4(tc.auth)
			if ok != tc.ok || (ok && !reflect.DeepEqual(got, tc.want)) {
				t.Errorf("ParseSigV4(%q) = %+v, %v; want %+v, %v", tc.auth, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAccessKeyID(t *testing.T) {
	for _, tc := range []struct{ auth, want string }{
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/xray/aws4_request, SignedHeaders=host, Signature=abc", "AKIDEXAMPLE"},
		{"", ""},
		{"Bearer AKIDEXAMPLE", ""},
	} {
		r := httptest.NewRequest(http.MethodPost, "/TraceSegments", nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		if got := AccessKeyID(r); got != tc.want {
			t.Errorf("AccessKeyID(%q) = %q, want %q", tc.auth, got, tc.want)
		}
	}
}

func TestExpectedSignature(t *testing.T) {
	const body = `{"logGroupNamePrefix":"a"}`
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	signed := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://logs.example/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Logs_20140328.DescribeLogGroups")
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: "AKIDGOOD", SecretAccessKey: "s3cret", SessionToken: token}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "logs", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		alter  func(r *http.Request)
		body   string
		secret string
		at     time.Time
		match  bool
	}{
		{"genuine", signed(""), nil, body, "s3cret", at, true},
		{"genuine with session token", signed("tok"), nil, body, "s3cret", at, true},
		{"unsigned header added", signed(""), func(r *http.Request) { r.Header.Set("X-Other", "1") }, body, "s3cret", at, true},
		{"wrong secret", signed(""), nil, body, "guess", at, false},
		{"altered body", signed(""), nil, `{}`, "s3cret", at, false},
		{"altered signed header", signed(""), func(r *http.Request) { r.Header.Set("X-Amz-Target", "Logs_20140328.DeleteLogGroup") }, body, "s3cret", at, false},
		{"altered session token", signed("tok"), func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "other") }, body, "s3cret", at, false},
		{"other time", signed(""), nil, body, "s3cret", at.Add(time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, ok := ParseSigV4(tc.req.Header.Get("Authorization"))
			if !ok {
				t.Fatalf("signer's header %q does not parse", tc.req.Header.Get("Authorization"))
			}
			if tc.alter != nil {
				tc.alter(tc.req)
			}
			got, err := cred.ExpectedSignature(tc.req, []byte(tc.body), tc.secret, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if (got == cred.Signature) != tc.match {
				t.Errorf("expected signature %s, sent %s: match %v, want %v", got, cred.Signature, got == cred.Signature, tc.match)
			}
		})
	}
}
