package compat

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
)

// TestXRayTimeSeriesWithSDK drives GetTimeSeriesServiceStatistics with
// aws-sdk-go-v2 against a real lookout: a service's requests per minute
// with the response-time histogram, the calls of an edge, a group, and an
// invalid Period refused as InvalidRequestException.
func TestXRayTimeSeriesWithSDK(t *testing.T) {
	in := startLookout(t, t.TempDir())
	xr, main := xrayClient(in.XRayAPI), xrayClient(in.HTTP)
	ctx := context.Background()
	now := time.Now().Add(-time.Minute).Truncate(time.Minute)
	docs, _ := groupSegments(now)
	if out, err := xr.PutTraceSegments(ctx, &awsxray.PutTraceSegmentsInput{TraceSegmentDocuments: docs}); err != nil ||
		len(out.UnprocessedTraceSegments) != 0 {
		t.Fatalf("PutTraceSegments: %+v %v", out, err)
	}
	if _, err := xr.CreateGroup(ctx, &awsxray.CreateGroupInput{GroupName: aws.String("errors"),
		FilterExpression: aws.String("error")}); err != nil {
		t.Fatal(err)
	}
	window := func(sel, group *string, period int32) *awsxray.GetTimeSeriesServiceStatisticsInput {
		return &awsxray.GetTimeSeriesServiceStatisticsInput{StartTime: aws.Time(now.Add(-2 * time.Minute)),
			EndTime: aws.Time(now.Add(3 * time.Minute)), EntitySelectorExpression: sel, GroupName: group, Period: aws.Int32(period)}
	}
	cases := []struct {
		name           string
		in             *awsxray.GetTimeSeriesServiceStatisticsInput
		calls, service int64 // service -1: no service statistics
		faults         int64
	}{
		{"checkout", window(aws.String(`service("checkout")`), nil, 60), 1, 1, 1},
		{"client → cart", window(aws.String(`edge("client", "cart")`), nil, 300), 1, -1, 0},
		{"every call", window(nil, nil, 60), 3, -1, 1},
		{"every call of group errors", window(nil, aws.String("errors"), 120), 1, -1, 0},
	}
	for _, tc := range cases {
		for try := 0; ; try++ { // the segments are written asynchronously
			out, err := main.GetTimeSeriesServiceStatistics(ctx, tc.in)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var calls, service, faults, hist int64 = 0, -1, 0, 0
			for _, p := range out.TimeSeriesServiceStatistics {
				if p.Timestamp == nil || p.Timestamp.Unix()%60 != 0 || p.EdgeSummaryStatistics == nil {
					t.Errorf("%s: point %+v", tc.name, p)
					continue
				}
				calls += aws.ToInt64(p.EdgeSummaryStatistics.TotalCount)
				if s := p.ServiceSummaryStatistics; s != nil {
					service = max(service, 0) + aws.ToInt64(s.TotalCount)
					faults += aws.ToInt64(s.FaultStatistics.TotalCount)
				} else {
					faults += aws.ToInt64(p.EdgeSummaryStatistics.FaultStatistics.TotalCount)
				}
				for _, h := range p.ResponseTimeHistogram {
					hist += int64(h.Count)
					if h.Value != 0.05 {
						t.Errorf("%s: histogram %+v, every request took 50 ms", tc.name, h)
					}
				}
			}
			if calls == tc.calls && service == tc.service && faults == tc.faults && hist == max(service, calls) {
				break
			}
			if try == 50 {
				t.Fatalf("%s: %d calls, %d requests, %d faults, histogram %d; want %d, %d, %d", tc.name, calls, service, faults, hist,
					tc.calls, tc.service, tc.faults)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	_, err := xr.GetTimeSeriesServiceStatistics(ctx, window(nil, nil, 90))
	if errCode(err) != "InvalidRequestException" {
		t.Errorf("Period 90: %v", err)
	}
	_, err = xr.GetTimeSeriesServiceStatistics(ctx, window(nil, aws.String("nope"), 60))
	if errCode(err) != "InvalidRequestException" {
		t.Errorf("unknown group: %v", err)
	}
}
