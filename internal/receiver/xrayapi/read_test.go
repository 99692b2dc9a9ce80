package xrayapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"

	"lookout/internal/xrayread"
)

// The captured SDK documents were recorded around this time.
var (
	capStart = time.Unix(1795648700, 0)
	capEnd   = time.Unix(1795648800, 0)
)

// Trace ids of the captured scenarios.
const (
	cartTrace     = "1-6b076cda-a1e19f8e6bbf419b68d4c216"
	checkoutTrace = "1-6b076cda-dabcc0f323dbb1d929e32e66"
	leakTrace     = "1-6b076cdb-222a57f17b1947b541a4d557"
	missingTrace  = "1-6b076cdb-c12efe60ce58548a8bde069e"
	reportTrace   = "1-6b076cdb-24f47be49064cdbe5b49e4dc"
)

func summaries(t *testing.T, c *awsxray.Client, filter string) []types.TraceSummary {
	t.Helper()
	in := &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd)}
	if filter != "" {
		in.FilterExpression = aws.String(filter)
	}
	var out []types.TraceSummary
	p := awsxray.NewGetTraceSummariesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetTraceSummaries(%q): %v", filter, err)
		}
		out = append(out, page.TraceSummaries...)
	}
	return out
}

func ids(s []types.TraceSummary) []string {
	var out []string
	for _, x := range s {
		out = append(out, aws.ToString(x.Id))
	}
	slices.Sort(out)
	return out
}

func TestGetTraceSummariesFilters(t *testing.T) {
	st := sdkStore(t)
	mc, _ := newReadServer(t, goOnly{st}, nil)
	dc, _ := newReadServer(t, st, nil) // the compiled path
	all := []string{cartTrace, checkoutTrace, leakTrace, missingTrace, reportTrace}
	slices.Sort(all)
	cases := []struct {
		filter string
		want   []string
	}{
		{"", all},
		{`annotation.customer = "alice"`, []string{cartTrace}},
		{`annotation.items >= 3 AND annotation.vip = true`, []string{cartTrace}},
		{`annotation.total < 12`, nil},
		{`annotation.customer`, []string{cartTrace}},
		{`fault`, []string{checkoutTrace}},
		{`error AND !fault`, []string{missingTrace}},
		{`http.status = 404`, []string{missingTrace}},
		{`service("inventory") { error }`, []string{checkoutTrace}},
		{`edge("shop", "inventory")`, []string{cartTrace, checkoutTrace}},
		{`!service("inventory") AND http.method = "GET" AND http.url ENDSWITH "/leak"`, []string{leakTrace}},
		{`user = "alice"`, []string{cartTrace}},
		{`user = "bob"`, nil},
		{`http.url CONTAINS "/re" || http.url BEGINSWITH "http://nowhere"`, []string{reportTrace}},
		{`ok AND duration < 100 AND !partial AND !service("inventory")`, []string{reportTrace}},
	}
	for _, tc := range cases {
		want := slices.Clone(tc.want)
		slices.Sort(want)
		for path, c := range map[string]*awsxray.Client{"go": mc, "compiled": dc} {
			if got := ids(summaries(t, c, tc.filter)); !slices.Equal(got, want) {
				t.Errorf("%s path, filter %q: got %v, want %v", path, tc.filter, got, want)
			}
		}
	}
}

func TestGetTraceSummaryFields(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	got := summaries(t, c, `annotation.customer = "alice"`)
	if len(got) != 1 {
		t.Fatalf("got %d summaries", len(got))
	}
	s := got[0]
	if aws.ToString(s.Id) != cartTrace || aws.ToBool(s.HasFault) || aws.ToBool(s.HasError) || !aws.ToBool(s.IsPartial) {
		t.Errorf("summary %+v", s)
	}
	if s.Http == nil || aws.ToInt32(s.Http.HttpStatus) != 200 || aws.ToString(s.Http.HttpMethod) != "GET" ||
		!strings.HasSuffix(aws.ToString(s.Http.HttpURL), "/cart") {
		t.Errorf("http %+v", s.Http)
	}
	if aws.ToString(s.EntryPoint.Name) != "shop" || len(s.ServiceIds) != 2 {
		t.Errorf("entry %+v services %+v", s.EntryPoint, s.ServiceIds)
	}
	if aws.ToFloat64(s.Duration) <= 0 || aws.ToFloat64(s.ResponseTime) <= 0 || s.StartTime == nil ||
		s.StartTime.Unix() != 1795648730 {
		t.Errorf("times: duration %v response %v start %v", aws.ToFloat64(s.Duration), aws.ToFloat64(s.ResponseTime), s.StartTime)
	}
	ann := func(k string) types.AnnotationValue {
		if len(s.Annotations[k]) != 1 {
			t.Fatalf("annotation %s: %+v", k, s.Annotations[k])
		}
		if sv := s.Annotations[k][0].ServiceIds; len(sv) != 1 || aws.ToString(sv[0].Name) != "shop" {
			t.Errorf("annotation %s services %+v", k, sv)
		}
		return s.Annotations[k][0].AnnotationValue
	}
	if v, ok := ann("customer").(*types.AnnotationValueMemberStringValue); !ok || v.Value != "alice" {
		t.Errorf("customer %#v", ann("customer"))
	}
	if v, ok := ann("items").(*types.AnnotationValueMemberNumberValue); !ok || v.Value != 3 {
		t.Errorf("items %#v", ann("items"))
	}
	if v, ok := ann("vip").(*types.AnnotationValueMemberBooleanValue); !ok || !v.Value {
		t.Errorf("vip %#v", ann("vip"))
	}
	if v, ok := ann("cache_hit").(*types.AnnotationValueMemberBooleanValue); !ok || v.Value {
		t.Errorf("cache_hit (on a subsegment) %#v", ann("cache_hit"))
	}
}

func TestGetTraceSummariesPaging(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), func(c *xrayread.Config) { c.PageSize, c.ScanBatch, c.ScanLimit = 2, 2, 2 })
	var pages int
	var got []types.TraceSummary
	in := &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capEnd)}
	for p := awsxray.NewGetTraceSummariesPaginator(c, in); p.HasMorePages(); pages++ {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.TraceSummaries...)
	}
	if len(got) != 5 || len(slices.Compact(ids(got))) != 5 || pages < 3 {
		t.Errorf("%d pages, summaries %v", pages, ids(got))
	}
	// A token replayed with another filter is refused.
	first, err := c.GetTraceSummaries(context.Background(), in)
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v %+v", err, first)
	}
	in2 := *in
	in2.NextToken, in2.FilterExpression = first.NextToken, aws.String("fault")
	_, err = c.GetTraceSummaries(context.Background(), &in2)
	expectAPIError(t, err, "InvalidRequestException", "another query")
}

func expectAPIError(t *testing.T, err error, code, text string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), text) {
		t.Errorf("error %v: want %s containing %q", err, code, text)
	}
}

func TestReadAPIErrors(t *testing.T) {
	c, _ := newReadServer(t, openStore(t), nil)
	ctx := context.Background()
	_, err := c.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capStart),
		EndTime: aws.Time(capEnd), FilterExpression: aws.String(`responsetime > "slow"`)})
	expectAPIError(t, err, "InvalidRequestException", "position 16")
	_, err = c.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capEnd), EndTime: aws.Time(capStart)})
	expectAPIError(t, err, "InvalidRequestException", "EndTime must be after StartTime")
	_, err = c.GetTraceSummaries(ctx, &awsxray.GetTraceSummariesInput{StartTime: aws.Time(capStart), EndTime: aws.Time(capStart.Add(48 * time.Hour))})
	expectAPIError(t, err, "InvalidRequestException", "may not exceed")
	_, err = c.BatchGetTraces(ctx, &awsxray.BatchGetTracesInput{TraceIds: []string{"nope"}})
	expectAPIError(t, err, "InvalidRequestException", "TraceIds[0]")
	_, err = c.BatchGetTraces(ctx, &awsxray.BatchGetTracesInput{TraceIds: make([]string, 6)})
	expectAPIError(t, err, "InvalidRequestException", "1 to 5")
}

func TestBatchGetTracesDocuments(t *testing.T) {
	c, _ := newReadServer(t, sdkStore(t), nil)
	out, err := c.BatchGetTraces(context.Background(), &awsxray.BatchGetTracesInput{
		TraceIds: []string{cartTrace, reportTrace, "1-00000000-000000000000000000000001"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Traces) != 2 || !slices.Equal(out.UnprocessedTraceIds, []string{"1-00000000-000000000000000000000001"}) {
		t.Fatalf("traces %d, unprocessed %v", len(out.Traces), out.UnprocessedTraceIds)
	}
	docs := map[string]string{}
	for _, tr := range out.Traces {
		for _, s := range tr.Segments {
			docs[aws.ToString(s.Id)] = aws.ToString(s.Document)
		}
		if aws.ToFloat64(tr.Duration) <= 0 {
			t.Errorf("trace %s duration %v", aws.ToString(tr.Id), aws.ToFloat64(tr.Duration))
		}
	}
	for file, id := range map[string]string{"cart_shop.json": "e8621f9068be753c", "cart_inventory.json": "53a9896df1505940",
		"report_shop.json": "85c006a95c48b162", "report_row-0_sub.json": "fc8b9236d4396a97"} {
		b, _ := os.ReadFile(filepath.Join(sdkDir, file))
		if docs[id] != strings.TrimSpace(string(b)) {
			t.Errorf("%s: document of %s not returned verbatim:\n%.200s", file, id, docs[id])
		}
	}
	if len(docs) != 2+5 {
		t.Errorf("got %d documents, want 7: %v", len(docs), len(docs))
	}
}
