package awsjson

import (
	"fmt"
	"strconv"
)

// AWS's services word a request member that fails a constraint as "1
// validation error detected: Value 'v' at 'member' failed to satisfy
// constraint: <rule>", under the API's validation code (code), and some
// clients compare against it.

// Invalid is the error of a member whose value breaks rule.
func Invalid(code string, value any, member, rule string) *Error {
	return validation(code, fmt.Sprintf("Value '%v' at '%s'", value, member), rule)
}

// Null is the error of a required member that is missing.
func Null(code, member string) *Error {
	return validation(code, "Value null at '"+member+"'", "Member must not be null")
}

// InvalidList is the error of a list member that breaks rule; the list is
// not shown.
func InvalidList(code, member, rule string) *Error {
	return validation(code, "Value at '"+member+"'", rule)
}

func validation(code, subject, rule string) *Error {
	return Errorf(code, "1 validation error detected: %s failed to satisfy constraint: %s", subject, rule)
}

// Limit validates an optional integer member (a page size) against
// [1, max] and returns it, or def when it is unset.
func Limit(code, member string, v *int32, max, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || int(*v) > max {
		return 0, Invalid(code, *v, member, "Member must have value between 1 and "+strconv.Itoa(max))
	}
	return int(*v), nil
}
