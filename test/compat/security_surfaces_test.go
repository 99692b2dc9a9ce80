package compat

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// checkAPIAndUI: Lookout's API takes a bearer API key; the UI sends
// browsers to a login form whose session cookie then opens the UI and the
// API for the key's project, until logout.
func checkAPIAndUI(t *testing.T, in *instance) {
	form := func(origin string) map[string]string {
		return map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
	}
	for _, tc := range []struct {
		name     string
		call     httpCall
		status   int
		contains string // in the body or the Location header
	}{
		{"API without a key", httpCall{url: in.HTTP + "/api/services"}, 401, "needs an API key"},
		{"API with a wrong key", httpCall{url: in.HTTP + "/api/services", headers: bearerKey("wrong-key-0123456789")}, 401, "invalid API key"},
		{"API with b's key", httpCall{url: in.HTTP + "/api/services", headers: bearerKey(keyB)}, 200, `"services"`},
		{"UI without a login", httpCall{url: in.HTTP + "/traces"}, 303, "/login?next=%2Ftraces"},
		{"login form", httpCall{url: in.HTTP + "/login?next=/traces"}, 200, `name="key"`},
		{"login with a wrong key", httpCall{method: "POST", url: in.HTTP + "/login", headers: form(in.HTTP),
			body: "key=wrong-key-0123456789"}, 401, "not an API key"},
		{"login from another site", httpCall{method: "POST", url: in.HTTP + "/login", headers: form("http://evil.example"),
			body: "key=" + keyB}, 403, "cross-site request refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, h := tc.call.do(t)
			if status != tc.status || !strings.Contains(body+h.Get("Location"), tc.contains) {
				t.Errorf("%d %s (Location %q), want %d with %q", status, body, h.Get("Location"), tc.status, tc.contains)
			}
		})
	}

	status, _, h := httpCall{method: "POST", url: in.HTTP + "/login", headers: form(in.HTTP),
		body: "key=" + url.QueryEscape(keyB) + "&next=/traces"}.do(t)
	cookies := (&http.Response{Header: h}).Cookies()
	if status != http.StatusSeeOther || h.Get("Location") != "/traces" || len(cookies) != 1 ||
		!cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d to %q, cookies %+v", status, h.Get("Location"), cookies)
	}
	session := map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value}
	sameOrigin := map[string]string{"Cookie": session["Cookie"], "Origin": in.HTTP}
	for _, tc := range []struct {
		name     string
		call     httpCall
		status   int
		contains string
	}{
		{"UI", httpCall{url: in.HTTP + "/traces", headers: session}, 200, "<!doctype html>"},
		{"API", httpCall{url: in.HTTP + "/api/services", headers: session}, 200, `"services"`},
		{"status needs every project", httpCall{url: in.HTTP + "/api/status", headers: session}, 403, "every project"},
		{"a sampling rule, as the UI's sampling page makes it", httpCall{method: "POST", url: in.HTTP + "/CreateSamplingRule",
			headers: map[string]string{"Cookie": session["Cookie"], "Origin": in.HTTP, "Content-Type": "application/json"},
			body: `{"SamplingRule":{"RuleName":"ui-rule","Priority":10,"FixedRate":0.5,"ReservoirSize":1,"ResourceARN":"*",` +
				`"ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"/ui","Version":1}}`}, 200, `"ui-rule"`},
		{"the rule is project b's", httpCall{method: "POST", url: in.HTTP + "/GetSamplingRules",
			headers: map[string]string{"Authorization": "Bearer " + keyB, "Content-Type": "application/json"}, body: `{}`}, 200, `"ui-rule"`},
		{"logout", httpCall{method: "POST", url: in.HTTP + "/logout", headers: sameOrigin}, 303, "/login"},
		{"API after logout", httpCall{url: in.HTTP + "/api/services", headers: session}, 401, "log in again"},
	} {
		t.Run("session: "+tc.name, func(t *testing.T) {
			status, body, h := tc.call.do(t)
			if status != tc.status || !strings.Contains(body+h.Get("Location"), tc.contains) {
				t.Errorf("%d %.200s (Location %q), want %d with %q", status, body, h.Get("Location"), tc.status, tc.contains)
			}
		})
	}
}

// checkOTLPKeys exports with the stock OTel Go exporters, configured as
// any OTel SDK is through OTEL_EXPORTER_OTLP_HEADERS: with project b's
// ingest key both transports are taken into project b; without a key, or
// with a wrong one, they are refused.
func checkOTLPKeys(t *testing.T, in *instance) {
	exporters := func() map[string]sdktrace.SpanExporter {
		g, err := otlptracegrpc.New(t.Context(), otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure(),
			otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
		if err != nil {
			t.Fatal(err)
		}
		h, err := otlptracehttp.New(t.Context(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = g.Shutdown(context.Background()); _ = h.Shutdown(context.Background()) })
		return map[string]sdktrace.SpanExporter{"grpc": g, "http": h}
	}
	for _, tc := range []struct {
		name, headers string
		refusal       map[string]string // by transport; "" accepted
	}{
		{"b's ingest key", "authorization=Bearer%20" + ingestKeyB, nil},
		{"no key", "", map[string]string{"grpc": "Unauthenticated", "http": "401"}},
		{"wrong key", "authorization=Bearer%20wrong-key-0123456789", map[string]string{"grpc": "Unauthenticated", "http": "401"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", tc.headers)
			for transport, exp := range exporters() {
				tid := randomTraceID()
				err := exp.ExportSpans(t.Context(), oneSpan(tid, "ingest-"+transport))
				switch want := tc.refusal[transport]; {
				case want == "" && err != nil:
					t.Errorf("%s: %v", transport, err)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: %v, want a refusal with %q", transport, err, want)
				case want == "":
					status, body, _ := httpCall{url: in.HTTP + "/api/traces/" + tid.String(), headers: bearerKey(keyB)}.do(t)
					if status != 200 || !strings.Contains(body, "ingest-"+transport) {
						t.Errorf("%s: the span is not in project b: %d %.200s", transport, status, body)
					}
				}
			}
		})
	}
}
