package samplingapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
	"lookout/internal/xraysampling"
)

// ruleDocs keeps the rules in a metadata store; fail makes every write fail.
type ruleDocs struct {
	*metaduck.Store
	mu   sync.Mutex
	fail error
}

// openDocs opens a metadata store in a temporary directory.
func openDocs(t testing.TB) *ruleDocs {
	t.Helper()
	st, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &ruleDocs{Store: st}
}

func (d *ruleDocs) failure() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fail
}

func (d *ruleDocs) PutDocument(ctx context.Context, doc store.Document, ifVersion int64) (store.Document, error) {
	if err := d.failure(); err != nil {
		return store.Document{}, err
	}
	return d.Store.PutDocument(ctx, doc, ifVersion)
}

func (d *ruleDocs) DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error {
	if err := d.failure(); err != nil {
		return err
	}
	return d.Store.DeleteDocument(ctx, project, kind, name, ifVersion)
}

// segStore is the span store the diagnostics read, opened when first
// used (most tests do not read it); add writes to it.
type segStore struct {
	t    testing.TB
	once sync.Once
	st   *duckdb.Store
	err  error
}

func (s *segStore) store() (*duckdb.Store, error) {
	s.once.Do(func() {
		cfg := duckdb.DefaultConfig()
		cfg.Dir = s.t.TempDir()
		if s.st, s.err = duckdb.Open(context.Background(), cfg); s.err == nil {
			s.t.Cleanup(func() { s.st.Close() })
		}
	})
	return s.st, s.err
}

func (s *segStore) add(spans ...model.Span) {
	st, err := s.store()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := st.Write(context.Background(), &model.Batch{Spans: spans}); err != nil {
		s.t.Fatal(err)
	}
}

// sdkClient is an aws-sdk-go-v2 X-Ray client pointed at base.
func sdkClient(base string) *awsxray.Client {
	return awsxray.New(awsxray.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(base),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
}

func (s *segStore) Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	st, err := s.store()
	if err != nil {
		return nil, err
	}
	return st.Services(ctx, project, start, end)
}

func (s *segStore) TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	st, err := s.store()
	if err != nil {
		return nil, err
	}
	return st.TraceStarts(ctx, q)
}

func (s *segStore) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	st, err := s.store()
	if err != nil {
		return nil, err
	}
	return st.SpansOfTraces(ctx, project, ids, trim)
}

// Query aggregates the spans added; none were when the store was never
// opened.
func (s *segStore) Query(ctx context.Context, project string, q query.Query) (query.Result, error) {
	if s.st == nil && s.err == nil {
		return query.Result{}, nil
	}
	st, err := s.store()
	if err != nil {
		return query.Result{}, err
	}
	return st.Query(ctx, project, q)
}

// samplingConfig is the configuration of the sampling operations and of
// the service behind them.
type samplingConfig struct {
	SamplingConfig
	xraysampling.ServiceConfig
}

func defaultSamplingConfig() samplingConfig {
	return samplingConfig{DefaultSamplingConfig(), xraysampling.DefaultServiceConfig()}
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var samplingT0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// samplingServer serves the sampling API and its diagnostics.
type samplingServer struct {
	api   *SamplingAPI
	url   string
	sdk   *awsxray.Client
	docs  *ruleDocs
	src   *segStore
	clock *clock
}

func newSamplingServer(t testing.TB, docs *ruleDocs, mod func(*samplingConfig)) *samplingServer {
	t.Helper()
	if docs == nil {
		docs = openDocs(t)
	}
	s := &samplingServer{docs: docs, src: &segStore{t: t}, clock: &clock{now: samplingT0}}
	cfg := defaultSamplingConfig()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now, cfg.ServiceConfig.Logger, cfg.SamplingConfig.Logger = s.clock.Now, quiet, quiet
	if mod != nil {
		mod(&cfg)
	}
	svc, err := xraysampling.NewService(cfg.ServiceConfig, docs, s.src)
	if err != nil {
		t.Fatal(err)
	}
	api, err := NewSamplingAPI(cfg.SamplingConfig, svc)
	if err != nil {
		t.Fatal(err)
	}
	s.api = api
	mux := http.NewServeMux()
	api.Register(mux)
	api.RegisterDiagnostics(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url, s.sdk = srv.URL, sdkClient(srv.URL)
	return s
}

// post sends a raw body and returns the status, error type and decoded body.
func (s *samplingServer) post(t testing.TB, path, body string) (int, string, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.url+path, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: answer %q is not a JSON object", path, b)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), out
}

// serverSpan is an X-Ray segment of service for the request url.
func serverSpan(service, method, url string, trace byte, at time.Time) model.Span {
	return model.Span{Project: model.DefaultProject, TraceID: model.TraceID{trace}, SpanID: model.SpanID{trace},
		Name: service, Kind: model.SpanKindServer, StartUnixNano: at.UnixNano(), EndUnixNano: at.UnixNano() + 1e6,
		Attributes: model.Attributes{
			{Key: "http.request.method", Value: model.StringValue(method)},
			{Key: "url.full", Value: model.StringValue(url)},
		},
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}}}
}

var errDiskFull = errors.New("disk full")
