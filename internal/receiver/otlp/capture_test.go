package otlp

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/receiver/otlp/otlpjson"
)

var updateNode = flag.Bool("update-node", false,
	"rewrite testdata/*_node_sdk.json by running the OpenTelemetry JS exporters (needs node and npm)")

// TestCaptureNodePayloads rewrites the OTLP/JSON captures with what the
// official JS HTTP exporters send (the browser SDK's encoding):
// go test -run CaptureNode -update-node. The Go SDK captures are made by
// otlpconv's TestCaptureSDKPayloads.
func TestCaptureNodePayloads(t *testing.T) {
	if !*updateNode {
		t.Skip("run with -update-node to rewrite the captures")
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "capture.mjs"} {
		b := testdata(t, filepath.Join("node", f))
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"npm", "install", "--no-audit", "--no-fund"}, {"node", "capture.mjs", out}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, b)
		}
	}
}

// TestNodePayloads decodes the captured JS exporter bodies through the
// handler and checks the values that JSON encodes differently from protobuf.
func TestNodePayloads(t *testing.T) {
	for _, tt := range []struct {
		path, file string
		items      int
	}{{PathTraces, "traces_node_sdk.json", 2}, {PathLogs, "logs_node_sdk.json", 2}, {PathMetrics, "metrics_node_sdk.json", 4}} {
		runScenario(t, scenario{name: tt.file, path: tt.path, header: map[string]string{"Content-Type": "application/json"},
			body: testdata(t, tt.file), wantStatus: 200, wantItems: tt.items})
	}
	spans := decodeJSONSpans(t, testdata(t, "traces_node_sdk.json"))
	byName := map[string]model.Span{}
	for _, s := range spans {
		byName[s.Name] = s
	}
	root, child := byName["GET /checkout"], byName["fetch /api/cart"]
	if root.Kind != model.SpanKindServer || child.Kind != model.SpanKindClient || child.ParentSpanID != root.SpanID ||
		child.TraceID != root.TraceID || root.TraceID.IsZero() {
		t.Errorf("ids or kinds: root %s/%s child %s/%s parent %s", root.TraceID, root.SpanID, child.TraceID, child.SpanID, child.ParentSpanID)
	}
	if v, _ := root.Attributes.Get("http.response.status_code"); v.Kind != model.KindInt || v.Int != 200 {
		t.Errorf("int attribute sent as a JSON number: %+v", v)
	}
	if l := child.Links; len(l) != 1 || l[0].SpanID != root.SpanID || l[0].TraceID != root.TraceID {
		t.Errorf("link %+v", l)
	}
	if child.StatusCode != model.StatusError || child.StatusMessage != "fetch failed" || root.StatusCode != model.StatusOK {
		t.Errorf("status %v %q / %v", child.StatusCode, child.StatusMessage, root.StatusCode)
	}
	if root.Resource.Service() != "frontend" || root.Scope.Name != "lookout-node-capture" {
		t.Errorf("resource %+v scope %+v", root.Resource, root.Scope)
	}
	logs := decodeJSONLogs(t, testdata(t, "logs_node_sdk.json"))
	if logs[0].TraceID != root.TraceID || logs[0].SpanID != root.SpanID || logs[0].Body.Str != "cart is empty" {
		t.Errorf("log 0 %+v", logs[0])
	}
	if logs[1].EventName != "checkout.failed" || logs[1].Body.Kind != model.KindMap {
		t.Errorf("log 1 %+v", logs[1])
	}
}

// TestNodeMetricsPayload checks the metrics the JS SDK sends by default
// (cumulative; integers as doubles) as the model holds them.
func TestNodeMetricsPayload(t *testing.T) {
	var req colmetricspb.ExportMetricsServiceRequest
	if err := unmarshal(ctJSON, testdata(t, "metrics_node_sdk.json"), &req, func() error { return otlpjson.FixMetricIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	points, rej := otlpconv.MetricsFromProto("p", req.ResourceMetrics)
	if len(rej) != 0 || len(points) != 4 {
		t.Fatalf("points %d, rejected %+v", len(points), rej)
	}
	byName := map[string]model.MetricPoint{}
	for _, p := range points {
		byName[p.Name] = p
		if p.Service() != "frontend" || p.Scope.Name != "lookout-node-capture" || p.TimeUnixNano == 0 || p.StartUnixNano > p.TimeUnixNano {
			t.Errorf("point %s: %+v", p.Name, p)
		}
	}
	cum := model.TemporalityCumulative
	if o := byName["shop.orders"]; o.Type != model.MetricSum || !o.Monotonic || o.Temporality != cum || o.Number.Float() != 5 ||
		o.Unit != "{order}" || o.Description != "orders placed" {
		t.Errorf("counter %+v", o)
	}
	if d := byName["shop.queue.depth"]; d.Type != model.MetricSum || d.Monotonic || d.Number.Float() != -4 {
		t.Errorf("up-down counter %+v", d)
	}
	if g := byName["shop.cpu.temp"]; g.Type != model.MetricGauge || g.Number.Float() != 41.25 || g.Unit != "Cel" {
		t.Errorf("gauge %+v", g)
	}
	h := byName["shop.latency"]
	if h.Type != model.MetricHistogram || h.Temporality != cum || h.Count != 4 || h.Sum != 605 || h.Min != 5 || h.Max != 500 ||
		!reflect.DeepEqual(h.Bounds, []float64{10, 100}) || !reflect.DeepEqual(h.BucketCounts, []uint64{1, 2, 1}) {
		t.Errorf("histogram %+v", h)
	}
}
