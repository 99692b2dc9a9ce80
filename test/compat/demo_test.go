package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"

	"lookout/examples/cruddur"
)

// TestCruddurDemo runs the demo backend, instrumented with the four
// official SDKs, against a real lookout, sends it a burst of mixed
// traffic, and checks through the public APIs only that a failing
// request is one trace (OTel spans and the X-Ray segment), that its trace
// id is on its Rollbar occurrence and its CloudWatch log line, that the
// health-check rule sampled nothing, that the mis-written rule is flagged
// and that nothing was refused. It waits for the X-Ray SDK's first
// statistics report (every 10 s, not configurable), so it takes ~10 s.
func TestCruddurDemo(t *testing.T) {
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "") // the SDK would prefer it to the configured address
	ctx := context.Background()
	start := time.Now()
	in := startLookout(t, t.TempDir())
	xrayAPI := strings.TrimPrefix(in.XRayAPI, "http://")
	env := map[string]string{
		cruddur.EnvOTLPEndpoint: in.OTLPHTTP, cruddur.EnvOTLPProtocol: "http/protobuf",
		cruddur.EnvXRayDaemon: "tcp:" + xrayAPI + " udp:" + in.XRayUDP, cruddur.EnvXRayEndpoint: in.XRayAPI,
		cruddur.EnvCloudWatchLogs: in.HTTP, cruddur.EnvAWSRegion: "us-east-1",
		cruddur.EnvAWSAccessKeyID: "lookout", cruddur.EnvAWSSecretAccessKey: "lookout",
		cruddur.EnvRollbarEndpoint: in.HTTP + "/api/1/item/", cruddur.EnvRollbarToken: "lookout-local",
	}
	cfg, err := cruddur.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr, cfg.SlowDelay, cfg.LogSendInterval, cfg.ExportInterval = "127.0.0.1:0", 50*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	created, err := cruddur.CreateSamplingRules(ctx, cruddur.NewXRayClient(cfg))
	if err != nil || len(created) != 3 {
		t.Fatalf("sampling rules: created %v, %v", created, err)
	}
	app, err := cruddur.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	appCtx, stopApp := context.WithCancel(ctx)
	appDone := make(chan error, 1)
	go func() { appDone <- app.Run(appCtx) }()
	defer func() {
		stopApp()
		select {
		case err := <-appDone:
			if err != nil {
				t.Errorf("cruddur stopped with: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("cruddur did not stop")
		}
	}()
	traffic := cruddur.NewTraffic(app.URL())

	// One request first, whose stored X-Ray segment shows that the SDK
	// has started (and so fetched the rules) before the burst.
	warm := traffic.Send(ctx, cruddur.Requests()[0])
	if warm.Err != nil || warm.Status != 200 || warm.TraceID == "" {
		t.Fatalf("first request: %+v", warm)
	}
	var custom *flatSpan
	homeTrace := readTrace(t, in, warm.TraceID, func(spans []flatSpan) bool {
		custom = findSpan(spans, func(s flatSpan) bool { return s.Name == "home-activities-mock-data" })
		return custom != nil && findSpan(spans, func(s flatSpan) bool { return s.Scope == "lookout/receiver/xray" }) != nil
	})
	if custom.Attrs["app.result_length"] != "3" || custom.Attrs["app.now"] == nil {
		t.Errorf("home trace: no custom span with app.now and app.result_length 3: %+v", homeTrace)
	}

	results := traffic.Burst(ctx, 3)
	var failing *cruddur.Result
	for i, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Request.Name, r.Err)
		}
		if r.Request.Name == "notifications" && r.Status == 500 && r.Sampled == "1" && failing == nil {
			failing = &results[i]
		}
	}
	if failing == nil {
		t.Fatalf("no failing request sampled by X-Ray: %+v", results)
	}
	checkFailingTrace(t, in, failing.TraceID)
	checkFailingError(t, in, hexTraceID(failing.TraceID))
	checkFailingLogs(t, in, cfg, hexTraceID(failing.TraceID))
	checkSampling(t, in, start)
	checkNothingRefused(t, in)
	t.Logf("demo checks passed in %s", time.Since(start).Round(time.Millisecond))
}

// readTrace polls the trace until ready accepts its spans.
func readTrace(t *testing.T, in *instance, id string, ready func([]flatSpan) bool) []flatSpan {
	t.Helper()
	var spans []flatSpan
	eventually(t, "trace "+id, 20*time.Second, func() (bool, string) {
		var tr otlpTrace
		if code := getJSON(t, in.HTTP+"/api/traces/"+id, &tr); code != 200 {
			return false, fmt.Sprintf("status %d", code)
		}
		spans = flatSpans(tr)
		return ready(spans), fmt.Sprintf("%+v", spans)
	})
	return spans
}

func findSpan(spans []flatSpan, ok func(flatSpan) bool) *flatSpan {
	for i := range spans {
		if ok(spans[i]) {
			return &spans[i]
		}
	}
	return nil
}

// checkFailingTrace: the OTel SERVER span of the failing request and the
// X-Ray segment are in one trace, the segment under the span.
func checkFailingTrace(t *testing.T, in *instance, xrayID string) {
	t.Helper()
	var server, segment *flatSpan
	readTrace(t, in, xrayID, func(spans []flatSpan) bool {
		server = findSpan(spans, func(s flatSpan) bool {
			return s.Scope == "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp" && s.Kind == 2 &&
				s.Service == cruddur.BackendService && s.Name == "GET /api/activities/notifications"
		})
		segment = findSpan(spans, func(s flatSpan) bool {
			return s.Scope == "lookout/receiver/xray" && s.Service == cruddur.BackendService
		})
		return server != nil && segment != nil
	})
	if server.Status != 2 || segment.Parent != server.ID || segment.Attrs["aws.xray.fault"] != true {
		t.Errorf("OTel span %+v\nX-Ray segment %+v\nwant an error span with the faulted segment as its child", server, segment)
	}
	out, err := xrayClient(in.XRayAPI).BatchGetTraces(context.Background(), &awsxray.BatchGetTracesInput{TraceIds: []string{xrayID}})
	if err != nil || len(out.Traces) != 1 {
		t.Fatalf("BatchGetTraces %s: %v %+v", xrayID, err, out)
	}
	fault := false
	for _, s := range out.Traces[0].Segments {
		var doc struct {
			Name  string `json:"name"`
			Fault bool   `json:"fault"`
		}
		if json.Unmarshal([]byte(aws.ToString(s.Document)), &doc) == nil && doc.Name == cruddur.BackendService && doc.Fault {
			fault = true
		}
	}
	if !fault {
		t.Errorf("BatchGetTraces: no faulted %s segment in %+v", cruddur.BackendService, out.Traces[0].Segments)
	}
}

// checkFailingError: the Rollbar occurrence of the failing request carries
// its trace id and person, Lookout links it to the trace, and the test
// message arrived at WARNING.
func checkFailingError(t *testing.T, in *instance, traceID string) {
	t.Helper()
	type item struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
		Level string `json:"level"`
	}
	var failing item
	eventually(t, "rollbar items", 20*time.Second, func() (bool, string) {
		var items struct {
			Result struct {
				Items []item `json:"items"`
			} `json:"result"`
		}
		getJSON(t, in.HTTP+"/api/1/items", &items)
		warning := false
		for _, it := range items.Result.Items {
			if strings.Contains(it.Title, `relation "notifications" does not exist`) {
				failing = it
			}
			warning = warning || (it.Title == "Hello World!" && it.Level == "warning")
		}
		return failing.ID != 0 && warning, fmt.Sprintf("%+v", items.Result.Items)
	})
	eventually(t, "the failing request's occurrence", 20*time.Second, func() (bool, string) {
		var inst struct {
			Result struct {
				Instances []struct {
					Data struct {
						Custom  map[string]any    `json:"custom"`
						Person  map[string]string `json:"person"`
						Request map[string]any    `json:"request"`
					} `json:"data"`
				} `json:"instances"`
			} `json:"result"`
		}
		getJSON(t, fmt.Sprintf("%s/api/1/item/%d/instances", in.HTTP, failing.ID), &inst)
		for _, i := range inst.Result.Instances {
			if i.Data.Custom["trace_id"] == traceID {
				if i.Data.Person["username"] != "worf" || !strings.Contains(fmt.Sprint(i.Data.Request["url"]), "/api/activities/notifications") {
					t.Errorf("occurrence person %v, request %v", i.Data.Person, i.Data.Request)
				}
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", inst.Result.Instances)
	})
	var linked struct {
		Errors []map[string]any `json:"errors"`
	}
	if getJSON(t, in.HTTP+"/api/errors?traceID="+traceID, &linked); len(linked.Errors) == 0 {
		t.Errorf("/api/errors?traceID=%s: no occurrence linked", traceID)
	}
}

// checkFailingLogs: FilterLogEvents finds the failing request's log lines
// in group "cruddur" by its trace id, and Lookout links them to the trace.
func checkFailingLogs(t *testing.T, in *instance, cfg cruddur.Config, traceID string) {
	t.Helper()
	c := cwClient(in)
	eventually(t, "log events of trace "+traceID, 20*time.Second, func() (bool, string) {
		out, err := c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{
			LogGroupName: aws.String(cfg.LogGroup), FilterPattern: aws.String(`"` + traceID + `"`)})
		if err != nil {
			return false, err.Error()
		}
		var msgs []string
		for _, e := range out.Events {
			m := aws.ToString(e.Message)
			msgs = append(msgs, m)
			if strings.Contains(m, `"status":500`) && aws.ToString(e.LogStreamName) == cruddur.BackendService {
				return true, ""
			}
		}
		return false, fmt.Sprint(msgs)
	})
	var logs struct {
		Logs []map[string]any `json:"logs"`
	}
	q := url.Values{"traceID": {traceID}, "logGroup": {cfg.LogGroup}}
	if getJSON(t, in.HTTP+"/api/logs?"+q.Encode(), &logs); len(logs.Logs) == 0 {
		t.Errorf("/api/logs?%s: no log line linked to the trace", q.Encode())
	}
}

// checkSampling: health checks were decided by the health-check rule and
// none was traced; the Cruddur rule, written with the application's name
// as ServiceName, is reported as matching nothing, and why.
func checkSampling(t *testing.T, in *instance, start time.Time) {
	t.Helper()
	c := xrayClient(in.XRayAPI)
	eventually(t, "the X-Ray SDK's statistics for health-check", 30*time.Second, func() (bool, string) {
		out, err := c.GetSamplingStatisticSummaries(context.Background(), &awsxray.GetSamplingStatisticSummariesInput{})
		if err != nil {
			return false, err.Error()
		}
		for _, s := range out.SamplingStatisticSummaries {
			if aws.ToString(s.RuleName) == "health-check" && s.RequestCount > 0 {
				if s.SampledCount != 0 || s.BorrowCount != 0 {
					t.Errorf("health-check: %d requests, %d sampled, %d borrowed", s.RequestCount, s.SampledCount, s.BorrowCount)
				}
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", out.SamplingStatisticSummaries)
	})
	sums, err := c.GetTraceSummaries(context.Background(), &awsxray.GetTraceSummariesInput{
		StartTime: aws.Time(start.Add(-time.Minute)), EndTime: aws.Time(time.Now().Add(time.Minute)),
		FilterExpression: aws.String(`http.url CONTAINS "/api/health-check"`)})
	if err != nil || len(sums.TraceSummaries) != 0 {
		t.Errorf("traced health checks: %v %+v", err, sums)
	}
	// The same filter finds the traced routes, whose roots are otelhttp
	// SERVER spans (url.path and server.address, no url.full): proof that
	// the empty answer above is not an empty HttpURL.
	home, err := c.GetTraceSummaries(context.Background(), &awsxray.GetTraceSummariesInput{
		StartTime: aws.Time(start.Add(-time.Minute)), EndTime: aws.Time(time.Now().Add(time.Minute)),
		FilterExpression: aws.String(`http.url CONTAINS "/api/activities/home"`)})
	if err != nil || len(home.TraceSummaries) == 0 {
		t.Errorf("traces of /api/activities/home: %v %+v", err, home)
	} else if u := aws.ToString(home.TraceSummaries[0].Http.HttpURL); !strings.HasPrefix(u, "http://") || !strings.HasSuffix(u, "/api/activities/home") {
		t.Errorf("HttpURL of a /api/activities/home trace = %q", u)
	}
	var rep samplingReport
	getJSON(t, in.HTTP+"/api/xray/sampling", &rep)
	for _, r := range rep.Rules {
		if r.Name != "Cruddur" {
			continue
		}
		for _, f := range r.Findings {
			if f.Kind == "unmatched" && strings.Contains(f.Message, `ServiceName "Cruddur"`) {
				return
			}
		}
		t.Errorf("rule Cruddur: findings %+v", r.Findings)
		return
	}
	t.Errorf("no rule Cruddur in %+v", rep.Rules)
}

// checkNothingRefused: no stream of /api/status has rejections.
func checkNothingRefused(t *testing.T, in *instance) {
	t.Helper()
	var st struct {
		Streams []struct {
			Kind     string         `json:"kind"`
			Service  string         `json:"service"`
			Rejected map[string]any `json:"rejected"`
		} `json:"streams"`
	}
	if code := getJSON(t, in.HTTP+"/api/status", &st); code != 200 || len(st.Streams) == 0 {
		t.Fatalf("/api/status: %d %+v", code, st)
	}
	for _, s := range st.Streams {
		if len(s.Rejected) > 0 {
			t.Errorf("%s of %s: rejected %v", s.Kind, s.Service, s.Rejected)
		}
	}
}
