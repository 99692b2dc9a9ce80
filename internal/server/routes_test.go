package server

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Content types of the protocols' replies.
const (
	awsJSON   = "application/x-amz-json-1.1"
	jsonType  = "application/json"
	textPlain = "text/plain"
	html      = "text/html"
)

var (
	// cwCall is the header of a CloudWatch Logs call to op.
	cwCall = func(op string) map[string]string {
		return map[string]string{"X-Amz-Target": "Logs_20140328." + op, "Content-Type": awsJSON}
	}
	jsonBody  = map[string]string{"Content-Type": jsonType}
	unknownOp = map[string]string{"X-Amzn-ErrorType": "UnknownOperationException"}
)

// TestMainPortRoutes pins what the main port answers, protocol by
// protocol: one served operation each, and what each answers when the
// operation or route is not there.
func TestMainPortRoutes(t *testing.T) {
	r := start(t)
	r.run(t, []scenario{
		// CloudWatch Logs: AWS JSON 1.1, told by X-Amz-Target.
		{name: "cwlogs: DescribeLogGroups", method: "POST", path: "/", headers: cwCall("DescribeLogGroups"), body: `{}`,
			status: 200, contentType: awsJSON, contains: `"logGroups"`},
		{name: "cwlogs: unknown operation", method: "POST", path: "/", headers: cwCall("Frobnicate"), body: `{}`,
			status: 400, contentType: awsJSON, contains: `operation \"Logs_20140328.Frobnicate\" is not supported`, header: unknownOp},
		{name: "cwlogs: another service's target", method: "POST", path: "/",
			headers: map[string]string{"X-Amz-Target": "Kinesis_20131202.PutRecord"}, body: `{}`,
			status: 400, contentType: awsJSON, contains: `"__type":"UnknownOperationException"`, header: unknownOp},
		{name: "cwlogs: no target", method: "POST", path: "/", headers: jsonBody, body: `{}`,
			status: 400, contentType: awsJSON, contains: "X-Amz-Target header is missing", header: unknownOp},
		{name: "cwlogs: target on another path", method: "POST", path: "/logs", headers: cwCall("DescribeLogGroups"), body: `{}`,
			status: 200, contentType: awsJSON, contains: `"logGroups"`},

		// X-Ray REST: POST /<Operation>, the same API as on the X-Ray port.
		{name: "xray: GetSamplingRules", method: "POST", path: "/GetSamplingRules", headers: jsonBody, body: `{}`,
			status: 200, contentType: jsonType, contains: `"SamplingRuleRecords"`},
		{name: "xray: GetTraceSummaries", method: "POST", path: "/TraceSummaries", headers: jsonBody,
			body: `{"StartTime":1700000000,"EndTime":1700000060}`, status: 200, contentType: jsonType, contains: `"TraceSummaries"`},
		{name: "xray: GetGroups", method: "POST", path: "/Groups", headers: jsonBody, body: `{}`,
			status: 200, contentType: jsonType, contains: `"GroupName":"Default"`},
		{name: "xray: GetGroup of an unknown group", method: "POST", path: "/GetGroup", headers: jsonBody, body: `{"GroupName":"nope"}`,
			status: 400, contentType: jsonType, contains: `GroupName \"nope\": no such group`,
			header: map[string]string{"X-Amzn-ErrorType": "InvalidRequestException"}},
		{name: "xray: GetInsight is not supported", method: "POST", path: "/Insight", headers: jsonBody, body: `{"InsightId":"i"}`,
			status: 404, contentType: jsonType, contains: "X-Ray operation GetInsight (POST /Insight) is not supported", header: unknownOp},
		{name: "xray: unknown operation", method: "POST", path: "/Frobnicate", headers: jsonBody, body: `{}`,
			status: 404, contentType: jsonType, contains: "POST /Frobnicate is not an X-Ray API operation", header: unknownOp},

		// Rollbar: /api/1/.
		{name: "rollbar: post an item", method: "POST", path: "/api/1/item/", headers: jsonBody,
			body:   `{"data":{"environment":"test","level":"error","body":{"message":{"body":"checkout failed"}}}}`,
			status: 200, contentType: jsonType, contains: `"err":0`},
		{name: "rollbar: items", method: "GET", path: "/api/1/items", status: 200, contentType: jsonType, contains: `"err":0`},
		{name: "rollbar: item with a trailing slash", method: "GET", path: "/api/1/item/1/", status: 200, contentType: jsonType, contains: `"counter":1`},
		{name: "rollbar: instances with a trailing slash", method: "GET", path: "/api/1/item/1/instances/",
			status: 200, contentType: jsonType, contains: `"instances":[{`},
		{name: "rollbar: instances of an unknown item", method: "GET", path: "/api/1/item/99/instances/",
			status: 404, contentType: jsonType, contains: `"err":1`},
		{name: "rollbar: a deploy without a revision", method: "POST", path: "/api/1/deploy", headers: jsonBody, body: `{"environment":"test"}`,
			status: 422, contentType: jsonType, contains: `{"err":1,"message":"revision: required"`},
		{name: "rollbar: source maps are not supported", method: "POST", path: "/api/1/sourcemap", headers: jsonBody, body: `{}`,
			status: 404, contentType: jsonType, contains: `{"err":1,"message":"POST /api/1/sourcemap is not supported`},
		{name: "rollbar: unknown route", method: "GET", path: "/api/1/teams", status: 404, contentType: jsonType, contains: `"err":1`},

		// OTLP: its own ports.
		{name: "otlp: traces on the main port", method: "POST", path: "/v1/traces", headers: jsonBody, body: `{}`,
			status: 404, contentType: textPlain, contains: "OTLP is served on its own ports, not on this one: OTLP/HTTP at http://127.0.0.1:"},
		{name: "otlp: logs on the main port", method: "POST", path: "/v1/logs",
			headers: map[string]string{"Content-Type": "application/x-protobuf"}, status: 404, contentType: textPlain, contains: "OTLP/gRPC at 127.0.0.1:"},

		// Lookout's API: /api/.
		{name: "api: services", method: "GET", path: "/api/services", status: 200, contentType: jsonType, contains: `"services"`},
		{name: "api: status", method: "GET", path: "/api/status", status: 200, contentType: jsonType, contains: `"version":"test"`},
		{name: "api: cloudwatch groups", method: "GET", path: "/api/cwlogs/groups", status: 200, contentType: jsonType},
		{name: "api: sampling diagnostics", method: "GET", path: "/api/xray/sampling", status: 200, contentType: jsonType},
		{name: "api: errors of a trace", method: "GET", path: "/api/errors?traceID=0123456789abcdef0123456789abcdef",
			status: 200, contentType: jsonType},
		{name: "api: unknown route", method: "GET", path: "/api/nope", status: 404, contentType: jsonType,
			contains: `{"error":"GET /api/nope is not supported: no such route in Lookout's API"}`},
		{name: "api: other method", method: "DELETE", path: "/api/status", status: 405, contentType: jsonType,
			contains: "the route takes GET, HEAD", header: map[string]string{"Allow": "GET, HEAD"}},
		{name: "api: unknown trace", method: "GET", path: "/api/traces/0123456789abcdef0123456789abcdef", status: 404, contentType: jsonType},

		// Operations.
		{name: "healthz", method: "GET", path: "/healthz", status: 200, contentType: jsonType, contains: `"status":"ok"`},
		{name: "readyz", method: "GET", path: "/readyz", status: 200, contentType: jsonType, contains: `"status":"ready"`},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, contentType: textPlain, contains: "go_goroutines"},

		// The web UI.
		{name: "ui: index", method: "GET", path: "/", status: 200, contentType: html, contains: "<!doctype html>"},
		{name: "ui: deep link", method: "GET", path: "/traces/0123456789abcdef0123456789abcdef", status: 200, contentType: html},
		{name: "ui: deep link with a capital", method: "GET", path: "/Traces", status: 200, contentType: html},
		{name: "ui: missing asset", method: "GET", path: "/assets/gone.js", status: 404},
		{name: "ui: other method", method: "PUT", path: "/healthz", status: 405},
		{name: "ui: lowercase POST", method: "POST", path: "/search", status: 405},
	})
}

// TestXRayPortRoutes pins the X-Ray port: the X-Ray REST API only, and the
// API's error shape for everything it does not serve.
func TestXRayPortRoutes(t *testing.T) {
	r := start(t)
	now := time.Now().Unix()
	segment := fmt.Sprintf(`{\"name\":\"web\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-%08x-a006649127e371903a2de979\",\"start_time\":%d,\"end_time\":%d}`, now, now, now+1)
	r.run(t, []scenario{
		{name: "PutTraceSegments", port: onXRay, method: "POST", path: "/TraceSegments", headers: jsonBody,
			body:   `{"TraceSegmentDocuments":["` + segment + `"]}`,
			status: 200, contentType: jsonType, contains: `"UnprocessedTraceSegments":[]`},
		{name: "GetSamplingRules", port: onXRay, method: "POST", path: "/GetSamplingRules", headers: jsonBody, body: `{}`,
			status: 200, contentType: jsonType, contains: `"SamplingRuleRecords"`},
		{name: "GetSamplingTargets", port: onXRay, method: "POST", path: "/SamplingTargets", headers: jsonBody,
			body: `{"SamplingStatisticsDocuments":[]}`, status: 200, contentType: jsonType, contains: `"SamplingTargetDocuments"`},
		{name: "BatchGetTraces", port: onXRay, method: "POST", path: "/Traces", headers: jsonBody,
			body: `{"TraceIds":["1-581cf771-a006649127e371903a2de979"]}`, status: 200, contentType: jsonType, contains: `"Traces"`},
		{name: "GetGroups", port: onXRay, method: "POST", path: "/Groups", body: `{}`,
			status: 200, contentType: jsonType, contains: `"GroupARN":"arn:aws:xray:us-east-1:000000000000:group/Default"`},
		{name: "CreateGroup without a name", port: onXRay, method: "POST", path: "/CreateGroup", headers: jsonBody, body: `{}`,
			status: 400, contentType: jsonType, contains: "1 validation error detected: Value null at 'GroupName' failed to satisfy constraint: Member must not be null",
			header: map[string]string{"X-Amzn-ErrorType": "InvalidRequestException"}},
		{name: "a group name longer than the model allows", port: onXRay, method: "POST", path: "/CreateGroup", headers: jsonBody,
			body: `{"GroupName":"` + strings.Repeat("g", 33) + `"}`, status: 400, contentType: jsonType,
			contains: "failed to satisfy constraint: Member must have length less than or equal to 32",
			header:   map[string]string{"X-Amzn-ErrorType": "InvalidRequestException"}},
		{name: "StartTraceRetrieval is not supported", port: onXRay, method: "POST", path: "/StartTraceRetrieval", headers: jsonBody, body: `{}`,
			status: 404, contentType: jsonType, contains: "X-Ray operation StartTraceRetrieval (POST /StartTraceRetrieval) is not supported", header: unknownOp},
		{name: "TagResource without an ARN", port: onXRay, method: "POST", path: "/TagResource", headers: jsonBody, body: `{}`,
			status: 400, contentType: jsonType, contains: "2 validation errors detected: Value null at 'ResourceARN' failed to satisfy constraint: Member must not be null; Value null at 'Tags'",
			header: map[string]string{"X-Amzn-ErrorType": "InvalidRequestException"}},
		{name: "GetInsightSummaries is not supported", port: onXRay, method: "POST", path: "/InsightSummaries", body: `{}`,
			status: 404, contentType: jsonType, contains: "X-Ray operation GetInsightSummaries", header: unknownOp},
		{name: "GetTimeSeriesServiceStatistics without a window", port: onXRay, method: "POST", path: "/TimeSeriesServiceStatistics", body: `{}`,
			status: 400, contentType: jsonType, contains: "Value null at 'StartTime' failed to satisfy constraint: Member must not be null",
			header: map[string]string{"X-Amzn-ErrorType": "InvalidRequestException"}},
		{name: "wrong method", port: onXRay, method: "GET", path: "/TraceSegments",
			status: 404, contentType: jsonType, contains: "PutTraceSegments is a POST to /TraceSegments, not a GET", header: unknownOp},
		{name: "Rollbar path", port: onXRay, method: "POST", path: "/api/1/item/", body: `{}`,
			status: 404, contentType: jsonType, contains: "POST /api/1/item/ is not an X-Ray API operation", header: unknownOp},
		{name: "root", port: onXRay, method: "GET", path: "/", status: 404, contentType: jsonType, header: unknownOp},

		// The OTLP port serves OTLP.
		{name: "otlp: traces", port: onOTLP, method: "POST", path: "/v1/traces", headers: jsonBody, body: `{"resourceSpans":[]}`,
			status: 200, contentType: jsonType},
	})
}
