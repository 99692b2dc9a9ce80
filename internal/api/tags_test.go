package api

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// values is the expected v2 tagValues list: type/value pairs.
func values(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, `{"type":"`+pairs[i]+`","value":"`+pairs[i+1]+`"}`)
	}
	return `{"tagValues":[` + strings.Join(parts, ",") + `]}`
}

func TestTags(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, func(c *Config) { c.Query, c.Version = st, "1.2.3" })
	v2 := func(tag string) string { return "/api/v2/search/tag/" + url.PathEscape(tag) + "/values" }
	run(t, srv, []scenario{
		{name: "v1 tag names", url: "/api/search/tags", status: 200, json: `{"tagNames":["big","db.system","host.name","http.status_code",
			"http.url","list","map","name","ok","ratio","raw","service.name","status","traceId"]}`},
		{name: "v2 scopes", url: "/api/v2/search/tags", status: 200, json: `{"scopes":[
			{"name":"resource","tags":["host.name","service.name"]},
			{"name":"span","tags":["big","db.system","http.status_code","http.url","list","map","ok","ratio","raw","traceId"]},
			{"name":"event","tags":["key"]},
			{"name":"intrinsic","tags":["duration","event:name","instrumentation:name","instrumentation:version","kind","name",
				"rootName","rootServiceName","span:duration","span:id","span:kind","span:name","span:parentID","span:status",
				"span:statusMessage","status","statusMessage","trace:duration","trace:id","trace:rootName","trace:rootService","traceDuration"]}]}`},
		{name: "v2 one scope", url: "/api/v2/search/tags?scope=resource", status: 200,
			json: `{"scopes":[{"name":"resource","tags":["host.name","service.name"]}]}`},
		{name: "v2 intrinsic scope", url: "/api/v2/search/tags?scope=intrinsic", status: 200, contains: []string{`"name":"intrinsic"`},
			notContains: []string{`"resource"`}},
		{name: "v2 window without spans", url: "/api/v2/search/tags?scope=span&start=" + unix(-20*time.Hour) + "&end=" + unix(-19*time.Hour),
			status: 200, json: `{"scopes":[{"name":"span","tags":[]}]}`},
		{name: "v2 bad scope", url: "/api/v2/search/tags?scope=link", status: 400,
			json: `{"error":"scope: \"link\": want resource, span, event, intrinsic or all"}`},

		{name: "v1 names", url: "/api/search/tag/name/values", status: 200,
			json: `{"tagValues":["GET /cart","GET /short","POST /pay","SELECT cart","xray-segment"]}`},
		{name: "v1 int attribute", url: "/api/search/tag/http.status_code/values", status: 200, json: `{"tagValues":["200","500"]}`},
		{name: "v1 services", url: "/api/search/tag/service.name/values", status: 200,
			json: `{"tagValues":["checkout","db","legacy","payment"]}`},
		{name: "v1 status", url: "/api/search/tag/status/values", status: 200, json: `{"tagValues":["error","ok","unset"]}`},
		{name: "v1 unknown key", url: "/api/search/tag/nope/values", status: 200, json: `{"tagValues":[]}`},
		{name: "v1 window", url: "/api/search/tag/name/values?start=" + unix(5*time.Minute) + "&end=" + unix(30*time.Minute), status: 200,
			json: `{"tagValues":["POST /pay","xray-segment"]}`},

		{name: "v2 resource", url: v2("resource.service.name"), status: 200,
			json: values("string", "checkout", "string", "db", "string", "legacy", "string", "payment")},
		{name: "v2 int", url: v2("span.http.status_code"), status: 200, json: values("int", "200", "int", "500")},
		{name: "v2 float and bool", url: v2("span.ratio"), status: 200, json: values("float", "0.25")},
		{name: "v2 bool", url: v2("span.ok"), status: 200, json: values("bool", "true")},
		{name: "v2 unscoped", url: v2(".db.system"), status: 200, json: values("string", "postgres")},
		{name: "v2 span attribute is not a resource's", url: v2("resource.http.status_code"), status: 200, json: values()},
		{name: "v2 resource attribute is not a span's", url: v2("span.host.name"), status: 200, json: values()},
		{name: "v2 status", url: v2("status"), status: 200, json: values("keyword", "error", "keyword", "ok", "keyword", "unset")},
		{name: "v2 kind", url: v2("kind"), status: 200, json: values("keyword", "client", "keyword", "server")},
		{name: "v2 status message", url: v2("statusMessage"), status: 200, json: values("string", "deadlock")},
		{name: "v2 root service", url: v2("rootServiceName"), status: 200,
			json: values("string", "checkout", "string", "legacy", "string", "payment")},
		{name: "v2 event name", url: v2("event:name"), status: 200, json: values("string", "cache.miss")},
		{name: "v2 event attribute", url: v2("event.key"), status: 200, json: values("string", "cart:42")},
		{name: "v2 duration has no values", url: v2("duration"), status: 200, json: values()},
		{name: "v2 narrowed by q", url: v2("name") + "?q=" + url.QueryEscape(`{ resource.service.name = "checkout" }`), status: 200,
			json: values("string", "GET /cart", "string", "GET /short")},
		{name: "v2 narrowed by alternatives", url: v2("name") + "?q=" + url.QueryEscape(`{ status = error } || { duration < 2ms }`), status: 200,
			json: values("string", "GET /short", "string", "POST /pay", "string", "SELECT cart")},
		{name: "v2 incomplete q narrows nothing", url: v2("kind") + "?q=" + url.QueryEscape(`{ resource.service.name = `), status: 200,
			json: values("keyword", "client", "keyword", "server")},
		{name: "v2 unsupported scope", url: v2("link.x"), status: 400, contains: []string{`"error":"tag: at 0: the link scope (link.x) is not supported yet"`}},
		{name: "v2 not a field", url: v2("span.a = 1"), status: 400, contains: []string{`"error":"tag: `}},

		{name: "build info", url: "/api/status/buildinfo", status: 200, json: `{"version":"1.2.3"}`, contains: []string{`"goVersion":"go`}},
	})
	t.Run("without a query engine", func(t *testing.T) {
		run(t, serve(t, st, nil), []scenario{
			{name: "v1 tags", url: "/api/search/tags", status: 501},
			{name: "v2 values", url: v2("name"), status: 501},
			{name: "status needs none", url: v2("status"), status: 200},
			{name: "dev build", url: "/api/status/buildinfo", status: 200, json: `{"version":"dev"}`},
		})
	})
}
