package tracelint

import (
	"context"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// fakeSource serves one trace, fixed name counts and log events.
type fakeSource struct {
	spans []model.Span
	names []store.NameCount
	logs  []model.LogEvent // in time order
}

func (f *fakeSource) Trace(_ context.Context, _ string, id model.TraceID) ([]model.Span, error) {
	if len(f.spans) == 0 || f.spans[0].TraceID != id {
		return nil, store.ErrNotFound
	}
	return f.spans, nil
}

func (f *fakeSource) TraceStarts(_ context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	if q.After != nil || len(f.spans) == 0 {
		return nil, nil
	}
	return []query.TraceRef{{ID: f.spans[0].TraceID, Start: f.spans[0].StartUnixNano}}, nil
}

func (f *fakeSource) SpansOfTraces(_ context.Context, _ string, ids []model.TraceID, _ store.SpanTrim) ([][]model.Span, error) {
	out := make([][]model.Span, len(ids))
	for i := range ids {
		out[i] = f.spans
	}
	return out, nil
}

func (f *fakeSource) ServerSpanNames(context.Context, string, time.Time, time.Time) ([]store.NameCount, error) {
	return f.names, nil
}

// Logs applies the filters the lints use: trace, service, text, window.
func (f *fakeSource) Logs(_ context.Context, q store.LogQuery) iter.Seq2[model.LogEvent, error] {
	var out []model.LogEvent
	for _, l := range f.logs {
		t := time.Unix(0, l.TimeUnixNano)
		if (!q.TraceID.IsZero() && l.TraceID != q.TraceID) || (q.Service != "" && l.Service() != q.Service) ||
			!strings.Contains(strings.ToLower(l.Body.AsString()), strings.ToLower(q.Text)) ||
			(!q.Start.IsZero() && t.Before(q.Start)) || (!q.End.IsZero() && !t.Before(q.End)) {
			continue
		}
		out = append(out, l)
	}
	if q.Descending {
		slices.Reverse(out)
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return func(yield func(model.LogEvent, error) bool) {
		for _, l := range out {
			if !yield(l, nil) {
				return
			}
		}
	}
}

// rejectedLog is the X-Ray receiver's record of a refused document.
func rejectedLog(trace model.TraceID, service, reason, code, docID string, atMs int) model.LogEvent {
	return model.LogEvent{
		TimeUnixNano:   t0.Add(time.Duration(atMs) * time.Millisecond).UnixNano(),
		SeverityNumber: 13, SeverityText: "WARN",
		Body:    model.StringValue(RejectedBodyPrefix + " (" + reason + "): segment " + docID + ": something wrong"),
		TraceID: trace,
		Attributes: model.Attributes{
			{Key: AttrRejectedReason, Value: model.StringValue(reason)},
			{Key: AttrRejectedErrorCode, Value: model.StringValue(code)},
			{Key: AttrRejectedTransport, Value: model.StringValue("udp")},
			{Key: AttrDocumentID, Value: model.StringValue(docID)},
			{Key: AttrDocumentExcerpt, Value: model.StringValue(`{"id":"` + docID + `"`)},
		},
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}},
	}
}

func TestHandlers(t *testing.T) {
	src := &fakeSource{
		spans: []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), open(sp(2, 1, "shop", "forgotten", 10, 0))},
		logs: []model.LogEvent{
			rejectedLog(model.TraceID{1}, "shop", "missing_name", "MissingName", "00000000000000aa", 5),
			rejectedLog(model.TraceID{3}, "shop", "bad_id", "InvalidId", "not-hex", 6),
			// Not a record of a refused document: the body only quotes it.
			{TimeUnixNano: t0.UnixNano(), TraceID: model.TraceID{1}, Body: model.StringValue("saw " + RejectedBodyPrefix),
				Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("shop")}}}},
			rejectedLog(model.TraceID{4}, "other", "bad_trace_id", "InvalidTraceId", "00000000000000bb", 7),
		},
		names: []store.NameCount{
			{Service: "backend-flask", Name: "backend-flask", URLHost: "localhost:4567", Scope: XRayScopeName, Count: 7, LastNano: t0.UnixNano()},
			{Service: "localhost", Name: "localhost", URLHost: "localhost:4567", Scope: XRayScopeName, Count: 3, LastNano: t0.UnixNano()},
			{Service: "frontend", Name: "frontend", URLHost: "localhost:3000", Scope: XRayScopeName, Count: 2, LastNano: t0.UnixNano()},
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
	onlyRejected := (model.TraceID{3}).XRayString()
	cases := []struct {
		url    string
		status int
		want   []string
	}{
		{"/api/traces/" + tid + "/lint", 200, []string{`"rule":"unclosed"`, `"name":"forgotten"`, `"path":"shop \u003e forgotten"`,
			`"rule":"rejected-document","severity":"error","spanId":""`,
			`"document":{"id":"00000000000000aa","traceId":"01000000000000000000000000000000","reason":"missing_name","errorCode":"MissingName","transport":"udp","excerpt":"{\"id\":\"00000000000000aa\""`}},
		{"/api/traces/" + onlyRejected + "/lint", 200, []string{`"traceId":"03000000000000000000000000000000","spans":0`,
			`"service":"shop"`, `"reason":"bad_id","errorCode":"InvalidId"`, `"message":"X-Ray segment document rejected (bad_id): segment not-hex`}},
		{"/api/traces/" + strings.Repeat("2", 32) + "/lint", 404, []string{`"error":"trace`}},
		{"/api/traces/xyz/lint", 400, []string{`"error"`}},
		{"/api/services/shop/lint?start=0&end=2000000000", 200, []string{`"tracesChecked":1`,
			`"counts":{"rejected-document":2,"unclosed":1}`, `"rejected":[{"rule":"rejected-document"`,
			`"document":{"id":"not-hex"`, `"rejectedTruncated":false`}},
		{"/api/services/shop/lint?start=0&end=1", 200, []string{`"counts":{"unclosed":1}`, `"rejected":[]`}},
		{"/api/services/shop/lint?limit=-1", 400, []string{"limit"}},
		{"/api/services/shop/lint?start=5&end=4", 400, []string{"end must be after start"}},
		{"/api/xray/naming", 200, []string{`"key":"port 4567","serviceNames":["backend-flask","localhost"]`, `"name":"backend-flask","count":7`, `"fromHost":true`,
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
