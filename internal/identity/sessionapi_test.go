package identity

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSessionProject: a login for every project lists the projects it may
// read and chooses one, which its requests then read when they name none;
// a login for one project cannot choose another; a bearer key chooses
// nothing.
func TestSessionProject(t *testing.T) {
	cfg := DefaultGateConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Keys, _ = ParseKeys(shopKey+":shop,"+opKey+":*", true)
	cfg.Projects = func(context.Context) ([]string, error) { return []string{"billing", "shop"}, nil }
	g, err := NewGate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(testMux())
	do := func(method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.RemoteAddr = remote
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	login := func(key string) map[string]string {
		w := do("POST", "/login", "key="+key, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		c := w.Result().Cookies()
		if len(c) != 1 {
			t.Fatalf("login: %d %v", w.Code, c)
		}
		return map[string]string{"Cookie": c[0].Name + "=" + c[0].Value, "Content-Type": "application/json"}
	}
	op, shop := login(opKey), login(shopKey)
	for _, tc := range []struct {
		name, method, path, body string
		headers                  map[string]string
		status                   int
		want                     string
	}{
		{"every project: the list", "GET", "/api/session", "", op, 200,
			`{"login":true,"project":"default","projects":["billing","default","shop"],"allProjects":true}`},
		{"every project: reads default", "GET", "/api/search", "", op, 200, "granted=default"},
		{"every project: chooses billing", "POST", "/api/session", `{"project":"billing"}`, op, 200, `"project":"billing"`},
		{"every project: now reads billing", "GET", "/api/search", "", op, 200, "granted=billing"},
		{"every project: ?project= still wins", "GET", "/api/search?project=shop", "", op, 200, "granted=shop"},
		{"every project: the choice is remembered", "GET", "/api/session", "", op, 200, `"project":"billing"`},
		{"not JSON", "POST", "/api/session", `{"project":"shop"}`, map[string]string{"Cookie": op["Cookie"]}, 415, "application/json"},
		{"no project", "POST", "/api/session", `{}`, op, 400, "want"},
		{"one project: the list", "GET", "/api/session", "", shop, 200,
			`{"login":true,"project":"shop","projects":["shop"],"allProjects":false}`},
		{"one project: another is refused", "POST", "/api/session", `{"project":"billing"}`, shop, 403, `does not grant project \"billing\"`},
		{"one project: still reads its own", "GET", "/api/search", "", shop, 200, "granted=shop"},
		{"a bearer key: its view", "GET", "/api/session", "", bearer(shopKey), 200, `"login":false,"project":"shop"`},
		{"a bearer key chooses nothing", "POST", "/api/session", `{"project":"shop"}`, bearer(shopKey), 400, "only a login session"},
		{"no credential", "GET", "/api/session", "", nil, 401, "needs an API key"},
		{"other methods", "DELETE", "/api/session", "", op, 405, "GET or POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := do(tc.method, tc.path, tc.body, tc.headers)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
				t.Errorf("%s %s: %d %s, want %d with %s", tc.method, tc.path, w.Code, w.Body, tc.status, tc.want)
			}
		})
	}
}

// TestSessionOpen: without keys a local client is told it reads the
// default project, with no login to end.
func TestSessionOpen(t *testing.T) {
	runGate(t, DefaultGateConfig(), []gateCase{
		{name: "local", path: "/api/session", status: 200, body: `{"login":false,"project":"default","projects":["default"],"allProjects":false}`},
		{name: "remote", path: "/api/session", remote: remote, status: 403, body: "loopback"},
	})
}

// TestSecureCookie: the session cookie is Secure on a TLS request, and on
// plain HTTP when SecureCookies says a TLS proxy is in front.
func TestSecureCookie(t *testing.T) {
	for _, tc := range []struct {
		name        string
		secure, tls bool
		want        bool
	}{
		{"plain HTTP", false, false, false},
		{"TLS", false, true, true},
		{"behind an https proxy", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultGateConfig()
			cfg.Logger = slog.New(slog.DiscardHandler)
			cfg.Keys, _ = ParseKeys(shopKey+":shop", false)
			cfg.SecureCookies = tc.secure
			g, err := NewGate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/login", "/logout"} {
				target := path
				if tc.tls {
					target = "https://lookout.example" + path // httptest sets r.TLS
				}
				r := httptest.NewRequest("POST", target, strings.NewReader("key="+shopKey))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				w := httptest.NewRecorder()
				g.Wrap(testMux()).ServeHTTP(w, r)
				c := w.Result().Cookies()
				if len(c) != 1 || c[0].Secure != tc.want {
					t.Errorf("%s: cookies %+v, want Secure %v", path, c, tc.want)
				}
			}
		})
	}
}
