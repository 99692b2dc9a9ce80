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

	"lookout/internal/metricfilters"
)

func TestMetricFilterScenarios(t *testing.T) {
	e := newEnv(t)
	tr := `"metricTransformations":[{"metricName":"Errors","metricNamespace":"App","metricValue":"1"}]`
	runScenarios(t, e, []scenario{
		{"no group", "PutMetricFilter", `{"logGroupName":"mf","filterName":"f","filterPattern":"ERROR",` + tr + `}`, 400, "ResourceNotFoundException", nil},
		{"group", "CreateLogGroup", `{"logGroupName":"mf"}`, 200, "", nil},
		{"put", "PutMetricFilter", `{"logGroupName":"mf","filterName":"errors","filterPattern":"ERROR",` + tr + `}`, 200, "", nil},
		{"put json", "PutMetricFilter", `{"logGroupName":"mf","filterName":"latency","filterPattern":"{ $.status >= 500 }","metricTransformations":[{"metricName":"Latency","metricNamespace":"App","metricValue":"$.ms","defaultValue":0}]}`, 200, "", nil},
		{"bad pattern", "PutMetricFilter", `{"logGroupName":"mf","filterName":"b","filterPattern":"{ $.x >= }",` + tr + `}`, 400, "InvalidParameterException", []string{"filterPattern"}},
		{"value the pattern cannot read", "PutMetricFilter", `{"logGroupName":"mf","filterName":"b","filterPattern":"ERROR","metricTransformations":[{"metricName":"M","metricNamespace":"N","metricValue":"$size"}]}`, 400, "InvalidParameterException", []string{"metricValue"}},
		{"two transformations", "PutMetricFilter", `{"logGroupName":"mf","filterName":"b","filterPattern":"","metricTransformations":[{"metricName":"M","metricNamespace":"N","metricValue":"1"},{"metricName":"M","metricNamespace":"N","metricValue":"1"}]}`, 400, "InvalidParameterException", []string{"at 'metricTransformations'", "less than or equal to 1"}},
		{"no transformations", "PutMetricFilter", `{"logGroupName":"mf","filterName":"b","filterPattern":""}`, 400, "InvalidParameterException", []string{"Value null at 'metricTransformations'"}},
		{"describe", "DescribeMetricFilters", `{"logGroupName":"mf"}`, 200, "", []string{`"filterName":"errors"`, `"filterName":"latency"`, `"metricValue":"$.ms"`, `"creationTime"`}},
		{"describe prefix", "DescribeMetricFilters", `{"logGroupName":"mf","filterNamePrefix":"lat"}`, 200, "", []string{`"latency"`}},
		{"describe by metric", "DescribeMetricFilters", `{"metricName":"Errors","metricNamespace":"App"}`, 200, "", []string{`"errors"`}},
		{"describe metric alone", "DescribeMetricFilters", `{"metricName":"Errors"}`, 400, "InvalidParameterException", []string{"together"}},
		{"describe page", "DescribeMetricFilters", `{"limit":1}`, 200, "", []string{`"errors"`, `"nextToken"`}},
		{"test", "TestMetricFilter", `{"filterPattern":"[ip, user, status = 5*]","logEventMessages":["1.2.3.4 bob 503","1.2.3.4 bob 200"]}`, 200, "",
			[]string{`{"matches":[{"eventMessage":"1.2.3.4 bob 503","eventNumber":1,"extractedValues":{"$ip":"1.2.3.4","$status":"503","$user":"bob"}}]}`}},
		{"test bad pattern", "TestMetricFilter", `{"filterPattern":"[a,","logEventMessages":["x"]}`, 400, "InvalidParameterException", nil},
		{"test no messages", "TestMetricFilter", `{"filterPattern":"x","logEventMessages":[]}`, 400, "InvalidParameterException", []string{"logEventMessages"}},
		{"delete", "DeleteMetricFilter", `{"logGroupName":"mf","filterName":"errors"}`, 200, "", nil},
		{"delete again", "DeleteMetricFilter", `{"logGroupName":"mf","filterName":"errors"}`, 400, "ResourceNotFoundException", []string{"metric filter does not exist"}},
		{"describe after", "DescribeMetricFilters", `{"logGroupName":"mf"}`, 200, "", []string{`"latency"`}},
	})
}

// TestMetricFilterSDK drives the metric filter operations with
// aws-sdk-go-v2, then reads the filter's metric over the events that
// arrived after it was made.
func TestMetricFilterSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/app")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/app"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutMetricFilter(ctx, &cwl.PutMetricFilterInput{LogGroupName: aws.String("/app"), FilterName: aws.String("slow"),
		FilterPattern: aws.String("{ $.ms > 100 }"), MetricTransformations: []types.MetricTransformation{{
			MetricName: aws.String("SlowMs"), MetricNamespace: aws.String("App"), MetricValue: aws.String("$.ms")}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeMetricFilters(ctx, &cwl.DescribeMetricFiltersInput{LogGroupName: aws.String("/app")})
	if err != nil || len(got.MetricFilters) != 1 || aws.ToString(got.MetricFilters[0].FilterPattern) != "{ $.ms > 100 }" ||
		aws.ToString(got.MetricFilters[0].MetricTransformations[0].MetricValue) != "$.ms" {
		t.Fatalf("describe: %+v %v", got, err)
	}
	test, err := c.TestMetricFilter(ctx, &cwl.TestMetricFilterInput{FilterPattern: aws.String("{ $.ms > 100 }"),
		LogEventMessages: []string{`{"ms":50}`, `{"ms":150}`}})
	if err != nil || len(test.Matches) != 1 || test.Matches[0].EventNumber != 2 || test.Matches[0].ExtractedValues["$.ms"] != "150" {
		t.Fatalf("test: %+v %v", test, err)
	}
	now := time.Now().Truncate(time.Minute)
	var events []types.InputLogEvent
	for i, ms := range []int{50, 150, 250, 20} {
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(i) * time.Second).UnixMilli()), Message: aws.String(fmt.Sprintf(`{"ms":%d}`, ms))})
	}
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("/app"), LogStreamName: aws.String("s"), LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	svc := metricfilters.New(e.meta, e.store, nil)
	s, err := svc.Series(ctx, "default", "/app", "slow", now.Add(-time.Minute), now.Add(time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 2 || s.Points[0].Events != 0 || s.Points[1].Events != 4 || s.Points[1].Matches != 2 || s.Points[1].Value == nil || *s.Points[1].Value != 400 {
		t.Fatalf("series %+v", s.Points)
	}
	if _, err := c.DeleteMetricFilter(ctx, &cwl.DeleteMetricFilterInput{LogGroupName: aws.String("/app"), FilterName: aws.String("slow")}); err != nil {
		t.Fatal(err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := svc.Series(ctx, "default", "/app", "slow", now, now.Add(time.Minute), time.Minute); err != metricfilters.ErrNotFound {
		t.Fatalf("series of a deleted filter: %v", err)
	}
	if _, err := c.DeleteMetricFilter(ctx, &cwl.DeleteMetricFilterInput{LogGroupName: aws.String("/app"), FilterName: aws.String("slow")}); !errors.As(err, &nf) {
		t.Fatalf("delete again: %v", err)
	}
}
