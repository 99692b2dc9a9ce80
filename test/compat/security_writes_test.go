package compat

import (
	"net/http"
	"strings"
	"testing"
)

// TestCrossSiteWritesRefused plays a foreign web page that posts, as a
// browser lets any page do without asking (text/plain, no preflight), to
// a zero-config Lookout on loopback: minting a token (which would lock
// local notifiers out), creating a project, rewriting sampling rules on
// both ports. Each gets 403 and changes nothing; the UI's own same-origin
// JSON requests still work.
func TestCrossSiteWritesRefused(t *testing.T) {
	in := startLookout(t, t.TempDir())
	foreign := map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
	oldBrowser := map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"} // no Sec-Fetch-Site
	const zeroRate = `{"SamplingRuleUpdate":{"RuleName":"Default","FixedRate":0}}`
	for _, tc := range []struct {
		name    string
		call    httpCall
		status  int
		errType string // the X-Ray API's X-Amzn-ErrorType
	}{
		{name: "mint a token", call: httpCall{method: "POST", url: in.HTTP + "/api/errors/tokens", headers: foreign,
			body: `{"scopes":["post_server_item"]}`}, status: 403},
		{name: "mint a token, old browser", call: httpCall{method: "POST", url: in.HTTP + "/api/errors/tokens", headers: oldBrowser,
			body: `{"scopes":["post_server_item"]}`}, status: 403},
		{name: "create a project", call: httpCall{method: "POST", url: in.HTTP + "/api/errors/projects", headers: foreign,
			body: `{"name":"evil"}`}, status: 403},
		{name: "sampling rule, main port", call: httpCall{method: "POST", url: in.HTTP + "/UpdateSamplingRule", headers: foreign,
			body: zeroRate}, status: 403, errType: "AccessDeniedException"},
		{name: "sampling rule, X-Ray port", call: httpCall{method: "POST", url: in.XRayAPI + "/UpdateSamplingRule", headers: foreign,
			body: zeroRate}, status: 403, errType: "AccessDeniedException"},
		{name: "new sampling rule, X-Ray port, old browser", call: httpCall{method: "POST", url: in.XRayAPI + "/CreateSamplingRule",
			headers: oldBrowser, body: `{"SamplingRule":{"RuleName":"evil","Priority":1,"FixedRate":0,"ReservoirSize":0,"ResourceARN":"*",` +
				`"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","Version":1}}`},
			status: 403, errType: "AccessDeniedException"},
		{name: "a form without an origin", call: httpCall{method: "POST", url: in.HTTP + "/api/errors/tokens",
			headers: map[string]string{"Content-Type": "text/plain"}, body: `{"scopes":["post_server_item"]}`}, status: 415},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, h := tc.call.do(t)
			if status != tc.status || h.Get("X-Amzn-ErrorType") != tc.errType {
				t.Errorf("%d %s (%s), want %d %s", status, body, h.Get("X-Amzn-ErrorType"), tc.status, tc.errType)
			}
		})
	}

	// Nothing changed: no token exists (any token is still taken from
	// loopback), no project, the Default rule keeps its rate.
	reportErrorOf(t, in, "any-token-while-none-exists", "still open", randomTraceID())
	rules := listRules(t, xrayClient(in.XRayAPI))
	if d, ok := rules["Default"]; !ok || d.FixedRate != 0.05 || len(rules) != 1 {
		t.Errorf("sampling rules after the attempts: %+v", rules)
	}
	// The UI's own requests: same origin, JSON (201: "evil" was not made
	// before).
	same := map[string]string{"Content-Type": "application/json", "Origin": in.HTTP, "Sec-Fetch-Site": "same-origin"}
	status, body, _ := httpCall{method: "POST", url: in.HTTP + "/api/errors/projects", headers: same, body: `{"name":"evil"}`}.do(t)
	if status != http.StatusCreated || !strings.Contains(body, `"evil"`) {
		t.Errorf("same-origin JSON request: %d %s", status, body)
	}
}
