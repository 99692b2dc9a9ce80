package compat

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

// TestCloudWatchLogsInsights runs Logs Insights queries with aws-sdk-go-v2
// against a real lookout: StartQuery, poll GetQueryResults until Complete,
// check the values against answers computed from the events put.
func TestCloudWatchLogsInsights(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g, s := aws.String("/compat/insights"), aws.String("api-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	// Three 5-minute bins holding 4, 3 and 5 events; latency i*10 ms for
	// the i-th event overall (1-based), every third one an ERROR.
	base := time.Now().Add(-time.Hour).Truncate(5 * time.Minute)
	perBin := []int{4, 3, 5}
	var events []types.InputLogEvent
	i := 0
	for b, n := range perBin {
		for k := range n {
			i++
			level := "INFO"
			if i%3 == 0 {
				level = "ERROR"
			}
			at := base.Add(time.Duration(b)*5*time.Minute + time.Duration(k)*time.Second)
			msg := fmt.Sprintf(`{"level":"%s","latency":%d,"path":"/api/%d","user":{"id":"u%d"}}`, level, i*10, i, i%2)
			events = append(events, types.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)})
		}
	}
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	start, end := base.Add(-time.Minute).Unix(), time.Now().Unix()

	// Bins: latencies 10..40, 50..70, 80..120.
	rows := runInsights(t, c, g, start, end,
		`stats count(*) as n, avg(latency) as mean, pct(latency, 99) as p99, max(latency) by bin(5m)`)
	want := [][]string{
		{base.UTC().Format("2006-01-02 15:04:05.000"), "4", "25", "40", "40"},
		{base.Add(5 * time.Minute).UTC().Format("2006-01-02 15:04:05.000"), "3", "60", "70", "70"},
		{base.Add(10 * time.Minute).UTC().Format("2006-01-02 15:04:05.000"), "5", "100", "120", "120"},
	}
	if len(rows) != len(want) {
		t.Fatalf("stats rows = %v, want %d", rows, len(want))
	}
	for r, w := range want {
		for col, name := range []string{"bin(5m)", "n", "mean", "p99", "max(latency)"} {
			if got := rows[r][name]; got != w[col] {
				t.Errorf("row %d %s = %q, want %q (row %v)", r, name, got, w[col], rows[r])
			}
		}
	}

	// ERROR events: i = 3, 6, 9, 12 → latency 30, 60, 90, 120.
	rows = runInsights(t, c, g, start, end,
		`fields @timestamp, @message, latency, user.id | filter level = "ERROR" and latency > 50 | sort latency desc | limit 2`)
	if len(rows) != 2 || rows[0]["latency"] != "120" || rows[1]["latency"] != "90" || rows[0]["user.id"] != "u0" ||
		rows[0]["@ptr"] == "" || rows[0]["@timestamp"] != base.Add(10*time.Minute+4*time.Second).UTC().Format("2006-01-02 15:04:05.000") {
		t.Errorf("fields/filter/sort/limit rows = %v", rows)
	}

	// parse (glob and regex) and like.
	rows = runInsights(t, c, g, start, end,
		`parse @message '"path":"/api/*"' as n | parse @message /"id":"(?<uid>u\d)"/ | filter @message like "ERROR" | stats count(*) as c, sum(n) as total by uid`)
	if len(rows) != 2 || rows[0]["uid"] != "u0" || rows[0]["c"] != "2" || rows[0]["total"] != "18" ||
		rows[1]["uid"] != "u1" || rows[1]["c"] != "2" || rows[1]["total"] != "12" {
		t.Errorf("parse rows = %v", rows)
	}

	_, err := c.StartQuery(ctx, &cwl.StartQueryInput{LogGroupName: g, StartTime: aws.Int64(start), EndTime: aws.Int64(end),
		QueryString: aws.String(`fields @message | filter latency >`)})
	var mq *types.MalformedQueryException
	if !errors.As(err, &mq) {
		t.Errorf("bad query: err = %v, want MalformedQueryException", err)
	}
}

// runInsights starts a query, polls until it is Complete and returns its
// rows as field → value maps.
func runInsights(t *testing.T, c *cwl.Client, g *string, start, end int64, query string) []map[string]string {
	t.Helper()
	ctx := context.Background()
	sq, err := c.StartQuery(ctx, &cwl.StartQueryInput{LogGroupName: g, StartTime: aws.Int64(start),
		EndTime: aws.Int64(end), QueryString: aws.String(query)})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.GetQueryResults(ctx, &cwl.GetQueryResultsInput{QueryId: sq.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		switch out.Status {
		case types.QueryStatusScheduled, types.QueryStatusRunning:
			if time.Now().After(deadline) {
				t.Fatalf("%s: still %s", query, out.Status)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		case types.QueryStatusComplete:
		default:
			t.Fatalf("%s: status %s", query, out.Status)
		}
		if out.Statistics == nil || out.Statistics.RecordsScanned != 12 {
			t.Errorf("%s: statistics %+v, want 12 records scanned", query, out.Statistics)
		}
		var rows []map[string]string
		for _, r := range out.Results {
			m := map[string]string{}
			for _, f := range r {
				m[aws.ToString(f.Field)] = aws.ToString(f.Value)
			}
			rows = append(rows, m)
		}
		return rows
	}
}
