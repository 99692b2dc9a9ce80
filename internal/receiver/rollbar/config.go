package rollbar

import (
	"errors"
	"log/slog"
	"time"
)

// MinBodyBytes is the smallest MaxBodyBytes: Rollbar's clients send up to
// about 512 KiB, so at least 1 MiB must be accepted.
const MinBodyBytes = 1 << 20

// Config configures the Rollbar receiver and read API. The write queue's
// limits and scrubbing are errortrack.Config's; occurrence retention is
// retention.OccurrenceConfig's.
type Config struct {
	// MaxBodyBytes bounds one POST /api/1/item/ body; larger gets 413.
	// Default 2 MiB.
	MaxBodyBytes int64
	// OpenLoopback lets clients on loopback report to and read the
	// "default" project with any token while no access token exists at
	// all, for zero-config local use. Once a token exists, every request
	// needs a valid one. Default true.
	OpenLoopback bool
	// OpenToAnyone extends OpenLoopback to clients at any address
	// (lookout serve --insecure-allow-anyone).
	OpenToAnyone bool

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultConfig returns limits for a small machine and zero-config local use.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes: 2 << 20,
		OpenLoopback: true,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.MaxBodyBytes < MinBodyBytes {
		return errors.New("rollbar: MaxBodyBytes must be at least 1 MiB")
	}
	return nil
}
