package cruddur

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// recordingLogs records the calls; PutLogEvents answers "not found" while
// gone is set, and a create clears it.
type recordingLogs struct {
	mu      sync.Mutex
	calls   []string
	batches [][]types.InputLogEvent
	gone    bool
}

func (r *recordingLogs) CreateLogGroup(_ context.Context, in *cwl.CreateLogGroupInput, _ ...func(*cwl.Options)) (*cwl.CreateLogGroupOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "CreateLogGroup "+aws.ToString(in.LogGroupName))
	return nil, &types.ResourceAlreadyExistsException{}
}

func (r *recordingLogs) CreateLogStream(_ context.Context, in *cwl.CreateLogStreamInput, _ ...func(*cwl.Options)) (*cwl.CreateLogStreamOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "CreateLogStream "+aws.ToString(in.LogStreamName))
	r.gone = false
	return &cwl.CreateLogStreamOutput{}, nil
}

func (r *recordingLogs) PutLogEvents(_ context.Context, in *cwl.PutLogEventsInput, _ ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "PutLogEvents")
	if r.gone {
		return nil, &types.ResourceNotFoundException{}
	}
	r.batches = append(r.batches, in.LogEvents)
	return &cwl.PutLogEventsOutput{}, nil
}

func TestShipperCreatesSortsAndRecreates(t *testing.T) {
	api := &recordingLogs{}
	s := newCWShipper(api, "cruddur", "svc", time.Hour, slog.New(slog.DiscardHandler))
	now := time.Now()
	s.put(now.Add(time.Second), "second")
	s.put(now, "first")
	s.flush(t.Context())
	api.gone = true
	s.put(now, "third")
	s.flush(t.Context())
	want := "CreateLogGroup cruddur,CreateLogStream svc,PutLogEvents,PutLogEvents,CreateLogGroup cruddur,CreateLogStream svc,PutLogEvents"
	if got := strings.Join(api.calls, ","); got != want {
		t.Errorf("calls\n%s\nwant\n%s", got, want)
	}
	if len(api.batches) != 2 || aws.ToString(api.batches[0][0].Message) != "first" || aws.ToString(api.batches[1][0].Message) != "third" {
		t.Errorf("batches %+v", api.batches)
	}
}

func TestBatchLen(t *testing.T) {
	ev := func(ms int64, size int) types.InputLogEvent {
		return types.InputLogEvent{Timestamp: aws.Int64(ms), Message: aws.String(strings.Repeat("x", size))}
	}
	many := make([]types.InputLogEvent, cwMaxBatchCount+5)
	for i := range many {
		many[i] = ev(1, 1)
	}
	big := []types.InputLogEvent{ev(1, 600_000), ev(1, 600_000), ev(1, 10)}
	span := []types.InputLogEvent{ev(0, 1), ev(cwMaxBatchSpan.Milliseconds(), 1), ev(cwMaxBatchSpan.Milliseconds()+1, 1)}
	for name, tc := range map[string]struct {
		evs  []types.InputLogEvent
		want int
	}{"count": {many, cwMaxBatchCount}, "bytes": {big, 1}, "24 hours": {span, 2}, "all": {span[:2], 2}} {
		if got := cwBatchLen(tc.evs); got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
}

// TestHandlerPutsTraceIDs: a record logged in a span's context carries its
// trace id in both forms, as JSON.
func TestHandlerPutsTraceIDs(t *testing.T) {
	api := &recordingLogs{}
	s := newCWShipper(api, "cruddur", "svc", time.Hour, slog.New(slog.DiscardHandler))
	log := slog.New(newCWHandler(s, slog.LevelInfo)).With("service", "svc")
	ctx := spanContext(t, "4bf92f3577b34da6a3ce929d0e0e4736")
	log.WarnContext(ctx, "GET /x Not Found", "status", 404)
	log.DebugContext(ctx, "not logged")
	s.flush(t.Context())
	if len(api.batches) != 1 || len(api.batches[0]) != 1 {
		t.Fatalf("batches %+v", api.batches)
	}
	msg := aws.ToString(api.batches[0][0].Message)
	for _, want := range []string{`"level":"WARN"`, `"msg":"GET /x Not Found"`, `"service":"svc"`, `"status":404`,
		`"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"`, `"xray_trace_id":"1-4bf92f35-77b34da6a3ce929d0e0e4736"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %s: no %s", msg, want)
		}
	}
}
