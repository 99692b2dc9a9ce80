package cwlogs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"lookout/internal/logsearch"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// apiError is an error in the API's own terms: the __type a client raises
// and the HTTP status.
type apiError struct {
	code   string
	status int
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func invalidParam(format string, args ...any) error {
	return &apiError{"InvalidParameterException", http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func newAPIError(code, format string, args ...any) error {
	return &apiError{code, http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// The service's own wording, which some clients compare against.
var (
	errGroupNotFound  = &apiError{"ResourceNotFoundException", http.StatusBadRequest, "The specified log group does not exist."}
	errStreamNotFound = &apiError{"ResourceNotFoundException", http.StatusBadRequest, "The specified log stream does not exist."}
	errQueryNotFound  = &apiError{"ResourceNotFoundException", http.StatusBadRequest, "Query does not exist."}
	errGroupExists    = &apiError{"ResourceAlreadyExistsException", http.StatusBadRequest, "The specified log group already exists"}
	errStreamExists   = &apiError{"ResourceAlreadyExistsException", http.StatusBadRequest, "The specified log stream already exists"}
	errBadToken       = &apiError{"InvalidParameterException", http.StatusBadRequest, "The specified nextToken is invalid."}
)

// The service's validation wording: "1 validation error detected: Value
// 'v' at 'member' failed to satisfy constraint: <rule>", with "Value null"
// for a missing member and plain "Value" for a list.
func badValue(value any, member, rule string) error {
	return validation(fmt.Sprintf("Value '%v' at '%s'", value, member), rule)
}

func nullValue(member string) error {
	return validation("Value null at '"+member+"'", "Member must not be null")
}

func badList(member, rule string) error { return validation("Value at '"+member+"'", rule) }

func validation(subject, rule string) error {
	return &apiError{"InvalidParameterException", http.StatusBadRequest,
		"1 validation error detected: " + subject + " failed to satisfy constraint: " + rule}
}

// asAPIError maps any error of an operation to what the client gets:
// API errors as they are, a retryable pipeline error to ThrottlingException
// (queue full) or ServiceUnavailableException (shutdown, store failure),
// the backends' own errors to theirs, anything else to
// ServiceUnavailableException with a generic message (logged in full by
// the caller).
func asAPIError(err error) (e *apiError, internal bool) {
	switch {
	case errors.As(err, &e):
		return e, false
	case errors.Is(err, pipeline.ErrOverloaded):
		return &apiError{"ThrottlingException", http.StatusBadRequest, "Rate exceeded: " + err.Error()}, false
	case pipeline.IsRetryable(err):
		return &apiError{"ServiceUnavailableException", http.StatusServiceUnavailable, err.Error()}, false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &apiError{"ServiceUnavailableException", http.StatusServiceUnavailable, "request cancelled or timed out"}, false
	case errors.Is(err, logsearch.ErrTooManyQueries):
		return &apiError{"LimitExceededException", http.StatusBadRequest, err.Error()}, false
	case errors.Is(err, logsearch.ErrQueryNotFound):
		return errQueryNotFound, false
	case errors.Is(err, store.ErrNotFound):
		return &apiError{"ResourceNotFoundException", http.StatusBadRequest, err.Error()}, false
	case errors.Is(err, store.ErrExists):
		return &apiError{"ResourceAlreadyExistsException", http.StatusBadRequest, err.Error()}, false
	}
	return &apiError{"ServiceUnavailableException", http.StatusInternalServerError, "internal error, retry later"}, true
}

// writeError writes the AWS JSON 1.1 error shape: {"__type", "message"},
// plus the X-Amzn-ErrorType header some clients read first.
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-ErrorType", e.code)
	if e.code == "ThrottlingException" {
		h.Set("Retry-After", "1")
	}
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.code, e.msg})
}
