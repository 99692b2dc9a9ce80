package cruddur

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
)

// The sampling rules, one file each in the format of
// `aws xray create-sampling-rule --cli-input-json file://…`:
//   - health-check: never trace GET /api/health-check (FixedRate 0,
//     ReservoirSize 0), whatever the service;
//   - cruddur-activities: trace every /api/activities* request of the
//     backend;
//   - Cruddur: 10 % (and 5 a second) of everything else (the message
//     groups, Rollbar's test route), written with the application's name
//     as ServiceName where the SDK reports the segment name
//     (cruddur-backend), so it never matches and Default decides instead.
//
//go:embed xrayrules/*.json
var ruleFiles embed.FS

// SamplingRules reads the rule files, in name order.
func SamplingRules() ([]*awsxray.CreateSamplingRuleInput, error) {
	names, err := ruleFiles.ReadDir("xrayrules")
	if err != nil {
		return nil, err
	}
	var out []*awsxray.CreateSamplingRuleInput
	for _, e := range names {
		b, err := ruleFiles.ReadFile(path.Join("xrayrules", e.Name()))
		if err != nil {
			return nil, err
		}
		var in awsxray.CreateSamplingRuleInput
		if err := json.Unmarshal(b, &in); err != nil {
			return nil, fmt.Errorf("sampling rule file %s: %w", e.Name(), err)
		}
		if in.SamplingRule == nil || aws.ToString(in.SamplingRule.RuleName) == "" {
			return nil, fmt.Errorf("sampling rule file %s: no SamplingRule.RuleName", e.Name())
		}
		out = append(out, &in)
	}
	return out, nil
}

// NewXRayClient is the aws-sdk-go-v2 X-Ray client the configuration
// points at.
func NewXRayClient(c Config) *awsxray.Client {
	return awsxray.New(awsxray.Options{Region: c.AWSRegion, BaseEndpoint: aws.String(c.XRayEndpoint),
		Credentials: credentials.NewStaticCredentialsProvider(c.AWSAccessKeyID, c.AWSSecretAccessKey, "")})
}

// CreateSamplingRules creates, through the X-Ray API, the rules that do not
// exist yet, and returns their names. A rule that exists is left as it is,
// so a rule fixed by hand stays fixed across runs.
func CreateSamplingRules(ctx context.Context, c *awsxray.Client) ([]string, error) {
	rules, err := SamplingRules()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	p := awsxray.NewGetSamplingRulesPaginator(c, &awsxray.GetSamplingRulesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("get sampling rules: %w", err)
		}
		for _, r := range page.SamplingRuleRecords {
			if r.SamplingRule != nil {
				have[aws.ToString(r.SamplingRule.RuleName)] = true
			}
		}
	}
	var created []string
	for _, in := range rules {
		name := aws.ToString(in.SamplingRule.RuleName)
		if have[name] {
			continue
		}
		if _, err := c.CreateSamplingRule(ctx, in); err != nil {
			return created, fmt.Errorf("create sampling rule %q: %w", name, err)
		}
		created = append(created, name)
	}
	sort.Strings(created)
	return created, nil
}
