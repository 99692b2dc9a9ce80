package identity

import (
	"errors"
	"net/http"
	"testing"
)

func TestIngest(t *testing.T) {
	keys, err := ParseKeys(shopKey+":shop", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		ingest  Ingest
		headers map[string]string
		remote  string
		project string
		err     error
	}{
		{"no keys, loopback", Ingest{}, nil, local, "default", nil},
		{"no keys, remote", Ingest{}, nil, remote, "", ErrForbidden},
		{"no keys, anyone", Ingest{AllowAnyone: true}, nil, remote, "default", nil},
		{"key", Ingest{Keys: keys}, bearer(shopKey), remote, "shop", nil},
		{"key in X-Lookout-Key", Ingest{Keys: keys}, map[string]string{"X-Lookout-Key": shopKey}, local, "shop", nil},
		{"no key, loopback", Ingest{Keys: keys}, nil, local, "", ErrUnauthenticated},
		{"wrong key", Ingest{Keys: keys, AllowAnyone: true}, bearer("wrong-wrong-wrong-wrong"), local, "", ErrUnauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.headers {
				h.Set(k, v)
			}
			got, err := tc.ingest.Project(h.Get, tc.remote)
			if got != tc.project || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Errorf("Project = %q, %v; want %q, %v", got, err, tc.project, tc.err)
			}
		})
	}
}
