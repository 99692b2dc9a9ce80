package compat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	rollbargo "github.com/rollbar/rollbar-go"
)

// rollbarREST calls Rollbar's REST API of a real lookout with token (in
// the X-Rollbar-Access-Token header, when set) and decodes the envelope;
// it fails the test unless the status is want.
func rollbarREST(t *testing.T, method, url, token, contentType, body string, want int) map[string]any {
	t.Helper()
	h := map[string]string{}
	if token != "" {
		h["X-Rollbar-Access-Token"] = token
	}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	code, text, _ := httpCall{method: method, url: url, headers: h, body: body}.do(t)
	if code != want {
		t.Fatalf("%s %s: %d %s, want %d", method, url, code, text, want)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, url, text)
	}
	if wantErr := code >= 400; (out["err"] != 0.0) != wantErr {
		t.Fatalf("%s %s: err %v in %s", method, url, out["err"], text)
	}
	return out
}

// multipartForm encodes fields as `curl -F` does.
func multipartForm(t *testing.T, fields map[string]string) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

// TestRollbarREST drives Rollbar's REST API beyond items against a real
// lookout: a project and its tokens made through Rollbar's project API,
// a deploy reported as deploy scripts do (multipart form, token in the
// form) and finished with PATCH as Rollbar's GitHub action does, errors
// sent by rollbar-go after it, then the items' link to the deploy, the
// q= search, environments, the project's occurrences and their deletion,
// and the three reports.
func TestRollbarREST(t *testing.T) {
	in := startLookout(t, t.TempDir())
	api := in.HTTP + "/api/1"

	// Projects and tokens: open loopback until the first token exists.
	shop := rollbarREST(t, "POST", api+"/projects", "", "application/json", `{"name":"shop"}`, 200)["result"].(map[string]any)
	shopID := int64(shop["id"].(float64))
	projects := rollbarREST(t, "GET", api+"/projects", "", "", "", 200)["result"].([]any)
	if len(projects) != 2 {
		t.Fatalf("projects: %v, want default and shop", projects)
	}
	tokURL := fmt.Sprintf("%s/project/%d/access_tokens", api, shopID)
	tok := rollbarREST(t, "POST", tokURL, "", "application/json", `{"name":"ci","scopes":["post_server_item","read","write"]}`, 200)["result"].(map[string]any)
	secret, _ := tok["access_token"].(string)
	if len(secret) != 32 || tok["project_id"] != float64(shopID) {
		t.Fatalf("issued token: %v", tok)
	}
	post := rollbarREST(t, "POST", tokURL, secret, "application/json", `{"name":"poster","scopes":["post_server_item"]}`, 200)["result"].(map[string]any)
	postOnly := post["access_token"].(string)
	rollbarREST(t, "GET", api+"/projects", "", "", "", 401) // tokens are enforced now
	listed := rollbarREST(t, "GET", tokURL, secret, "", "", 200)["result"].([]any)
	if len(listed) != 2 || listed[0].(map[string]any)["access_token"] != nil {
		t.Fatalf("token list: %v, want two, without secrets", listed)
	}
	if ps := rollbarREST(t, "GET", api+"/projects", secret, "", "", 200)["result"].([]any); len(ps) != 1 || ps[0].(map[string]any)["name"] != "shop" {
		t.Fatalf("projects a shop token sees: %v", ps)
	}
	rollbarREST(t, "GET", fmt.Sprintf("%s/project/1", api), secret, "", "", 404) // another project's
	if p := rollbarREST(t, "GET", fmt.Sprintf("%s/project/%d", api, shopID), secret, "", "", 200)["result"].(map[string]any); p["name"] != "shop" {
		t.Fatalf("project %d: %v", shopID, p)
	}

	// A deploy as a deploy script reports it, then finished.
	ct, form := multipartForm(t, map[string]string{"access_token": postOnly, "environment": "production", "revision": "v1.0.0",
		"local_username": "ci", "rollbar_username": "ann", "comment": "release", "status": "started"})
	dep := rollbarREST(t, "POST", api+"/deploy/", "", ct, form, 200)
	deployID := dep["data"].(map[string]any)["deploy_id"].(float64)
	ct, form = multipartForm(t, map[string]string{"status": "succeeded"})
	patched := rollbarREST(t, "PATCH", fmt.Sprintf("%s/deploy/%d", api, int64(deployID)), postOnly, ct, form, 200)["result"].(map[string]any)
	if patched["id"] != deployID || patched["status"] != "succeeded" || patched["finish_time"] == nil || patched["revision"] != "v1.0.0" {
		t.Fatalf("patched deploy: %v", patched)
	}
	rollbarREST(t, "POST", api+"/deploy", postOnly, "application/json", `{"environment":"production"}`, 422) // no revision
	if got := rollbarREST(t, "GET", fmt.Sprintf("%s/deploy/%d", api, int64(deployID)), secret, "", "", 200)["result"].(map[string]any); got["status"] != "succeeded" || got["comment"] != "release" {
		t.Fatalf("deploy %v: %v", deployID, got)
	}
	deploys := rollbarREST(t, "GET", api+"/deploys", secret, "", "", 200)["result"].(map[string]any)["deploys"].([]any)
	if len(deploys) != 1 || deploys[0].(map[string]any)["local_username"] != "ci" {
		t.Fatalf("deploys: %v", deploys)
	}

	// Errors after the deploy, from the official client.
	var clientErrs []error
	c := rollbargo.NewSync(postOnly, "production", "v1.0.0", "web-1", "lookout/test/compat")
	c.SetEndpoint(api + "/item/")
	c.SetLogger(&captureLogger{errs: &clientErrs})
	defer c.Close()
	for id := range 3 {
		c.ErrorWithLevel(rollbargo.ERR, findOrder(id))
	}
	c.Message(rollbargo.WARN, "disk almost full")
	staging := rollbargo.NewSync(postOnly, "staging", "v1.0.1", "web-2", "lookout/test/compat")
	staging.SetEndpoint(api + "/item/")
	staging.SetLogger(&captureLogger{errs: &clientErrs})
	defer staging.Close()
	staging.Message(rollbargo.CRIT, "payment provider down")
	if len(clientErrs) > 0 {
		t.Fatalf("rollbar-go reported errors: %v", clientErrs)
	}

	search := func(q string) []map[string]any {
		res := rollbarREST(t, "GET", api+"/items?q="+strings.ReplaceAll(q, " ", "+"), secret, "", "", 200)["result"].(map[string]any)
		var out []map[string]any
		for _, it := range res["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	orders := search("order not found")
	if len(orders) != 1 || orders[0]["total_occurrences"] != 3.0 || orders[0]["platform"] == "" {
		t.Fatalf("q=order not found: %v", orders)
	}
	if d, _ := orders[0]["activating_deploy"].(map[string]any); d == nil || d["revision"] != "v1.0.0" || d["id"] != deployID {
		t.Errorf("the item's deploy: %v, want deploy %v of v1.0.0", orders[0]["activating_deploy"], deployID)
	}
	if got := search("level:critical environment:staging"); len(got) != 1 || got[0]["title"] != "payment provider down" || got[0]["activating_deploy"] != nil {
		t.Errorf("q=level:critical environment:staging: %v (no deploy to staging)", got)
	}
	if got := search("status:resolved"); len(got) != 0 {
		t.Errorf("q=status:resolved: %v", got)
	}
	if got := search(`"disk almost" level:warning,error`); len(got) != 1 {
		t.Errorf("q=disk almost, warning or error: %v", got)
	}
	bad := rollbarREST(t, "GET", api+"/items?q=host:web-1", secret, "", "", 422)
	if msg, _ := bad["message"].(string); !strings.Contains(msg, "host: is not supported") {
		t.Errorf("q=host:web-1: %v", bad)
	}

	envs := rollbarREST(t, "GET", api+"/environments", secret, "", "", 200)["result"].(map[string]any)["environments"].([]any)
	if len(envs) != 2 || envs[0].(map[string]any)["environment"] != "production" || envs[1].(map[string]any)["environment"] != "staging" {
		t.Errorf("environments: %v", envs)
	}

	// Reports: sums over their buckets, so that an hour boundary between
	// sending and reading changes nothing.
	top := rollbarREST(t, "GET", api+"/reports/top_active_items?hours=3&environments=production", secret, "", "", 200)["result"].([]any)
	if len(top) != 2 {
		t.Fatalf("top active items in production: %v", top)
	}
	first := top[0].(map[string]any)
	if it := first["item"].(map[string]any); it["title"] != orders[0]["title"] || it["occurrences"] != 3.0 || sum(first["counts"]) != 3 {
		t.Errorf("top item: %v", first)
	}
	if n := len(first["counts"].([]any)); n != 3 {
		t.Errorf("top item: %d hourly counts, want 3", n)
	}
	for _, c := range []struct {
		url  string
		want float64
	}{
		{"/reports/occurrence_counts?bucket_size=3600", 4},                 // error and critical (the default min_level)
		{"/reports/occurrence_counts?bucket_size=3600&min_level=debug", 5}, // every occurrence
		{"/reports/occurrence_counts?bucket_size=86400&environments=staging&min_level=debug", 1},
		{"/reports/activated_counts?bucket_size=86400&min_level=debug", 3},
		{"/reports/activated_counts?bucket_size=60&max_level=warning&min_level=warning", 1},
	} {
		res := rollbarREST(t, "GET", api+c.url, secret, "", "", 200)["result"].([]any)
		var total float64
		for _, b := range res {
			total += b.([]any)[1].(float64)
		}
		if total != c.want {
			t.Errorf("%s: %v in all, want %v: %v", c.url, total, c.want, res)
		}
	}
	rollbarREST(t, "GET", api+"/reports/occurrence_counts?bucket_size=7", secret, "", "", 422)

	// The project's occurrences, newest first; one deleted.
	inst := rollbarREST(t, "GET", api+"/instances", secret, "", "", 200)["result"].(map[string]any)["instances"].([]any)
	if len(inst) != 5 {
		t.Fatalf("instances: %d, want 5", len(inst))
	}
	newest := inst[0].(map[string]any)
	if newest["data"].(map[string]any)["environment"] != "staging" {
		t.Errorf("newest instance: %v", newest)
	}
	one := fmt.Sprintf("%s/instance/%d", api, int64(newest["id"].(float64)))
	rollbarREST(t, "DELETE", one, postOnly, "", "", 403)
	rollbarREST(t, "DELETE", one, secret, "", "", 200)
	rollbarREST(t, "GET", one, secret, "", "", 404)
	rollbarREST(t, "DELETE", one, secret, "", "", 404)
}

// sum adds a JSON list of numbers.
func sum(v any) float64 {
	var s float64
	for _, x := range v.([]any) {
		s += x.(float64)
	}
	return s
}
