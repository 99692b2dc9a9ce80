package xray

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// memSource is an in-memory TraceSource with the store's contracts.
type memSource struct {
	mu    sync.Mutex
	spans []model.Span
}

func (m *memSource) add(spans ...model.Span) {
	m.mu.Lock()
	m.spans = append(m.spans, spans...)
	m.mu.Unlock()
}

func (m *memSource) Trace(_ context.Context, project string, id model.TraceID) ([]model.Span, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.Span
	for _, sp := range m.spans {
		if sp.TraceID == id && sp.Project == project {
			out = append(out, sp)
		}
	}
	if out == nil {
		return nil, store.ErrNotFound
	}
	return out, nil
}

func (m *memSource) TraceStarts(_ context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	project, service, start, end, limit := q.Project, q.Service, q.Start, q.End, q.Limit
	var after model.TraceID
	var afterStart int64
	if q.After != nil {
		after, afterStart = q.After.ID, q.After.Start
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	first := map[model.TraceID]int64{}
	for _, sp := range m.spans {
		if sp.Project != project || sp.StartUnixNano < start.UnixNano() || sp.StartUnixNano >= end.UnixNano() ||
			(service != "" && sp.Service() != service) {
			continue
		}
		if s, ok := first[sp.TraceID]; !ok || sp.StartUnixNano < s {
			first[sp.TraceID] = sp.StartUnixNano
		}
	}
	type ref struct {
		id model.TraceID
		s  int64
	}
	var refs []ref
	for id, s := range first {
		if !after.IsZero() && (s > afterStart || (s == afterStart && bytes.Compare(id[:], after[:]) >= 0)) {
			continue
		}
		refs = append(refs, ref{id, s})
	}
	slices.SortFunc(refs, func(a, b ref) int {
		if a.s != b.s {
			return int(b.s - a.s)
		}
		return bytes.Compare(b.id[:], a.id[:])
	})
	var out []query.TraceRef
	for i := 0; i < len(refs) && i < limit; i++ {
		out = append(out, query.TraceRef{ID: refs[i].id, Start: refs[i].s})
	}
	return out, nil
}

func (m *memSource) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	out := make([][]model.Span, len(ids))
	for i, id := range ids {
		spans, _ := m.Trace(ctx, project, id)
		for _, sp := range spans {
			sp.Attributes = slices.DeleteFunc(slices.Clone(sp.Attributes), func(kv model.KeyValue) bool {
				return trim.Drops(kv.Key)
			})
			out[i] = append(out[i], sp)
		}
	}
	return out, nil
}

// loadSDKDocs maps every captured aws-xray-sdk-go document into src.
func loadSDKDocs(t testing.TB, src *memSource) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sdkDir, "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.add(mapDoc(t, b)...)
	}
}

// mapDoc parses and maps one document as the receiver does.
func mapDoc(t testing.TB, b []byte) []model.Span {
	t.Helper()
	d, e := parseDocument(b)
	if e != nil {
		t.Fatalf("parse: %v", e)
	}
	return mapDocument(model.DefaultProject, d, strings.TrimSpace(string(b)))
}

// newReadServer serves the read API over src and returns an SDK client for it.
func newReadServer(t testing.TB, src TraceSource, mod func(*ReadConfig)) (*awsxray.Client, string) {
	t.Helper()
	cfg := DefaultReadConfig()
	if mod != nil {
		mod(&cfg)
	}
	api, err := NewReadAPI(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return sdkClient(srv.URL), srv.URL
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
