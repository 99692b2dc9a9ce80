package xrayapi

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"

	"lookout/internal/model"
)

func byName(services []types.Service) map[string]types.Service {
	out := map[string]types.Service{}
	for _, s := range services {
		out[aws.ToString(s.Name)] = s
	}
	return out
}

func TestGetServiceGraph(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	out, err := c.GetServiceGraph(context.Background(), &awsxray.GetServiceGraphInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd)})
	if err != nil {
		t.Fatal(err)
	}
	svc := byName(out.Services)
	shop, inv, client := svc["shop"], svc["inventory"], svc["client"]
	st := shop.SummaryStatistics
	if st == nil || aws.ToInt64(st.TotalCount) != 5 || aws.ToInt64(st.FaultStatistics.TotalCount) != 1 ||
		aws.ToInt64(st.ErrorStatistics.TotalCount) != 1 || aws.ToInt64(st.OkCount) != 3 || aws.ToFloat64(st.TotalResponseTime) <= 0 {
		t.Errorf("shop statistics %+v", st)
	}
	if aws.ToString(client.Type) != "client" || len(client.Edges) != 1 || aws.ToInt32(client.Edges[0].ReferenceId) != aws.ToInt32(shop.ReferenceId) {
		t.Errorf("client node %+v", client)
	}
	var toInventory *types.Edge
	for i, e := range shop.Edges {
		if aws.ToInt32(e.ReferenceId) == aws.ToInt32(inv.ReferenceId) {
			toInventory = &shop.Edges[i]
		}
	}
	if toInventory == nil || aws.ToInt64(toInventory.SummaryStatistics.TotalCount) != 2 ||
		aws.ToInt64(toInventory.SummaryStatistics.ErrorStatistics.TotalCount) != 1 || aws.ToInt64(toInventory.SummaryStatistics.ErrorStatistics.ThrottleCount) != 1 || len(toInventory.ResponseTimeHistogram) == 0 {
		t.Errorf("shop → inventory edge %+v", toInventory)
	}
	if len(shop.ResponseTimeHistogram) == 0 || shop.StartTime == nil || !aws.ToBool(svc["client"].Root) {
		t.Errorf("shop histogram %+v start %v", shop.ResponseTimeHistogram, shop.StartTime)
	}
	if _, ok := svc["dynamodb"]; !ok {
		t.Errorf("inferred DynamoDB node missing: %v", svc)
	}
}

func TestGetTraceGraph(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	out, err := c.GetTraceGraph(context.Background(), &awsxray.GetTraceGraphInput{TraceIds: []string{checkoutTrace}})
	if err != nil {
		t.Fatal(err)
	}
	svc := byName(out.Services)
	if len(svc) != 3 || svc["inventory"].SummaryStatistics == nil ||
		aws.ToInt64(svc["inventory"].SummaryStatistics.ErrorStatistics.TotalCount) != 1 {
		t.Errorf("services %+v", svc)
	}
}

// An OTel span in the same trace as X-Ray segments comes back as a
// synthesised segment document.
func TestBatchGetTracesSynthesisesOTelSegments(t *testing.T) {
	st := sdkStore(t)
	tid, _ := model.ParseXRayTraceID(cartTrace)
	start := time.Unix(1795648730, 0)
	otel := model.Span{Project: model.DefaultProject, TraceID: tid, SpanID: model.SpanID{9, 9, 9, 9, 9, 9, 9, 9},
		Name: "GET /cart", Kind: model.SpanKindServer, StartUnixNano: start.UnixNano(), EndUnixNano: start.Add(time.Second).UnixNano(),
		StatusCode: model.StatusError,
		Attributes: model.Attributes{{Key: "http.request.method", Value: model.StringValue("GET")},
			{Key: "http.response.status_code", Value: model.IntValue(503)}},
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("frontend")}}}}
	write(t, st, otel)
	c, _ := newReadServer(t, st, nil)
	out, err := c.BatchGetTraces(context.Background(), &awsxray.BatchGetTracesInput{TraceIds: []string{cartTrace}})
	if err != nil || len(out.Traces) != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	var doc string
	for _, s := range out.Traces[0].Segments {
		if aws.ToString(s.Id) == "0909090909090909" {
			doc = aws.ToString(s.Document)
		}
	}
	want := `{"end_time":1795648731,"fault":true,"http":{"request":{"method":"GET"},"response":{"status":503}},` +
		`"id":"0909090909090909","metadata":{"default":{"http.request.method":"GET","http.response.status_code":503,` +
		`"otel.resource.service.name":"frontend"}},"name":"frontend","start_time":1795648730,"trace_id":"` + cartTrace + `"}`
	if doc != want {
		t.Errorf("synthesised document\n got %s\nwant %s", doc, want)
	}
}
