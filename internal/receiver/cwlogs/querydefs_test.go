package cwlogs

import (
	"strings"
	"testing"
)

func TestQueryDefinitionScenarios(t *testing.T) {
	e := newEnv(t)
	tok := `"clientToken":"` + strings.Repeat("c", 36) + `"`
	runScenarios(t, e, []scenario{
		{"no name", "PutQueryDefinition", `{"queryString":"fields @message"}`, 400, "InvalidParameterException", []string{"Value null at 'name'"}},
		{"no query", "PutQueryDefinition", `{"name":"q"}`, 400, "InvalidParameterException", []string{"Value null at 'queryString'"}},
		{"empty name", "PutQueryDefinition", `{"name":"","queryString":"x"}`, 400, "InvalidParameterException", []string{"greater than or equal to 1"}},
		{"long name", "PutQueryDefinition", `{"name":"` + strings.Repeat("n", 256) + `","queryString":"x"}`, 400, "InvalidParameterException", []string{"less than or equal to 255"}},
		{"long query", "PutQueryDefinition", `{"name":"q","queryString":"` + strings.Repeat("x", 10001) + `"}`, 400, "InvalidParameterException", []string{"less than or equal to 10000"}},
		{"bad language", "PutQueryDefinition", `{"name":"q","queryString":"x","queryLanguage":"KQL"}`, 400, "InvalidParameterException", []string{"enum value set"}},
		{"short token", "PutQueryDefinition", `{"name":"q","queryString":"x","clientToken":"abc"}`, 400, "InvalidParameterException", []string{`\\S{36,128}`}},
		{"bad group", "PutQueryDefinition", `{"name":"q","queryString":"x","logGroupNames":["a b"]}`, 400, "InvalidParameterException", []string{"logGroupNames"}},
		{"bad parameter", "PutQueryDefinition", `{"name":"q","queryString":"x","parameters":[{"name":"9x"}]}`, 400, "InvalidParameterException", []string{"parameters.1.member.name"}},
		{"21 parameters", "PutQueryDefinition", `{"name":"q","queryString":"x","parameters":[` + strings.Repeat(`{"name":"p"},`, 20) + `{"name":"p"}]}`, 400, "InvalidParameterException", []string{"less than or equal to 20"}},
		{"unknown id", "PutQueryDefinition", `{"name":"q","queryString":"x","queryDefinitionId":"nope"}`, 400, "ResourceNotFoundException", nil},
		{"create", "PutQueryDefinition", `{"name":"errors","queryString":"filter @message like /ERROR/","logGroupNames":["g1"],` + tok + `}`, 200, "", []string{`"queryDefinitionId"`}},
		{"create other", "PutQueryDefinition", `{"name":"slow","queryString":"filter duration > 1000","queryLanguage":"CWLI","parameters":[{"name":"min","defaultValue":"1000"}]}`, 200, "", nil},
		{"describe", "DescribeQueryDefinitions", `{}`, 200, "", []string{`"name":"errors"`, `"name":"slow"`, `"logGroupNames":["g1"]`, `"lastModified"`, `"queryLanguage":"CWLI"`, `"defaultValue":"1000"`}},
		{"describe prefix", "DescribeQueryDefinitions", `{"queryDefinitionNamePrefix":"sl"}`, 200, "", []string{`"slow"`}},
		{"describe page", "DescribeQueryDefinitions", `{"maxResults":1}`, 200, "", []string{`"errors"`, `"nextToken"`}},
		{"describe language", "DescribeQueryDefinitions", `{"queryLanguage":"SQL"}`, 200, "", []string{`{"queryDefinitions":[]}`}},
		{"describe bad max", "DescribeQueryDefinitions", `{"maxResults":1001}`, 400, "InvalidParameterException", []string{"less than or equal to 1000"}},
		{"describe bad token", "DescribeQueryDefinitions", `{"nextToken":"!!"}`, 400, "InvalidParameterException", []string{"nextToken"}},
		{"describe empty prefix", "DescribeQueryDefinitions", `{"queryDefinitionNamePrefix":""}`, 400, "InvalidParameterException", nil},
		{"delete none", "DeleteQueryDefinition", `{}`, 400, "InvalidParameterException", []string{"Value null at 'queryDefinitionId'"}},
		{"delete missing", "DeleteQueryDefinition", `{"queryDefinitionId":"nope"}`, 400, "ResourceNotFoundException", nil},
	})
	// The same client token creates once.
	_, a := e.post(t, "PutQueryDefinition", `{"name":"errors","queryString":"x",`+tok+`}`)
	_, b := e.post(t, "PutQueryDefinition", `{"name":"errors","queryString":"x",`+tok+`}`)
	if a["queryDefinitionId"] == nil || a["queryDefinitionId"] != b["queryDefinitionId"] {
		t.Fatalf("idempotent create: %v then %v", a, b)
	}
	id := a["queryDefinitionId"].(string)
	runScenarios(t, e, []scenario{
		{"update", "PutQueryDefinition", `{"name":"renamed","queryString":"fields @timestamp","queryDefinitionId":"` + id + `"}`, 200, "", []string{id}},
		{"updated", "DescribeQueryDefinitions", `{"queryDefinitionNamePrefix":"ren"}`, 200, "", []string{`"fields @timestamp"`, id}},
		{"delete", "DeleteQueryDefinition", `{"queryDefinitionId":"` + id + `"}`, 200, "", []string{`{"success":true}`}},
		{"delete again", "DeleteQueryDefinition", `{"queryDefinitionId":"` + id + `"}`, 400, "ResourceNotFoundException", nil},
		{"gone", "DescribeQueryDefinitions", `{"queryDefinitionNamePrefix":"ren"}`, 200, "", []string{`{"queryDefinitions":[]}`}},
	})
}
