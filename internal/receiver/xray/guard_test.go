package xray

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"lookout/internal/caller"
	"lookout/internal/identity"
)

// uiSession grants "ui-project" to a request with the cookie session=ok,
// as identity.Gate.KeyProject does to a login session.
func uiSession(r *http.Request) (string, bool) {
	c, err := r.Cookie("session")
	return "ui-project", err == nil && c.Value == "ok"
}

func TestGuard(t *testing.T) {
	const body = `{"SamplingStatisticsDocuments":[]}`
	keys := map[string]caller.AccessKey{"AKIDSHOP": {Secret: "s3cret", Project: "shop"}}
	sign := func(service, secret string) func(*http.Request) {
		return func(r *http.Request) {
			sum := sha256.Sum256([]byte(body))
			creds := aws.Credentials{AccessKeyID: "AKIDSHOP", SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	const local, remote = "127.0.0.1:5000", "192.0.2.9:5000"
	for _, tc := range []struct {
		name   string
		guard  Guard
		remote string
		host   string
		prep   func(*http.Request)
		status int
		want   string // the project granted, or the error type
	}{
		{name: "no keys, local", remote: local, status: 200, want: "default"},
		{name: "no keys, local, signed by anyone", remote: local, prep: sign("xray", "whatever"), status: 200, want: "default"},
		{name: "no keys, remote", remote: remote, status: 403, want: "AccessDeniedException"},
		{name: "no keys, rebound host", remote: local, host: "evil.example:2000", status: 403, want: "AccessDeniedException"},
		{name: "no keys, anyone", guard: Guard{AllowAnyone: true}, remote: remote, status: 200, want: "default"},
		{name: "keys, signed", guard: Guard{Keys: keys}, remote: remote, prep: sign("xray", "s3cret"), status: 200, want: "shop"},
		{name: "keys, signed for logs", guard: Guard{Keys: keys}, remote: remote, prep: sign("logs", "s3cret"), status: 403,
			want: caller.CodeInvalidSignature},
		{name: "keys, wrong secret", guard: Guard{Keys: keys}, remote: local, prep: sign("xray", "guess"), status: 403,
			want: caller.CodeInvalidSignature},
		{name: "keys, unsigned local", guard: Guard{Keys: keys}, remote: local, status: 403, want: caller.CodeMissingToken},
		{name: "keys, unsigned local on the daemon address", guard: Guard{Keys: keys, Daemon: true}, remote: local, status: 200, want: "default"},
		{name: "keys, unsigned remote on the daemon address", guard: Guard{Keys: keys, Daemon: true}, remote: remote, status: 403,
			want: caller.CodeMissingToken},
		{name: "keys, signed on the daemon address", guard: Guard{Keys: keys, Daemon: true}, remote: remote, prep: sign("xray", "s3cret"),
			status: 200, want: "shop"},
		{name: "keys, Lookout's own credential", guard: Guard{Keys: keys, Lookout: uiSession}, remote: remote,
			prep: func(r *http.Request) { r.Header.Set("Cookie", "session=ok") }, status: 200, want: "ui-project"},
		{name: "no keys, Lookout's own credential", guard: Guard{Lookout: uiSession}, remote: remote,
			prep: func(r *http.Request) { r.Header.Set("Cookie", "session=ok") }, status: 200, want: "ui-project"},
		{name: "keys, a wrong credential of Lookout's", guard: Guard{Keys: keys, Lookout: uiSession}, remote: remote,
			prep: func(r *http.Request) { r.Header.Set("Cookie", "session=no") }, status: 403, want: caller.CodeMissingToken},
		{name: "keys, body too large", guard: Guard{Keys: keys, MaxBodyBytes: 8}, remote: local, prep: sign("xray", "s3cret"),
			status: 413, want: "InvalidRequestException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:2000/SamplingTargets", strings.NewReader(body))
			r.RemoteAddr = tc.remote
			if tc.host != "" {
				r.Host = tc.host
			}
			if tc.prep != nil {
				tc.prep(r)
			}
			w := httptest.NewRecorder()
			tc.guard.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if string(b) != body {
					t.Errorf("the handler read %q", b)
				}
				_, _ = io.WriteString(w, identity.Project(r.Context()))
			})).ServeHTTP(w, r)
			got := w.Body.String()
			if w.Code != 200 {
				got = w.Header().Get("X-Amzn-ErrorType")
			}
			if w.Code != tc.status || got != tc.want {
				t.Errorf("%d %q (%s), want %d %q", w.Code, got, w.Body, tc.status, tc.want)
			}
		})
	}
}
