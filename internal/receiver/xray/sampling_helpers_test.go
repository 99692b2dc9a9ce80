package xray

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"

	"lookout/internal/model"
	"lookout/internal/store"
)

// memDocs is an in-memory RuleStore with the store's version contract; fail
// makes every write fail.
type memDocs struct {
	mu   sync.Mutex
	docs map[[3]string]store.Document
	fail error
}

func newMemDocs() *memDocs { return &memDocs{docs: map[[3]string]store.Document{}} }

func (m *memDocs) PutDocument(_ context.Context, d store.Document, ifVersion int64) (store.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return store.Document{}, m.fail
	}
	k := [3]string{d.Project, d.Kind, d.Name}
	cur, ok := m.docs[k]
	switch {
	case ifVersion == 0 && ok:
		return store.Document{}, store.ErrExists
	case ifVersion > 0 && !ok:
		return store.Document{}, store.ErrNotFound
	case ifVersion > 0 && cur.Version != ifVersion:
		return store.Document{}, store.ErrVersionConflict
	}
	d.Version, d.UpdatedAt = cur.Version+1, time.Now()
	d.Body = bytes.Clone(d.Body)
	m.docs[k] = d
	return d, nil
}

func (m *memDocs) Documents(_ context.Context, project, kind string) ([]store.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Document
	for k, d := range m.docs {
		if k[0] == project && k[1] == kind {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (m *memDocs) DeleteDocument(_ context.Context, project, kind, name string, ifVersion int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	k := [3]string{project, kind, name}
	cur, ok := m.docs[k]
	switch {
	case !ok:
		return store.ErrNotFound
	case ifVersion > 0 && cur.Version != ifVersion:
		return store.ErrVersionConflict
	}
	delete(m.docs, k)
	return nil
}

// segSource adds Services to memSource.
type segSource struct{ *memSource }

func (s segSource) Services(_ context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[string]int64{}
	for _, sp := range s.spans {
		if sp.Project == project && sp.StartUnixNano >= start.UnixNano() && sp.StartUnixNano < end.UnixNano() {
			counts[sp.Service()]++
		}
	}
	var out []store.ServiceStat
	for name, n := range counts {
		out = append(out, store.ServiceStat{Name: name, SpanCount: n})
	}
	return out, nil
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
	docs  *memDocs
	src   *memSource
	clock *clock
}

func newSamplingServer(t testing.TB, docs *memDocs, mod func(*SamplingConfig)) *samplingServer {
	t.Helper()
	if docs == nil {
		docs = newMemDocs()
	}
	s := &samplingServer{docs: docs, src: &memSource{}, clock: &clock{now: samplingT0}}
	cfg := DefaultSamplingConfig()
	cfg.Now, cfg.Logger = s.clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil))
	if mod != nil {
		mod(&cfg)
	}
	api, err := NewSamplingAPI(cfg, docs, segSource{s.src})
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
