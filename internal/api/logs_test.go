package api

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// logBodies is the expected logs list of a reply, by body text in order.
func logBodies(bodies ...string) string {
	s := `{"logs":[`
	for i, b := range bodies {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`{"body":%q}`, b)
	}
	return s + `]}`
}

func TestLogs(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	const full, declined, loaded, health = "<disk> & full", "card declined", "cart loaded", "health ok"
	slow := `{"body":{"msg":"Slow Query","ms":250,"tags":["db"]}}`
	a := traceA.String()
	run(t, srv, []scenario{
		{name: "default window, newest first", url: "/api/logs", status: 200,
			json: `{"logs":[{"body":"` + full + `"},{"body":"` + declined + `"},` + slow + `,{"body":"` + loaded + `"}]}`},
		{name: "every field", url: "/api/logs?service=payment", status: 200, json: `{"logs":[{
			"timeUnixNano":"1741601401000000000","observedTimeUnixNano":"1741601401001000000",
			"severityNumber":17,"severityText":"ERROR","body":"card declined","attributes":{},
			"traceID":"` + traceB.String() + `","spanID":null,"service":"payment",
			"logGroup":"/aws/lambda/pay","logStream":"2025/03/10/[$LATEST]abc",
			"resource":{"service.name":"payment","host.name":"box-1"}}]}`},
		{name: "attributes and ids", url: "/api/logs?q=loaded", status: 200, json: `{"logs":[{
			"attributes":{"user.id":42},"traceID":"` + a + `","spanID":"f001020304050601","logGroup":null}]}`},
		{name: "no HTML escaping, unknown service", url: "/api/logs?severity=FATAL", status: 200,
			json:     `{"logs":[{"service":"unknown_service","resource":{},"traceID":null}]}`,
			contains: []string{`"body":"<disk> & full"`}},
		{name: "ascending", url: "/api/logs?order=asc", status: 200,
			json: `{"logs":[{"body":"` + loaded + `"},` + slow + `,{"body":"` + declined + `"},{"body":"` + full + `"}]}`},
		{name: "service", url: "/api/logs?service=checkout", status: 200, json: `{"logs":[` + slow + `,{"body":"` + loaded + `"}]}`},
		{name: "severity name", url: "/api/logs?severity=WARN", status: 200, json: `{"logs":[{"body":"` + full + `"},{"body":"` + declined + `"},` + slow + `]}`},
		{name: "severity number", url: "/api/logs?severity=13", status: 200, json: `{"logs":[{},{},{"severityText":"WARN"}]}`},
		{name: "severity lower-case alias", url: "/api/logs?severity=warning", status: 200, json: `{"logs":[{},{},{"severityText":"WARN"}]}`},
		{name: "severity with step", url: "/api/logs?severity=error2", status: 200, json: logBodies(full)},
		{name: "trace id searches all time", url: "/api/logs?traceID=" + traceC.String(), status: 200, json: logBodies(health)},
		{name: "trace id in window", url: "/api/logs?traceID=" + a + "&order=asc", status: 200, json: `{"logs":[{"body":"` + loaded + `"},` + slow + `]}`},
		{name: "trace id with explicit window", url: "/api/logs?traceID=" + traceC.String() + "&start=1h", status: 200, json: logBodies()},
		{name: "text is case-insensitive", url: "/api/logs?q=DECLINED", status: 200, json: logBodies(declined)},
		{name: "text in a map body", url: "/api/logs?q=slow%20query", status: 200, json: `{"logs":[` + slow + `]}`},
		{name: "limit", url: "/api/logs?limit=1", status: 200, json: logBodies(full)},
		{name: "all time", url: "/api/logs?start=0&order=asc&limit=1", status: 200, json: logBodies(health)},
		{name: "window", url: "/api/logs?start=" + unix(time.Minute) + "&end=" + unix(20*time.Minute), status: 200, json: logBodies(declined)},
		{name: "nothing found", url: "/api/logs?service=nope", status: 200, json: `{"logs":[]}`},
		{name: "log group", url: "/api/logs?logGroup=/aws/lambda/pay", status: 200, json: logBodies(declined)},
		{name: "log group and other stream", url: "/api/logs?logGroup=/aws/lambda/pay&logStream=other", status: 200, json: `{"logs":[]}`},

		{name: "bad severity", url: "/api/logs?severity=LOUD", status: 400,
			json: `{"error":"severity: \"LOUD\": want a number 1-24 or a name such as DEBUG, INFO, WARN, ERROR, FATAL"}`},
		{name: "severity out of range", url: "/api/logs?severity=25", status: 400, json: `{"error":"severity: 25: want 1 to 24"}`},
		{name: "bad order", url: "/api/logs?order=sideways", status: 400, json: `{"error":"order: \"sideways\": want asc or desc"}`},
		{name: "bad trace id", url: "/api/logs?traceID=nothex", status: 400, contains: []string{`"error":"traceID: trace id \"nothex\"`}},
		{name: "bad start", url: "/api/logs?start=-5", status: 400, contains: []string{`"error":"start: \"-5\"`}},
		{name: "bad limit", url: "/api/logs?limit=many", status: 400, json: `{"error":"limit: \"many\": want a non-negative integer"}`},
	})
}

// cutShort passes through the real store's first n events, then fails.
type cutShort struct {
	store.LogReader
	n int
}

var errDiskOnFire = errors.New("disk on fire")

func (c cutShort) Logs(ctx context.Context, q store.LogQuery) iter.Seq2[model.LogEvent, error] {
	return func(yield func(model.LogEvent, error) bool) {
		i := 0
		for l, err := range c.LogReader.Logs(ctx, q) {
			if err != nil || i == c.n {
				yield(model.LogEvent{}, errors.Join(err, errDiskOnFire))
				return
			}
			if !yield(l, nil) {
				return
			}
			i++
		}
	}
}

func TestLogsCutShort(t *testing.T) {
	st := openStore(t)
	run(t, serve(t, st, func(c *Config) { c.Logs = cutShort{st, 2} }), []scenario{
		{name: "error after two events ends the list", url: "/api/logs", status: 200,
			json: `{"logs":[{"body":"<disk> & full"},{"body":"card declined"}],"error":"store: disk on fire"}`},
	})
	run(t, serve(t, st, func(c *Config) { c.Logs = cutShort{st, 0} }), []scenario{
		{name: "error before any event is a 500", url: "/api/logs", status: 500, json: `{"error":"store: disk on fire"}`},
	})
}

func TestQueryTimeout(t *testing.T) {
	srv := serve(t, openStore(t), func(c *Config) { c.QueryTimeout = time.Nanosecond })
	timedOut := `{"error":"query timed out after 1ns"}`
	run(t, srv, []scenario{
		{name: "trace", url: "/api/traces/" + traceA.String(), status: 504, json: timedOut},
		{name: "search", url: "/api/search", status: 504, json: timedOut},
		{name: "logs", url: "/api/logs", status: 504, json: timedOut},
		{name: "services", url: "/api/services", status: 504, json: timedOut},
		{name: "bad input is still 400", url: "/api/search?limit=x", status: 400, contains: []string{`"error":"limit: `}},
	})
}

// TestClientGone checks that a request whose client went away gets no
// reply written (nobody would read it) and that nothing leaks.
func TestClientGone(t *testing.T) {
	st := openStore(t)
	a, err := New(Config{Traces: st, Logs: st, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	for _, path := range []string{"/api/traces/" + traceA.String(), "/api/search", "/api/logs", "/api/services"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx))
		if rec.Body.Len() != 0 {
			t.Errorf("%s: wrote %q to a client that went away", path, rec.Body)
		}
	}
}
