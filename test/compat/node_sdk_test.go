package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNodeSDKDefaults runs the OpenTelemetry Node SDK (NodeSDK of
// @opentelemetry/sdk-node, test/compat/node) with the default environment
// pointed at a real lookout, as `lookout env` prints it: its default OTLP
// exporters send a trace, a log record and metrics with zero export errors
// (node/sdk.mjs fails on any error the SDK reports), and all three read back:
// the span of the trace, the log in it, the counter's increase and rate per
// attribute and the histogram's percentiles within their buckets.
func TestNodeSDKDefaults(t *testing.T) {
	dir, err := filepath.Abs("node")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@opentelemetry", "sdk-node")); err != nil {
		t.Skip("run `npm ci` in test/compat/node first (scripts/test does)")
	}
	in := startLookout(t, t.TempDir())

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "sdk.mjs")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OTEL_EXPORTER_OTLP_ENDPOINT="+in.OTLPHTTP, "OTEL_SERVICE_NAME=node-shop")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node sdk.mjs: %v\n%s", err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		t.Logf("node sdk.mjs stderr:\n%s", stderr.Bytes())
	}
	var sent struct {
		TraceID string `json:"traceId"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &sent); err != nil || len(sent.TraceID) != 32 {
		t.Fatalf("node sdk.mjs printed %q: %v", stdout.Bytes(), err)
	}

	spans := queryRows(t, in, "spans", `{"time_range":3600,"breakdowns":["service.name","name","trace.trace_id"]}`)
	if len(spans) != 1 || spans[0]["name"] != "POST /checkout" || spans[0]["service.name"] != "node-shop" || spans[0]["trace.trace_id"] != sent.TraceID {
		t.Errorf("spans: %v, want POST /checkout of node-shop in trace %s", spans, sent.TraceID)
	}
	logs := queryRows(t, in, "logs", `{"time_range":3600,"breakdowns":["service.name","body","trace.trace_id"]}`)
	if len(logs) != 1 || logs[0]["body"] != "checkout done" || logs[0]["service.name"] != "node-shop" || logs[0]["trace.trace_id"] != sent.TraceID {
		t.Errorf("logs: %v, want one of node-shop in trace %s", logs, sent.TraceID)
	}
	orders := queryRows(t, in, "metrics", `{"time_range":3600,"calculations":[{"op":"SUM","column":"node.orders"},{"op":"RATE_SUM","column":"node.orders"}],"breakdowns":["kind"]}`)
	if len(orders) != 2 || orders[0]["kind"] != "web" || orders[0]["SUM(node.orders)"] != 30.0 || orders[0]["RATE_SUM(node.orders)"] != 30.0/3600 ||
		orders[1]["kind"] != "api" || orders[1]["SUM(node.orders)"] != 5.0 {
		t.Errorf("orders: %v, want web 30 (30/3600 per second) and api 5", orders)
	}
	// 1..100 in the SDK's default buckets: the median in (25, 50], the 99th
	// percentile in (75, 100].
	latency := queryRows(t, in, "metrics", `{"time_range":3600,"calculations":[{"op":"P50","column":"node.latency"},{"op":"P99","column":"node.latency"},{"op":"AVG","column":"node.latency"}]}`)
	if len(latency) != 1 {
		t.Fatalf("latency: %v", latency)
	}
	p50, _ := latency[0]["P50(node.latency)"].(float64)
	p99, _ := latency[0]["P99(node.latency)"].(float64)
	if p50 <= 25 || p50 > 50 || p99 <= 75 || p99 > 100 || latency[0]["AVG(node.latency)"] != 50.5 {
		t.Errorf("latency: %v, want P50 in (25, 50], P99 in (75, 100], AVG 50.5", latency)
	}
}
