package rollbar

import (
	"errors"
	"log/slog"
	"time"
)

// MinBodyBytes is the smallest MaxBodyBytes: Rollbar's clients send up to
// about 512 KiB, so at least 1 MiB must be accepted.
const MinBodyBytes = 1 << 20

// Config configures the Rollbar receiver and read API.
type Config struct {
	// MaxBodyBytes bounds one POST /api/1/item/ body; larger gets 413.
	// Default 2 MiB.
	MaxBodyBytes int64
	// QueueOccurrences bounds the occurrences waiting for the writer; a
	// report arriving when it is full gets a retryable 429. Default 1,024.
	QueueOccurrences int
	// MaxQueueBytes bounds the bytes of raw payload data waiting for the
	// writer (so memory stays bounded); beyond it reports get 429.
	// Default 64 MiB.
	MaxQueueBytes int64
	// MaxBatch caps the occurrences the writer commits in one transaction.
	// Default 256.
	MaxBatch int
	// BatchWait is how long, under load (the previous commit held more
	// than one occurrence), the writer waits for a batch to fill before
	// committing it: fewer, larger commits. A lone report is committed at
	// once. Default 5 ms; 0 never waits.
	BatchWait time.Duration
	// Retention deletes occurrences received longer ago than this (items
	// stay, with their counts); swept hourly. 0 keeps them forever.
	// Default 7 days.
	Retention time.Duration
	// OpenLoopback lets clients on loopback report to and read the
	// "default" project with any token while no access token exists at
	// all, for zero-config local use. Once a token exists, every request
	// needs a valid one. Default true.
	OpenLoopback bool
	// ScrubFields are member and query parameter names whose values are
	// masked in stored payloads (scrub.go). Default DefaultScrubFields;
	// an empty, non-nil list scrubs nothing.
	ScrubFields []string

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultConfig returns limits for a small machine and zero-config local use.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes:     2 << 20,
		QueueOccurrences: 1024,
		MaxQueueBytes:    64 << 20,
		MaxBatch:         256,
		BatchWait:        5 * time.Millisecond,
		Retention:        7 * 24 * time.Hour,
		OpenLoopback:     true,
		ScrubFields:      DefaultScrubFields,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.MaxBodyBytes < MinBodyBytes:
		return errors.New("rollbar: MaxBodyBytes must be at least 1 MiB")
	case c.QueueOccurrences <= 0:
		return errors.New("rollbar: QueueOccurrences must be positive")
	case c.MaxQueueBytes < c.MaxBodyBytes:
		return errors.New("rollbar: MaxQueueBytes must be at least MaxBodyBytes")
	case c.MaxBatch <= 0:
		return errors.New("rollbar: MaxBatch must be positive")
	case c.BatchWait < 0 || c.BatchWait > time.Second:
		return errors.New("rollbar: BatchWait must be between 0 and 1s")
	case c.Retention < 0:
		return errors.New("rollbar: Retention must not be negative")
	}
	return nil
}
