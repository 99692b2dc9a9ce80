package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// GateConfig configures the gate in front of Lookout's API and web UI.
type GateConfig struct {
	// Keys are the API keys (--api-keys). With any, every request to the
	// API and the UI needs one, as a bearer key or through a login
	// session, from loopback too. With none, local clients (see Local) are
	// served as open principals and all others refused.
	Keys Keys
	// AllowAnyone serves every client as a local one while Keys is empty
	// (--insecure-allow-anyone).
	AllowAnyone bool
	// SessionTTL is how long a UI login lasts. Default 12h.
	SessionTTL time.Duration
	// MaxSessions bounds the logins kept at once. Default 10,000.
	MaxSessions int
	// SecureCookies marks the session cookie Secure even on plain HTTP:
	// Lookout is reached through a TLS-terminating proxy (--public-url
	// https://...). Without it the cookie is Secure only on a TLS request.
	SecureCookies bool
	// Projects lists the projects a login for every project may choose
	// among in the UI, beside those of the keys (nil: only those).
	Projects func(ctx context.Context) ([]string, error)

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultGateConfig has no keys: local clients only.
func DefaultGateConfig() GateConfig {
	return GateConfig{SessionTTL: 12 * time.Hour, MaxSessions: 10_000}
}

// Validate reports the first invalid field.
func (c GateConfig) Validate() error {
	switch {
	case c.SessionTTL <= 0:
		return errors.New("identity: SessionTTL must be positive")
	case c.MaxSessions <= 0:
		return errors.New("identity: MaxSessions must be positive")
	}
	return nil
}

// Gate decides who may use Lookout's API and UI, and which project each
// request reads. Safe for concurrent use.
type Gate struct {
	cfg      GateConfig
	sessions *Sessions
	log      *slog.Logger
}

// NewGate builds a gate.
func NewGate(cfg GateConfig) (*Gate, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Gate{cfg: cfg, log: cfg.Logger, sessions: NewSessions(cfg.SessionTTL, cfg.MaxSessions, cfg.Now)}
	if g.log == nil {
		g.log = slog.Default()
	}
	return g, nil
}

// route is what the gate asks of a request, by its path.
type route int

const (
	routePublic   route = iota // health checks, UI assets, Rollbar's API (its own tokens)
	routeLogin                 // /login
	routeLogout                // /logout
	routeSession               // /api/session: the UI's login and its project
	routeOperator              // every project's views, projects and tokens
	routeAPI                   // Lookout's API, one project
	routeUI                    // the web UI's pages
)

func routeOf(r *http.Request) route {
	p := r.URL.Path
	switch {
	case p == "/healthz" || p == "/readyz" || p == "/ready" || strings.HasPrefix(p, "/assets/") ||
		p == "/api/1" || strings.HasPrefix(p, "/api/1/"):
		return routePublic
	case p == "/login":
		return routeLogin
	case p == "/logout":
		return routeLogout
	case p == "/api/session":
		return routeSession
	case p == "/metrics" || p == "/api/status" ||
		(r.Method != http.MethodGet && (p == "/api/errors/projects" || p == "/api/errors/tokens")):
		return routeOperator
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		return routeAPI
	}
	return routeUI
}

// Wrap puts the gate in front of mux, which serves the web UI, Lookout's
// API, Rollbar's API under /api/1/ (which checks its own tokens), the
// health checks and /metrics.
//
//   - /healthz, /readyz, the UI's assets and /api/1/ pass untouched.
//   - /login and /logout are the gate's (login.go).
//   - Every other request needs a principal: a bearer key
//     (Authorization: Bearer, or X-Lookout-Key), a login session cookie,
//     or, while no keys are configured, a local client (an open
//     principal). The API answers 401 (JSON, WWW-Authenticate: Bearer)
//     without one, the UI sends browsers to /login.
//   - /metrics, /api/status and creating projects and tokens need an
//     operator: a key for every project, or an open principal.
//   - An API request reads the project its ?project= names, or its key's
//     own; one its principal does not cover is refused (403, or 401 for
//     an open principal, which needs a key for another project). The
//     project granted is in the request's context (Project), and in its
//     ?project= when the key's project is not the default one.
//   - A state-changing API request must be JSON or carry an Authorization
//     header (RequireJSON), which a cross-site form cannot send.
func (g *Gate) Wrap(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt := routeOf(r)
		switch rt {
		case routePublic:
			mux.ServeHTTP(w, r)
			return
		case routeLogin:
			g.serveLogin(w, r)
			return
		case routeLogout:
			g.serveLogout(w, r)
			return
		}
		p, err := g.identify(r)
		if err != nil {
			g.refuse(w, r, rt, err)
			return
		}
		if rt == routeSession {
			g.serveSession(w, r, p)
			return
		}
		project := r.URL.Query().Get("project")
		switch {
		case rt == routeOperator && !p.Operator():
			g.refuse(w, r, rt, fmt.Errorf("%w: this needs an API key for every project (%q)", ErrForbidden, AllProjects))
			return
		case project == "":
			project = p.home()
		case !p.Covers(project) && p.Open:
			g.refuse(w, r, rt, fmt.Errorf("%w: project %q needs an API key of its own", ErrUnauthenticated, project))
			return
		case !p.Covers(project):
			g.refuse(w, r, rt, fmt.Errorf("%w: the API key does not grant project %q", ErrForbidden, project))
			return
		}
		if rt == routeAPI || rt == routeOperator {
			if _, pattern := mux.Handler(r); pattern != "/api/" && pattern != "/api" && !RequireJSON(w, r) {
				return
			}
		}
		mux.ServeHTTP(w, r.WithContext(WithProject(r.Context(), project)))
	})
}

// KeyProject returns the project that r's bearer API key or login session
// grants (model.DefaultProject for a key of every project), and whether r
// carries a valid one. The X-Ray API on the main port, which the UI calls
// to edit sampling rules, takes it beside SigV4.
func (g *Gate) KeyProject(r *http.Request) (string, bool) {
	if g.cfg.Keys.Len() == 0 {
		return "", false
	}
	p, err := g.identify(r)
	if err != nil || p.Open {
		return "", false
	}
	return p.home(), true
}

// identify finds the principal of r.
func (g *Gate) identify(r *http.Request) (Principal, error) {
	keyed := g.cfg.Keys.Len() > 0
	if key := BearerKey(r.Header.Get); key != "" && keyed {
		if project, ok := g.cfg.Keys.Lookup(key); ok {
			return Principal{Project: project}, nil
		}
		return Principal{}, fmt.Errorf("%w: invalid API key", ErrUnauthenticated)
	}
	if c, err := r.Cookie(sessionCookie); err == nil && keyed {
		if project, ok := g.sessions.Lookup(c.Value); ok {
			return Principal{Project: project, session: c.Value, viewing: g.sessions.Viewing(c.Value)}, nil
		}
		return Principal{}, fmt.Errorf("%w: the login session has ended: log in again at /login", ErrUnauthenticated)
	}
	switch {
	case keyed:
		return Principal{}, fmt.Errorf("%w: Lookout's API needs an API key: send Authorization: Bearer <key>, or log in at /login", ErrUnauthenticated)
	case g.cfg.AllowAnyone || Local(r):
		return Principal{Open: true}, nil
	case !LoopbackHost(r.Host):
		return Principal{}, fmt.Errorf("%w: no API keys are configured: Lookout's API and UI serve loopback clients only, addressed by a loopback host (not %q); set --api-keys to serve others", ErrForbidden, r.Host)
	}
	return Principal{}, fmt.Errorf("%w: no API keys are configured: Lookout's API and UI serve loopback clients only; set --api-keys to serve others", ErrForbidden)
}

// refuse answers a request the gate does not let through: the UI's pages
// send browsers to the login page, the rest get the status and a message.
func (g *Gate) refuse(w http.ResponseWriter, r *http.Request, rt route, err error) {
	status := http.StatusForbidden
	if errors.Is(err, ErrUnauthenticated) {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="lookout"`)
	}
	if rt == routeUI && status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if r.URL.Path == "/metrics" || rt == routeUI {
		http.Error(w, err.Error(), status)
		return
	}
	WriteJSONError(w, status, err.Error())
}
