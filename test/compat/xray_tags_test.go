package compat

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// TestXRayTagsWithSDK drives TagResource, UntagResource and
// ListTagsForResource with aws-sdk-go-v2 against a real lookout, on a
// sampling rule and a group: tags given at creation, added, overwritten,
// removed, kept across a restart, shown by GetSamplingRules' neighbours;
// unknown resources are ResourceNotFoundException, invalid tags
// InvalidRequestException, more than 50 TooManyTagsException.
func TestXRayTagsWithSDK(t *testing.T) {
	dir := t.TempDir()
	in := startLookout(t, dir)
	xr, main := xrayClient(in.XRayAPI), xrayClient(in.HTTP)
	ctx := context.Background()
	rule, err := xr.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: &types.SamplingRule{
		RuleName: aws.String("checkout"), ResourceARN: aws.String("*"), Priority: aws.Int32(100), FixedRate: 0.1, ReservoirSize: 1,
		ServiceName: aws.String("checkout"), ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"),
		URLPath: aws.String("*"), Version: aws.Int32(1)},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("payments")}}})
	if err != nil {
		t.Fatal(err)
	}
	group, err := xr.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("faults"), FilterExpression: aws.String("fault")})
	if err != nil {
		t.Fatal(err)
	}
	ruleARN, groupARN := aws.ToString(rule.SamplingRuleRecord.SamplingRule.RuleARN), aws.ToString(group.Group.GroupARN)
	tags := func(c *awsxray.Client, arn string) (string, error) {
		out, err := c.ListTagsForResource(ctx, &awsxray.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		if err != nil {
			return "", err
		}
		var kv []string
		for _, t := range out.Tags {
			kv = append(kv, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		return strings.Join(kv, ","), nil
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for _, tc := range []struct {
		arn, before, after string
		add                []types.Tag
		remove             []string
	}{
		{ruleARN, "team=payments", "team=checkout,env=prod", []types.Tag{tag("team", "checkout"), tag("env", "prod")}, nil},
		{ruleARN, "team=checkout,env=prod", "env=prod", nil, []string{"team", "absent"}},
		{groupARN, "", "owner=sre,tier=1", []types.Tag{tag("owner", "sre"), tag("tier", "1")}, nil},
		{groupARN, "owner=sre,tier=1", "tier=1", nil, []string{"owner"}},
	} {
		if got, err := tags(main, tc.arn); err != nil || got != tc.before {
			t.Fatalf("%s before: %q %v, want %q", tc.arn, got, err, tc.before)
		}
		if tc.add != nil {
			_, err = xr.TagResource(ctx, &awsxray.TagResourceInput{ResourceARN: aws.String(tc.arn), Tags: tc.add})
		} else {
			_, err = main.UntagResource(ctx, &awsxray.UntagResourceInput{ResourceARN: aws.String(tc.arn), TagKeys: tc.remove})
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.arn, err)
		}
		if got, err := tags(xr, tc.arn); err != nil || got != tc.after {
			t.Errorf("%s after: %q %v, want %q", tc.arn, got, err, tc.after)
		}
	}
	rules, err := xr.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{})
	if err != nil || len(rules.SamplingRuleRecords) != 2 || rules.SamplingRuleRecords[1].SamplingRule.FixedRate != 0.1 {
		t.Errorf("GetSamplingRules after tagging: %+v %v", rules, err)
	}

	in.stop(t)
	in = startLookout(t, dir)
	xr = xrayClient(in.XRayAPI)
	if got, err := tags(xr, ruleARN); err != nil || got != "env=prod" {
		t.Errorf("rule tags after a restart: %q %v", got, err)
	}
	if got, err := tags(xr, groupARN); err != nil || got != "tier=1" {
		t.Errorf("group tags after a restart: %q %v", got, err)
	}

	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = tag("k"+strings.Repeat("x", i), "v")
	}
	for _, bad := range []struct {
		name, arn string
		tags      []types.Tag
		code      string
	}{
		{"unknown rule", strings.Replace(ruleARN, "checkout", "nope", 1), []types.Tag{tag("a", "b")}, "ResourceNotFoundException"},
		{"deleted group id", strings.TrimSuffix(groupARN, groupARN[strings.LastIndex(groupARN, "/"):]) + "/OTHER", []types.Tag{tag("a", "b")}, "ResourceNotFoundException"},
		{"not x-ray", "arn:aws:s3:::bucket", []types.Tag{tag("a", "b")}, "InvalidRequestException"},
		{"reserved key", ruleARN, []types.Tag{tag("aws:x", "b")}, "InvalidRequestException"},
		{"bad character", groupARN, []types.Tag{tag("bad!key", "b")}, "InvalidRequestException"},
		{"51 tags", ruleARN, many, "TooManyTagsException"},
	} {
		_, err := xr.TagResource(ctx, &awsxray.TagResourceInput{ResourceARN: aws.String(bad.arn), Tags: bad.tags})
		if errCode(err) != bad.code {
			t.Errorf("TagResource %s: %v, want %s", bad.name, err, bad.code)
		}
	}
	var nf *types.ResourceNotFoundException
	if _, err := xr.ListTagsForResource(ctx, &awsxray.ListTagsForResourceInput{ResourceARN: aws.String(strings.Replace(groupARN, "faults", "other", 1))}); !errors.As(err, &nf) {
		t.Errorf("ListTagsForResource of an unknown group: %v", err)
	}
}
