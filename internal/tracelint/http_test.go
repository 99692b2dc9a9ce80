package tracelint

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/duckdb"
)

// fakeSource serves one trace and fixed name counts.
type fakeSource struct {
	spans []model.Span
	names []duckdb.NameCount
}

func (f *fakeSource) Trace(_ context.Context, _ string, id model.TraceID) ([]model.Span, error) {
	if len(f.spans) == 0 || f.spans[0].TraceID != id {
		return nil, store.ErrNotFound
	}
	return f.spans, nil
}

func (f *fakeSource) TraceStarts(_ context.Context, _, _ string, _, _ time.Time, after model.TraceID, _ int64, _ int) ([]model.TraceID, []int64, error) {
	if !after.IsZero() || len(f.spans) == 0 {
		return nil, nil, nil
	}
	return []model.TraceID{f.spans[0].TraceID}, []int64{f.spans[0].StartUnixNano}, nil
}

func (f *fakeSource) SpansOfTraces(_ context.Context, _ string, ids []model.TraceID) ([][]model.Span, error) {
	out := make([][]model.Span, len(ids))
	for i := range ids {
		out[i] = f.spans
	}
	return out, nil
}

func (f *fakeSource) ServerSpanNames(context.Context, string, time.Time, time.Time) ([]duckdb.NameCount, error) {
	return f.names, nil
}

func TestHandlers(t *testing.T) {
	src := &fakeSource{
		spans: []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), open(sp(2, 1, "shop", "forgotten", 10, 0))},
		names: []duckdb.NameCount{
			{Service: "backend-flask", Name: "backend-flask", URLHost: "localhost:4567", Count: 7, LastNano: t0.UnixNano()},
			{Service: "localhost", Name: "localhost", URLHost: "localhost:4567", Count: 3, LastNano: t0.UnixNano()},
			{Service: "frontend", Name: "frontend", URLHost: "localhost:3000", Count: 2, LastNano: t0.UnixNano()},
		},
	}
	cfg := DefaultHandlerConfig()
	cfg.Lint.Now = func() time.Time { return t0.Add(time.Hour) }
	h, err := NewHandlers(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	tid := (model.TraceID{1}).String()
	cases := []struct {
		url    string
		status int
		want   []string
	}{
		{"/api/traces/" + tid + "/lint", 200, []string{`"rule":"unclosed"`, `"name":"forgotten"`, `"path":"shop \u003e forgotten"`}},
		{"/api/traces/" + strings.Repeat("2", 32) + "/lint", 404, []string{`"error":"trace`}},
		{"/api/traces/xyz/lint", 400, []string{`"error"`}},
		{"/api/services/shop/lint?start=0&end=2000000000", 200, []string{`"tracesChecked":1`, `"counts":{"unclosed":1}`}},
		{"/api/services/shop/lint?limit=-1", 400, []string{"limit"}},
		{"/api/services/shop/lint?start=5&end=4", 400, []string{"end must be after start"}},
		{"/api/xray/naming", 200, []string{`"key":"port 4567"`, `"name":"backend-flask","count":7`, `"fromHost":true`,
			`localhost came from the request's Host header`, `"key":"port 3000"`}},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.url, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != tc.status {
			t.Errorf("GET %s: status %d, want %d: %s", tc.url, rec.Code, tc.status, body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s: body lacks %s:\n%s", tc.url, w, body)
			}
		}
	}
}
