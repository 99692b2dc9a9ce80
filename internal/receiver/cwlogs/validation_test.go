package cwlogs

import (
	"strings"
	"testing"
)

// TestModelValidation sends inputs that break the constraints of the
// service's model (internal/awsmodel, generated from it) and checks that
// each gets the answer AWS gives: the code, and the message naming the
// member, the value and the rule in AWS's wording. The first rows are the
// inputs that were once answered differently from AWS.
func TestModelValidation(t *testing.T) {
	e := newEnv(t)
	const v = "1 validation error detected: Value "
	tags51 := `{"logGroupName":"vt","tags":{"k0":"v"`
	for i := 1; i <= 50; i++ {
		tags51 += `,"k` + strings.Repeat("x", i) + `":"v"`
	}
	tags51 += `}}`
	runScenarios(t, e, []scenario{
		{"the group", "CreateLogGroup", `{"logGroupName":"vt","tags":{"a":"1"}}`, 200, "", nil},
		{"prefix with a space", "DescribeLogGroups", `{"logGroupNamePrefix":"bad name!"}`, 400, "InvalidParameterException",
			[]string{v + `'bad name!' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`}},
		{"class BOGUS", "DescribeLogGroups", `{"logGroupClass":"BOGUS"}`, 400, "InvalidParameterException",
			[]string{v + `'BOGUS' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]`}},
		{"stream prefix a:b", "DescribeLogStreams", `{"logGroupName":"vt","logStreamNamePrefix":"a:b"}`, 400, "InvalidParameterException",
			[]string{v + `'a:b' at 'logStreamNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`}},
		{"tag key bad!key", "TagResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:vt","tags":{"bad!key":"v"}}`, 400, "InvalidParameterException",
			[]string{v + `'{bad!key=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]`}},
		{"timestamp -1", "PutLogEvents", `{"logGroupName":"vt","logStreamName":"s","logEvents":[{"timestamp":-1,"message":"m"}]}`, 400, "InvalidParameterException",
			[]string{v + `'-1' at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0`}},
		{"51 tags in one request", "TagLogGroup", tags51, 400, "InvalidParameterException",
			[]string{"at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"}},
		{"51 tags after the merge", "TagResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:vt","tags":` + tags51[strings.Index(tags51, `"tags":`)+7:len(tags51)-1] + `}`,
			400, "InvalidParameterException", []string{"less than or equal to 50"}},
		{"50 tags more", "TagResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:vt","tags":{` + fiftyTags() + `}}`, 400, "TooManyTagsException",
			[]string{"at most 50 tags; it would have 51"}},
		{"257-character queryId", "GetQueryResults", `{"queryId":"` + strings.Repeat("q", 257) + `"}`, 400, "InvalidParameterException",
			[]string{"at 'queryId' failed to satisfy constraint: Member must have length less than or equal to 256"}},
		{"StartQuery limit 20000 is taken", "StartQuery", `{"logGroupName":"vt","startTime":0,"endTime":10,"queryString":"fields @message","limit":20000}`, 200, "",
			[]string{`"queryId"`}},
		{"StartQuery limit past 100000", "StartQuery", `{"logGroupName":"vt","startTime":0,"endTime":10,"queryString":"fields @message","limit":100001}`, 400, "InvalidParameterException",
			[]string{v + `'100001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100000`}},
		{"limit 0", "DescribeLogGroups", `{"limit":0}`, 400, "InvalidParameterException",
			[]string{v + `'0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`}},
		{"group name too long", "CreateLogGroup", `{"logGroupName":"` + strings.Repeat("a", 513) + `"}`, 400, "InvalidParameterException",
			[]string{"at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512"}},
		{"missing stream", "CreateLogStream", `{"logGroupName":"vt"}`, 400, "InvalidParameterException",
			[]string{"1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"}},
		{"no events", "PutLogEvents", `{"logGroupName":"vt","logStreamName":"s","logEvents":[]}`, 400, "InvalidParameterException",
			[]string{v + `'[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1`}},
		{"two violations", "DescribeLogStreams", `{"logGroupName":"vt","orderBy":"Size","limit":51}`, 400, "InvalidParameterException",
			[]string{"2 validation errors detected: Value 'Size' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]; Value '51' at 'limit'"}},
		{"stream names of FilterLogEvents", "FilterLogEvents", `{"logGroupName":"vt","logStreamNames":["ok","a*b"]}`, 400, "InvalidParameterException",
			[]string{v + `'[ok, a*b]' at 'logStreamNames' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: [^:*]*]`}},
	})
}

// fiftyTags is the members of a tags object of 50 new keys.
func fiftyTags() string {
	var b strings.Builder
	for i := range 50 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"n` + strings.Repeat("y", i+1) + `":"v"`)
	}
	return b.String()
}
