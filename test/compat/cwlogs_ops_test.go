package compat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestCloudWatchLogsGroupFields discovers a group's fields with
// aws-sdk-go-v2, as Grafana's CloudWatch data source does before offering
// them in its query editor.
func TestCloudWatchLogsGroupFields(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	g, s := aws.String("/compat/fields"), aws.String("web-1")
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var evs []types.InputLogEvent
	for i, msg := range []string{`{"level":"ERROR","req":{"path":"/pay"}}`, `{"level":"INFO"}`, `{"level":"INFO"}`, `GET / 200`} {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(now.Add(time.Duration(i-10) * time.Second).UnixMilli()), Message: aws.String(msg)})
	}
	if _, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetLogGroupFields(ctx, &cwl.GetLogGroupFieldsInput{LogGroupName: g})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int32{}
	for _, f := range out.LogGroupFields {
		got[aws.ToString(f.Name)] = f.Percent
	}
	want := map[string]int32{"@timestamp": 100, "@message": 100, "@logStream": 100, "@log": 100, "@ingestionTime": 100, "level": 75, "req.path": 25}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s: percent %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	_, err = c.GetLogGroupFields(ctx, &cwl.GetLogGroupFieldsInput{LogGroupName: aws.String("/compat/none")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("missing group: %v, want ResourceNotFoundException", err)
	}
	_, err = c.GetLogGroupFields(ctx, &cwl.GetLogGroupFieldsInput{LogGroupName: g, Time: aws.Int64(-1)})
	var bad *types.InvalidParameterException
	if !errors.As(err, &bad) {
		t.Errorf("negative time: %v, want InvalidParameterException", err)
	}
}

// TestCloudWatchLogsQueryDefinitions saves, lists, updates and deletes Logs
// Insights queries with aws-sdk-go-v2 (which fills the idempotency token).
func TestCloudWatchLogsQueryDefinitions(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	put, err := c.PutQueryDefinition(ctx, &cwl.PutQueryDefinitionInput{Name: aws.String("ops/errors"),
		QueryString: aws.String("fields @timestamp, @message | filter @message like /ERROR/"), LogGroupNames: []string{"/compat/orders"}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(put.QueryDefinitionId)
	if _, err := c.PutQueryDefinition(ctx, &cwl.PutQueryDefinitionInput{Name: aws.String("ops/slow"),
		QueryString: aws.String("filter duration > {{min}}"), Parameters: []types.QueryParameter{{Name: aws.String("min"), DefaultValue: aws.String("1000")}}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	var tok *string
	for pages := 0; pages == 0 || tok != nil; pages++ {
		page, err := c.DescribeQueryDefinitions(ctx, &cwl.DescribeQueryDefinitionsInput{MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil || pages > 3 {
			t.Fatal(err, pages)
		}
		tok = page.NextToken
		for _, d := range page.QueryDefinitions {
			names = append(names, aws.ToString(d.Name))
			if aws.ToInt64(d.LastModified) == 0 || d.QueryLanguage != types.QueryLanguageCwli {
				t.Errorf("definition %+v", d)
			}
		}
	}
	if fmt.Sprint(names) != "[ops/errors ops/slow]" {
		t.Fatalf("definitions %v", names)
	}
	if _, err := c.PutQueryDefinition(ctx, &cwl.PutQueryDefinitionInput{QueryDefinitionId: aws.String(id), Name: aws.String("ops/errors"),
		QueryString: aws.String("stats count(*) by bin(5m)")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeQueryDefinitions(ctx, &cwl.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: aws.String("ops/e")})
	if err != nil || len(got.QueryDefinitions) != 1 || aws.ToString(got.QueryDefinitions[0].QueryString) != "stats count(*) by bin(5m)" {
		t.Fatalf("after update: %+v %v", got, err)
	}
	del, err := c.DeleteQueryDefinition(ctx, &cwl.DeleteQueryDefinitionInput{QueryDefinitionId: aws.String(id)})
	if err != nil || !del.Success {
		t.Fatalf("delete: %+v %v", del, err)
	}
	_, err = c.DeleteQueryDefinition(ctx, &cwl.DeleteQueryDefinitionInput{QueryDefinitionId: aws.String(id)})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("second delete: %v", err)
	}
	_, err = c.PutQueryDefinition(ctx, &cwl.PutQueryDefinitionInput{Name: aws.String("x"), QueryString: aws.String("x"), QueryLanguage: "KQL"})
	var bad *types.InvalidParameterException
	if !errors.As(err, &bad) {
		t.Fatalf("bad language: %v", err)
	}
}

// TestCloudWatchLogsListLogGroups lists groups with ListLogGroups' pattern
// and describes chosen ones by identifier, with aws-sdk-go-v2.
func TestCloudWatchLogsListLogGroups(t *testing.T) {
	in := startLookout(t, t.TempDir())
	ctx := context.Background()
	c := cwClient(in)
	for _, g := range []string{"/compat/lambda/a", "/compat/lambda/b", "/compat/ecs/web"} {
		if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(g), Tags: map[string]string{"svc": g[8:11]}}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var tok *string
	for pages := 0; pages == 0 || tok != nil; pages++ {
		out, err := c.ListLogGroups(ctx, &cwl.ListLogGroupsInput{LogGroupNamePattern: aws.String("^/compat/lambda|web"), Limit: aws.Int32(2), NextToken: tok})
		if err != nil || pages > 3 {
			t.Fatal(err, pages)
		}
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
			if !strings.HasSuffix(aws.ToString(g.LogGroupArn), ":log-group:"+aws.ToString(g.LogGroupName)) || g.LogGroupClass != types.LogGroupClassStandard {
				t.Errorf("summary %+v", g)
			}
		}
		tok = out.NextToken
	}
	if fmt.Sprint(names) != "[/compat/ecs/web /compat/lambda/a /compat/lambda/b]" {
		t.Fatalf("listed %v", names)
	}
	tagged, err := c.ListLogGroups(ctx, &cwl.ListLogGroupsInput{LogGroupTags: []types.TagFilter{{Key: aws.String("svc"), Values: []string{"ecs"}}}})
	if err != nil || len(tagged.LogGroups) != 1 || aws.ToString(tagged.LogGroups[0].LogGroupName) != "/compat/ecs/web" {
		t.Fatalf("by tag: %+v %v", tagged, err)
	}
	desc, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{
		"arn:aws:logs:us-east-1:000000000000:log-group:/compat/lambda/b", "/compat/ecs/web"}})
	if err != nil || len(desc.LogGroups) != 2 || aws.ToString(desc.LogGroups[0].LogGroupName) != "/compat/ecs/web" {
		t.Fatalf("describe by identifiers: %+v %v", desc, err)
	}
	_, err = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{"/compat/ecs/web"}, LogGroupNamePrefix: aws.String("/compat")})
	var bad *types.InvalidParameterException
	if !errors.As(err, &bad) {
		t.Fatalf("identifiers with a prefix: %v", err)
	}
	_, err = c.ListLogGroups(ctx, &cwl.ListLogGroupsInput{LogGroupClass: "BOGUS"})
	if !errors.As(err, &bad) {
		t.Fatalf("bad class: %v", err)
	}
}
