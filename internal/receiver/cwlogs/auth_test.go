package cwlogs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"

	"lookout/internal/receiver/awsjson"
)

func TestSigV4Verification(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Keys = map[string]awsjson.AccessKey{"AKIDGOOD": {Secret: "s3cret", Project: "default"}, "AKIDSHOP": {Secret: "shh", Project: "shop"}}
	})
	ctx := context.Background()
	client := func(id, secret string) *cwl.Client {
		return cwl.New(cwl.Options{Region: "eu-west-1", BaseEndpoint: aws.String(e.srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	}
	if _, err := client("AKIDGOOD", "s3cret").CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("signed")}); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	for _, c := range []struct{ id, secret, code string }{
		{"AKIDGOOD", "wrong", "InvalidSignatureException"},
		{"AKIDOTHER", "s3cret", "UnrecognizedClientException"},
		{"AKIDSHOP", "s3cret", "InvalidSignatureException"}, // another key's secret
	} {
		_, err := client(c.id, c.secret).DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
		var ae smithy.APIError
		var re interface{ HTTPStatusCode() int }
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code || !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
			t.Errorf("%s/%s: %v, want %s (400)", c.id, c.secret, err, c.code)
		}
	}
	// The key selects the project: the shop key sees none of default's groups.
	out, err := client("AKIDSHOP", "shh").DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
	if err != nil || len(out.LogGroups) != 0 {
		t.Fatalf("shop project: %v, %d groups, want none", err, len(out.LogGroups))
	}
}

// TestAuthScenarios sends raw requests: unsigned, signed then altered,
// signed and stale, and unsigned from a non-loopback address without keys.
// It switches the handler's keys between cases, so it runs sequentially.
func TestAuthScenarios(t *testing.T) {
	e := newEnv(t)
	keys := map[string]awsjson.AccessKey{"AKIDGOOD": {Secret: "s3cret", Project: "default"}}
	body := `{"logGroupNamePrefix":"a"}`
	sign := func(r *http.Request, at time.Time) {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDGOOD", SecretAccessKey: "s3cret"},
			r, hex.EncodeToString(sum[:]), "logs", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		keys   map[string]awsjson.AccessKey
		remote string
		prep   func(r *http.Request)
		status int
		code   string // "" for success
	}{
		{"signed", keys, "203.0.113.9:5000", func(r *http.Request) { sign(r, time.Now()) }, 200, ""},
		{"unsigned", keys, "127.0.0.1:5000", func(*http.Request) {}, 400, "MissingAuthenticationTokenException"},
		{"altered body", keys, "127.0.0.1:5000", func(r *http.Request) {
			sign(r, time.Now())
			r.Body = http.NoBody
			r.ContentLength = 0
		}, 400, "InvalidSignatureException"},
		{"altered header", keys, "127.0.0.1:5000", func(r *http.Request) {
			sign(r, time.Now())
			r.Header.Set("X-Amz-Target", targetPrefix+"DescribeLogStreams")
		}, 400, "InvalidSignatureException"},
		{"stale", keys, "127.0.0.1:5000", func(r *http.Request) { sign(r, time.Now().Add(-20*time.Minute)) }, 400, "InvalidSignatureException"},
		{"no keys, loopback", nil, "127.0.0.1:5000", func(*http.Request) {}, 200, ""},
		{"no keys, loopback v6", nil, "[::1]:5000", func(*http.Request) {}, 200, ""},
		{"no keys, remote", nil, "203.0.113.9:5000", func(r *http.Request) { sign(r, time.Now()) }, 400, "AccessDeniedException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://logs.example/", strings.NewReader(body))
			r.RemoteAddr = c.remote
			r.Header.Set("X-Amz-Target", targetPrefix+"DescribeLogGroups")
			r.Header.Set("Content-Type", awsjson.ContentType)
			c.prep(r)
			w := httptest.NewRecorder()
			e.h.cfg.Keys = c.keys
			e.h.ServeHTTP(w, r)
			var got struct {
				Type string `json:"__type"`
			}
			_ = json.NewDecoder(bytes.NewReader(w.Body.Bytes())).Decode(&got)
			if w.Code != c.status || got.Type != c.code {
				t.Fatalf("%d %s, want %d %q", w.Code, w.Body, c.status, c.code)
			}
		})
	}
}
