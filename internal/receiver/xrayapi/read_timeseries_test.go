package xrayapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
)

// TestGetTimeSeriesServiceStatistics: with aws-sdk-go-v2, a service's
// statistics over the captured traces add up to its GetServiceGraph node,
// an edge's to the graph's edge, and no selector counts every call.
func TestGetTimeSeriesServiceStatistics(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	ctx := context.Background()
	graph, err := c.GetServiceGraph(ctx, &awsxray.GetServiceGraphInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd)})
	if err != nil {
		t.Fatal(err)
	}
	svc := byName(graph.Services)
	shop, inv := svc["shop"], svc["inventory"]
	var shopToInv *types.Edge
	var allCalls, toShop int64
	for _, s := range graph.Services {
		for i, e := range s.Edges {
			allCalls += aws.ToInt64(e.SummaryStatistics.TotalCount)
			if aws.ToInt32(e.ReferenceId) == aws.ToInt32(shop.ReferenceId) {
				toShop += aws.ToInt64(e.SummaryStatistics.TotalCount)
			}
			if aws.ToString(s.Name) == "shop" && aws.ToInt32(e.ReferenceId) == aws.ToInt32(inv.ReferenceId) {
				shopToInv = &s.Edges[i]
			}
		}
	}
	cases := []struct {
		selector       *string
		period         *int32
		edges, service int64 // totals; service -1: no service statistics
	}{
		{nil, nil, allCalls, -1},
		{aws.String(`service("shop")`), aws.Int32(60), toShop, aws.ToInt64(shop.SummaryStatistics.TotalCount)},
		{aws.String(`edge("shop", "inventory")`), aws.Int32(3600), aws.ToInt64(shopToInv.SummaryStatistics.TotalCount), -1},
	}
	for _, tc := range cases {
		out, err := c.GetTimeSeriesServiceStatistics(ctx, &awsxray.GetTimeSeriesServiceStatisticsInput{StartTime: aws.Time(capStart),
			EndTime: aws.Time(capEnd), EntitySelectorExpression: tc.selector, Period: tc.period})
		name := aws.ToString(tc.selector)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var edges, service, hist int64 = 0, -1, 0
		for _, p := range out.TimeSeriesServiceStatistics {
			if p.Timestamp == nil || p.Timestamp.Before(capStart) || len(p.ResponseTimeHistogram) == 0 || p.EdgeSummaryStatistics == nil {
				t.Errorf("%s: point %+v", name, p)
				continue
			}
			edges += aws.ToInt64(p.EdgeSummaryStatistics.TotalCount)
			if s := p.ServiceSummaryStatistics; s != nil {
				service = max(service, 0) + aws.ToInt64(s.TotalCount)
			}
			for _, h := range p.ResponseTimeHistogram {
				hist += int64(h.Count)
			}
		}
		want := edges
		if service >= 0 {
			want = service
		}
		if edges != tc.edges || service != tc.service || hist != want || edges == 0 {
			t.Errorf("%s: %d calls, %d requests (histogram %d), want %d, %d", name, edges, service, hist, tc.edges, tc.service)
		}
	}
	if shop.SummaryStatistics == nil || aws.ToInt64(shop.SummaryStatistics.TotalCount) != 5 {
		t.Errorf("shop in the graph: %+v", shop.SummaryStatistics)
	}
}

// TestGetTimeSeriesServiceStatisticsRefuses: inputs the model or Lookout
// refuse are InvalidRequestException with a message naming the field.
func TestGetTimeSeriesServiceStatisticsRefuses(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	in := func(mod func(*awsxray.GetTimeSeriesServiceStatisticsInput)) *awsxray.GetTimeSeriesServiceStatisticsInput {
		v := &awsxray.GetTimeSeriesServiceStatisticsInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd)}
		mod(v)
		return v
	}
	for _, tc := range []struct {
		name string
		in   *awsxray.GetTimeSeriesServiceStatisticsInput
		msg  string
	}{
		{"reversed", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.EndTime = aws.Time(capStart.Add(-time.Second)) }), "EndTime must be after StartTime"},
		{"period 90", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.Period = aws.Int32(90) }), "Period must be a positive multiple of 60"},
		{"period 0", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.Period = aws.Int32(0) }), "Period must be a positive multiple of 60"},
		{"forecast", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.ForecastStatistics = aws.Bool(true) }), "ForecastStatistics is not supported"},
		{"long selector", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) {
			v.EntitySelectorExpression = aws.String(strings.Repeat(" ", 501))
		}), "EntitySelectorExpression must be 1 to 500 characters long, not 501"},
		{"bad selector", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) {
			v.EntitySelectorExpression = aws.String(`service(`)
		}),
			"EntitySelectorExpression: invalid filter expression: position"},
		{"not an entity", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.EntitySelectorExpression = aws.String(`fault`) }),
			"EntitySelectorExpression must be service(...)"},
		{"long group", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) {
			v.GroupName = aws.String(strings.Repeat("g", 33))
		}),
			"GroupName must be 1 to 32 characters long, not 33"},
		{"no groups here", in(func(v *awsxray.GetTimeSeriesServiceStatisticsInput) { v.GroupName = aws.String("g") }),
			"X-Ray groups are not available here"},
	} {
		_, err := c.GetTimeSeriesServiceStatistics(context.Background(), tc.in)
		var ire *types.InvalidRequestException
		if !errors.As(err, &ire) || !strings.Contains(aws.ToString(ire.Message), tc.msg) {
			t.Errorf("%s: %v, want InvalidRequestException with %q", tc.name, err, tc.msg)
		}
	}
}
