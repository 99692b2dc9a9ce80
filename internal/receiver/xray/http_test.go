package xray

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/smithy-go"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// putBody builds a PutTraceSegments request body.
func putBody(docs ...string) string {
	if docs == nil {
		docs = []string{}
	}
	b, _ := json.Marshal(map[string][]string{"TraceSegmentDocuments": docs})
	return string(b)
}

func TestPutTraceSegments(t *testing.T) {
	cart := string(readDoc(t, "cart_shop.json"))
	tooOld := func(b *model.Batch) pipeline.Result {
		return pipeline.Result{Rejected: []pipeline.Rejection{{Kind: kindSpan, Index: len(b.Spans) - 1,
			Reason: "too_old", Message: "span 0000000000000002: older than the retention"}}}
	}
	tests := []struct {
		name, method, body string
		sinkErr            error
		result             func(*model.Batch) pipeline.Result
		status             int
		errType            string // X-Amzn-ErrorType
		contains           string // in the body
		spans              int    // submitted
	}{
		{name: "ok", body: putBody(okSeg, cart), status: 200, contains: `{"UnprocessedTraceSegments":[]}`, spans: 18},
		{name: "empty list", body: putBody(), status: 200, contains: `{"UnprocessedTraceSegments":[]}`},
		{name: "some invalid", body: putBody(`{"name":"x",`+okTrace+`,`+okTimes+`}`, okSeg, `nope`), status: 200,
			contains: `{"UnprocessedTraceSegments":[{"Id":"","ErrorCode":"MissingId","Message":"segment: missing id"},` +
				`{"Id":"","ErrorCode":"InvalidJson","Message":"segment document: invalid character`, spans: 1},
		{name: "refused by the pipeline", body: putBody(cart, okSeg), result: tooOld, status: 200,
			contains: `[{"Id":"70de5b6f19ff9a0a","ErrorCode":"TooOld","Message":"span 0000000000000002: older than the retention"}]`,
			spans:    18},
		{name: "wrong method", method: http.MethodGet, status: 405, errType: "InvalidRequestException", contains: "POST"},
		{name: "not json", body: `{"TraceSegmentDocuments": [`, status: 400, errType: "InvalidRequestException",
			contains: "request body"},
		{name: "not strings", body: `{"TraceSegmentDocuments": [{"id":"x"}]}`, status: 400,
			errType: "InvalidRequestException", contains: `field \"TraceSegmentDocuments\": got object, want string`},
		{name: "missing documents", body: `{}`, status: 400, errType: "InvalidRequestException",
			contains: "TraceSegmentDocuments is required"},
		{name: "too big", body: putBody(strings.Repeat("x", 70<<10)), status: 413, errType: "InvalidRequestException",
			contains: "exceeds 65536 bytes"},
		{name: "overloaded", body: putBody(okSeg), sinkErr: pipeline.ErrOverloaded, status: 429,
			errType: "ThrottledException", contains: "retry later"},
		{name: "shutting down", body: putBody(okSeg), sinkErr: pipeline.ErrClosed, status: 503,
			errType: "ServiceUnavailableException", contains: "shutting down"},
		{name: "failed", body: putBody(okSeg), sinkErr: errors.New("disk on fire"), status: 500,
			errType: "InternalFailure", contains: "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{Result: tt.result}
			if tt.sinkErr != nil {
				sink.FailWith(tt.sinkErr)
			}
			cfg := testConfig()
			cfg.MaxRequestBytes = MaxDocumentBytes
			r, err := New(cfg, sink)
			if err != nil {
				t.Fatal(err)
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, PutTraceSegmentsPath, strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			r.Handler().ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != tt.status || !strings.Contains(body, tt.contains) {
				t.Errorf("got %d %s, want %d containing %s", rec.Code, body, tt.status, tt.contains)
			}
			if got := rec.Header().Get("X-Amzn-ErrorType"); got != tt.errType {
				t.Errorf("X-Amzn-ErrorType %q, want %q", got, tt.errType)
			}
			if rec.Header().Get("x-amzn-RequestId") == "" || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("headers %v", rec.Header())
			}
			if tt.sinkErr == nil {
				if n := len(sink.Spans()); n != tt.spans {
					t.Errorf("%d spans submitted, want %d", n, tt.spans)
				}
			}
		})
	}
}

// TestPutTraceSegmentsAWSClient uses the real aws-sdk-go-v2 X-Ray client:
// it signs, retries the throttled call and decodes the unprocessed list.
func TestPutTraceSegmentsAWSClient(t *testing.T) {
	sink := &recordingSink{}
	sink.FailWith(pipeline.ErrOverloaded)
	r, err := New(testConfig(), sink)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+PutTraceSegmentsPath, r.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	client := awsxray.New(awsxray.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   hc,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDLOOKOUT", SecretAccessKey: "secret"}, nil
		}),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts, o.RateLimiter = 3, ratelimit.None
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
	out, err := client.PutTraceSegments(context.Background(), &awsxray.PutTraceSegmentsInput{
		TraceSegmentDocuments: []string{okSeg, string(readDoc(t, "report_row-0_sub.json")),
			`{"name":"svc","id":"1111111111111111","trace_id":"1-abc","start_time":1,"end_time":2}`},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sink.Calls() != 2 || len(sink.Spans()) != 2 {
		t.Errorf("%d submits, %d spans: want the throttled call retried once", sink.Calls(), len(sink.Spans()))
	}
	if len(out.UnprocessedTraceSegments) != 1 {
		t.Fatalf("unprocessed %+v", out.UnprocessedTraceSegments)
	}
	u := out.UnprocessedTraceSegments[0]
	if aws.ToString(u.Id) != "1111111111111111" || aws.ToString(u.ErrorCode) != "InvalidTraceId" ||
		!strings.Contains(aws.ToString(u.Message), `"1-abc"`) {
		t.Errorf("unprocessed %s %s %s", aws.ToString(u.Id), aws.ToString(u.ErrorCode), aws.ToString(u.Message))
	}

	// An instance shutting down answers ServiceUnavailableException, which
	// the client retries and then reports typed.
	sink.FailWith(pipeline.ErrClosed, pipeline.ErrClosed, pipeline.ErrClosed)
	_, err = client.PutTraceSegments(context.Background(), &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: []string{okSeg}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailableException" || sink.Calls() != 5 {
		t.Errorf("shutting down: %v after %d submits", err, sink.Calls())
	}
}
