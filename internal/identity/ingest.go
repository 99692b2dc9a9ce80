package identity

import (
	"fmt"

	"lookout/internal/caller"
	"lookout/internal/model"
)

// Ingest decides whose OTLP exports are taken, and into which project.
type Ingest struct {
	// Keys are the ingest keys (--otlp-keys). With any, every export must
	// carry one (Authorization: Bearer KEY, or X-Lookout-Key: KEY; in
	// OTEL_EXPORTER_OTLP_HEADERS "authorization=Bearer%20KEY") and lands in
	// its project. With none, exports from loopback addresses land in
	// model.DefaultProject and all others are refused.
	Keys Keys
	// AllowAnyone takes exports from every address while Keys is empty
	// (--insecure-allow-anyone).
	AllowAnyone bool
}

// Project returns the project of an export whose headers (HTTP headers or
// gRPC metadata) header reads, sent from remoteAddr ("host:port"), or an
// error wrapping ErrUnauthenticated (no key, or a wrong one) or
// ErrForbidden (no keys configured, and not a loopback client).
func (i Ingest) Project(header func(string) string, remoteAddr string) (string, error) {
	if i.Keys.Len() == 0 {
		if i.AllowAnyone || caller.Loopback(remoteAddr) {
			return model.DefaultProject, nil
		}
		return "", fmt.Errorf("%w: no OTLP ingest keys are configured: Lookout takes OTLP only from loopback clients; set --otlp-keys to take it from others", ErrForbidden)
	}
	key := BearerKey(header)
	if key == "" {
		return "", fmt.Errorf("%w: an ingest key is needed: send the header Authorization: Bearer <key> (OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%%20<key>)", ErrUnauthenticated)
	}
	project, ok := i.Keys.Lookup(key)
	if !ok {
		return "", fmt.Errorf("%w: invalid ingest key", ErrUnauthenticated)
	}
	return project, nil
}
