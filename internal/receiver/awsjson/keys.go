package awsjson

import (
	"fmt"
	"regexp"
	"strings"

	"lookout/internal/model"
)

// AccessKey is the secret of an AWS access key id and the project that
// requests signed with it write to and read from.
type AccessKey struct {
	Secret  string
	Project string
}

var (
	accessKeyIDRule = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,128}$`)
	projectRule     = regexp.MustCompile(`^[A-Za-z0-9_\-.]{1,64}$`)
)

// ParseAccessKeys reads the --aws-access-keys setting:
// "KEYID:SECRET[:PROJECT],..." (blanks around entries ignored). A key
// without a project writes to model.DefaultProject. The empty string gives
// no keys (nil, nil): then only loopback clients are served. Secrets may
// hold any character but ',' and ':'; a key id may appear once.
func ParseAccessKeys(s string) (map[string]AccessKey, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	keys := map[string]AccessKey{}
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		f := strings.Split(entry, ":")
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("aws access key %d: want KEYID:SECRET or KEYID:SECRET:PROJECT", i+1)
		}
		id, k := f[0], AccessKey{Secret: f[1], Project: model.DefaultProject}
		if len(f) == 3 {
			k.Project = f[2]
		}
		switch {
		case !accessKeyIDRule.MatchString(id):
			return nil, fmt.Errorf("aws access key %d: key id %q: want 1-128 of A-Z a-z 0-9 _ -", i+1, id)
		case k.Secret == "":
			return nil, fmt.Errorf("aws access key %q: empty secret", id)
		case !projectRule.MatchString(k.Project):
			return nil, fmt.Errorf("aws access key %q: project %q: want 1-64 of A-Z a-z 0-9 _ - .", id, k.Project)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("aws access key %q: given twice", id)
		}
		keys[id] = k
	}
	return keys, nil
}
