package compat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/xray"
)

// TestXRayReadAPIWithSDKs runs an aws-xray-sdk-go instrumented handler
// (nested subsegments, annotations, metadata, a user, an error), sends its
// segment to lookout over the daemon's UDP protocol, and reads it back with
// the aws-sdk-go-v2 X-Ray client: GetTraceSummaries filtered on an
// annotation, then BatchGetTraces, with every field intact.
func TestXRayReadAPIWithSDKs(t *testing.T) {
	in := startLookout(t, t.TempDir())
	if err := xray.Configure(xray.Config{DaemonAddr: in.XRayUDP, SamplingStrategy: alwaysSample{}}); err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(xray.Handler(xray.NewFixedSegmentNamer("checkout-api"), http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			_ = xray.AddAnnotation(ctx, "tier", "gold")
			_ = xray.AddAnnotation(ctx, "cart_items", 4)
			_ = xray.AddAnnotation(ctx, "returning", true)
			_ = xray.AddMetadataToNamespace(ctx, "shop", "cart", map[string]any{"skus": []string{"book", "pen"}})
			xray.GetSegment(ctx).User = "alice"
			_ = xray.Capture(ctx, "price-cart", func(ctx context.Context) error {
				return xray.Capture(ctx, "tax-table", func(context.Context) error { return nil })
			})
			err := xray.Capture(ctx, "charge-card", func(context.Context) error { return errors.New("card declined") })
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})))
	defer app.Close()
	resp, err := http.Post(app.URL+"/checkout", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	traceID := resp.Header.Get("X-Amzn-Trace-Id")
	root, _, _ := strings.Cut(strings.TrimPrefix(traceID, "Root="), ";")

	client := awsxray.New(awsxray.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.XRayAPI),
		Credentials: aws.AnonymousCredentials{}})
	ctx := context.Background()
	now := time.Now()
	query := &awsxray.GetTraceSummariesInput{StartTime: aws.Time(now.Add(-5 * time.Minute)), EndTime: aws.Time(now.Add(time.Minute)),
		FilterExpression: aws.String(`annotation.tier = "gold" AND annotation.cart_items >= 4 AND service("checkout-api") { fault }`)}
	var sum *types.TraceSummary
	for i := 0; i < 100 && sum == nil; i++ {
		out, err := client.GetTraceSummaries(ctx, query)
		if err != nil {
			t.Fatalf("GetTraceSummaries: %v", err)
		}
		for j := range out.TraceSummaries {
			if aws.ToString(out.TraceSummaries[j].Id) == root {
				sum = &out.TraceSummaries[j]
			}
		}
		if sum == nil {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if sum == nil {
		t.Fatalf("trace %s (header %q) not found by the annotation filter", root, traceID)
	}
	if !aws.ToBool(sum.HasFault) || sum.Http == nil || aws.ToInt32(sum.Http.HttpStatus) != 500 ||
		aws.ToString(sum.Http.HttpMethod) != "POST" || !strings.HasSuffix(aws.ToString(sum.Http.HttpURL), "/checkout") {
		t.Errorf("summary: fault %v http %+v", aws.ToBool(sum.HasFault), sum.Http)
	}
	if aws.ToString(sum.EntryPoint.Name) != "checkout-api" || len(sum.Users) != 1 || aws.ToString(sum.Users[0].UserName) != "alice" {
		t.Errorf("entry point %+v users %+v", sum.EntryPoint, sum.Users)
	}
	if v, ok := sum.Annotations["cart_items"][0].AnnotationValue.(*types.AnnotationValueMemberNumberValue); !ok || v.Value != 4 {
		t.Errorf("cart_items annotation %+v", sum.Annotations["cart_items"])
	}
	if v, ok := sum.Annotations["returning"][0].AnnotationValue.(*types.AnnotationValueMemberBooleanValue); !ok || !v.Value {
		t.Errorf("returning annotation %+v", sum.Annotations["returning"])
	}

	got, err := client.BatchGetTraces(ctx, &awsxray.BatchGetTracesInput{TraceIds: []string{root}})
	if err != nil {
		t.Fatalf("BatchGetTraces: %v", err)
	}
	if len(got.Traces) != 1 || len(got.Traces[0].Segments) != 1 {
		t.Fatalf("traces %+v", got.Traces)
	}
	var doc struct {
		Name        string
		TraceID     string `json:"trace_id"`
		User        string
		Fault       bool
		Annotations map[string]any
		Metadata    map[string]map[string]any
		Subsegments []xraySubsegment
	}
	if err := json.Unmarshal([]byte(aws.ToString(got.Traces[0].Segments[0].Document)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "checkout-api" || doc.TraceID != root || doc.User != "alice" || !doc.Fault ||
		doc.Annotations["tier"] != "gold" || doc.Metadata["shop"]["cart"] == nil {
		t.Errorf("document %+v", doc)
	}
	// Under load the SDK may emit a segment again with subsegments repeated
	// (same ids); a repeat of an id is the same subsegment.
	doc.Subsegments = uniqueSubsegments(doc.Subsegments)
	if len(doc.Subsegments) != 2 || doc.Subsegments[0].Name != "price-cart" || len(uniqueSubsegments(doc.Subsegments[0].Subsegments)) != 1 ||
		doc.Subsegments[1].Name != "charge-card" || !doc.Subsegments[1].Fault ||
		len(doc.Subsegments[1].Cause.Exceptions) == 0 || doc.Subsegments[1].Cause.Exceptions[0].Message != "card declined" {
		t.Errorf("subsegments %+v", doc.Subsegments)
	}
}

type xraySubsegment struct {
	ID          string `json:"id"`
	Name        string
	Fault       bool
	Cause       struct{ Exceptions []struct{ Message string } }
	Subsegments []xraySubsegment
}

// uniqueSubsegments keeps the first subsegment of each id, in order.
func uniqueSubsegments(subs []xraySubsegment) []xraySubsegment {
	seen := map[string]bool{}
	var out []xraySubsegment
	for _, s := range subs {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	return out
}
