package api

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// hits is the expected traces list of a search reply, by trace id in order.
func hits(ids ...string) string {
	s := `{"traces":[`
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`{"traceID":%q}`, id)
	}
	return s + `]}`
}

func unix(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }

func tagsQuery(logfmt string) string { return "/api/search?tags=" + url.QueryEscape(logfmt) }

func TestSearch(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, nil)
	a, b, c, x, s := traceA.String(), traceB.String(), traceC.String(), traceX.String(), traceS.String()
	run(t, srv, []scenario{
		{name: "default window, newest first", url: "/api/search", status: 200, json: hits(s, x, b, a)},
		{name: "tempo shape", url: "/api/search?tags=" + url.QueryEscape(`name="POST /pay"`), status: 200,
			json: `{"traces":[{"traceID":"` + b + `","rootServiceName":"payment","rootTraceName":"POST /pay",
				"startTimeUnixNano":"1741601400000000000","durationMs":2000,"spanCount":1,"errorCount":1}],
				"metrics":{"completedJobs":1,"totalJobs":1}}`},
		{name: "root service of a child-matched trace", url: tagsQuery("service.name=db"), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","rootServiceName":"checkout","rootTraceName":"GET /cart","durationMs":120,"spanCount":2,"errorCount":1}]}`},
		{name: "service tag", url: tagsQuery("service.name=checkout"), status: 200, json: hits(s, a)},
		{name: "int attribute", url: tagsQuery("http.status_code=500"), status: 200, json: hits(b)},
		{name: "status", url: tagsQuery("status=error"), status: 200, json: hits(b, a)},
		{name: "quoted logfmt value", url: tagsQuery(`name="GET /cart"`), status: 200, json: hits(a)},
		{name: "all tags on one span", url: tagsQuery("service.name=checkout http.status_code=200"), status: 200, json: hits(a)},
		{name: "tags on different spans do not match", url: tagsQuery("service.name=db http.status_code=200"), status: 200, json: hits()},
		{name: "resource attribute", url: tagsQuery("host.name=box-1"), status: 200, json: hits(s, x, b, a)},
		{name: "no match is an empty list", url: tagsQuery("service.name=nope"), status: 200, json: `{"traces":[]}`},
		{name: "min duration", url: "/api/search?minDuration=1s", status: 200, json: hits(b)},
		{name: "max duration", url: "/api/search?maxDuration=100ms", status: 200, json: hits(s)},
		{name: "duration range", url: "/api/search?minDuration=100ms&maxDuration=500ms", status: 200, json: hits(x, a)},
		{name: "unix seconds window", url: "/api/search?start=" + unix(5*time.Minute) + "&end=" + unix(30*time.Minute), status: 200, json: hits(x, b)},
		{name: "RFC 3339 window", url: "/api/search?start=2025-03-10T10:05:00Z&end=2025-03-10T10:30:00%2B00:00", status: 200, json: hits(x, b)},
		{name: "unix milliseconds", url: "/api/search?start=" + unix(5*time.Minute) + "000&end=" + unix(30*time.Minute) + "000", status: 200, json: hits(x, b)},
		{name: "end in unix seconds is inclusive", url: "/api/search?start=" + unix(20*time.Minute) + "&end=" + unix(40*time.Minute), status: 200, json: hits(s, x)},
		{name: "RFC 3339 end is exclusive", url: "/api/search?start=2025-03-10T10:20:00Z&end=2025-03-10T10:40:00Z", status: 200, json: hits(x)},
		{name: "relative start", url: "/api/search?start=45m", status: 200, json: hits(s, x)},
		{name: "now-relative start", url: "/api/search?start=now-45m&end=now", status: 200, json: hits(s, x)},
		{name: "older than the default window", url: "/api/search?start=31h", status: 200, json: hits(s, x, b, a, c)},
		{name: "start 0 is the epoch", url: "/api/search?start=0&tags=" + url.QueryEscape(`name="GET /health"`), status: 200, json: hits(c)},
		{name: "limit", url: "/api/search?limit=2", status: 200, json: hits(s, x)},
		{name: "limit 0 is the default", url: "/api/search?limit=0", status: 200, json: hits(s, x, b, a)},

		{name: "unquoted value with a space", url: tagsQuery("name=GET /cart"), status: 400,
			json: `{"error":"tags: key \"/cart\" has no value"}`},
		{name: "tag without value", url: tagsQuery("service.name=checkout foo"), status: 400,
			json: `{"error":"tags: key \"foo\" has no value"}`},
		{name: "unknown status", url: tagsQuery("status=5xx"), status: 400,
			json: `{"error":"tags: status=\"5xx\": want unset, ok or error"}`},
		{name: "bad min duration", url: "/api/search?minDuration=abc", status: 400,
			json: `{"error":"minDuration: \"abc\": want a non-negative duration such as 100ms"}`},
		{name: "negative max duration", url: "/api/search?maxDuration=-1s", status: 400, contains: []string{`"error":"maxDuration: `}},
		{name: "min above max", url: "/api/search?minDuration=2s&maxDuration=1s", status: 400,
			json: `{"error":"minDuration: 2s is above maxDuration 1s"}`},
		{name: "bad start", url: "/api/search?start=yesterday", status: 400,
			json: `{"error":"start: \"yesterday\": want unix seconds, RFC 3339 or a duration such as 1h"}`},
		{name: "bad end", url: "/api/search?end=2025-13-01", status: 400, contains: []string{`"error":"end: \"2025-13-01\"`}},
		{name: "start after end", url: "/api/search?start=" + unix(time.Hour) + "&end=" + unix(0), status: 400,
			json: `{"error":"start: 2025-03-10T11:00:00Z is not before end 2025-03-10T10:00:00Z"}`},
		{name: "start equal to an RFC 3339 end", url: "/api/search?start=2025-03-10T10:00:00Z&end=2025-03-10T10:00:00Z", status: 400,
			json: `{"error":"start: 2025-03-10T10:00:00Z is not before end 2025-03-10T10:00:00Z"}`},
		{name: "start equal to a unix end covers the second", url: "/api/search?start=" + unix(40*time.Minute) + "&end=" + unix(40*time.Minute), status: 200,
			json: hits(s)},
		{name: "bad limit", url: "/api/search?limit=-1", status: 400, json: `{"error":"limit: \"-1\": want a non-negative integer"}`},
		{name: "echo", url: "/api/echo", status: 200, contains: []string{"echo"}},
	})

	t.Run("limit is clamped", func(t *testing.T) {
		run(t, serve(t, st, func(c *Config) { c.MaxLimit = 1 }), []scenario{
			{name: "limit 100", url: "/api/search?limit=100", status: 200, json: hits(s)},
		})
	})
	t.Run("default window", func(t *testing.T) {
		run(t, serve(t, st, func(c *Config) { c.DefaultSearchWindow = 50 * time.Minute }), []scenario{
			{name: "last 50m", url: "/api/search", status: 200, json: hits(s, x, b)},
		})
	})
}

func TestServices(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	run(t, srv, []scenario{
		{name: "default window", url: "/api/services", status: 200, json: `{"services":[
			{"name":"checkout","spanCount":2,"logCount":2},
			{"name":"db","spanCount":1,"logCount":0},
			{"name":"legacy","spanCount":1,"logCount":0},
			{"name":"payment","spanCount":1,"logCount":1},
			{"name":"unknown_service","spanCount":0,"logCount":1}]}`},
		{name: "all time", url: "/api/services?start=0", status: 200, json: `{"services":[
			{"name":"checkout","spanCount":3,"logCount":3},{"name":"db"},{"name":"legacy"},{"name":"payment"},{"name":"unknown_service"}]}`},
		{name: "window", url: "/api/services?start=" + unix(5*time.Minute) + "&end=" + unix(15*time.Minute), status: 200,
			json: `{"services":[{"name":"payment","spanCount":1,"logCount":1}]}`},
		{name: "empty window", url: "/api/services?start=" + unix(-20*time.Hour) + "&end=" + unix(-19*time.Hour), status: 200,
			json: `{"services":[]}`},
		{name: "bad end", url: "/api/services?end=soon", status: 400, contains: []string{`"error":"end: \"soon\"`}},
	})
}
