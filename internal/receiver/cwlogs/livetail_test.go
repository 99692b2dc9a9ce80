package cwlogs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// noHostPrefix keeps the SDK from prefixing the endpoint's host with
// "stream-", as StartLiveTail's model asks, so that it reaches a loopback
// address.
func noHostPrefix(o *cwl.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

func TestLiveTailValidation(t *testing.T) {
	e := newEnv(t)
	arn := `"arn:aws:logs:us-east-1:000000000000:log-group:lt"`
	runScenarios(t, e, []scenario{
		{"group", "CreateLogGroup", `{"logGroupName":"lt"}`, 200, "", nil},
		{"group 2", "CreateLogGroup", `{"logGroupName":"lt2"}`, 200, "", nil},
		{"no groups", "StartLiveTail", `{}`, 400, "InvalidParameterException", []string{"Value null at 'logGroupIdentifiers'"}},
		{"empty groups", "StartLiveTail", `{"logGroupIdentifiers":[]}`, 400, "InvalidParameterException", []string{"greater than or equal to 1"}},
		{"11 groups", "StartLiveTail", `{"logGroupIdentifiers":["a","b","c","d","e","f","g","h","i","j","k"]}`, 400, "InvalidParameterException", []string{"less than or equal to 10"}},
		{"star", "StartLiveTail", `{"logGroupIdentifiers":[` + arn[:len(arn)-1] + `:*"]}`, 400, "InvalidParameterException", []string{"logGroupIdentifiers", "regular expression pattern"}},
		{"bad name", "StartLiveTail", `{"logGroupIdentifiers":["a b"]}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"long id", "StartLiveTail", `{"logGroupIdentifiers":["` + strings.Repeat("a", 2049) + `"]}`, 400, "InvalidParameterException", []string{"less than or equal to 2048"}},
		{"missing group", "StartLiveTail", `{"logGroupIdentifiers":["nope"]}`, 400, "ResourceNotFoundException", nil},
		{"both stream filters", "StartLiveTail", `{"logGroupIdentifiers":[` + arn + `],"logStreamNames":["a"],"logStreamNamePrefixes":["b"]}`, 400, "InvalidParameterException", []string{"mutually exclusive"}},
		{"streams of two groups", "StartLiveTail", `{"logGroupIdentifiers":["lt","lt2"],"logStreamNames":["a"]}`, 400, "InvalidParameterException", []string{"one log group"}},
		{"empty streams", "StartLiveTail", `{"logGroupIdentifiers":["lt"],"logStreamNamePrefixes":[]}`, 400, "InvalidParameterException", []string{"greater than or equal to 1"}},
		{"bad stream", "StartLiveTail", `{"logGroupIdentifiers":["lt"],"logStreamNames":["a:b"]}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"long pattern", "StartLiveTail", `{"logGroupIdentifiers":["lt"],"logEventFilterPattern":"` + strings.Repeat("a", 1025) + `"}`, 400, "InvalidParameterException", []string{"1024"}},
		{"bad pattern", "StartLiveTail", `{"logGroupIdentifiers":["lt"],"logEventFilterPattern":"{ $.a = "}`, 400, "InvalidParameterException", []string{"filter pattern"}},
	})
}

// TestLiveTailSDK reads a live tail through the SDK's event-stream reader:
// sessionStart, the matching events put after it, then the session's end.
func TestLiveTailSDK(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveTailEvery, c.LiveTailMax = 50*time.Millisecond, 2*time.Second })
	ctx := context.Background()
	c := e.client
	g, s := aws.String("tail"), aws.String("web-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:logs:eu-west-1:000000000000:log-group:tail"
	out, err := c.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{arn},
		LogEventFilterPattern: aws.String("ERROR")}, noHostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	first := <-stream.Events()
	start, ok := first.(*types.StartLiveTailResponseStreamMemberSessionStart)
	if !ok || aws.ToString(start.Value.LogEventFilterPattern) != "ERROR" || start.Value.LogGroupIdentifiers[0] != arn {
		t.Fatalf("first event %#v", first)
	}
	now := time.Now().UnixMilli()
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: []types.InputLogEvent{
		{Timestamp: aws.Int64(now), Message: aws.String("ERROR one")},
		{Timestamp: aws.Int64(now), Message: aws.String("INFO two")},
	}}); err != nil {
		t.Fatal(err)
	}
	var got []types.LiveTailSessionLogEvent
	for ev := range stream.Events() {
		if u, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate); ok {
			got = append(got, u.Value.SessionResults...)
		}
	}
	if len(got) != 1 || aws.ToString(got[0].Message) != "ERROR one" || aws.ToString(got[0].LogGroupIdentifier) != arn ||
		aws.ToString(got[0].LogStreamName) != "web-1" || aws.ToInt64(got[0].Timestamp) != now || aws.ToInt64(got[0].IngestionTime) == 0 {
		t.Fatalf("updates: %+v", got)
	}
	var timeout *types.SessionTimeoutException
	if err := stream.Err(); !errors.As(err, &timeout) {
		t.Fatalf("stream ended with %v, want SessionTimeoutException", err)
	}
}

// TestLiveTailClose ends a session in progress when the handler closes, and
// refuses new ones.
func TestLiveTailClose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("tail")}); err != nil {
		t.Fatal(err)
	}
	in := &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"tail"}}
	out, err := e.client.StartLiveTail(ctx, in, noHostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	if _, ok := (<-stream.Events()).(*types.StartLiveTailResponseStreamMemberSessionStart); !ok {
		t.Fatal("no sessionStart")
	}
	e.h.Close()
	select {
	case _, open := <-stream.Events():
		if open {
			t.Fatal("an event after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the session outlived Close")
	}
	var ended *types.SessionStreamingException
	if err := stream.Err(); !errors.As(err, &ended) {
		t.Fatalf("stream ended with %v, want SessionStreamingException", err)
	}
	var unavailable *types.ServiceUnavailableException
	if _, err := e.client.StartLiveTail(ctx, in, noHostPrefix); !errors.As(err, &unavailable) {
		t.Fatalf("a session after Close: %v", err)
	}
}
