package cwlogs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestSDKLifecycle drives the handler with the real Go SDK client: create a
// group and stream, put events, read them back, filter, describe.
func TestSDKLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	group, stream := "/app/web", "i-123/web"
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)})
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("second create: %v, want ResourceAlreadyExistsException", err)
	}
	_, err = c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(1), Message: aws.String("x")}}})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("put to a missing stream: %v, want ResourceNotFoundException", err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var events []types.InputLogEvent
	events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.Add(-15 * 24 * time.Hour).UnixMilli()), Message: aws.String("too old")})
	for i := range 25 {
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(i-30) * time.Second).UnixMilli()),
			Message: aws.String(fmt.Sprintf("GET /item/%d 200 ERROR=%v", i, i%5 == 0))})
	}
	events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.Add(3 * time.Hour).UnixMilli()), Message: aws.String("too new")})
	out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
	if err != nil {
		t.Fatal(err)
	}
	r := out.RejectedLogEventsInfo
	if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 0 || aws.ToInt32(r.TooNewLogEventStartIndex) != 26 || r.ExpiredLogEventEndIndex != nil {
		t.Fatalf("rejected = %+v", r)
	}
	if out.NextSequenceToken == nil {
		t.Fatal("no nextSequenceToken")
	}

	// Forward from the head in pages of 10, then the same token at the end.
	var got []string
	var tok *string
	for range 10 {
		g, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
			StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range g.Events {
			got = append(got, aws.ToString(ev.Message))
		}
		if tok != nil && aws.ToString(g.NextForwardToken) == *tok {
			if len(g.Events) != 0 {
				t.Fatal("events with the same token")
			}
			break
		}
		tok = g.NextForwardToken
	}
	if len(got) != 25 || got[0] != "GET /item/0 200 ERROR=true" || got[24] != "GET /item/24 200 ERROR=false" {
		t.Fatalf("forward read %d events: %q", len(got), got)
	}
	// Backward from the newest.
	g, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), Limit: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Events) != 10 || aws.ToString(g.Events[9].Message) != "GET /item/24 200 ERROR=false" {
		t.Fatalf("newest page: %d events", len(g.Events))
	}
	back := 10
	for tok := g.NextBackwardToken; ; {
		b, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), Limit: aws.Int32(10), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(b.NextBackwardToken) == aws.ToString(tok) {
			break
		}
		back += len(b.Events)
		tok = b.NextBackwardToken
	}
	if back != 25 {
		t.Fatalf("backward read %d events", back)
	}
	// The SDK paginator with StopOnDuplicateToken ends.
	pg := cwl.NewGetLogEventsPaginator(c, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)},
		func(o *cwl.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	n := 0
	for pg.HasMorePages() {
		p, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Events)
	}
	if n != 25 {
		t.Fatalf("paginator read %d", n)
	}

	f, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`"ERROR=true"`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Events) != 5 || f.NextToken != nil || aws.ToString(f.Events[0].LogStreamName) != stream {
		t.Fatalf("filter: %d events, next %v", len(f.Events), f.NextToken)
	}

	d, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.LogStreams) != 1 || d.LogStreams[0].FirstEventTimestamp == nil || aws.ToInt64(d.LogStreams[0].StoredBytes) == 0 {
		t.Fatalf("streams: %+v", d.LogStreams)
	}
	dg, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/app")})
	if err != nil {
		t.Fatal(err)
	}
	if len(dg.LogGroups) != 1 || dg.LogGroups[0].RetentionInDays != nil || aws.ToInt64(dg.LogGroups[0].StoredBytes) == 0 {
		t.Fatalf("groups: %+v", dg.LogGroups)
	}
}
