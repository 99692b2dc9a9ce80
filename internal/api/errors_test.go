package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

// fakeErrors holds occurrences of one trace and their items.
type fakeErrors struct {
	occs  []model.ErrorOccurrence
	items map[int64]model.Item
}

func (f fakeErrors) OccurrencesByTrace(_ context.Context, project string, trace model.TraceID, limit int) ([]model.ErrorOccurrence, error) {
	var out []model.ErrorOccurrence
	for _, o := range f.occs {
		if o.Project == project && o.TraceID == trace && len(out) < limit {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f fakeErrors) Item(_ context.Context, _ string, id int64) (model.Item, error) {
	it, ok := f.items[id]
	if !ok {
		return model.Item{}, store.ErrNotFound
	}
	return it, nil
}

// TestErrorTrackingScenarios covers the routes of log groups, the errors
// of a trace, projects and tokens, over a real metadata store.
func TestErrorTrackingScenarios(t *testing.T) {
	ctx := context.Background()
	meta, err := metaduck.Open(ctx, metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	for _, g := range []store.LogGroup{{Project: model.DefaultProject, Name: "kept", RetentionDays: 7}, {Project: model.DefaultProject, Name: "forever"}} {
		if err := meta.CreateLogGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		if g.RetentionDays > 0 {
			if err := meta.SetRetention(ctx, g.Project, g.Name, g.RetentionDays); err != nil {
				t.Fatal(err)
			}
		}
	}
	tokens, err := errortrack.NewTokens(ctx, meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	trace, _ := model.ParseTraceID("0123456789abcdef0123456789abcdef")
	errs := fakeErrors{
		occs: []model.ErrorOccurrence{{ID: 7, ItemID: 3, Project: model.DefaultProject, UUID: "u-1", TraceID: trace,
			Timestamp: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), Level: model.LevelError, Title: "boom"}},
		items: map[int64]model.Item{3: {ID: 3, Counter: 1, Status: model.StatusActive}},
	}
	srv := serve(t, openStore(t), func(c *Config) {
		c.LogGroups, c.Errors, c.Projects, c.Tokens = meta, errs, meta, tokens
		// The caller's project, as the edge would grant it (identity.Gate).
		c.Project = func(r *http.Request) string {
			if p := r.Header.Get("X-Test-Project"); p != "" {
				return p
			}
			return model.DefaultProject
		}
	})
	run(t, srv, []scenario{
		{name: "log groups", url: "/api/cwlogs/groups", status: 200,
			json: `{"groups":[{"name":"forever","warning":"no retention policy: events are kept until the store's own retention or disk budget drops them"},{"name":"kept","retentionInDays":7,"warning":null}]}`},
		{name: "errors of a trace", url: "/api/errors?traceID=" + trace.String(), status: 200,
			json: `{"errors":[{"occurrenceId":7,"itemId":3,"counter":1,"uuid":"u-1","level":"error","title":"boom","itemStatus":"active","traceId":"0123456789abcdef0123456789abcdef"}]}`},
		{name: "errors of another project", url: "/api/errors?traceID=" + trace.String(), headers: map[string]string{"X-Test-Project": "shop"}, status: 200, json: `{"errors":[]}`},
		{name: "errors without a trace", url: "/api/errors", status: 400, json: `{"error":"traceID is required"}`},
		{name: "errors of a bad trace", url: "/api/errors?traceID=xyz", status: 400, contains: []string{`"error":"traceID: `}},
		{name: "project", method: "POST", url: "/api/errors/projects", body: `{"name":"shop"}`, status: 201, json: `{"name":"shop"}`},
		{name: "project again", method: "POST", url: "/api/errors/projects", body: `{"name":"shop"}`, status: 409},
		{name: "project bad name", method: "POST", url: "/api/errors/projects", body: `{"name":"a b"}`, status: 400, contains: []string{"name: want"}},
		{name: "project bad body", method: "POST", url: "/api/errors/projects", body: `{"name":`, status: 400, contains: []string{"body: "}},
		{name: "token", method: "POST", url: "/api/errors/tokens", body: `{"project":"shop","scopes":["read"]}`, status: 201,
			json: `{"project":"shop","scopes":["read"]}`, contains: []string{`"token":"`}},
		{name: "token bad scope", method: "POST", url: "/api/errors/tokens", body: `{"scopes":["everything"]}`, status: 400, contains: []string{"scope"}},
		{name: "token of no project", method: "POST", url: "/api/errors/tokens", body: `{"project":"nope"}`, status: 404},
		{name: "tokens take POST", url: "/api/errors/tokens", status: 405},
	})
	if ok, err := tokens.AnyExist(ctx); !ok || err != nil {
		t.Errorf("after a token was issued: AnyExist %v %v, want true at once", ok, err)
	}
}

// TestAdminFromLoopbackOnly refuses project and token requests from other
// addresses.
func TestAdminFromLoopbackOnly(t *testing.T) {
	st := openStore(t)
	a, err := New(Config{Traces: st, Logs: st, Projects: nopProjects{}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	r := httptest.NewRequest(http.MethodPost, "/api/errors/projects", strings.NewReader(`{"name":"shop"}`))
	r.RemoteAddr = "203.0.113.9:5000"
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "loopback only") {
		t.Fatalf("%d %s, want 403 naming loopback", w.Code, w.Body)
	}
}

type nopProjects struct{}

func (nopProjects) CreateProject(context.Context, string) (model.Project, error) {
	return model.Project{}, nil
}
