package cwlogs

import (
	"strings"
	"testing"
)

func TestListAndDescribeLogGroups(t *testing.T) {
	e := newEnv(t)
	arn := func(n string) string { return `"arn:aws:logs:us-east-1:000000000000:log-group:` + n + `"` }
	runScenarios(t, e, []scenario{
		{"lambda a", "CreateLogGroup", `{"logGroupName":"/aws-like/lambda/a","tags":{"team":"web"}}`, 200, "", nil},
		{"lambda b", "CreateLogGroup", `{"logGroupName":"/aws-like/lambda/b","logGroupClass":"INFREQUENT_ACCESS"}`, 200, "", nil},
		{"discovery", "CreateLogGroup", `{"logGroupName":"discovery-Svc","tags":{"team":"ops"}}`, 200, "", nil},

		{"list all", "ListLogGroups", `{}`, 200, "", []string{`"logGroupName":"/aws-like/lambda/a"`, `"logGroupArn":` + arn("discovery-Svc"), `"logGroupClass":"INFREQUENT_ACCESS"`}},
		{"list prefix", "ListLogGroups", `{"logGroupNamePattern":"^/aws-like"}`, 200, "", []string{"lambda/a", "lambda/b"}},
		{"list alternatives", "ListLogGroups", `{"logGroupNamePattern":"^/nope|Svc"}`, 200, "", []string{"discovery-Svc"}},
		{"list case-sensitive", "ListLogGroups", `{"logGroupNamePattern":"svc"}`, 200, "", []string{`{"logGroups":[]}`}},
		{"list class", "ListLogGroups", `{"logGroupClass":"INFREQUENT_ACCESS"}`, 200, "", []string{"lambda/b"}},
		{"list tags", "ListLogGroups", `{"logGroupTags":[{"key":"team","values":["ops","x"]}]}`, 200, "", []string{"discovery-Svc"}},
		{"list tag key", "ListLogGroups", `{"logGroupTags":[{"key":"team"}]}`, 200, "", []string{"lambda/a", "discovery-Svc"}},
		{"list page", "ListLogGroups", `{"limit":2}`, 200, "", []string{`"nextToken"`}},
		{"list field indexes", "ListLogGroups", `{"fieldIndexNames":["requestId"]}`, 200, "", []string{`{"logGroups":[]}`}},
		{"list short pattern", "ListLogGroups", `{"logGroupNamePattern":"ab"}`, 400, "InvalidParameterException", []string{"greater than or equal to 3"}},
		{"list bad pattern", "ListLogGroups", `{"logGroupNamePattern":"a b c"}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"list six alternatives", "ListLogGroups", `{"logGroupNamePattern":"aaa|bbb|ccc|ddd|eee|fff"}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"list bad class", "ListLogGroups", `{"logGroupClass":"BOGUS"}`, 400, "InvalidParameterException", []string{"enum value set"}},
		{"list limit", "ListLogGroups", `{"limit":1001}`, 400, "InvalidParameterException", []string{"less than or equal to 1000"}},
		{"list bad account", "ListLogGroups", `{"accountIdentifiers":["123"]}`, 400, "InvalidParameterException", []string{`\\d{12}`}},
		{"list bad tag key", "ListLogGroups", `{"logGroupTags":[{"key":"bad!key"}]}`, 400, "InvalidParameterException", []string{"logGroupTags.1.member.key"}},
		{"list no tag key", "ListLogGroups", `{"logGroupTags":[{"values":["a"]}]}`, 400, "InvalidParameterException", []string{"Value null"}},
		{"list bad token", "ListLogGroups", `{"nextToken":"!"}`, 400, "InvalidParameterException", []string{"nextToken"}},

		{"describe ids", "DescribeLogGroups", `{"logGroupIdentifiers":[` + arn("discovery-Svc") + `,"/aws-like/lambda/b","nope"]}`, 200, "", []string{`"discovery-Svc"`, `"/aws-like/lambda/b"`}},
		{"describe ids with prefix", "DescribeLogGroups", `{"logGroupIdentifiers":["x"],"logGroupNamePrefix":"x"}`, 400, "InvalidParameterException", []string{"includeLinkedAccounts"}},
		{"describe empty ids", "DescribeLogGroups", `{"logGroupIdentifiers":[]}`, 400, "InvalidParameterException", []string{"greater than or equal to 1"}},
		{"describe 51 ids", "DescribeLogGroups", `{"logGroupIdentifiers":["a"` + strings.Repeat(`,"a"`, 50) + `]}`, 400, "InvalidParameterException", []string{"less than or equal to 50"}},
		{"describe bad id", "DescribeLogGroups", `{"logGroupIdentifiers":["a b"]}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"describe bad prefix", "DescribeLogGroups", `{"logGroupNamePrefix":"bad name!"}`, 400, "InvalidParameterException", []string{"logGroupNamePrefix"}},
		{"describe bad pattern", "DescribeLogGroups", `{"logGroupNamePattern":"a b"}`, 400, "InvalidParameterException", []string{"logGroupNamePattern"}},
		{"describe bad class", "DescribeLogGroups", `{"logGroupClass":"BOGUS"}`, 400, "InvalidParameterException", []string{"enum value set"}},
		{"describe bad account", "DescribeLogGroups", `{"accountIdentifiers":["x"]}`, 400, "InvalidParameterException", nil},
	})
	// The describe-ids answer holds only the groups asked for.
	_, out := e.post(t, "DescribeLogGroups", `{"logGroupIdentifiers":[`+arn("discovery-Svc")+`]}`)
	if groups, _ := out["logGroups"].([]any); len(groups) != 1 {
		t.Fatalf("describe by one id: %v", out)
	}
}
