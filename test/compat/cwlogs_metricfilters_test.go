package compat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestCloudWatchLogsMetricFilters makes a metric filter with aws-sdk-go-v2,
// sends events, and reads the filter's metric through Lookout's JSON API:
// per minute, the events that arrived, those matched and the sum of their
// values. TestMetricFilter and the errors of DeleteMetricFilter too.
func TestCloudWatchLogsMetricFilters(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g, s := aws.String("/compat/mf"), aws.String("web-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutMetricFilter(ctx, &cwl.PutMetricFilterInput{LogGroupName: g, FilterName: aws.String("5xx-bytes"),
		FilterPattern: aws.String("[ip, method, path, status = 5*, bytes]"), MetricTransformations: []types.MetricTransformation{{
			MetricName: aws.String("ServerErrorBytes"), MetricNamespace: aws.String("Web"), MetricValue: aws.String("$bytes"), Unit: types.StandardUnitBytes}}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeMetricFilters(ctx, &cwl.DescribeMetricFiltersInput{MetricName: aws.String("ServerErrorBytes"), MetricNamespace: aws.String("Web")})
	if err != nil || len(d.MetricFilters) != 1 || aws.ToString(d.MetricFilters[0].LogGroupName) != "/compat/mf" ||
		d.MetricFilters[0].MetricTransformations[0].Unit != types.StandardUnitBytes {
		t.Fatalf("describe: %+v %v", d, err)
	}
	tm, err := c.TestMetricFilter(ctx, &cwl.TestMetricFilterInput{FilterPattern: aws.String("[ip, method, path, status = 5*, bytes]"),
		LogEventMessages: []string{"10.0.0.1 GET / 200 10", "10.0.0.2 POST /pay 503 700"}})
	if err != nil || len(tm.Matches) != 1 || tm.Matches[0].EventNumber != 2 || tm.Matches[0].ExtractedValues["$bytes"] != "700" {
		t.Fatalf("test: %+v %v", tm, err)
	}
	minute := time.Now().Truncate(time.Minute).Add(-2 * time.Minute)
	lines := []string{"10.0.0.1 GET / 200 10", "10.0.0.2 POST /pay 503 700", "10.0.0.3 POST /pay 502 300", "10.0.0.4 GET /x 500 5"}
	var evs []types.InputLogEvent
	for i, l := range lines {
		at := minute.Add(time.Duration(i) * 20 * time.Second) // three in the first minute, one in the next
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(l)})
	}
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	var series struct {
		Points []struct {
			Time            time.Time
			Events, Matches int64
			Value           *float64
		}
	}
	u := fmt.Sprintf("%s/api/cwlogs/metricfilters/series?group=%s&name=5xx-bytes&start=%d&end=%d&step=1m", in.HTTP,
		url.QueryEscape("/compat/mf"), minute.Unix(), minute.Add(2*time.Minute).Unix()-1)
	if st := getJSON(t, u, &series); st != 200 {
		t.Fatalf("GET %s: %d", u, st)
	}
	p := series.Points
	if len(p) != 2 || p[0].Events != 3 || p[0].Matches != 2 || p[0].Value == nil || *p[0].Value != 1000 ||
		p[1].Events != 1 || p[1].Matches != 1 || *p[1].Value != 5 || !p[0].Time.Equal(minute) {
		t.Fatalf("series %+v", p)
	}
	if st := getJSON(t, strings.Replace(u, "5xx-bytes", "nope", 1), nil); st != 404 {
		t.Errorf("series of a missing filter: %d, want 404", st)
	}
	if _, err := c.DeleteMetricFilter(ctx, &cwl.DeleteMetricFilterInput{LogGroupName: g, FilterName: aws.String("5xx-bytes")}); err != nil {
		t.Fatal(err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.DeleteMetricFilter(ctx, &cwl.DeleteMetricFilterInput{LogGroupName: g, FilterName: aws.String("5xx-bytes")}); !errors.As(err, &nf) {
		t.Errorf("delete again: %v, want ResourceNotFoundException", err)
	}
}

// TestCloudWatchLogsGetLogRecord expands the @ptr of a Logs Insights row
// with aws-sdk-go-v2's GetLogRecord, as the console does when a row is
// opened.
func TestCloudWatchLogsGetLogRecord(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g, s := aws.String("/compat/ptr"), aws.String("web-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Minute)
	msg := `{"level":"ERROR","order":{"id":"o-7"}}`
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s,
		LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}}}); err != nil {
		t.Fatal(err)
	}
	q, err := c.StartQuery(ctx, &cwl.StartQueryInput{LogGroupName: g, StartTime: aws.Int64(at.Add(-time.Minute).Unix()),
		EndTime: aws.Int64(time.Now().Unix()), QueryString: aws.String("fields @timestamp | filter level = 'ERROR'")})
	if err != nil {
		t.Fatal(err)
	}
	var ptr *string
	for ptr == nil {
		r, err := c.GetQueryResults(ctx, &cwl.GetQueryResultsInput{QueryId: q.QueryId})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == types.QueryStatusScheduled || r.Status == types.QueryStatusRunning {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if len(r.Results) != 1 {
			t.Fatalf("%s: %d rows", r.Status, len(r.Results))
		}
		for _, f := range r.Results[0] {
			if aws.ToString(f.Field) == "@ptr" {
				ptr = f.Value
			}
		}
		if ptr == nil {
			t.Fatalf("no @ptr in %+v", r.Results[0])
		}
	}
	rec, err := c.GetLogRecord(ctx, &cwl.GetLogRecordInput{LogRecordPointer: ptr})
	if err != nil {
		t.Fatal(err)
	}
	if r := rec.LogRecord; r["@message"] != msg || r["order.id"] != "o-7" || r["@logStream"] != "web-1" || r["@timestamp"] != fmt.Sprint(at.UnixMilli()) {
		t.Errorf("record %v", r)
	}
}

// TestCloudWatchLogsModelValidation sends, with aws-sdk-go-v2, inputs that
// break the service model's constraints and checks the exception and
// message AWS gives for each.
func TestCloudWatchLogsModelValidation(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("v")}); err != nil {
		t.Fatal(err)
	}
	tags51 := map[string]string{}
	for i := range 51 {
		tags51[fmt.Sprint("k", i)] = "v"
	}
	const v = "1 validation error detected: Value "
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"prefix bad name!", func() error {
			_, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("bad name!")})
			return err
		}, v + `'bad name!' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"class BOGUS", func() error {
			_, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupClass: "BOGUS"})
			return err
		}, v + `'BOGUS' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]`},
		{"stream prefix a:b", func() error {
			_, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("v"), LogStreamNamePrefix: aws.String("a:b")})
			return err
		}, v + `'a:b' at 'logStreamNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`},
		{"tag key bad!key", func() error {
			_, err := c.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:v"), Tags: map[string]string{"bad!key": "x"}})
			return err
		}, v + `'{bad!key=x}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`},
		{"timestamp -1", func() error {
			_, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("v"), LogStreamName: aws.String("s"),
				LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(-1), Message: aws.String("m")}}})
			return err
		}, v + `'-1' at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0`},
		{"51 tags", func() error {
			_, err := c.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:v"), Tags: tags51})
			return err
		}, "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"257-character queryId", func() error {
			_, err := c.GetQueryResults(ctx, &cwl.GetQueryResultsInput{QueryId: aws.String(strings.Repeat("q", 257))})
			return err
		}, "at 'queryId' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"StartQuery limit 20000 is taken", func() error {
			_, err := c.StartQuery(ctx, &cwl.StartQueryInput{LogGroupName: aws.String("v"), StartTime: aws.Int64(0), EndTime: aws.Int64(10),
				QueryString: aws.String("fields @message"), Limit: aws.Int32(20000)})
			return err
		}, ""},
	} {
		err := tc.call()
		var ip *types.InvalidParameterException
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want success", tc.name, err)
		case tc.want != "" && (!errors.As(err, &ip) || !strings.Contains(ip.ErrorMessage(), tc.want)):
			t.Errorf("%s: %v\nwant InvalidParameterException: %s", tc.name, err, tc.want)
		}
	}
}
