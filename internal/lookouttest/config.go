// Package lookouttest runs a lookout binary as a child process on
// kernel-chosen loopback ports, for end-to-end tests and benchmark drivers.
// It learns the listeners' addresses from the "lookout started" log line,
// waits for /readyz, keeps the log, and stops or kills the process.
package lookouttest

import (
	"errors"
	"time"
)

// Config says which binary to run, on what, and how long to wait for it.
type Config struct {
	Bin     string // path of the lookout binary
	DataDir string
	// Args follow the defaults: `serve --data-dir DataDir`, every listener
	// on 127.0.0.1:0 and JSON logs. A flag given again here overrides its
	// default, as the last one wins; an empty address turns a listener off.
	Args []string
	// StartTimeout bounds the wait for the "lookout started" line,
	// ReadyTimeout the wait for /readyz to answer 200 after it, and
	// StopTimeout the wait for the exit after SIGTERM.
	StartTimeout time.Duration
	ReadyTimeout time.Duration
	StopTimeout  time.Duration
	// LogLines is how many of the last log lines Server.Log keeps; 0 keeps
	// them all.
	LogLines int
	// Watch, when set, is called with every log line as it arrives, in order.
	Watch func(line string)
}

// DefaultConfig is what a test wants: a minute to start, ten seconds to be
// ready, a minute to stop, and the whole log. Bin and DataDir are left empty.
func DefaultConfig() Config {
	return Config{
		StartTimeout: time.Minute,
		ReadyTimeout: 10 * time.Second,
		StopTimeout:  time.Minute,
	}
}

// Validate reports a missing binary or data directory, a timeout that is not
// positive and a negative LogLines.
func (c Config) Validate() error {
	switch {
	case c.Bin == "":
		return errors.New("bin: the lookout binary is not set")
	case c.DataDir == "":
		return errors.New("data dir: not set")
	case c.StartTimeout <= 0 || c.ReadyTimeout <= 0 || c.StopTimeout <= 0:
		return errors.New("timeouts: must be positive")
	case c.LogLines < 0:
		return errors.New("log lines: must not be negative")
	}
	return nil
}

// args is the command line of `lookout serve` for c.
func (c Config) args() []string {
	return append([]string{"serve",
		"--data-dir", c.DataDir,
		"--http-addr", "127.0.0.1:0",
		"--otlp-grpc-addr", "127.0.0.1:0",
		"--otlp-http-addr", "127.0.0.1:0",
		"--xray-addr", "127.0.0.1:0",
		"--log-format", "json",
	}, c.Args...)
}
