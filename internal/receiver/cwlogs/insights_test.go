package cwlogs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestInsightsSDK runs a query through the handler with the SDK client.
func TestInsightsSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g, s := aws.String("/app"), aws.String("s1")
	if _, err := e.client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var evs []types.InputLogEvent
	for i := range 10 {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(i-20) * time.Second).UnixMilli()),
			Message: aws.String(`{"n":` + string(rune('0'+i)) + `}`)})
	}
	if _, err := e.client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	start := aws.Int64(now.Add(-time.Minute).Unix())
	out, err := e.client.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupNames: []string{"/app"}, StartTime: start,
		EndTime: aws.Int64(now.Unix()), QueryString: aws.String("filter n >= 5 | stats sum(n) as s, count(*) as c")})
	if err != nil {
		t.Fatal(err)
	}
	for {
		r, err := e.client.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: out.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == types.QueryStatusScheduled || r.Status == types.QueryStatusRunning {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if r.Status != types.QueryStatusComplete || len(r.Results) != 1 || aws.ToString(r.Results[0][0].Value) != "35" ||
			aws.ToString(r.Results[0][1].Value) != "5" || r.Statistics.RecordsScanned != 10 || r.Statistics.RecordsMatched != 5 {
			t.Fatalf("results = %s %+v %+v", r.Status, r.Results, r.Statistics)
		}
		break
	}
	for _, c := range []struct {
		in   cloudwatchlogs.StartQueryInput
		want string
	}{
		{cloudwatchlogs.StartQueryInput{LogGroupName: g, StartTime: start, EndTime: start, QueryString: aws.String("stats")}, "MalformedQueryException"},
		{cloudwatchlogs.StartQueryInput{LogGroupName: aws.String("/none"), StartTime: start, EndTime: start, QueryString: aws.String("limit 1")}, "ResourceNotFoundException"},
		{cloudwatchlogs.StartQueryInput{StartTime: start, EndTime: start, QueryString: aws.String("limit 1")}, "InvalidParameterException"},
	} {
		_, err := e.client.StartQuery(ctx, &c.in)
		var api interface{ ErrorCode() string }
		if !errors.As(err, &api) || api.ErrorCode() != c.want {
			t.Errorf("StartQuery(%s): %v, want %s", aws.ToString(c.in.QueryString), err, c.want)
		}
	}
	if _, err := e.client.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String("nope")}); err == nil {
		t.Error("unknown query id accepted")
	}
}
