package xray

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/dynamodb"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
	"github.com/aws/aws-xray-sdk-go/xraylog"
)

func init() { xray.SetLogger(xraylog.NewDefaultLogger(io.Discard, xraylog.LogLevelError)) }

// alwaysSample samples every request under a named rule, so the documents
// carry aws.xray.sampling_rule_name like centrally sampled ones do.
type alwaysSample struct{}

func (alwaysSample) ShouldTrace(*sampling.Request) *sampling.Decision {
	rule := "lookout-test"
	return &sampling.Decision{Sample: true, Rule: &rule}
}

// sdkRequest is one request to the instrumented app; scenario names the
// testdata files its segment documents are captured to.
type sdkRequest struct{ scenario, method, path string }

var sdkRequests = []sdkRequest{
	{"cart", http.MethodGet, "/cart"},          // annotations, metadata, user, nesting, SQL, HTTP and AWS calls
	{"checkout", http.MethodPost, "/checkout"}, // a fault with a stack trace; a throttled downstream call
	{"report", http.MethodGet, "/report"},      // enough subsegments that the SDK streams them
	{"leak", http.MethodGet, "/leak"},          // a subsegment never closed: sent in progress
	{"missing", http.MethodGet, "/missing"},    // a 404: the error flag
}

// sdkApp is a small shop instrumented with the real aws-xray-sdk-go: the
// "shop" service calls an instrumented "inventory" service over HTTP, a
// fake DynamoDB, and a fake PostgreSQL through xray.SQLContext.
type sdkApp struct {
	shop, inventory, dynamo *httptest.Server
	client                  *http.Client // traced, for calls inside a request
	plain                   *http.Client // untraced, for test requests
	db                      *sql.DB
	ddb                     *dynamodb.DynamoDB
}

// startSDKApp points the SDK at daemonAddr and starts the app.
func startSDKApp(t *testing.T, daemonAddr string) *sdkApp {
	t.Helper()
	if err := xray.Configure(xray.Config{DaemonAddr: daemonAddr, ServiceVersion: "1.4.2",
		SamplingStrategy: alwaysSample{}}); err != nil {
		t.Fatal(err)
	}
	a := &sdkApp{client: xray.Client(&http.Client{Transport: &http.Transport{}}),
		plain: &http.Client{Transport: &http.Transport{}}}
	a.inventory = httptest.NewServer(xray.Handler(xray.NewFixedSegmentNamer("inventory"), http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/reserve" {
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return
			}
			_, _ = io.WriteString(w, `{"sku":"book","stock":7}`)
		})))
	a.dynamo = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-RequestId", "8T3BF9QEDKCHN3S1IJOQ0VPKDBVV4KQNSO5AEMVJF66Q9ASUAAJG")
		_, _ = io.WriteString(w, `{"Item":{"id":{"S":"c-1"},"owner":{"S":"alice"}}}`)
	}))
	sess, err := session.NewSession(&aws.Config{Region: aws.String("eu-west-1"), Endpoint: aws.String(a.dynamo.URL),
		Credentials: credentials.NewStaticCredentials("AKIDLOOKOUTTEST", "secret", ""),
		HTTPClient:  a.plain, MaxRetries: aws.Int(0)})
	if err != nil {
		t.Fatal(err)
	}
	a.ddb = dynamodb.New(sess)
	xray.AWS(a.ddb.Client)
	if a.db, err = xray.SQLContext("fakepg", "postgres://app:secret@db.internal:5432/shop?sslmode=disable"); err != nil {
		t.Fatal(err)
	}
	a.shop = httptest.NewServer(xray.Handler(xray.NewFixedSegmentNamer("shop"), a.routes()))
	t.Cleanup(func() {
		a.shop.Close()
		a.inventory.Close()
		a.dynamo.Close()
		_ = a.db.Close()
		a.client.CloseIdleConnections()
		a.plain.CloseIdleConnections()
	})
	return a
}

func (a *sdkApp) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cart", a.cart)
	mux.HandleFunc("POST /checkout", a.checkout)
	mux.HandleFunc("GET /report", func(w http.ResponseWriter, r *http.Request) {
		for i := range 24 {
			_ = xray.Capture(r.Context(), "row-"+strconv.Itoa(i), func(context.Context) error { return nil })
		}
		_, _ = io.WriteString(w, "done")
	})
	mux.HandleFunc("GET /leak", func(w http.ResponseWriter, r *http.Request) {
		_ = xray.Capture(r.Context(), "closed-work", func(context.Context) error { return nil })
		_, _ = xray.BeginSubsegment(r.Context(), "forgotten-call") // never closed
		_, _ = io.WriteString(w, "leaked")
	})
	return mux
}

func (a *sdkApp) cart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	seg := xray.GetSegment(ctx)
	seg.Lock()
	seg.User = "alice"
	seg.Unlock()
	_ = xray.AddAnnotation(ctx, "customer", "alice")
	_ = xray.AddAnnotation(ctx, "items", 3)
	_ = xray.AddAnnotation(ctx, "total", 12.5)
	_ = xray.AddAnnotation(ctx, "vip", true)
	_ = xray.AddMetadata(ctx, "cart", map[string]any{"skus": []string{"book", "pen"}, "coupon": nil})
	_ = xray.AddMetadataToNamespace(ctx, "debug", "build", map[string]any{"commit": "abc123", "dirty": false})
	_ = xray.Capture(ctx, "load-cart", func(ctx context.Context) error {
		_ = xray.Capture(ctx, "cache-lookup", func(ctx context.Context) error {
			return xray.AddAnnotation(ctx, "cache_hit", false)
		})
		rows, err := a.db.QueryContext(ctx, "SELECT id FROM carts WHERE owner = $1", "alice")
		if err != nil {
			return err
		}
		return rows.Close()
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.inventory.URL+"/stock?sku=book", nil)
	if resp, err := a.client.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	_, _ = a.ddb.GetItemWithContext(ctx, &dynamodb.GetItemInput{TableName: aws.String("carts"),
		Key: map[string]*dynamodb.AttributeValue{"id": {S: aws.String("c-1")}}})
	_, _ = io.WriteString(w, "cart")
}

// errCardDeclined is the error the checkout fails with.
var errCardDeclined = errors.New("card declined")

func (a *sdkApp) checkout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.inventory.URL+"/reserve", nil)
	if resp, err := a.client.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	err := xray.Capture(ctx, "charge-card", func(context.Context) error { return chargeCard() })
	_ = xray.AddError(ctx, err)
	http.Error(w, "payment failed", http.StatusInternalServerError)
}

func chargeCard() error { return errCardDeclined }

// do sends one untraced request to the shop.
func (a *sdkApp) do(t *testing.T, r sdkRequest) {
	t.Helper()
	req, err := http.NewRequest(r.method, a.shop.URL+r.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.plain.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}

// waitIdle polls n until it stops growing for quiet, or until limit.
func waitIdle(n func() int, quiet, limit time.Duration) int {
	deadline := time.Now().Add(limit)
	last, since := n(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		if cur := n(); cur != last {
			last, since = cur, time.Now()
		} else if time.Since(since) >= quiet {
			break
		}
	}
	return last
}
