package pipeline

import "errors"

// ErrOverloaded means the queue is full: the client should retry later.
var ErrOverloaded = errors.New("ingest queue is full, retry later")

// ErrClosed means the pipeline is shutting down: the client should retry
// against this or another instance.
var ErrClosed = errors.New("pipeline is shutting down, retry later")

// ErrNoSpace means the disk lacks free space (below the reserve kept free,
// or full): nothing is taken until space is back; the client should retry
// later.
var ErrNoSpace = errors.New("not enough free disk space, retry later")

// retryableError marks a failure after which nothing was committed and the same
// request may succeed later (store busy, disk full, shutdown).
type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// Retryable wraps err so that IsRetryable reports true.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return retryableError{err}
}

// IsRetryable reports whether a failed Submit may succeed if the client sends
// the same data again. Receivers map it to their protocol's retryable error
// (OTLP: UNAVAILABLE / 503 + Retry-After; AWS: ServiceUnavailableException;
// Rollbar: 429); anything else is permanent.
func IsRetryable(err error) bool {
	var r retryableError
	return errors.Is(err, ErrOverloaded) || errors.Is(err, ErrClosed) || errors.Is(err, ErrNoSpace) || errors.As(err, &r)
}
