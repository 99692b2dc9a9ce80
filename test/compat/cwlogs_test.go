package compat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// cwClient points the official Go SDK client at lookout's main port, as
// AWS_ENDPOINT_URL_CLOUDWATCH_LOGS would.
func cwClient(in *instance) *cwl.Client {
	return cwl.New(cwl.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(in.HTTP),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// TestCloudWatchLogsLifecycle takes a log group through its whole life with
// aws-sdk-go-v2: create, put (with rejected too-old/too-new events), read
// forward and backward with tokens, filter with each pattern kind, set a
// retention and see old events go, delete.
func TestCloudWatchLogsLifecycle(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g, s := aws.String("/compat/orders"), aws.String("web-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g, Tags: map[string]string{"team": "shop"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ev := func(at time.Time, msg string) types.InputLogEvent {
		return types.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}
	}
	old := []types.InputLogEvent{ev(now.Add(-5*24*time.Hour), `{"level":"INFO","status":200,"msg":"five days ago"}`)}
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: old}); err != nil {
		t.Fatal(err)
	}
	batch := []types.InputLogEvent{ev(now.Add(-20*24*time.Hour), "too old")}
	for i := range 30 {
		at := now.Add(time.Duration(i-60) * time.Second)
		switch i % 3 {
		case 0:
			batch = append(batch, ev(at, fmt.Sprintf(`{"level":"ERROR","status":50%d,"trace_id":"5759e988bd862e3fe1be46a9942727%02d"}`, i%10, i)))
		case 1:
			batch = append(batch, ev(at, fmt.Sprintf(`10.0.0.%d - - [t] "GET /admin/%d HTTP/1.1" 403 %d`, i, i, 100*i)))
		default:
			batch = append(batch, ev(at, fmt.Sprintf("WARN retry %d Connection refused", i)))
		}
	}
	batch = append(batch, ev(now.Add(3*time.Hour), "too new"))
	out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: batch, SequenceToken: aws.String("ignored")})
	if err != nil {
		t.Fatal(err)
	}
	r := out.RejectedLogEventsInfo
	if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 0 || aws.ToInt32(r.TooNewLogEventStartIndex) != 31 {
		t.Fatalf("rejectedLogEventsInfo = %+v", r)
	}

	// Forward from the head, 7 at a time, until the same token comes back.
	var fwd []string
	var tok *string
	for i := 0; ; i++ {
		p, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, StartFromHead: aws.Bool(true), Limit: aws.Int32(7), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if tok != nil && aws.ToString(p.NextForwardToken) == *tok {
			break
		}
		for _, e := range p.Events {
			fwd = append(fwd, aws.ToString(e.Message))
		}
		tok = p.NextForwardToken
		if i > 20 {
			t.Fatal("forward paging does not end")
		}
	}
	if len(fwd) != 31 || fwd[0] != aws.ToString(old[0].Message) {
		t.Fatalf("forward: %d events, first %q", len(fwd), fwd[0])
	}
	// Backward from the tail.
	n, tok := 0, nil
	for i := 0; ; i++ {
		p, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, Limit: aws.Int32(7), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if tok != nil && aws.ToString(p.NextBackwardToken) == *tok {
			break
		}
		n += len(p.Events)
		tok = p.NextBackwardToken
		if i > 20 {
			t.Fatal("backward paging does not end")
		}
	}
	if n != 31 {
		t.Fatalf("backward: %d events", n)
	}

	for _, c2 := range []struct {
		pattern string
		want    int
	}{
		{"", 31},
		{"WARN", 10},
		{`"Connection refused" -retry`, 0},
		{"?ERROR ?WARN", 20},
		{`{ $.status >= 500 && $.level = "ERROR" }`, 10},
		{`{ $.level = "INFO" || $.status = 2* }`, 1},
		{`{ $.missing NOT EXISTS }`, 11},
		{`[ip, user, username, ts, request = *admin*, status = 4*, bytes > 1000]`, 6},
		{`[..., status = 403, bytes]`, 10},
	} {
		var got int
		pg := cwl.NewFilterLogEventsPaginator(c, &cwl.FilterLogEventsInput{LogGroupName: g, FilterPattern: aws.String(c2.pattern)})
		for pg.HasMorePages() {
			p, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatalf("filter %q: %v", c2.pattern, err)
			}
			got += len(p.Events)
		}
		if got != c2.want {
			t.Errorf("filter %q: %d events, want %d", c2.pattern, got, c2.want)
		}
	}

	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g, RetentionInDays: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	p, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 30 {
		t.Fatalf("after a 3-day retention: %d events, want 30", len(p.Events))
	}
	groups, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/compat/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 3 || aws.ToInt64(groups.LogGroups[0].StoredBytes) == 0 {
		t.Fatalf("groups: %+v", groups.LogGroups)
	}
	tags, err := c.ListTagsForResource(ctx, &cwl.ListTagsForResourceInput{ResourceArn: groups.LogGroups[0].LogGroupArn})
	if err != nil || tags.Tags["team"] != "shop" {
		t.Fatalf("tags: %v %v", tags, err)
	}
	if _, err := c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: g})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("after delete: %v, want ResourceNotFoundException", err)
	}
}

// TestCloudWatchLogsWatchtower replays what Python's watchtower handler
// does from a Flask app, with the Go client making the same calls in the
// same order: find the group by prefix, create it, set a retention, put to a
// stream that does not exist yet (ResourceNotFoundException), create the
// stream, retry, then keep sending sorted batches.
func TestCloudWatchLogsWatchtower(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	group, stream := "flask-app", "host-1/python/app.views/4242"
	found := false
	pg := cwl.NewDescribeLogGroupsPaginator(c, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	for pg.HasMorePages() {
		p, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, lg := range p.LogGroups {
			found = found || aws.ToString(lg.LogGroupName) == group
		}
	}
	if !found {
		_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)})
		var exists *types.ResourceAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			t.Fatal(err)
		}
	}
	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(14)}); err != nil {
		t.Fatal(err)
	}
	send := func(events []types.InputLogEvent) {
		t.Helper()
		for attempt := 0; attempt < 5; attempt++ {
			_, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) {
				if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatal("PutLogEvents kept failing")
	}
	now := time.Now()
	total := 0
	for b := range 3 {
		var events []types.InputLogEvent
		for i := range 500 {
			events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(b*500+i-2000) * time.Millisecond).UnixMilli()),
				Message: aws.String(fmt.Sprintf("INFO:app.views:request %d handled in %dms", b*500+i, i%50))})
		}
		send(events)
		total += len(events)
	}
	d, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.LogStreams) != 1 || aws.ToString(d.LogStreams[0].LogStreamName) != stream {
		t.Fatalf("streams: %+v", d.LogStreams)
	}
	var got int
	fp := cwl.NewFilterLogEventsPaginator(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String("host-1/")})
	for fp.HasMorePages() {
		p, err := fp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got += len(p.Events)
	}
	if got != total {
		t.Fatalf("filter found %d of %d events", got, total)
	}
}
