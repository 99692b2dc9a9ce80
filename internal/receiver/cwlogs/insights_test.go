package cwlogs

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// blockingEvents yields one event, then blocks until the query is cancelled.
type blockingEvents struct{ store.LogGroupEvents }

func (blockingEvents) GroupEvents(ctx context.Context, q store.GroupEventQuery) iter.Seq2[store.GroupEvent, error] {
	return func(yield func(store.GroupEvent, error) bool) {
		if !yield(store.GroupEvent{Message: "x"}, nil) {
			return
		}
		<-ctx.Done()
		yield(store.GroupEvent{}, ctx.Err())
	}
}

func waitStatus(t *testing.T, m *queryRegistry, id string, want string) {
	t.Helper()
	c := &call{project: "p"}
	body := []byte(`{"queryId":"` + id + `"}`)
	for range 200 {
		out, err := m.getQueryResults(context.Background(), c, body)
		if err != nil {
			t.Fatal(err)
		}
		if st := out.(getQueryResultsOutput).Status; st == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("query %s never became %s", id, want)
}

func TestQueryRegistryLifecycle(t *testing.T) {
	lim := defaultQueryLimits()
	lim.Running, lim.Active, lim.Budget = 1, 2, 300*time.Millisecond
	m := newQueryRegistry(blockingEvents{}, slog.Default(), time.Now, "1", lim)
	q, err := insights.Parse("stats count(*)")
	if err != nil {
		t.Fatal(err)
	}
	job := queryJob{project: "p", query: q, groups: []string{"g"}}
	a, _ := m.start(job)
	waitStatus(t, m, a, statusRunning)
	b, _ := m.start(job) // waits for the only slot
	waitStatus(t, m, b, statusScheduled)
	if _, err := m.start(job); err == nil || err.(*apiError).code != "LimitExceededException" {
		t.Fatalf("third query: %v", err)
	}
	c := &call{project: "p"}
	out, err := m.stopQuery(context.Background(), c, []byte(`{"queryId":"`+a+`"}`))
	if err != nil || !out.(struct {
		Success bool `json:"success"`
	}).Success {
		t.Fatalf("StopQuery = %v, %v", out, err)
	}
	waitStatus(t, m, a, statusCancelled)
	waitStatus(t, m, b, statusTimeout) // b ran into its budget
	if out, _ := m.stopQuery(context.Background(), c, []byte(`{"queryId":"`+a+`"}`)); out.(struct {
		Success bool `json:"success"`
	}).Success {
		t.Error("StopQuery of a finished query succeeded")
	}
	if _, err := m.getQueryResults(context.Background(), &call{project: "other"}, []byte(`{"queryId":"`+a+`"}`)); err == nil {
		t.Error("another project sees the query")
	}
	for _, s := range m.queries {
		<-s.done
	}
	// Finished queries are forgotten after KeepFor.
	m.now = func() time.Time { return time.Now().Add(time.Hour) }
	if _, err := m.getQueryResults(context.Background(), c, []byte(`{"queryId":"`+a+`"}`)); err == nil {
		t.Error("query kept past KeepFor")
	}
}

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
