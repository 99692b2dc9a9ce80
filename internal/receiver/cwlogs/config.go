package cwlogs

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lookout/internal/receiver/awsjson"
)

// Config configures the CloudWatch Logs API.
type Config struct {
	// AccountID and Region appear in ARNs. Region is the default when a
	// request's SigV4 credential scope names none. Defaults "000000000000"
	// (the local-emulator convention) and "us-east-1".
	AccountID string
	Region    string
	// MaxRequestBytes bounds a request body. PutLogEvents carries at most
	// 1 MiB of messages, which JSON escaping can grow up to six times.
	// Default 8 MiB.
	MaxRequestBytes int64
	// Keys maps AWS access key ids to their secrets and projects
	// (awsjson.ParseAccessKeys reads them from a setting). When it is set,
	// every request must carry a valid SigV4 signature by one of them and
	// goes to that key's project. When empty, requests from loopback
	// addresses are served unverified, whatever their key, in
	// model.DefaultProject, and all others are refused
	// (AccessDeniedException).
	Keys map[string]awsjson.AccessKey
	// OpenToAnyone serves every client as a loopback one while Keys is
	// empty (lookout serve --insecure-allow-anyone).
	OpenToAnyone bool
	// LiveTailMax bounds a StartLiveTail session (0: 3 hours, the
	// service's limit); LiveTailEvery is how often a session polls the
	// store and reports (0: every second).
	LiveTailMax, LiveTailEvery time.Duration

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultConfig accepts any credentials and names ARNs after account
// 000000000000 in us-east-1.
func DefaultConfig() Config {
	return Config{AccountID: "000000000000", Region: "us-east-1", MaxRequestBytes: 8 << 20}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.AccountID == "":
		return errors.New("cwlogs: AccountID must be set")
	case c.Region == "":
		return errors.New("cwlogs: Region must be set")
	case c.MaxRequestBytes < 2<<20:
		return errors.New("cwlogs: MaxRequestBytes must be at least 2 MiB")
	case c.LiveTailMax < 0 || c.LiveTailEvery < 0:
		return errors.New("cwlogs: LiveTailMax and LiveTailEvery must not be negative")
	}
	for id, k := range c.Keys {
		if k.Secret == "" || k.Project == "" {
			return fmt.Errorf("cwlogs: access key %q needs a secret and a project", id)
		}
	}
	return nil
}
