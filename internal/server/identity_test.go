package server

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"lookout/internal/identity"
	"lookout/internal/receiver/awsjson"
)

const (
	testAPIKey = "server-test-key-0123456789"
	testOpKey  = "server-test-operator-0123456789"
)

// TestMainPortIdentity pins what the identity layer answers on the main
// and X-Ray ports once keys are configured, and what it refuses to
// browsers from other sites.
func TestMainPortIdentity(t *testing.T) {
	r := startWith(t, func(c *Config) {
		c.APIKeys, _ = identity.ParseKeys(testAPIKey+":shop,"+testOpKey+":*", true)
		c.AWSAccessKeys = map[string]awsjson.AccessKey{"AKIDSERVER": {Secret: "s3cret", Project: "shop"}}
	})
	bearer := func(k string) map[string]string { return map[string]string{"Authorization": "Bearer " + k} }
	foreign := map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
	r.run(t, []scenario{
		{name: "api without a key", method: "GET", path: "/api/services", status: 401, contentType: jsonType, contains: "needs an API key",
			header: map[string]string{"WWW-Authenticate": `Bearer realm="lookout"`}},
		{name: "api with a key", method: "GET", path: "/api/services", headers: bearer(testAPIKey), status: 200, contentType: jsonType},
		{name: "another project", method: "GET", path: "/api/search?project=default", headers: bearer(testAPIKey), status: 403,
			contentType: jsonType, contains: `does not grant project \"default\"`},
		{name: "status needs every project", method: "GET", path: "/api/status", headers: bearer(testAPIKey), status: 403},
		{name: "status with the operator key", method: "GET", path: "/api/status", headers: bearer(testOpKey), status: 200},
		{name: "ui redirects to the login", method: "GET", path: "/traces", status: 303, header: map[string]string{"Location": "/login?next=%2Ftraces"}},
		{name: "login form", method: "GET", path: "/login", status: 200, contentType: html, contains: `name="key"`},
		{name: "assets are public", method: "GET", path: "/assets/gone.js", status: 404},
		{name: "health is public", method: "GET", path: "/healthz", status: 200},
		{name: "rollbar keeps its tokens", method: "GET", path: "/api/1/items", status: 200, contains: `"err":0`},
		{name: "a bearer key does not pass a cross-site post", method: "POST", path: "/api/query", headers: map[string]string{"Authorization": "Bearer " + testAPIKey,
			"Origin": "http://evil.example"}, body: `{}`, status: 403, contains: "cross-site request refused"},
		{name: "x-ray api unsigned", method: "POST", path: "/GetSamplingRules", headers: jsonBody, body: `{}`, status: 403,
			header: map[string]string{"X-Amzn-ErrorType": "MissingAuthenticationTokenException"}},
		{name: "x-ray api with an API key, as the UI calls it", method: "POST", path: "/GetSamplingRules",
			headers: map[string]string{"Authorization": "Bearer " + testAPIKey, "Content-Type": jsonType}, body: `{}`,
			status: 200, contains: `"SamplingRuleRecords"`},
		{name: "x-ray daemon port takes no API key", port: onXRay, method: "POST", path: "/GetSamplingRules",
			headers: map[string]string{"Authorization": "Bearer " + testAPIKey, "Content-Type": jsonType}, body: `{}`,
			status: 403, header: map[string]string{"X-Amzn-ErrorType": "MissingAuthenticationTokenException"}},
		{name: "x-ray daemon port, unsigned local sampling poll", port: onXRay, method: "POST", path: "/GetSamplingRules",
			headers: jsonBody, body: `{}`, status: 200, contains: `"SamplingRuleRecords"`},
		{name: "x-ray daemon port, cross-site", port: onXRay, method: "POST", path: "/UpdateSamplingRule", headers: foreign,
			body: `{}`, status: 403, header: map[string]string{"X-Amzn-ErrorType": "AccessDeniedException"}},
	})
}

func TestCheckExposure(t *testing.T) {
	keys, _ := identity.ParseKeys(testAPIKey+":shop", false)
	aws := map[string]awsjson.AccessKey{"AKID": {Secret: "s", Project: "p"}}
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		tokens int64
		err    string // "" when it may start
	}{
		{name: "loopback", edit: func(*Config) {}},
		{name: "localhost", edit: func(c *Config) { c.HTTPAddr = "localhost:8686" }},
		{name: "every interface", edit: func(c *Config) { c.HTTPAddr = ":8686" }, err: "--http-addr :8686 (set --api-keys"},
		{name: "an address", edit: func(c *Config) { c.HTTPAddr = "192.0.2.2:8686" }, err: "--http-addr 192.0.2.2:8686"},
		{name: "with API keys", edit: func(c *Config) { c.HTTPAddr, c.APIKeys = "0.0.0.0:8686", keys }},
		{name: "with AWS keys", edit: func(c *Config) { c.HTTPAddr, c.AWSAccessKeys = "0.0.0.0:8686", aws }},
		{name: "with Rollbar tokens", edit: func(c *Config) { c.HTTPAddr = "0.0.0.0:8686" }, tokens: 2},
		{name: "otlp", edit: func(c *Config) { c.OTLP.GRPCAddr = "0.0.0.0:4317" }, err: "--otlp-grpc-addr 0.0.0.0:4317 (set --otlp-keys)"},
		{name: "otlp with keys", edit: func(c *Config) { c.OTLP.GRPCAddr, c.OTLP.HTTPAddr, c.OTLPKeys = ":4317", ":4318", keys }},
		{name: "x-ray", edit: func(c *Config) { c.XRayAddr = "[::]:2000" }, err: "--xray-addr [::]:2000"},
		{name: "x-ray with AWS keys", edit: func(c *Config) { c.XRayAddr, c.AWSAccessKeys = "[::]:2000", aws }},
		{name: "anyone", edit: func(c *Config) { c.HTTPAddr, c.XRayAddr, c.AllowAnyone = ":8686", ":2000", true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := checkExposure(context.Background(), cfg, tc.tokens, slog.New(slog.DiscardHandler))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "--insecure-allow-anyone")):
				t.Fatalf("got %v, want a refusal naming %q", err, tc.err)
			}
		})
	}
}
