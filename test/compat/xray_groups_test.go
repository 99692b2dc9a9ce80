package compat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"
)

// groupSegments are three requests, one trace each: a checkout that fails
// with a 500, a cart read and an inventory lookup that answers 404.
func groupSegments(now time.Time) (docs []string, ids map[string]string) {
	ids = map[string]string{}
	for i, r := range []struct {
		service string
		status  int
	}{{"checkout", 500}, {"cart", 200}, {"inventory", 404}} {
		start := float64(now.Add(time.Duration(i)*time.Second).UnixNano()) / 1e9
		id := fmt.Sprintf("1-%08x-%024x", now.Unix(), 0xc0ffee000+i)
		ids[r.service] = id
		docs = append(docs, fmt.Sprintf(`{"name":%q,"id":"%016x","trace_id":%q,"start_time":%.6f,"end_time":%.6f,`+
			`"http":{"request":{"method":"GET","url":"http://shop/%s"},"response":{"status":%d}},"fault":%v,"error":%v}`,
			r.service, 0xa0+i, id, start, start+0.05, r.service, r.status, r.status >= 500, r.status/100 == 4))
	}
	return docs, ids
}

// errCode is the X-Ray error code of err, or err itself.
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

// TestXRayGroupsWithSDK drives X-Ray groups with aws-sdk-go-v2 against a
// real lookout, on the X-Ray port and on the main port: the implicit
// Default, create, get by name and ARN, list, validation errors, groups
// in GetTraceSummaries filters and GetServiceGraph, update, a restart
// (groups are kept), delete.
func TestXRayGroupsWithSDK(t *testing.T) {
	dir := t.TempDir()
	in := startLookout(t, dir)
	xr, main := xrayClient(in.XRayAPI), xrayClient(in.HTTP)
	ctx := context.Background()
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	docs, ids := groupSegments(now)
	if out, err := xr.PutTraceSegments(ctx, &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: docs}); err != nil ||
		len(out.UnprocessedTraceSegments) != 0 {
		t.Fatalf("PutTraceSegments: %+v %v", out, err)
	}

	groups, err := xr.GetGroups(ctx, &awsxray.GetGroupsInput{})
	if err != nil || len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "Default" ||
		aws.ToString(groups.Groups[0].GroupARN) != "arn:aws:xray:us-east-1:000000000000:group/Default" {
		t.Fatalf("GetGroups before any group: %+v %v", groups, err)
	}
	created, err := xr.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("checkout-faults"),
		FilterExpression:      aws.String(`service("checkout") { fault }`),
		InsightsConfiguration: &types.InsightsConfiguration{InsightsEnabled: aws.Bool(true)},
		Tags:                  []types.Tag{{Key: aws.String("team"), Value: aws.String("payments")}}})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	g := created.Group
	arn := aws.ToString(g.GroupARN)
	if aws.ToString(g.GroupName) != "checkout-faults" || !strings.HasPrefix(arn, "arn:aws:xray:us-east-1:000000000000:group/checkout-faults/") ||
		aws.ToString(g.FilterExpression) != `service("checkout") { fault }` || !aws.ToBool(g.InsightsConfiguration.InsightsEnabled) ||
		aws.ToBool(g.InsightsConfiguration.NotificationsEnabled) {
		t.Errorf("created group %+v, insights %+v", g, g.InsightsConfiguration)
	}
	for _, by := range []*awsxray.GetGroupInput{{GroupName: aws.String("checkout-faults")}, {GroupARN: aws.String(arn)}} {
		got, err := main.GetGroup(ctx, by)
		if err != nil || aws.ToString(got.Group.GroupARN) != arn || aws.ToString(got.Group.FilterExpression) != aws.ToString(g.FilterExpression) {
			t.Errorf("GetGroup on the main port: %+v %v", got, err)
		}
	}

	for _, bad := range []struct {
		name string
		in   *awsxray.CreateGroupInput
		msg  string
	}{
		{"duplicate", &awsxray.CreateGroupInput{GroupName: aws.String("checkout-faults")}, "a group of that name already exists"},
		{"reserved", &awsxray.CreateGroupInput{GroupName: aws.String("Default")}, `GroupName "Default" is reserved`},
		{"empty name", &awsxray.CreateGroupInput{GroupName: aws.String("")}, "1 validation error detected: Value '' at 'GroupName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"long name", &awsxray.CreateGroupInput{GroupName: aws.String(strings.Repeat("n", 33))}, "at 'GroupName' failed to satisfy constraint: Member must have length less than or equal to 32"},
		{"bad filter", &awsxray.CreateGroupInput{GroupName: aws.String("g"), FilterExpression: aws.String(`service("x") {`)},
			"FilterExpression: invalid filter expression"},
		{"notifications alone", &awsxray.CreateGroupInput{GroupName: aws.String("g"),
			InsightsConfiguration: &types.InsightsConfiguration{NotificationsEnabled: aws.Bool(true)}}, "NotificationsEnabled can be true only with InsightsEnabled true"},
	} {
		_, err := xr.CreateGroup(ctx, bad.in)
		var ire *types.InvalidRequestException
		if !errors.As(err, &ire) || !strings.Contains(aws.ToString(ire.Message), bad.msg) {
			t.Errorf("CreateGroup %s: %v, want InvalidRequestException with %q", bad.name, err, bad.msg)
		}
	}

	summaries := func(filter string) ([]string, error) {
		var out []string
		p := awsxray.NewGetTraceSummariesPaginator(main, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)),
			EndTime: aws.Time(now.Add(time.Minute)), FilterExpression: aws.String(filter)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, s := range page.TraceSummaries {
				out = append(out, aws.ToString(s.Id))
			}
		}
		slices.Sort(out)
		return out, nil
	}
	expect := func(filter string, services ...string) {
		t.Helper()
		var want []string
		for _, s := range services {
			want = append(want, ids[s])
		}
		slices.Sort(want)
		got, err := summaries(filter)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("GetTraceSummaries %s: %v %v, want %v (%s)", filter, got, err, want, strings.Join(services, ", "))
		}
	}
	expect(`group.name = "checkout-faults"`, "checkout")
	expect(`group.arn = "`+arn+`"`, "checkout")
	expect(`!group.name = "checkout-faults"`, "cart", "inventory")
	expect(`group.name = "Default" AND http.status >= 400`, "checkout", "inventory")

	graph, err := xr.GetServiceGraph(ctx, &awsxray.GetServiceGraphInput{StartTime: aws.Time(now.Add(-time.Minute)),
		EndTime: aws.Time(now.Add(time.Minute)), GroupName: aws.String("checkout-faults")})
	var names []string
	if err == nil {
		for _, s := range graph.Services {
			names = append(names, aws.ToString(s.Name))
		}
		slices.Sort(names)
	}
	if err != nil || !slices.Equal(names, []string{"checkout", "client"}) || graph.ContainsOldGroupVersions {
		t.Errorf("GetServiceGraph of the group: %v %v", names, err)
	}

	updated, err := main.UpdateGroup(ctx, &awsxray.UpdateGroupInput{GroupARN: aws.String(arn), FilterExpression: aws.String("http.status = 404"),
		InsightsConfiguration: &types.InsightsConfiguration{NotificationsEnabled: aws.Bool(true)}})
	if err != nil || aws.ToString(updated.Group.FilterExpression) != "http.status = 404" ||
		!aws.ToBool(updated.Group.InsightsConfiguration.InsightsEnabled) || !aws.ToBool(updated.Group.InsightsConfiguration.NotificationsEnabled) {
		t.Fatalf("UpdateGroup: %+v %v", updated, err)
	}
	expect(`group.name = "checkout-faults"`, "inventory")

	in.stop(t)
	in = startLookout(t, dir)
	xr = xrayClient(in.XRayAPI)
	got, err := xr.GetGroup(ctx, &awsxray.GetGroupInput{GroupARN: aws.String(arn)})
	if err != nil || aws.ToString(got.Group.FilterExpression) != "http.status = 404" || !aws.ToBool(got.Group.InsightsConfiguration.NotificationsEnabled) {
		t.Fatalf("GetGroup after a restart: %+v %v", got, err)
	}

	if _, err := xr.DeleteGroup(ctx, &awsxray.DeleteGroupInput{GroupName: aws.String("Default")}); errCode(err) != "InvalidRequestException" {
		t.Errorf("DeleteGroup Default: %v", err)
	}
	if _, err := xr.DeleteGroup(ctx, &awsxray.DeleteGroupInput{GroupARN: aws.String(arn)}); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	if _, err := xr.GetGroup(ctx, &awsxray.GetGroupInput{GroupName: aws.String("checkout-faults")}); errCode(err) != "InvalidRequestException" {
		t.Errorf("GetGroup of a deleted group: %v", err)
	}
	_, err = xr.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)),
		EndTime: aws.Time(now.Add(time.Minute)), FilterExpression: aws.String(`group.name = "checkout-faults"`)})
	if errCode(err) != "InvalidRequestException" || !strings.Contains(err.Error(), "no such group") {
		t.Errorf("GetTraceSummaries naming a deleted group: %v", err)
	}
}
