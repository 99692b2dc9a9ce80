package segment

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/tracelint"
)

// wantSpan describes one expected span. name and parent are anchored
// regular expressions on span names (the SDK names HTTP calls host:port);
// parent "" means a root span and "ext" a parent outside the document.
type wantSpan struct {
	name, parent string
	kind         model.SpanKind
	status       model.StatusCode
	statusMsg    string
	attrs        model.Attributes // a subset that must be present, with types
	absent       []string         // attribute keys that must not be present
	events       int
	stack        string // a substring of the first event's exception.stacktrace
	inProgress   bool
}

func str(k, v string) model.KeyValue       { return model.KeyValue{Key: k, Value: model.StringValue(v)} }
func num(k string, v int64) model.KeyValue { return model.KeyValue{Key: k, Value: model.IntValue(v)} }
func dbl(k string, v float64) model.KeyValue {
	return model.KeyValue{Key: k, Value: model.DoubleValue(v)}
}
func boolean(k string, v bool) model.KeyValue {
	return model.KeyValue{Key: k, Value: model.BoolValue(v)}
}

const hostPort = `127\.0\.0\.1:\d+`

var sdkShopResource = model.Attributes{str("service.name", "shop"), str("service.version", "1.4.2"),
	str("telemetry.sdk.name", "X-Ray for Go"), str("telemetry.sdk.language", "go"),
	str("telemetry.sdk.version", "1.8.5"), str("process.runtime.name", "gc")}

func TestMapCapturedDocuments(t *testing.T) {
	tests := []struct {
		file     string
		resource model.Attributes // subset; nil: no service.name
		spans    []wantSpan       // in order; len must match
	}{
		{file: "cart_shop.json", resource: sdkShopResource, spans: []wantSpan{
			{name: "shop", kind: model.SpanKindServer, attrs: model.Attributes{str("enduser.id", "alice"),
				str("http.request.method", "GET"), num("http.response.status_code", 200),
				str("client.address", "127.0.0.1"), str("user_agent.original", "Go-http-client/1.1"),
				str("url.full", "http://127.0.0.1:33911/cart"), str("url.scheme", "http"), str("url.path", "/cart"),
				str("server.address", "127.0.0.1"), num("server.port", 33911),
				str("aws.xray.sampling_rule_name", "lookout-test"),
				str("aws.xray.annotations.customer", "alice"), num("aws.xray.annotations.items", 3),
				dbl("aws.xray.annotations.total", 12.5), boolean("aws.xray.annotations.vip", true),
				str("aws.xray.metadata.default", `{"cart":{"coupon":null,"skus":["book","pen"]}}`),
				str("aws.xray.metadata.debug", `{"build":{"commit":"abc123","dirty":false}}`)},
				absent: []string{AttrInProgress, "aws.xray.fault"}},
			{name: "load-cart", parent: "shop", kind: model.SpanKindInternal, absent: []string{AttrDocument}},
			{name: "cache-lookup", parent: "load-cart", kind: model.SpanKindInternal,
				attrs: model.Attributes{boolean("aws.xray.annotations.cache_hit", false)}},
			{name: "shop@db.internal", parent: "load-cart", kind: model.SpanKindClient,
				attrs: model.Attributes{str("db.query.text", "CONNECT")}},
			{name: "shop@db.internal", parent: "load-cart", kind: model.SpanKindClient, attrs: model.Attributes{
				str("db.system.name", "postgresql"), str("db.namespace", "shop"),
				str("db.query.text", "SELECT id FROM carts WHERE owner = $1"), str("aws.xray.sql.user", "app"),
				str("aws.xray.sql.database_version", "PostgreSQL 16.4"), str("aws.xray.namespace", "remote")}},
			{name: hostPort, parent: "shop", kind: model.SpanKindClient, attrs: model.Attributes{
				str("http.request.method", "GET"), num("http.response.status_code", 200),
				num("http.response.body.size", 24), str("url.path", "/stock"), num("server.port", 39399)}},
			{name: "connect", parent: hostPort, kind: model.SpanKindInternal,
				attrs: model.Attributes{str("aws.xray.metadata.http", `{"connection":{"reused":false,"was_idle":false}}`)}},
			{name: "dial", parent: "connect", kind: model.SpanKindInternal},
			{name: "request", parent: hostPort, kind: model.SpanKindInternal},
			{name: "response", parent: hostPort, kind: model.SpanKindInternal},
			{name: "dynamodb", parent: "shop", kind: model.SpanKindClient, attrs: model.Attributes{
				str("rpc.system", "aws-api"), str("rpc.service", "dynamodb"), str("rpc.method", "GetItem"),
				str("cloud.region", "eu-west-1"), str("aws.operation", "GetItem"), str("aws.table_name", "carts"),
				str("aws.request_id", "8T3BF9QEDKCHN3S1IJOQ0VPKDBVV4KQNSO5AEMVJF66Q9ASUAAJG"),
				num("aws.retries", 0), num("http.response.status_code", 200)},
				absent: []string{"aws.consistent_read"}}, // null in the document
			{name: "marshal", parent: "dynamodb", kind: model.SpanKindInternal},
			{name: "attempt", parent: "dynamodb", kind: model.SpanKindInternal},
			{name: "connect", parent: "attempt", kind: model.SpanKindInternal},
			{name: "dial", parent: "connect", kind: model.SpanKindInternal},
			// The SDK leaves the AWS call's "request" subsegment open.
			{name: "request", parent: "attempt", kind: model.SpanKindInternal, inProgress: true},
			{name: "unmarshal", parent: "dynamodb", kind: model.SpanKindInternal},
		}},
		{file: "checkout_shop.json", resource: sdkShopResource, spans: []wantSpan{
			{name: "shop", kind: model.SpanKindServer, status: model.StatusError, statusMsg: "card declined",
				attrs: model.Attributes{boolean("aws.xray.fault", true), num("http.response.status_code", 500),
					str("aws.xray.cause.working_directory", "/work/main/internal/receiver/xray")},
				events: 1, stack: "errors.errorString: card declined\n\tat (*sdkApp).checkout(main/internal/receiver/xray/sdk_test.go:"},
			{name: hostPort, parent: "shop", kind: model.SpanKindClient, status: model.StatusError, statusMsg: "HTTP 429",
				attrs: model.Attributes{boolean("aws.xray.error", true), boolean("aws.xray.throttle", true),
					num("http.response.status_code", 429), str("http.request.method", "POST")}},
			{name: "request", parent: hostPort, kind: model.SpanKindInternal},
			{name: "response", parent: hostPort, kind: model.SpanKindInternal},
			{name: "charge-card", parent: "shop", kind: model.SpanKindInternal, status: model.StatusError,
				statusMsg: "card declined", attrs: model.Attributes{boolean("aws.xray.fault", true)}, events: 1,
				stack: "\tat (*sdkApp).checkout("},
		}},
		{file: "checkout_inventory.json", resource: model.Attributes{str("service.name", "inventory")}, spans: []wantSpan{
			// A throttled (4xx) server span is not an error in OTel's terms.
			{name: "inventory", parent: "ext", kind: model.SpanKindServer, status: model.StatusUnset,
				attrs: model.Attributes{boolean("aws.xray.error", true), boolean("aws.xray.throttle", true),
					num("http.response.status_code", 429)}},
		}},
		{file: "missing_shop.json", resource: sdkShopResource, spans: []wantSpan{
			{name: "shop", kind: model.SpanKindServer, attrs: model.Attributes{boolean("aws.xray.error", true),
				num("http.response.status_code", 404)}},
		}},
		{file: "leak_shop.json", resource: sdkShopResource, spans: []wantSpan{
			{name: "shop", kind: model.SpanKindServer},
			{name: "closed-work", parent: "shop", kind: model.SpanKindInternal},
			{name: "forgotten-call", parent: "shop", kind: model.SpanKindInternal, inProgress: true},
		}},
		{file: "report_row-0_sub.json", spans: []wantSpan{
			{name: "row-0", parent: "ext", kind: model.SpanKindInternal},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readDoc(t, tt.file)
			body, e := SplitDatagram(datagram(raw))
			if e != nil {
				t.Fatal(e)
			}
			d, e := Parse(body)
			if e != nil {
				t.Fatal(e)
			}
			spans := Map("proj", d, string(bytes.TrimSpace(body)))
			if len(spans) != len(tt.spans) {
				t.Fatalf("got %d spans, want %d: %v", len(spans), len(tt.spans), names(spans))
			}
			if v, _ := spans[0].Attributes.Get(AttrDocument); v.Str != string(bytes.TrimSpace(raw)) {
				t.Errorf("%s does not hold the document as received", AttrDocument)
			}
			trace, _ := model.ParseXRayTraceID(d.TraceID)
			byID := map[model.SpanID]string{}
			for _, s := range spans {
				byID[s.SpanID] = s.Name
			}
			for i, want := range tt.spans {
				checkSpan(t, spans[i], want, byID)
				if spans[i].TraceID != trace || spans[i].Project != "proj" || spans[i].Scope.Name != ScopeName ||
					spans[i].Flags != sampledFlag {
					t.Errorf("span %d %s: trace %s project %q scope %q flags %d", i, spans[i].Name,
						spans[i].TraceID, spans[i].Project, spans[i].Scope.Name, spans[i].Flags)
				}
			}
			if tt.resource == nil {
				if got := spans[0].Service(); got != model.UnknownService {
					t.Errorf("service %q, want %q", got, model.UnknownService)
				}
			}
			checkAttrs(t, "resource", spans[0].Resource.Attributes, tt.resource)
		})
	}
}

func checkSpan(t *testing.T, s model.Span, want wantSpan, byID map[model.SpanID]string) {
	t.Helper()
	label := s.Name + "/" + s.SpanID.String()
	if !regexp.MustCompile("^" + want.name + "$").MatchString(s.Name) {
		t.Errorf("span %s: want name %s", label, want.name)
	}
	switch parent, inDoc := byID[s.ParentSpanID]; {
	case want.parent == "" && !s.ParentSpanID.IsZero():
		t.Errorf("span %s: parent %s, want a root", label, s.ParentSpanID)
	case want.parent == "ext" && (s.ParentSpanID.IsZero() || inDoc):
		t.Errorf("span %s: parent %s, want one outside the document", label, s.ParentSpanID)
	case want.parent != "" && want.parent != "ext" && !regexp.MustCompile("^"+want.parent+"$").MatchString(parent):
		t.Errorf("span %s: parent %q, want %s", label, parent, want.parent)
	}
	if s.Kind != want.kind || s.StatusCode != want.status || s.StatusMessage != want.statusMsg {
		t.Errorf("span %s: kind %d status %d %q, want %d %d %q", label, s.Kind, s.StatusCode, s.StatusMessage,
			want.kind, want.status, want.statusMsg)
	}
	checkAttrs(t, label, s.Attributes, want.attrs)
	for _, k := range want.absent {
		if _, ok := s.Attributes.Get(k); ok {
			t.Errorf("span %s: unexpected attribute %s", label, k)
		}
	}
	if _, ok := s.Attributes.Get(AttrInProgress); ok != want.inProgress {
		t.Errorf("span %s: in progress %v, want %v", label, ok, want.inProgress)
	}
	if want.inProgress && s.EndUnixNano != s.StartUnixNano {
		t.Errorf("span %s: an open span should end at its start", label)
	}
	if !want.inProgress && s.EndUnixNano <= s.StartUnixNano {
		t.Errorf("span %s: ends at %d, before its start %d", label, s.EndUnixNano, s.StartUnixNano)
	}
	if len(s.Events) != want.events {
		t.Fatalf("span %s: %d events, want %d", label, len(s.Events), want.events)
	}
	if want.events > 0 {
		e := s.Events[0]
		st, _ := e.Attributes.Get("exception.stacktrace")
		if e.Name != "exception" || e.TimeUnixNano != s.EndUnixNano || !strings.Contains(st.Str, want.stack) {
			t.Errorf("span %s: event %s at %d, stack %q; want exception at the end with %q", label, e.Name,
				e.TimeUnixNano, st.Str, want.stack)
		}
	}
}

func checkAttrs(t *testing.T, label string, got, want model.Attributes) {
	t.Helper()
	for _, w := range want {
		g, ok := got.Get(w.Key)
		if !ok {
			t.Errorf("%s: missing attribute %s", label, w.Key)
		} else if g.Kind != w.Value.Kind || g.AsString() != w.Value.AsString() {
			t.Errorf("%s: %s = %v (kind %d), want %v (kind %d)", label, w.Key, g.AsString(), g.Kind,
				w.Value.AsString(), w.Value.Kind)
		}
	}
}

func names(spans []model.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}

// The names below keep the X-Ray mapping, the filter compiler and the
// trace readers in step.
func TestCompileMappingNames(t *testing.T) {
	pairs := [][2]string{{xrayfilter.ScopeName, ScopeName}, {xrayfilter.AttrAnnotationPrefix, AttrAnnotationPrefix},
		{xrayfilter.AttrInProgress, AttrInProgress}, {xrayfilter.AttrInProgress, tracelint.AttrInProgress},
		{tracelint.AttrDocument, AttrDocument}, {tracelint.AttrMetadataPrefix, AttrMetadataPrefix},
		{tracelint.XRayScopeName, ScopeName}}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("xrayfilter has %q, the mapping %q", p[0], p[1])
		}
	}
}
