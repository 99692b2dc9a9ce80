package identity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"lookout/internal/model"
)

// SessionView is the answer of /api/session: what the web UI shows of who
// is using it and which project it reads.
type SessionView struct {
	// Login is true for a UI login session (the UI offers to log out).
	Login bool `json:"login"`
	// Project is the project read when a request names none.
	Project string `json:"project"`
	// Projects are those the principal may choose among, sorted.
	Projects []string `json:"projects"`
	// AllProjects is true when the principal reads every project.
	AllProjects bool `json:"allProjects"`
}

// serveSession is /api/session. GET answers the SessionView of p. POST
// {"project": NAME}, from a login session only, makes NAME the project its
// requests read when they name none (the UI's project selector), if the
// login's key grants it.
func (g *Gate) serveSession(w http.ResponseWriter, r *http.Request, p Principal) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if !RequireJSON(w, r) {
			return
		}
		var body struct {
			Project string `json:"project"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil || body.Project == "" {
			WriteJSONError(w, http.StatusBadRequest, `want {"project": NAME}`)
			return
		}
		switch {
		case p.session == "":
			WriteJSONError(w, http.StatusBadRequest, "only a login session chooses a project: a request with a key names one with ?project=")
			return
		case !p.Covers(body.Project):
			WriteJSONError(w, http.StatusForbidden, fmt.Sprintf("the API key logged in with does not grant project %q", body.Project))
			return
		case !g.sessions.Select(p.session, body.Project):
			g.refuse(w, r, routeSession, fmt.Errorf("%w: the login session has ended: log in again at /login", ErrUnauthenticated))
			return
		}
		p.viewing = body.Project
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		WriteJSONError(w, http.StatusMethodNotAllowed, "/api/session takes GET or POST")
		return
	}
	v := SessionView{Login: p.session != "", Project: p.home(), AllProjects: !p.Open && p.Project == AllProjects}
	switch {
	case v.AllProjects:
		v.Projects = g.knownProjects(r)
	case p.Open:
		v.Projects = []string{model.DefaultProject}
	default:
		v.Projects = []string{p.Project}
	}
	if !slices.Contains(v.Projects, v.Project) {
		v.Projects = append(v.Projects, v.Project)
	}
	slices.Sort(v.Projects)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// knownProjects are the projects a key for every project may choose among:
// the default one, those of the API keys and those GateConfig.Projects
// lists (a failure there leaves them out, logged).
func (g *Gate) knownProjects(r *http.Request) []string {
	out := append([]string{model.DefaultProject}, g.cfg.Keys.Projects()...)
	if g.cfg.Projects != nil {
		more, err := g.cfg.Projects(r.Context())
		if err != nil {
			g.log.Warn("identity: list projects", "err", err)
		}
		out = append(out, more...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
