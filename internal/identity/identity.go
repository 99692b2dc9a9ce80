// Package identity is Lookout's identity layer at the edge: who a request
// comes from and which project it may read or write. It holds the keys of
// Lookout's own API and of OTLP ingest (Keys), the login sessions of the
// web UI (Sessions), the gate in front of the JSON API and the UI (Gate),
// the cross-site checks of state-changing requests (CrossSite) and the
// decision for OTLP exports (Ingest). Receivers with credentials of their
// protocol (SigV4, Rollbar tokens) verify them themselves; the project a
// request was granted travels in its context (WithProject, Project).
package identity

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// AllProjects is the project of a key that may read every project, see
// the operations views (/metrics, /api/status) and manage projects and
// tokens.
const AllProjects = "*"

// Refusals. Errors of this package wrap one of them.
var (
	// ErrUnauthenticated: no credential where one is needed, or one that
	// is not valid (HTTP 401, gRPC Unauthenticated).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: the client is known (or served without credentials)
	// but may not do this (HTTP 403, gRPC PermissionDenied).
	ErrForbidden = errors.New("forbidden")
)

// Principal is who a request of Lookout's API comes from.
type Principal struct {
	// Project is the project of the key the request carries, or
	// AllProjects. Empty for an open principal.
	Project string
	// Open marks a client served without a credential, as zero-config
	// Lookout serves loopback clients: it may use model.DefaultProject and
	// the operations views.
	Open bool
	// session is the id of the UI login the request came with, if any.
	session string
	// viewing is the project that login chose to read, if any.
	viewing string
}

// Covers reports whether p may read and write project.
func (p Principal) Covers(project string) bool {
	if p.Open {
		return project == model.DefaultProject
	}
	return p.Project == AllProjects || p.Project == project
}

// Operator reports whether p may see every project's operations views and
// manage projects and tokens.
func (p Principal) Operator() bool { return p.Open || p.Project == AllProjects }

// home is the project p reads when a request names none.
func (p Principal) home() string {
	if p.viewing != "" && p.Covers(p.viewing) {
		return p.viewing
	}
	if p.Open || p.Project == AllProjects {
		return model.DefaultProject
	}
	return p.Project
}

type projectKey struct{}

// WithProject returns ctx carrying the project a request was granted.
func WithProject(ctx context.Context, project string) context.Context {
	return context.WithValue(ctx, projectKey{}, project)
}

// Project is the project ctx was granted, or model.DefaultProject when it
// carries none (a surface without the identity layer in front).
func Project(ctx context.Context) string {
	if p, ok := ctx.Value(projectKey{}).(string); ok {
		return p
	}
	return model.DefaultProject
}

// RequestProject is Project of r's context, in the shape of the Project
// hooks of the API handlers.
func RequestProject(r *http.Request) string { return Project(r.Context()) }

// Local reports whether r may be served as a zero-config local client: it
// came over loopback and names a loopback host (an IP address, localhost
// or a name under .localhost). The host check keeps out pages whose DNS
// name was rebound to 127.0.0.1, and requests that a reverse proxy on the
// same machine relays for others.
func Local(r *http.Request) bool {
	return caller.Loopback(r.RemoteAddr) && LoopbackHost(r.Host)
}

// LoopbackHost reports whether host ("name[:port]") names this machine's
// loopback interface.
func LoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
