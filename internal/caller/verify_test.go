package caller

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestVerifySigV4(t *testing.T) {
	const body = `{"SamplingStatisticsDocuments":[]}`
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	secrets := map[string]string{"AKIDGOOD": "s3cret"}
	secret := func(id string) (string, bool) { s, ok := secrets[id]; return s, ok }
	sign := func(id, key, service string, at time.Time) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://xray.example/SamplingTargets", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: key}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		req  *http.Request
		body string
		code string // "" when accepted
	}{
		{"genuine", sign("AKIDGOOD", "s3cret", "xray", now), body, ""},
		{"a minute early", sign("AKIDGOOD", "s3cret", "xray", now.Add(time.Minute)), body, ""},
		{"unsigned", httptest.NewRequest(http.MethodPost, "/SamplingTargets", nil), body, CodeMissingToken},
		{"unknown key", sign("AKIDOTHER", "s3cret", "xray", now), body, CodeUnrecognizedClient},
		{"another service", sign("AKIDGOOD", "s3cret", "logs", now), body, CodeInvalidSignature},
		{"wrong secret", sign("AKIDGOOD", "guess", "xray", now), body, CodeInvalidSignature},
		{"altered body", sign("AKIDGOOD", "s3cret", "xray", now), `{}`, CodeInvalidSignature},
		{"stale", sign("AKIDGOOD", "s3cret", "xray", now.Add(-16*time.Minute)), body, CodeInvalidSignature},
		{"no date", func() *http.Request {
			r := sign("AKIDGOOD", "s3cret", "xray", now)
			r.Header.Del("X-Amz-Date")
			return r
		}(), body, CodeIncompleteSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := VerifySigV4(tc.req, []byte(tc.body), "xray", secret, now)
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code == "" && cred.AccessKeyID != "AKIDGOOD":
				t.Fatalf("credential %+v", cred)
			case tc.code != "" && (err == nil || err.Code != tc.code):
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}
