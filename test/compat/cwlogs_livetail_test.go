package compat

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// noHostPrefix keeps aws-sdk-go-v2 from sending StartLiveTail to
// "stream-<host>" (the model's host prefix), which a loopback endpoint does
// not answer to: the option docs/cloudwatch-logs.md shows.
func noHostPrefix(o *cwl.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("DisableHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

// TestCloudWatchLogsLiveTail follows a log group with StartLiveTail read
// through aws-sdk-go-v2's event-stream reader: sessionStart, then
// sessionUpdates carrying the events put afterwards that match the filter
// pattern and the stream prefix; closing the stream ends the session (the
// server still stops promptly).
func TestCloudWatchLogsLiveTail(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g := aws.String("/compat/tail")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"web-1", "web-2", "worker-1"} {
		if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(stream string, msgs ...string) {
		t.Helper()
		var evs []types.InputLogEvent
		for _, m := range msgs {
			evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(time.Now().UnixMilli()), Message: aws.String(m)})
		}
		if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: aws.String(stream), LogEvents: evs}); err != nil {
			t.Fatal(err)
		}
	}
	put("web-1", `{"level":"ERROR","msg":"before the session"}`)

	_, err := c.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:/compat/none"}}, noHostPrefix)
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing group: %v, want ResourceNotFoundException", err)
	}

	arn := "arn:aws:logs:us-east-1:000000000000:log-group:/compat/tail"
	out, err := c.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{arn},
		LogStreamNamePrefixes: []string{"web-"}, LogEventFilterPattern: aws.String(`{ $.level = "ERROR" }`)}, noHostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	start, ok := (<-stream.Events()).(*types.StartLiveTailResponseStreamMemberSessionStart)
	if !ok || aws.ToString(start.Value.SessionId) == "" || !slices.Equal(start.Value.LogStreamNamePrefixes, []string{"web-"}) {
		t.Fatalf("first event is not sessionStart: %+v", start)
	}
	put("web-1", `{"level":"ERROR","msg":"a"}`, `{"level":"INFO","msg":"b"}`)
	put("worker-1", `{"level":"ERROR","msg":"other stream"}`)
	put("web-2", `{"level":"ERROR","msg":"c"}`)

	want := []string{`{"level":"ERROR","msg":"a"}`, `{"level":"ERROR","msg":"c"}`}
	var got []string
	timeout := time.After(20 * time.Second)
	for len(got) < len(want) {
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				t.Fatalf("stream ended (%v) after %q", stream.Err(), got)
			}
			u, isUpdate := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
			if !isUpdate {
				t.Fatalf("unexpected event %#v", ev)
			}
			if len(u.Value.SessionResults) == 0 || u.Value.SessionMetadata == nil || u.Value.SessionMetadata.Sampled {
				t.Fatalf("update %+v", u.Value)
			}
			for _, r := range u.Value.SessionResults {
				if aws.ToString(r.LogGroupIdentifier) != arn || aws.ToInt64(r.IngestionTime) == 0 {
					t.Errorf("result %+v", r)
				}
				got = append(got, aws.ToString(r.Message))
			}
		case <-timeout:
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if err := stream.Close(); err != nil {
		t.Fatal(err)
	}
}
