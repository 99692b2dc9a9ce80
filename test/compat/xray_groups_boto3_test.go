package compat

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestXRayGroupsWithBoto3 manages groups with boto3 (botocore checks each
// request against X-Ray's model before sending it) as the X-Ray setup
// guides do, and reads back the error codes botocore raises.
func TestXRayGroupsWithBoto3(t *testing.T) {
	requirePython(t, "boto3")
	in := startLookout(t, t.TempDir())
	cmd := exec.Command("python3", "-c", boto3Groups, in.XRayAPI)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python answered %s: %v", out, err)
	}
	for k, want := range map[string]any{
		"created":   "web",
		"insights":  true,
		"groups":    []any{"Default", "web"},
		"byARN":     "web",
		"updated":   `http.status >= 500`,
		"duplicate": "InvalidRequestException",
		"unknown":   "InvalidRequestException",
		"default":   "InvalidRequestException",
		"deleted":   []any{"Default"},
	} {
		g, _ := json.Marshal(got[k])
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: got %s, want %s", k, g, w)
		}
	}
	if msg, _ := got["duplicateMessage"].(string); !strings.Contains(msg, "already exists") {
		t.Errorf("duplicate message %q", msg)
	}
}

// boto3Groups creates, lists, reads, updates and deletes a group, and
// prints what came back as one JSON object.
const boto3Groups = `
import json, sys, boto3
from botocore.exceptions import ClientError
c = boto3.client('xray', endpoint_url=sys.argv[1], region_name='us-east-1')
out = {}
def code(f):
    try:
        f()
        return ''
    except ClientError as e:
        return e.response['Error']['Code'], e.response['Error']['Message']
g = c.create_group(GroupName='web', FilterExpression='service("web") { fault }',
                   InsightsConfiguration={'InsightsEnabled': True}, Tags=[{'Key': 'team', 'Value': 'web'}])['Group']
out['created'], out['insights'] = g['GroupName'], g['InsightsConfiguration']['InsightsEnabled']
out['groups'] = [x['GroupName'] for p in c.get_paginator('get_groups').paginate() for x in p['Groups']]
out['byARN'] = c.get_group(GroupARN=g['GroupARN'])['Group']['GroupName']
out['updated'] = c.update_group(GroupName='web', FilterExpression='http.status >= 500')['Group']['FilterExpression']
out['duplicate'], out['duplicateMessage'] = code(lambda: c.create_group(GroupName='web'))
out['unknown'] = code(lambda: c.get_group(GroupName='nope'))[0]
out['default'] = code(lambda: c.delete_group(GroupName='Default'))[0]
c.delete_group(GroupARN=g['GroupARN'])
out['deleted'] = [x['GroupName'] for x in c.get_groups()['Groups']]
print(json.dumps(out))
`
