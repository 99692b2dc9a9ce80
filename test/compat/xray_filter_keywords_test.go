package compat

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
)

// TestXRayFilterKeywordsWithSDK: GetTraceSummaries through aws-sdk-go-v2
// against a real lookout with the keywords AWS's examples use:
// responseTime (camelCase), availabilityzone and instance.id (from the
// segment's aws.ec2 block), inside service() too.
func TestXRayFilterKeywordsWithSDK(t *testing.T) {
	in := startLookout(t, t.TempDir())
	xr := xrayClient(in.XRayAPI)
	ctx := context.Background()
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	ids := map[string]string{}
	var docs []string
	for i, r := range []struct {
		name, zone, instance string
		seconds              float64
	}{{"web-a", "us-east-1a", "i-0aaa", 0.2}, {"web-b", "us-east-1b", "i-0bbb", 2.5}} {
		start := float64(now.Add(time.Duration(i)*time.Second).UnixNano()) / 1e9
		id := fmt.Sprintf("1-%08x-%024x", now.Unix(), 0xfeed000+i)
		ids[r.name] = id
		docs = append(docs, fmt.Sprintf(`{"name":"web","id":"%016x","trace_id":%q,"start_time":%.6f,"end_time":%.6f,`+
			`"origin":"AWS::EC2::Instance","aws":{"ec2":{"instance_id":%q,"availability_zone":%q}}}`,
			0xb0+i, id, start, start+r.seconds, r.instance, r.zone))
	}
	if out, err := xr.PutTraceSegments(ctx, &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: docs}); err != nil ||
		len(out.UnprocessedTraceSegments) != 0 {
		t.Fatalf("PutTraceSegments: %+v %v", out, err)
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`responseTime > 1`, []string{"web-b"}},
		{`responseTime < 1 AND responsetime > 0.1`, []string{"web-a"}},
		{`availabilityzone = "us-east-1a"`, []string{"web-a"}},
		{`instance.id IN ["i-0aaa", "i-0bbb"]`, []string{"web-a", "web-b"}},
		{`service(id(name: "web", type: "AWS::EC2::Instance")) { instance.id = "i-0bbb" }`, []string{"web-b"}},
		{`!availabilityzone BEGINSWITH "us-east-1"`, nil},
	} {
		var want []string
		for _, w := range tc.want {
			want = append(want, ids[w])
		}
		slices.Sort(want)
		var got []string
		for try := 0; try < 50; try++ { // the segments are written asynchronously
			out, err := xr.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-time.Minute)),
				EndTime: aws.Time(now.Add(time.Minute)), FilterExpression: aws.String(tc.filter)})
			if err != nil {
				t.Fatalf("%s: %v", tc.filter, err)
			}
			got = got[:0]
			for _, s := range out.TraceSummaries {
				got = append(got, aws.ToString(s.Id))
			}
			slices.Sort(got)
			if slices.Equal(got, want) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.filter, got, want)
		}
	}
}
