package identity

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	shopKey = "shop-key-0123456789"
	opKey   = "operator-key-0123456789"
	local   = "127.0.0.1:40000"
	remote  = "192.0.2.9:40000"
)

// testMux stands for the main port's mux: each route echoes the project
// its request was granted and the ?project= it reads.
func testMux() *http.ServeMux {
	mux := http.NewServeMux()
	echo := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "granted="+Project(r.Context()))
	}
	for _, p := range []string{"GET /api/search", "GET /api/errors", "POST /api/errors/projects", "POST /api/query",
		"GET /api/status", "GET /metrics", "GET /healthz", "GET /api/1/items", "GET /assets/app.js", "/"} {
		mux.HandleFunc(p, echo)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no route", http.StatusNotFound) })
	return mux
}

type gateCase struct {
	name    string
	method  string
	path    string
	remote  string            // local when empty
	host    string            // 127.0.0.1:8686 when empty
	headers map[string]string // request headers
	status  int
	body    string // a substring of the reply
}

func runGate(t *testing.T, cfg GateConfig, cases []gateCase) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	g, err := NewGate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(testMux())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, tc.path, strings.NewReader("{}"))
			r.RemoteAddr, r.Host = local, "127.0.0.1:8686"
			if tc.remote != "" {
				r.RemoteAddr = tc.remote
			}
			if tc.host != "" {
				r.Host = tc.host
			}
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status || !strings.Contains(w.Body.String()+w.Header().Get("Location"), tc.body) {
				t.Errorf("%s %s: %d %q (Location %q), want %d with %q", method, tc.path, w.Code, w.Body, w.Header().Get("Location"), tc.status, tc.body)
			}
		})
	}
}

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

var jsonCT = map[string]string{"Content-Type": "application/json"}

func TestGateWithoutKeys(t *testing.T) {
	runGate(t, DefaultGateConfig(), []gateCase{
		{name: "local API", path: "/api/search", status: 200, body: "granted=default"},
		{name: "local UI", path: "/traces/1", status: 200},
		{name: "local status", path: "/api/status", status: 200},
		{name: "local, the default project named", path: "/api/errors?project=default", status: 200, body: "granted=default"},
		{name: "local, another project", path: "/api/errors?traceID=1&project=b", status: 401, body: `project \"b\" needs an API key`},
		{name: "local, another project's search", path: "/api/search?project=b", status: 401},
		{name: "local v6", path: "/api/search", remote: "[::1]:4000", host: "[::1]:8686", status: 200},
		{name: "localhost", path: "/api/search", host: "localhost:8686", status: 200},
		{name: "rebound DNS name", path: "/api/search", host: "evil.example:8686", status: 403, body: "addressed by a loopback host"},
		{name: "remote", path: "/api/search", remote: remote, host: "192.0.2.2:8686", status: 403, body: "set --api-keys"},
		{name: "remote UI", path: "/", remote: remote, status: 403},
		{name: "remote health", path: "/healthz", remote: remote, status: 200},
		{name: "remote asset", path: "/assets/app.js", remote: remote, status: 200},
		{name: "remote Rollbar", path: "/api/1/items", remote: remote, status: 200},
		{name: "a bearer key means nothing without keys", path: "/api/search", headers: bearer("whatever-whatever"), status: 200},
		{name: "local mint", method: "POST", path: "/api/errors/projects", headers: jsonCT, status: 200},
		{name: "mint as text/plain", method: "POST", path: "/api/errors/projects", headers: map[string]string{"Content-Type": "text/plain"},
			status: 415, body: "application/json"},
		{name: "query without a type", method: "POST", path: "/api/query", status: 415},
		{name: "unknown route keeps its 404", method: "POST", path: "/api/nope", status: 404},
		{name: "login page", path: "/login", status: 200, body: "No API keys are configured"},
		{name: "login", method: "POST", path: "/login", status: 400},
	})
}

func TestGateAnyone(t *testing.T) {
	cfg := DefaultGateConfig()
	cfg.AllowAnyone = true
	runGate(t, cfg, []gateCase{
		{name: "remote API", path: "/api/search", remote: remote, host: "192.0.2.2:8686", status: 200, body: "granted=default"},
		{name: "remote, another project", path: "/api/search?project=b", remote: remote, status: 401},
	})
}

func TestGateWithKeys(t *testing.T) {
	cfg := DefaultGateConfig()
	var err error
	if cfg.Keys, err = ParseKeys(shopKey+":shop,"+opKey+":*", true); err != nil {
		t.Fatal(err)
	}
	runGate(t, cfg, []gateCase{
		{name: "local without a key", path: "/api/search", status: 401, body: "needs an API key"},
		{name: "local UI without a key", path: "/traces/1?x=1", status: 303, body: "/login?next=%2Ftraces%2F1%3Fx%3D1"},
		{name: "wrong key", path: "/api/search", headers: bearer("not-a-key-not-a-key"), status: 401, body: "invalid API key"},
		{name: "shop key", path: "/api/search", remote: remote, headers: bearer(shopKey), status: 200, body: "granted=shop"},
		{name: "shop key in X-Lookout-Key", path: "/api/search", headers: map[string]string{"X-Lookout-Key": shopKey}, status: 200, body: "granted=shop"},
		{name: "shop key names shop", path: "/api/errors?project=shop", headers: bearer(shopKey), status: 200, body: "granted=shop"},
		{name: "shop key, default project", path: "/api/errors?traceID=1&project=default", headers: bearer(shopKey), status: 403,
			body: `does not grant project \"default\"`},
		{name: "shop key, status", path: "/api/status", headers: bearer(shopKey), status: 403, body: "every project"},
		{name: "shop key, metrics", path: "/metrics", headers: bearer(shopKey), status: 403},
		{name: "shop key, mint", method: "POST", path: "/api/errors/projects", headers: bearer(shopKey), status: 403},
		{name: "operator key, any project", path: "/api/errors?project=b", headers: bearer(opKey), status: 200, body: "granted=b"},
		{name: "operator key, default", path: "/api/search", headers: bearer(opKey), status: 200, body: "granted=default"},
		{name: "operator key, metrics", path: "/metrics", headers: bearer(opKey), status: 200},
		{name: "operator key, mint", method: "POST", path: "/api/errors/projects", headers: bearer(opKey), status: 200},
		{name: "health", path: "/healthz", status: 200},
		{name: "unknown session", path: "/api/search", headers: map[string]string{"Cookie": sessionCookie + "=made-up"}, status: 401,
			body: "log in again"},
		{name: "login page", path: "/login?next=/traces", status: 200, body: `name="next" value="/traces"`},
		{name: "login, wrong key", method: "POST", path: "/login",
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 401, body: "not an API key"},
		{name: "logout takes POST", path: "/logout", status: 405},
	})
}

// TestLoginSession logs in through the form, uses the session, and logs
// out.
func TestLoginSession(t *testing.T) {
	cfg := DefaultGateConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Keys, _ = ParseKeys(shopKey+":shop", false)
	g, err := NewGate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(testMux())
	do := func(method, path, body, cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.RemoteAddr = remote
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := do("POST", "/login", "key="+shopKey+"&next=//evil.example/", "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("login: %d to %q", w.Code, w.Header().Get("Location"))
	}
	c := w.Result().Cookies()
	if len(c) != 1 || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode || c[0].Path != "/" {
		t.Fatalf("cookie %+v", c)
	}
	cookie := c[0].Name + "=" + c[0].Value
	if w := do("GET", "/api/search", "", cookie); w.Code != 200 || !strings.Contains(w.Body.String(), "granted=shop") {
		t.Fatalf("with the session: %d %s", w.Code, w.Body)
	}
	if w := do("GET", "/traces/1", "", cookie); w.Code != 200 {
		t.Fatalf("UI with the session: %d", w.Code)
	}
	if w := do("POST", "/logout", "", cookie); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := do("GET", "/api/search", "", cookie); w.Code != http.StatusUnauthorized {
		t.Fatalf("after logout: %d %s", w.Code, w.Body)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/traces/1?x=2": "/traces/1?x=2", "": "/", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example/": "/", "traces": "/", "javascript:alert(1)": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyProject(t *testing.T) {
	cfg := DefaultGateConfig()
	cfg.Keys, _ = ParseKeys(shopKey+":shop,"+opKey+":*", true)
	g, err := NewGate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	open, _ := NewGate(DefaultGateConfig())
	for _, tc := range []struct {
		name    string
		gate    *Gate
		headers map[string]string
		project string
		ok      bool
	}{
		{"shop key", g, bearer(shopKey), "shop", true},
		{"operator key", g, bearer(opKey), "default", true},
		{"wrong key", g, bearer("wrong-wrong-wrong-wrong"), "", false},
		{"SigV4", g, map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/xray/aws4_request"}, "", false},
		{"nothing, local", g, nil, "", false},
		{"no keys configured", open, bearer(shopKey), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/UpdateSamplingRule", nil)
			r.RemoteAddr, r.Host = local, "127.0.0.1:8686"
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			if p, ok := tc.gate.KeyProject(r); p != tc.project || ok != tc.ok {
				t.Errorf("KeyProject = %q, %v; want %q, %v", p, ok, tc.project, tc.ok)
			}
		})
	}
}
