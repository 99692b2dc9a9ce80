package compat

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/smithy-go"

	"lookout/internal/lookouttest"
)

// TestNonLoopbackListenNeedsCredentials: Lookout told to listen on an
// address beyond loopback, with no credentials configured, does not start
// and says why and what to do; with --insecure-allow-anyone it starts and
// serves clients beyond loopback as it serves loopback ones.
func TestNonLoopbackListenNeedsCredentials(t *testing.T) {
	ip, done := beyondLoopback(t)
	if done {
		return
	}
	cfg := lookouttest.DefaultConfig()
	cfg.Bin, cfg.DataDir, cfg.Args = lookoutBin, t.TempDir(), onAddress(ip)
	_, err := lookouttest.Start(cfg)
	if err == nil {
		t.Fatal("lookout started on a non-loopback address without credentials")
	}
	for _, want := range []string{"refusing to listen beyond loopback without credentials", "--http-addr " + ip,
		"--otlp-grpc-addr " + ip, "set --otlp-keys", "--xray-addr " + ip, "--insecure-allow-anyone"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q:\n%v", want, err)
		}
	}

	in := startLookout(t, t.TempDir(), append(onAddress(ip), "--insecure-allow-anyone")...)
	if !strings.Contains(in.logText(), "--insecure-allow-anyone: serving clients beyond loopback without credentials") {
		t.Errorf("no warning in the log:\n%s", in.logText())
	}
	if status, body, _ := (httpCall{url: in.HTTP + "/api/services"}).do(t); status != 200 {
		t.Errorf("API from %s: %d %s", ip, status, body)
	}
	if status, body := postSpans(t, in, "anyone", jsonSpan{digit: "7", name: "open", start: time.Now()}); status != 200 {
		t.Errorf("OTLP from %s: %d %s", ip, status, body)
	}
	conn, err := net.Dial("udp", in.XRayUDP)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now()
	doc := fmt.Sprintf(`{"name":"udp-anyone","id":"70de5b6f19ff9a0c","trace_id":"1-%08x-b006649127e371903a2de979","start_time":%d,"end_time":%d}`,
		now.Unix(), now.Unix(), now.Unix()+1)
	if _, err := conn.Write([]byte("{\"format\":\"json\",\"version\":1}\n" + doc)); err != nil {
		t.Fatal(err)
	}
	trace := fmt.Sprintf("%s/api/traces/%08xb006649127e371903a2de979", in.HTTP, now.Unix())
	status := 0
	for deadline := time.Now().Add(10 * time.Second); status != 200 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, _, _ = httpCall{url: trace}.do(t)
	}
	if status != 200 {
		t.Errorf("X-Ray UDP segment from %s not stored: %d", ip, status)
	}
}

// TestIdentityOnEverySurface listens beyond loopback with credentials for
// every surface and is called from beyond loopback with the official
// clients: each surface takes its credential and refuses the rest.
func TestIdentityOnEverySurface(t *testing.T) {
	ip, done := beyondLoopback(t)
	if done {
		return
	}
	in := startLookout(t, t.TempDir(), append(onAddress(ip), "--api-keys", operatorKey+":*,"+keyB+":b",
		"--otlp-keys", ingestKeyB+":b", "--aws-access-keys", awsKeyID+":"+awsSecret+":b")...)
	t.Run("api and ui", func(t *testing.T) { checkAPIAndUI(t, in) })
	t.Run("otlp", func(t *testing.T) { checkOTLPKeys(t, in) })
	t.Run("x-ray api", func(t *testing.T) {
		checkXRaySigV4(t, in, in.HTTP)
		checkXRaySigV4(t, in, in.XRayAPI)
	})
	t.Run("cloudwatch logs", func(t *testing.T) { checkCloudWatchSigV4(t, in) })
	t.Run("x-ray udp", func(t *testing.T) { checkXRayUDPRefused(t, in) })
}

// apiErrorCode is the AWS error code of err, or "".
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// checkXRaySigV4 calls the X-Ray API at base with aws-sdk-go-v2: signed with
// the configured key it works, in the key's project; with a wrong secret,
// no signature, or a signature scoped to another service it is refused.
func checkXRaySigV4(t *testing.T, in *instance, base string) {
	t.Helper()
	client := func(creds aws.CredentialsProvider) *awsxray.Client {
		return awsxray.New(awsxray.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), Credentials: creds,
			RetryMaxAttempts: 1})
	}
	good := client(credentials.NewStaticCredentialsProvider(awsKeyID, awsSecret, ""))
	ctx := t.Context()
	if _, err := good.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{}); err != nil {
		t.Fatalf("%s: signed GetSamplingRules: %v", base, err)
	}
	now := time.Now()
	tid := randomTraceID().String()
	xrayID := fmt.Sprintf("1-%08x-%s", now.Unix(), tid[8:])
	doc := fmt.Sprintf(`{"name":"signed-api","id":"70de5b6f19ff9a0a","trace_id":%q,"start_time":%d,"end_time":%d}`, xrayID, now.Unix(), now.Unix()+1)
	out, err := good.PutTraceSegments(ctx, &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: []string{doc}})
	if err != nil || len(out.UnprocessedTraceSegments) > 0 {
		t.Fatalf("%s: signed PutTraceSegments: %v %+v", base, err, out)
	}
	hexID := fmt.Sprintf("%08x", now.Unix()) + tid[8:]
	if status, body, _ := (httpCall{url: in.HTTP + "/api/traces/" + hexID, headers: bearerKey(keyB)}).do(t); status != 200 ||
		!strings.Contains(body, "signed-api") {
		t.Errorf("%s: the segment is not in the key's project b: %d %.200s", base, status, body)
	}
	for _, tc := range []struct {
		name   string
		client *awsxray.Client
		opts   []func(*awsxray.Options)
		code   string
	}{
		{"wrong secret", client(credentials.NewStaticCredentialsProvider(awsKeyID, "not-the-secret", "")), nil, "InvalidSignatureException"},
		{"unknown key", client(credentials.NewStaticCredentialsProvider("AKIDUNKNOWN", awsSecret, "")), nil, "UnrecognizedClientException"},
		{"unsigned", client(aws.AnonymousCredentials{}), nil, "MissingAuthenticationTokenException"},
		{"signed for logs", good, []func(*awsxray.Options){awsxray.WithSigV4SigningName("logs")}, "InvalidSignatureException"},
	} {
		_, err := tc.client.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{}, tc.opts...)
		if apiErrorCode(err) != tc.code {
			t.Errorf("%s: %s: %v, want %s", base, tc.name, err, tc.code)
		}
	}
}

// checkCloudWatchSigV4: CloudWatch Logs takes the same key, and refuses a
// signature scoped to the xray service.
func checkCloudWatchSigV4(t *testing.T, in *instance) {
	c := cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.HTTP), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(awsKeyID, awsSecret, "")})
	if _, err := c.CreateLogGroup(t.Context(), &cwl.CreateLogGroupInput{LogGroupName: aws.String("/b/app")}); err != nil {
		t.Fatalf("signed CreateLogGroup: %v", err)
	}
	_, err := c.DescribeLogGroups(t.Context(), &cwl.DescribeLogGroupsInput{}, cwl.WithSigV4SigningName("xray"))
	if apiErrorCode(err) != "InvalidSignatureException" || !strings.Contains(err.Error(), "scoped to correct service: 'logs'") {
		t.Errorf("signed for xray: %v", err)
	}
	status, body, _ := httpCall{url: in.HTTP + "/api/cwlogs/groups", headers: bearerKey(keyB)}.do(t)
	if status != 200 || !strings.Contains(body, "/b/app") {
		t.Errorf("project b's groups through the API: %d %s", status, body)
	}
}

// checkXRayUDPRefused sends a valid segment over the daemon protocol from
// beyond loopback: it is refused (the protocol has no credentials) and
// counted in /metrics.
func checkXRayUDPRefused(t *testing.T, in *instance) {
	conn, err := net.Dial("udp", in.XRayUDP)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now()
	doc := fmt.Sprintf(`{"name":"udp","id":"70de5b6f19ff9a0b","trace_id":"1-%08x-a006649127e371903a2de979","start_time":%d,"end_time":%d}`,
		now.Unix(), now.Unix(), now.Unix()+1)
	if _, err := conn.Write([]byte("{\"format\":\"json\",\"version\":1}\n" + doc)); err != nil {
		t.Fatal(err)
	}
	const counted = `lookout_xray_segments_rejected_total{reason="forbidden",transport="udp"} 1`
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(body, counted); time.Sleep(50 * time.Millisecond) {
		_, body, _ = httpCall{url: in.HTTP + "/metrics", headers: bearerKey(operatorKey)}.do(t)
	}
	if !strings.Contains(body, counted) {
		t.Fatalf("/metrics does not count the refused datagram (%s)", counted)
	}
	if !strings.Contains(in.logText(), "xray: datagram from a non-loopback sender refused") {
		t.Errorf("the log does not say why the datagram was refused")
	}
}
