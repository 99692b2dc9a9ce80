package identity

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
)

// Keys are bearer keys, each granting one project (or AllProjects). Only
// their SHA-256 digests are held, so a lookup compares digests, never the
// secrets. The zero value holds none.
type Keys struct {
	byDigest map[[sha256.Size]byte]string
}

var (
	keyRule     = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]{16,256}$`)
	projectRule = regexp.MustCompile(`^[A-Za-z0-9_\-.]{1,64}$`)
)

// ParseKeys reads a keys setting: "KEY:PROJECT,..." (blanks around
// entries ignored). A key is 16 to 256 of A-Z a-z 0-9 . _ ~ + / = -; a
// project is a project name, or "*" (AllProjects) when allowAll. The empty
// string gives no keys.
func ParseKeys(s string, allowAll bool) (Keys, error) {
	k := Keys{byDigest: map[[sha256.Size]byte]string{}}
	if strings.TrimSpace(s) == "" {
		return k, nil
	}
	for i, entry := range strings.Split(s, ",") {
		key, project, ok := strings.Cut(strings.TrimSpace(entry), ":")
		switch {
		case !ok:
			return Keys{}, fmt.Errorf("key %d: want KEY:PROJECT", i+1)
		case !keyRule.MatchString(key):
			return Keys{}, fmt.Errorf("key %d: want 16-256 of A-Z a-z 0-9 . _ ~ + / = -", i+1)
		case project == AllProjects && !allowAll:
			return Keys{}, fmt.Errorf("key %d: project %q: name one project", i+1, project)
		case project != AllProjects && !projectRule.MatchString(project):
			return Keys{}, fmt.Errorf("key %d: project %q: want 1-64 of A-Z a-z 0-9 _ - .", i+1, project)
		}
		d := sha256.Sum256([]byte(key))
		if _, dup := k.byDigest[d]; dup {
			return Keys{}, fmt.Errorf("key %d: given twice", i+1)
		}
		k.byDigest[d] = project
	}
	return k, nil
}

// Len is the number of keys.
func (k Keys) Len() int { return len(k.byDigest) }

// Lookup returns the project key grants.
func (k Keys) Lookup(key string) (string, bool) {
	if len(k.byDigest) == 0 || key == "" {
		return "", false
	}
	p, ok := k.byDigest[sha256.Sum256([]byte(key))]
	return p, ok
}

// Projects lists the projects the keys grant, AllProjects left out, in
// no particular order.
func (k Keys) Projects() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range k.byDigest {
		if p != AllProjects && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// KeyHeader is the header that carries a key where Authorization cannot.
const KeyHeader = "X-Lookout-Key"

// BearerKey returns the key a request carries: "Authorization: Bearer
// KEY" (the scheme in any case) or "X-Lookout-Key: KEY"; "" when none.
// header reads a header, or a gRPC metadata entry, by name.
func BearerKey(header func(string) string) string {
	if auth := strings.TrimSpace(header("Authorization")); auth != "" {
		if scheme, key, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(key)
		}
	}
	return strings.TrimSpace(header(KeyHeader))
}
