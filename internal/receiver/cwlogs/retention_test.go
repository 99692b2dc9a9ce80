package cwlogs

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestRetentionDeletes sets a policy shorter than the age of some events and
// checks that they are gone and the figures follow.
func TestRetentionDeletes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	g, s := aws.String("ret"), aws.String("s")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	put := func(age time.Duration, msg string) {
		t.Helper()
		out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s,
			LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(now.Add(-age).UnixMilli()), Message: aws.String(msg)}}})
		if err != nil || out.RejectedLogEventsInfo != nil {
			t.Fatalf("put %s: %v %+v", msg, err, out)
		}
	}
	put(5*24*time.Hour, "five days old")
	put(time.Minute, "fresh")
	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g, RetentionInDays: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 1 || aws.ToString(got.Events[0].Message) != "fresh" {
		t.Fatalf("after retention: %d events", len(got.Events))
	}
	d, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: g})
	if err != nil {
		t.Fatal(err)
	}
	st := d.LogStreams[0]
	if aws.ToInt64(st.StoredBytes) != int64(len("fresh")) || aws.ToInt64(st.FirstEventTimestamp) != now.Add(-time.Minute).UnixMilli() {
		t.Fatalf("figures after expiry: bytes %d first %d", aws.ToInt64(st.StoredBytes), aws.ToInt64(st.FirstEventTimestamp))
	}
	// Now an event older than the retention is rejected as expired.
	out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s,
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(now.Add(-4 * 24 * time.Hour).UnixMilli()), Message: aws.String("late")}}})
	if err != nil || out.RejectedLogEventsInfo == nil || aws.ToInt32(out.RejectedLogEventsInfo.ExpiredLogEventEndIndex) != 0 {
		t.Fatalf("expired put: %v %+v", err, out)
	}
	e.retention.ExpireAll(ctx) // idempotent
}
