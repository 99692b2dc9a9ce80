package compat

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// TestCloudWatchLogsMetricFiltersWithBoto3 drives the metric filter
// operations and GetLogRecord with boto3, and sends inputs the model
// refuses (botocore's own checks are turned off, as the CLI's
// --no-param-validation does, so the server is the one to answer).
func TestCloudWatchLogsMetricFiltersWithBoto3(t *testing.T) {
	requirePython(t, "boto3")
	in := startLookout(t, t.TempDir())
	cmd := exec.Command("python3", "-c", boto3MetricFilters, in.HTTP)
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
		"filters":      []any{"errors"},
		"value":        "$.ms",
		"matches":      []any{2.0},
		"extracted":    "ERROR",
		"record":       `{"level": "ERROR", "ms": 250}`,
		"recordField":  "ERROR",
		"deleteAgain":  "ResourceNotFoundException",
		"badClass":     "InvalidParameterException",
		"badClassText": "1 validation error detected: Value 'BOGUS' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]",
	} {
		g, _ := json.Marshal(got[k])
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: got %s, want %s", k, g, w)
		}
	}
}

const boto3MetricFilters = `
import json, sys, time, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
c = boto3.client('logs', endpoint_url=sys.argv[1], region_name='us-east-1',
                 config=Config(parameter_validation=False))
out = {}
def err(f):
    try:
        f()
        return '', ''
    except ClientError as e:
        return e.response['Error']['Code'], e.response['Error']['Message']
c.create_log_group(logGroupName='/boto3/mf')
c.create_log_stream(logGroupName='/boto3/mf', logStreamName='s')
c.put_metric_filter(logGroupName='/boto3/mf', filterName='errors', filterPattern='{ $.level = "ERROR" }',
    metricTransformations=[{'metricName': 'ErrorMs', 'metricNamespace': 'App', 'metricValue': '$.ms'}])
d = c.describe_metric_filters(logGroupName='/boto3/mf')['metricFilters']
out['filters'] = [f['filterName'] for f in d]
out['value'] = d[0]['metricTransformations'][0]['metricValue']
m = c.test_metric_filter(filterPattern='{ $.level = "ERROR" }',
    logEventMessages=['{"level": "INFO", "ms": 5}', '{"level": "ERROR", "ms": 250}'])['matches']
out['matches'] = [x['eventNumber'] for x in m]
out['extracted'] = m[0]['extractedValues'].get('$.level')
now = int(time.time() * 1000) - 60000
c.put_log_events(logGroupName='/boto3/mf', logStreamName='s',
    logEvents=[{'timestamp': now, 'message': '{"level": "ERROR", "ms": 250}'}])
q = c.start_query(logGroupName='/boto3/mf', startTime=int(now / 1000) - 60, endTime=int(time.time()),
    queryString='fields @message')['queryId']
while True:
    r = c.get_query_results(queryId=q)
    if r['status'] not in ('Scheduled', 'Running'):
        break
    time.sleep(0.05)
ptr = [f['value'] for f in r['results'][0] if f['field'] == '@ptr'][0]
rec = c.get_log_record(logRecordPointer=ptr)['logRecord']
out['record'] = rec['@message']
out['recordField'] = rec.get('level')
c.delete_metric_filter(logGroupName='/boto3/mf', filterName='errors')
out['deleteAgain'] = err(lambda: c.delete_metric_filter(logGroupName='/boto3/mf', filterName='errors'))[0]
out['badClass'], out['badClassText'] = err(lambda: c.describe_log_groups(logGroupClass='BOGUS'))
print(json.dumps(out))
`
