package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	rollbargo "github.com/rollbar/rollbar-go"
)

// TestMigrateEmbeddedIntoCluster fills an embedded lookout through the
// official SDKs, stops it, moves its data directory into a private
// ClickHouse and PostgreSQL with `lookout migrate`, runs the migration
// again (it copies nothing twice), starts a node on the cluster and reads
// the same traces, logs, metric point, error items (with their states
// and counters), token, sampling rule and X-Ray group back through the
// public APIs.
func TestMigrateEmbeddedIntoCluster(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	old := startLookout(t, dataDir)

	exp, err := traceExporters[2].make(old) // OTLP/HTTP protobuf
	if err != nil {
		t.Fatal(err)
	}
	sent := emitTrace(t, exp, "orders-migrated")
	yesterday := time.Now().Add(-24 * time.Hour)
	if code, reply := postSpans(t, old, "batch-migrated", jsonSpan{"c", "nightly", yesterday}); code != 200 {
		t.Fatalf("export yesterday's span: %d %s", code, reply)
	}
	exportCounter(t, old, "migrated.orders", "orders-migrated", 6)

	cw := cwClient(old)
	g, s := aws.String("/compat/migrated"), aws.String("web-1")
	if _, err := cw.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g, Tags: map[string]string{"team": "shop"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	var events []types.InputLogEvent
	var messages []string
	for i := range 5 {
		msg := fmt.Sprintf("order %d shipped", i)
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(time.Now().Add(time.Duration(i-10) * time.Second).UnixMilli()), Message: aws.String(msg)})
		messages = append(messages, msg)
	}
	if _, err := cw.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g, RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}

	rule := samplingRule("migrated-rule", 20, "checkout", "/api/*", 0.3, 4)
	if _, err := xrayClient(old.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: rule}); err != nil {
		t.Fatal(err)
	}
	group, err := xrayClient(old.XRayAPI).CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("slow-checkout"),
		FilterExpression: aws.String(`service("checkout") AND responsetime > 1`)})
	if err != nil {
		t.Fatal(err)
	}

	var clientErrs []error
	rb := rollbargo.NewSync("0123456789abcdef0123456789abcdef", "production", "v1", "web", "lookout/test/compat")
	rb.SetEndpoint(old.HTTP + "/api/1/item/")
	rb.SetLogger(&captureLogger{errs: &clientErrs})
	for range 3 {
		rb.ErrorWithLevel(rollbargo.ERR, findOrder(11)) // one item of three
	}
	rb.Message(rollbargo.WARN, "disk almost full")
	rb.Close()
	if len(clientErrs) > 0 {
		t.Fatalf("rollbar-go reported errors: %v", clientErrs)
	}
	before := rollbarItems(t, old, "")
	full := before["disk almost full"]
	if full == nil {
		t.Fatalf("items before: %v", before)
	}
	var patched map[string]any
	rollbarPatch(t, fmt.Sprintf("%s/api/1/item/%v", old.HTTP, full["id"]), map[string]any{"status": "resolved"}, &patched)
	var tok map[string]any
	rollbarPost(t, old.HTTP+"/api/errors/tokens", map[string]any{"scopes": []string{"post_server_item", "read"}}, 201, &tok)
	token := tok["token"].(string)
	before = rollbarItems(t, old, token)
	old.stop(t)

	storeURL, metaURL := clusterStores(t)
	out := lookoutCommand(t, "migrate", "--store", storeURL, "--meta", metaURL)
	if !strings.Contains(out, "applied 0001_telemetry, 0002_metrics") || !strings.Contains(out, "applied 0001_init, 0002_quotas") {
		t.Errorf("lookout migrate --store --meta printed:\n%s", out)
	}
	if out := lookoutCommand(t, "migrate", "--store", storeURL, "--meta", metaURL); strings.Count(out, "nothing to apply") != 2 {
		t.Errorf("lookout migrate again printed:\n%s", out)
	}
	out = lookoutCommand(t, "migrate", "--from", dataDir, "--to-store", storeURL, "--to-meta", metaURL, "--batch", "2")
	if !strings.Contains(out, "partition "+yesterday.UTC().Format("20060102")+" (1 of 2)") ||
		!strings.Contains(out, "3 spans, 5 log events, 1 metric points, 2 error items, 4 occurrences (0 telemetry items") {
		t.Errorf("lookout migrate --from printed:\n%s", out)
	}
	out = lookoutCommand(t, "migrate", "--from", dataDir, "--to-store", storeURL, "--to-meta", metaURL)
	if !strings.Contains(out, "0 spans, 0 log events, 0 metric points, 2 error items, 0 occurrences (9 telemetry items and 4 occurrences were there already)") {
		t.Errorf("lookout migrate --from again printed:\n%s", out)
	}

	node := startLookout(t, t.TempDir(), "--store", storeURL, "--meta", metaURL)
	var got otlpTrace
	if code := getJSON(t, node.HTTP+"/api/traces/"+sent.traceID, &got); code != 200 {
		t.Fatalf("GET trace on the cluster: status %d", code)
	}
	checkTrace(t, got, sent)
	if code := getJSON(t, node.HTTP+"/api/traces/"+strings.Repeat("c", 32), nil); code != 200 {
		t.Errorf("yesterday's trace on the cluster: status %d", code)
	}
	checkCounter(t, node, "migrated.orders", "orders-migrated", 6)

	cw = cwClient(node)
	ev, err := cw.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var gotMessages []string
	for _, e := range ev.Events {
		gotMessages = append(gotMessages, aws.ToString(e.Message))
	}
	if strings.Join(gotMessages, "|") != strings.Join(messages, "|") {
		t.Errorf("log events on the cluster: %q, want %q", gotMessages, messages)
	}
	groups, err := cw.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: g})
	if err != nil || len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 30 {
		t.Errorf("log group on the cluster: %+v %v, want one with a retention of 30 days", groups, err)
	}
	tags, err := cw.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: g})
	if err != nil || tags.Tags["team"] != "shop" {
		t.Errorf("tags on the cluster: %+v %v", tags, err)
	}
	streams, err := cw.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: g})
	if err != nil || len(streams.LogStreams) != 1 || aws.ToInt64(streams.LogStreams[0].LastEventTimestamp) != aws.ToInt64(events[4].Timestamp) {
		t.Errorf("streams on the cluster: %+v %v", streams, err)
	}

	if r, ok := listRules(t, xrayClient(node.XRayAPI))["migrated-rule"]; !ok || r.FixedRate != 0.3 || r.ReservoirSize != 4 {
		t.Errorf("sampling rule on the cluster: %+v (found %v)", r, ok)
	}

	if got, err := xrayClient(node.XRayAPI).GetGroup(ctx, &awsxray.GetGroupInput{GroupName: aws.String("slow-checkout")}); err != nil ||
		aws.ToString(got.Group.GroupARN) != aws.ToString(group.Group.GroupARN) ||
		aws.ToString(got.Group.FilterExpression) != aws.ToString(group.Group.FilterExpression) {
		t.Errorf("X-Ray group on the cluster: %+v %v, want %+v (same ARN)", got, err, group.Group)
	}

	after := rollbarItems(t, node, token)
	for title, it := range before {
		for _, field := range []string{"counter", "status", "level", "total_occurrences", "first_occurrence_timestamp", "last_occurrence_timestamp"} {
			if fmtValue(after[title][field]) != fmtValue(it[field]) {
				t.Errorf("item %q on the cluster: %s %v, want %v", title, field, after[title][field], it[field])
			}
		}
	}
	var inst struct {
		Result struct {
			Instances []map[string]any `json:"instances"`
		} `json:"result"`
	}
	var grouped map[string]any
	for title, it := range after {
		if strings.Contains(title, "order 11") {
			grouped = it
		}
	}
	if grouped == nil {
		t.Fatalf("items on the cluster: %v", after)
	}
	getJSON(t, fmt.Sprintf("%s/api/1/item/%v/instances?access_token=%s", node.HTTP, grouped["id"], token), &inst)
	if len(inst.Result.Instances) != 3 {
		t.Errorf("instances of the grouped item on the cluster: %d, want 3", len(inst.Result.Instances))
	}
}

// rollbarItems lists the items of the project token reads (none: the open
// default project), by title.
func rollbarItems(t *testing.T, in *instance, token string) map[string]map[string]any {
	t.Helper()
	var items struct {
		Result struct {
			Items []map[string]any `json:"items"`
		} `json:"result"`
	}
	u := in.HTTP + "/api/1/items"
	if token != "" {
		u += "?access_token=" + token
	}
	if code := getJSON(t, u, &items); code != 200 {
		t.Fatalf("items on %s: status %d", in.HTTP, code)
	}
	out := map[string]map[string]any{}
	for _, it := range items.Result.Items {
		title, _ := it["title"].(string)
		out[title] = it
	}
	return out
}

// rollbarPatch sends PATCH with a JSON body and decodes the 200 reply.
func rollbarPatch(t *testing.T, url string, body, v any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPatch, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("PATCH %s: %v", url, err)
	}
}
