package cwlogs

import (
	"errors"
	"fmt"

	"lookout/internal/logsearch"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

func invalidParam(format string, args ...any) error {
	return awsjson.Errorf("InvalidParameterException", format, args...)
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
	return invalidParam("1 validation error detected: %s failed to satisfy constraint: %s", subject, rule)
}

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
