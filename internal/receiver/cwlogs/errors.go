package cwlogs

import (
	"errors"

	"lookout/internal/logsearch"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

func invalidParam(format string, args ...any) error {
	return awsjson.Errorf(validationCode, format, args...)
}

// The service's own wording, which some clients compare against.
var (
	errGroupNotFound  = awsjson.Errorf("ResourceNotFoundException", "The specified log group does not exist.")
	errStreamNotFound = awsjson.Errorf("ResourceNotFoundException", "The specified log stream does not exist.")
	errQueryNotFound  = awsjson.Errorf("ResourceNotFoundException", "Query does not exist.")
	errGroupExists    = awsjson.Errorf("ResourceAlreadyExistsException", "The specified log group already exists")
	errStreamExists   = awsjson.Errorf("ResourceAlreadyExistsException", "The specified log stream already exists")
	errBadToken       = awsjson.Errorf("InvalidParameterException", "The specified nextToken is invalid.")
)

// validationCode is the API's code for an invalid request; badValue and
// nullValue word the failed member constraints the model does not check
// (awsjson's Invalid and Null).
const validationCode = "InvalidParameterException"

func badValue(value any, member, rule string) error {
	return awsjson.Invalid(validationCode, value, member, rule)
}

func nullValue(member string) error { return awsjson.Null(validationCode, member) }

// asAPIError maps any error of an operation to what the client gets (see
// awsjson.Classify), the backends' own errors to the service's.
func asAPIError(err error) (e *awsjson.Error, internal bool) {
	return awsjson.Classify(err, backendError)
}

// backendError maps the errors of logsearch and the store; nil for any
// other.
func backendError(err error) *awsjson.Error {
	switch {
	case errors.Is(err, logsearch.ErrTooManyQueries):
		return awsjson.Errorf("LimitExceededException", "%s", err)
	case errors.Is(err, logsearch.ErrQueryNotFound):
		return errQueryNotFound
	case errors.Is(err, store.ErrNotFound):
		return awsjson.Errorf("ResourceNotFoundException", "%s", err)
	case errors.Is(err, store.ErrExists):
		return awsjson.Errorf("ResourceAlreadyExistsException", "%s", err)
	}
	return nil
}
