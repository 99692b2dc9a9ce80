package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"lookout/internal/pipeline"
)

// Error is a failure in the protocol's own terms: the __type a client
// raises (Code), the HTTP status and the message.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf makes an Error with status 400, the status of every client error
// of the protocol.
func Errorf(code, format string, args ...any) *Error {
	return &Error{code, http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// Classify maps any error of an operation to what the client gets: an
// *Error as it is, a retryable pipeline error to ThrottlingException (queue
// full) or ServiceUnavailableException (shutdown, store failure), a
// cancelled or timed-out request to ServiceUnavailableException, then what
// known makes of it (nil: not one of the backends' own errors), anything
// else to ServiceUnavailableException with a generic message; internal
// reports that last case, whose error the caller should log in full.
func Classify(err error, known func(error) *Error) (e *Error, internal bool) {
	switch {
	case errors.As(err, &e):
		return e, false
	case errors.Is(err, pipeline.ErrOverloaded):
		return &Error{"ThrottlingException", http.StatusBadRequest, "Rate exceeded: " + err.Error()}, false
	case pipeline.IsRetryable(err):
		return &Error{"ServiceUnavailableException", http.StatusServiceUnavailable, err.Error()}, false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{"ServiceUnavailableException", http.StatusServiceUnavailable, "request cancelled or timed out"}, false
	}
	if known != nil {
		if e = known(err); e != nil {
			return e, false
		}
	}
	return &Error{"ServiceUnavailableException", http.StatusInternalServerError, "internal error, retry later"}, true
}

// WriteError writes the error shape: {"__type", "message"}, plus the
// X-Amzn-ErrorType header some clients read first and, on
// ThrottlingException, Retry-After.
func WriteError(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-ErrorType", e.Code)
	if e.Code == "ThrottlingException" {
		h.Set("Retry-After", "1")
	}
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
}
