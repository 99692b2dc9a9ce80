package compat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	rollbargo "github.com/rollbar/rollbar-go"
)

// The kill -9 test's writers of the X-Ray API, CloudWatch Logs and Rollbar
// (kill_test.go runs them).

// openXRayAPIWriter puts 20 segments of a new trace per PutTraceSegments
// call with aws-sdk-go-v2; acknowledged when the call succeeded with no
// unprocessed segment.
func openXRayAPIWriter(_ *testing.T, in *instance, _, _ int) (func(uint64) (string, int, bool), func()) {
	c := awsxray.New(awsxray.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.XRayAPI),
		Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	send := func(seq uint64) (string, int, bool) {
		now := time.Now()
		hexID := fmt.Sprintf("%08x%024x", now.Unix(), seq)
		docs := make([]string, 20)
		for i := range docs {
			docs[i] = fmt.Sprintf(`{"name":"kill-xray","id":"%08x%08x","trace_id":"1-%s-%s","start_time":%d.%06d,"end_time":%d.%06d}`,
				seq, i, hexID[:8], hexID[8:], now.Unix(), now.Nanosecond()/1000, now.Unix()+1, now.Nanosecond()/1000)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := c.PutTraceSegments(ctx, &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: docs})
		return hexID, len(docs), err == nil && len(out.UnprocessedTraceSegments) == 0
	}
	return send, func() {}
}

const killLogGroup = "/kill/test"

// openCloudWatchWriter puts batches of 100 events into a stream of its own
// with aws-sdk-go-v2; key: stream and sequence number, each event's message
// "<seq>-<i>".
func openCloudWatchWriter(t *testing.T, in *instance, round, w int) (func(uint64) (string, int, bool), func()) {
	c := cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.HTTP), RetryMaxAttempts: 1,
		Credentials: aws.AnonymousCredentials{}})
	ctx := t.Context()
	var exists *cwltypes.ResourceAlreadyExistsException
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(killLogGroup)}); err != nil && !errors.As(err, &exists) {
		t.Fatal(err)
	}
	stream := fmt.Sprintf("round-%d-writer-%d", round, w)
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(killLogGroup), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
	send := func(seq uint64) (string, int, bool) {
		at := time.Now().UnixMilli()
		events := make([]cwltypes.InputLogEvent, 100)
		for i := range events {
			events[i] = cwltypes.InputLogEvent{Timestamp: aws.Int64(at), Message: aws.String(fmt.Sprintf("%d-%d", seq, i))}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(killLogGroup),
			LogStreamName: aws.String(stream), LogEvents: events})
		return stream + "/" + strconv.FormatUint(seq, 10), len(events), err == nil && out.RejectedLogEventsInfo == nil
	}
	return send, func() {}
}

// missingLogEvents reads every stream an acknowledged batch went to from
// its head with GetLogEvents and looks for each event.
func missingLogEvents(t *testing.T, in *instance, acked map[string]int) string {
	c := cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.HTTP), Credentials: aws.AnonymousCredentials{}})
	seen := map[string]map[string]bool{} // stream → messages
	for key, n := range acked {
		stream, seq, _ := strings.Cut(key, "/")
		if seen[stream] == nil {
			seen[stream] = map[string]bool{}
			var token *string
			for {
				p, err := c.GetLogEvents(t.Context(), &cwl.GetLogEventsInput{LogGroupName: aws.String(killLogGroup),
					LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true), NextToken: token})
				if err != nil {
					return fmt.Sprintf("stream %s: GetLogEvents: %v", stream, err)
				}
				for _, e := range p.Events {
					seen[stream][aws.ToString(e.Message)] = true
				}
				if len(p.Events) == 0 || aws.ToString(p.NextForwardToken) == aws.ToString(token) {
					break
				}
				token = p.NextForwardToken
			}
		}
		for i := range n {
			if msg := seq + "-" + strconv.Itoa(i); !seen[stream][msg] {
				return fmt.Sprintf("stream %s: event %q", stream, msg)
			}
		}
	}
	return ""
}

// openRollbarWriter reports a message per call with rollbar-go's
// synchronous client, each occurrence with a uuid of its own (set as
// Rollbar's documentation suggests, to find it again); acknowledged when
// the client logged no error for the call.
func openRollbarWriter(_ *testing.T, in *instance, round, w int) (func(uint64) (string, int, bool), func()) {
	var errs []error
	c := rollbargo.NewSync("0123456789abcdef0123456789abcdef", "production", "v1", "kill", "lookout/test/compat")
	c.SetEndpoint(in.HTTP + "/api/1/item/")
	c.SetLogger(&captureLogger{errs: &errs})
	var uuid string
	c.SetTransform(func(data map[string]any) { data["uuid"] = uuid })
	title := fmt.Sprintf("kill test round %d writer %d", round, w)
	send := func(seq uint64) (string, int, bool) {
		errs = errs[:0]
		uuid = fmt.Sprintf("00000000-0000-4000-8000-%012x", seq)
		c.Message(rollbargo.ERR, title)
		return uuid, 1, len(errs) == 0
	}
	return send, func() { _ = c.Close() }
}

// missingOccurrences finds each acknowledged occurrence (key: its uuid)
// among the instances of every item, read through Rollbar's read API.
func missingOccurrences(t *testing.T, in *instance, acked map[string]int) string {
	var items struct {
		Result struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		} `json:"result"`
	}
	if code := getJSON(t, in.HTTP+"/api/1/items", &items); code != 200 {
		return fmt.Sprintf("GET /api/1/items: %d", code)
	}
	seen := map[string]bool{}
	for _, it := range items.Result.Items {
		for page := 1; ; page++ {
			var inst struct {
				Result struct {
					Instances []struct {
						Data struct {
							UUID string `json:"uuid"`
						} `json:"data"`
					} `json:"instances"`
				} `json:"result"`
			}
			if code := getJSON(t, fmt.Sprintf("%s/api/1/item/%d/instances?page=%d", in.HTTP, it.ID, page), &inst); code != 200 {
				return fmt.Sprintf("item %d instances page %d: %d", it.ID, page, code)
			}
			if len(inst.Result.Instances) == 0 {
				break
			}
			for _, o := range inst.Result.Instances {
				seen[o.Data.UUID] = true
			}
		}
	}
	for uuid := range acked {
		if !seen[uuid] {
			return fmt.Sprintf("occurrence %s (%d acknowledged, %d found)", uuid, len(acked), len(seen))
		}
	}
	return ""
}
