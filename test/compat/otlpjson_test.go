package compat

import (
	"strconv"
	"testing"
)

// otlpTrace is the OTLP/JSON shape of a trace, decoded independently of the
// server's own code.
type otlpTrace struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes []otlpKV `json:"attributes"`
		} `json:"resource"`
		ScopeSpans []struct {
			Scope struct {
				Name       string   `json:"name"`
				Version    string   `json:"version"`
				Attributes []otlpKV `json:"attributes"`
			} `json:"scope"`
			Spans []otlpSpan `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

type otlpSpan struct {
	TraceID                string   `json:"traceId"`
	SpanID                 string   `json:"spanId"`
	ParentSpanID           string   `json:"parentSpanId"`
	TraceState             string   `json:"traceState"`
	Name                   string   `json:"name"`
	Kind                   int      `json:"kind"`
	StartTimeUnixNano      string   `json:"startTimeUnixNano"`
	EndTimeUnixNano        string   `json:"endTimeUnixNano"`
	Attributes             []otlpKV `json:"attributes"`
	DroppedAttributesCount int      `json:"droppedAttributesCount"`
	Events                 []struct {
		Name       string   `json:"name"`
		Attributes []otlpKV `json:"attributes"`
	} `json:"events"`
	Links []struct {
		TraceID    string   `json:"traceId"`
		SpanID     string   `json:"spanId"`
		Attributes []otlpKV `json:"attributes"`
	} `json:"links"`
	Status struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
}

type otlpKV struct {
	Key   string         `json:"key"`
	Value map[string]any `json:"value"`
}

func attr(kvs []otlpKV, key string) map[string]any {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

// checkTrace compares a trace read back with what emitTrace sent.
func checkTrace(t *testing.T, got otlpTrace, sent sentTrace) {
	t.Helper()
	if len(got.ResourceSpans) != 1 || len(got.ResourceSpans[0].ScopeSpans) != 1 {
		t.Fatalf("want 1 resource with 1 scope, got %+v", got)
	}
	rs := got.ResourceSpans[0]
	if v := attr(rs.Resource.Attributes, "service.name"); v["stringValue"] != sent.service {
		t.Errorf("service.name = %v, want %s", v, sent.service)
	}
	if v := attr(rs.Resource.Attributes, "deployment.environment"); v["stringValue"] != "test" {
		t.Errorf("deployment.environment = %v", v)
	}
	ss := rs.ScopeSpans[0]
	if ss.Scope.Name != "compat" || ss.Scope.Version != "1.2.3" || attr(ss.Scope.Attributes, "scope.attr")["stringValue"] != "s" {
		t.Errorf("scope = %+v", ss.Scope)
	}
	spans := map[string]otlpSpan{}
	for _, s := range ss.Spans {
		spans[s.SpanID] = s
	}
	root, child := spans[sent.rootID], spans[sent.childID]
	if len(spans) != 2 || root.Name == "" || child.Name == "" {
		t.Fatalf("spans = %+v, want root %s and child %s", ss.Spans, sent.rootID, sent.childID)
	}
	if root.TraceID != sent.traceID || child.ParentSpanID != sent.rootID || root.ParentSpanID != "00f067aa0ba902b7" {
		t.Errorf("ids: root %s/%s parent %s, child parent %s", root.TraceID, root.SpanID, root.ParentSpanID, child.ParentSpanID)
	}
	if root.Kind != 2 || child.Kind != 3 {
		t.Errorf("kinds = %d, %d, want 2 (server), 3 (client)", root.Kind, child.Kind)
	}
	if root.TraceState != "vendor=abc,other=1" {
		t.Errorf("traceState = %q", root.TraceState)
	}
	if root.Status.Code != 2 || root.Status.Message != "boom" {
		t.Errorf("status = %+v", root.Status)
	}
	start, _ := strconv.ParseInt(root.StartTimeUnixNano, 10, 64)
	end, _ := strconv.ParseInt(root.EndTimeUnixNano, 10, 64)
	if start <= 0 || end <= start {
		t.Errorf("times = %s..%s", root.StartTimeUnixNano, root.EndTimeUnixNano)
	}
	wantAttrs := map[string]string{
		"http.route":                "map[stringValue:/orders/{id}]",
		"http.response.status_code": "map[intValue:500]",
		"cache.hit":                 "map[boolValue:false]",
		"load":                      "map[doubleValue:0.75]",
		"tags":                      "map[arrayValue:map[values:[map[stringValue:a] map[stringValue:b]]]]",
		"ids":                       "map[arrayValue:map[values:[map[intValue:1] map[intValue:-2] map[intValue:9007199254740993]]]]",
		"flags":                     "map[arrayValue:map[values:[map[boolValue:true] map[boolValue:false]]]]",
		"ratios":                    "map[arrayValue:map[values:[map[doubleValue:0.5] map[doubleValue:1.5]]]]",
		"raw":                       "map[bytesValue:3q0=]",
		"user":                      "map[kvlistValue:map[values:[map[key:id value:map[stringValue:u-7]] map[key:roles value:map[arrayValue:map[values:[map[stringValue:admin]]]]]]]]",
	}
	for k, want := range wantAttrs {
		if got := fmtValue(attr(root.Attributes, k)); got != want {
			t.Errorf("attribute %s = %s, want %s", k, got, want)
		}
	}
	if len(root.Attributes) != 12 || root.DroppedAttributesCount != 2 {
		t.Errorf("%d attributes, %d dropped; want 12 and 2", len(root.Attributes), root.DroppedAttributesCount)
	}
	if len(root.Events) != 2 || root.Events[0].Name != "cache miss" || attr(root.Events[0].Attributes, "key")["stringValue"] != "order:42" ||
		root.Events[1].Name != "exception" || attr(root.Events[1].Attributes, "exception.message")["stringValue"] != "order store unavailable" {
		t.Errorf("events = %+v", root.Events)
	}
	if len(root.Links) != 1 || root.Links[0].TraceID != sent.linkedTrace || root.Links[0].SpanID != "0102030405060708" ||
		attr(root.Links[0].Attributes, "link.kind")["stringValue"] != "retry" {
		t.Errorf("links = %+v", root.Links)
	}
}

// distinctSpans counts the distinct span ids of tr.
func (tr otlpTrace) distinctSpans() int {
	ids := map[string]bool{}
	for _, rs := range tr.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				ids[s.SpanID] = true
			}
		}
	}
	return len(ids)
}
