package xrayapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"

	"lookout/internal/receiver/xrayapi/configapi"
	"lookout/internal/store/metaduck"
	"lookout/internal/xraygroups"
	"lookout/internal/xrayread"
)

// newGroupsServer serves the group and read operations over the captured
// SDK traces and a fresh metadata store; it returns an SDK client and the
// server's URL.
func newGroupsServer(t *testing.T) (*awsxray.Client, string) {
	t.Helper()
	srv := httptest.NewServer(groupsMux(t))
	t.Cleanup(srv.Close)
	return sdkClient(srv.URL), srv.URL
}

// groupsMux mounts the group and read operations over the captured SDK
// traces and a fresh metadata store.
func groupsMux(t testing.TB) *http.ServeMux {
	t.Helper()
	meta, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	groups, err := xraygroups.New(xraygroups.DefaultConfig(), meta)
	if err != nil {
		t.Fatal(err)
	}
	cfg := xrayread.DefaultConfig()
	cfg.Groups = groups
	reads, err := xrayread.New(cfg, sdkStore(t))
	if err != nil {
		t.Fatal(err)
	}
	read, err := NewReadAPI(DefaultReadConfig(), reads)
	if err != nil {
		t.Fatal(err)
	}
	gapi, err := configapi.NewGroupsAPI(configapi.DefaultGroupsConfig(), groups)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	read.Register(mux)
	gapi.Register(mux)
	return mux
}

// apiCode is the X-Ray error code of err, "" for none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestGroupOperations drives the five operations through aws-sdk-go-v2,
// step by step: what each answers, or the error code and message.
func TestGroupOperations(t *testing.T) {
	c, _ := newGroupsServer(t)
	ctx := context.Background()
	var arn string
	group := func(g *types.Group) string {
		ins := g.InsightsConfiguration
		return aws.ToString(g.GroupName) + " " + aws.ToString(g.FilterExpression) + " " +
			boolText(ins.InsightsEnabled) + "/" + boolText(ins.NotificationsEnabled)
	}
	steps := []struct {
		name, want, code, msg string
		do                    func() (string, error)
	}{
		{name: "create", want: "shop-errors fault OR error true/false", do: func() (string, error) {
			out, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("shop-errors"),
				FilterExpression:      aws.String("fault OR error"),
				InsightsConfiguration: &types.InsightsConfiguration{InsightsEnabled: aws.Bool(true)},
				Tags:                  []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}}})
			if err != nil {
				return "", err
			}
			arn = aws.ToString(out.Group.GroupARN)
			return group(out.Group), nil
		}},
		{name: "get by ARN", want: "shop-errors fault OR error true/false", do: func() (string, error) {
			out, err := c.GetGroup(ctx, &awsxray.GetGroupInput{GroupARN: aws.String(arn)})
			if err != nil {
				return "", err
			}
			return group(out.Group), nil
		}},
		{name: "update", want: "shop-errors fault true/true", do: func() (string, error) {
			out, err := c.UpdateGroup(ctx, &awsxray.UpdateGroupInput{GroupName: aws.String("shop-errors"), FilterExpression: aws.String("fault"),
				InsightsConfiguration: &types.InsightsConfiguration{NotificationsEnabled: aws.Bool(true)}})
			if err != nil {
				return "", err
			}
			return group(out.Group), nil
		}},
		{name: "list", want: "Default  false/false|shop-errors fault true/true", do: func() (string, error) {
			var got []string
			p := awsxray.NewGetGroupsPaginator(c, &awsxray.GetGroupsInput{})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return "", err
				}
				for _, g := range out.Groups {
					got = append(got, group(&types.Group{GroupName: g.GroupName, FilterExpression: g.FilterExpression,
						InsightsConfiguration: g.InsightsConfiguration}))
				}
			}
			return strings.Join(got, "|"), nil
		}},
		{name: "duplicate", code: "InvalidRequestException", msg: `GroupName "shop-errors": a group of that name already exists`,
			do: func() (string, error) {
				_, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("shop-errors")})
				return "", err
			}},
		{name: "name too long", code: "InvalidRequestException", msg: "GroupName must be 1 to 32 characters long, not 33",
			do: func() (string, error) {
				_, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String(strings.Repeat("g", 33))})
				return "", err
			}},
		{name: "bad filter", code: "InvalidRequestException", msg: "FilterExpression: invalid filter expression: position 1: unknown keyword",
			do: func() (string, error) {
				_, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("g"), FilterExpression: aws.String("bogus")})
				return "", err
			}},
		{name: "bad tag key", code: "InvalidRequestException", msg: `Tags[0].Key "bad!key": only letters`,
			do: func() (string, error) {
				_, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("g"),
					Tags: []types.Tag{{Key: aws.String("bad!key"), Value: aws.String("v")}}})
				return "", err
			}},
		{name: "delete Default", code: "InvalidRequestException", msg: "the Default group cannot be deleted",
			do: func() (string, error) {
				_, err := c.DeleteGroup(ctx, &awsxray.DeleteGroupInput{GroupName: aws.String("Default")})
				return "", err
			}},
		{name: "delete", do: func() (string, error) {
			_, err := c.DeleteGroup(ctx, &awsxray.DeleteGroupInput{GroupARN: aws.String(arn)})
			return "", err
		}},
		{name: "get deleted", code: "InvalidRequestException", msg: `GroupName "shop-errors": no such group`,
			do: func() (string, error) {
				_, err := c.GetGroup(ctx, &awsxray.GetGroupInput{GroupName: aws.String("shop-errors")})
				return "", err
			}},
	}
	for _, st := range steps {
		got, err := st.do()
		switch {
		case st.code != "":
			if apiCode(err) != st.code || !strings.Contains(err.Error(), st.msg) {
				t.Errorf("%s: %v, want %s with %q", st.name, err, st.code, st.msg)
			}
		case err != nil:
			t.Errorf("%s: %v", st.name, err)
		case got != st.want:
			t.Errorf("%s: got %q, want %q", st.name, got, st.want)
		}
	}
	if !strings.HasPrefix(arn, "arn:aws:xray:us-east-1:000000000000:group/shop-errors/") || len(arn) != 52+len("arn:aws:xray:us-east-1:000000000000:group/shop-errors/") {
		t.Errorf("ARN %q", arn)
	}
}

func boolText(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

// TestGroupShapes pins the JSON of the answers: a group without a filter
// expression leaves it out, InsightsConfiguration is always there,
// DeleteGroup answers {}, and a NextToken this API never issued is refused.
func TestGroupShapes(t *testing.T) {
	_, base := newGroupsServer(t)
	cases := []struct {
		path, body string
		status     int
		want       string
	}{
		{configapi.GetGroupsPath, `{}`, 200,
			`{"Groups":[{"GroupName":"Default","GroupARN":"arn:aws:xray:us-east-1:000000000000:group/Default","InsightsConfiguration":{"InsightsEnabled":false,"NotificationsEnabled":false}}]}`},
		{configapi.GetGroupPath, `{"GroupARN":"arn:aws:xray:us-east-1:000000000000:group/Default"}`, 200,
			`{"Group":{"GroupName":"Default","GroupARN":"arn:aws:xray:us-east-1:000000000000:group/Default","InsightsConfiguration":{"InsightsEnabled":false,"NotificationsEnabled":false}}}`},
		{configapi.CreateGroupPath, `{"GroupName":"x"}`, 200, `"GroupName":"x","GroupARN":"arn:aws:xray:us-east-1:000000000000:group/x/`},
		{configapi.DeleteGroupPath, `{"GroupName":"x"}`, 200, `{}`},
		{configapi.GetGroupsPath, `{"NextToken":"abc"}`, 400, `{"message":"NextToken is not one this API returned"}`},
		{configapi.CreateGroupPath, `{"GroupName":7}`, 400, `{"message":"request body: field \"GroupName\": got number, want string"}`},
		{configapi.UpdateGroupPath, `{"GroupName":"Default","FilterExpression":"fault"}`, 400, `the Default group holds every trace`},
		{configapi.CreateGroupPath, `{"GroupName":"y","Tags":[{"Key":"k"}]}`, 400, `{"message":"Tags[0]: Key and Value are required"}`},
	}
	for _, tc := range cases {
		resp, err := http.Post(base+tc.path, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s %s: %d %s, want %d with %s", tc.path, tc.body, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}

// TestGroupsInReads: GetServiceGraph takes a group by name or ARN and
// GetTraceSummaries takes group.name and group.arn in its filter; an
// unknown group is InvalidRequestException.
func TestGroupsInReads(t *testing.T) {
	c, _ := newGroupsServer(t)
	ctx := context.Background()
	out, err := c.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("inventory"),
		FilterExpression: aws.String(`service("inventory")`)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.Group.GroupARN)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`group.name = "inventory"`, []string{cartTrace, checkoutTrace}},
		{`group.arn = "` + arn + `" AND fault`, []string{checkoutTrace}},
		{`!group.name = "inventory" AND http.url ENDSWITH "/leak"`, []string{leakTrace}},
		{`group.name = "Default" AND user = "alice"`, []string{cartTrace}},
	} {
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if got := ids(summaries(t, c, tc.filter)); !slices.Equal(got, want) {
			t.Errorf("filter %q: got %v, want %v", tc.filter, got, want)
		}
	}
	_, err = c.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd),
		FilterExpression: aws.String(`group.name = "nope"`)})
	if apiCode(err) != "InvalidRequestException" || !strings.Contains(err.Error(), `FilterExpression: group.name: GroupName "nope": no such group`) {
		t.Errorf("unknown group in a filter: %v", err)
	}
	for _, in := range []*awsxray.GetServiceGraphInput{
		{GroupName: aws.String("inventory")}, {GroupARN: aws.String(arn)},
	} {
		in.StartTime, in.EndTime = aws.Time(capStart), aws.Time(capEnd)
		g, err := c.GetServiceGraph(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		shop := byName(g.Services)["shop"].SummaryStatistics
		if shop == nil || aws.ToInt64(shop.TotalCount) != 2 || g.ContainsOldGroupVersions {
			t.Errorf("graph of the group: shop %+v, ContainsOldGroupVersions %v", shop, g.ContainsOldGroupVersions)
		}
	}
	all, err := c.GetServiceGraph(ctx, &awsxray.GetServiceGraphInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd),
		GroupName: aws.String("Default")})
	if err != nil || aws.ToInt64(byName(all.Services)["shop"].SummaryStatistics.TotalCount) != 5 {
		t.Errorf("graph of Default: %+v %v", all, err)
	}
	_, err = c.GetServiceGraph(ctx, &awsxray.GetServiceGraphInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd),
		GroupName: aws.String("nope")})
	if apiCode(err) != "InvalidRequestException" || !strings.Contains(err.Error(), `GroupName "nope": no such group`) {
		t.Errorf("graph of an unknown group: %v", err)
	}
}
