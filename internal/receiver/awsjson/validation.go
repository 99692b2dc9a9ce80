package awsjson

import "fmt"

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

func validation(code, subject, rule string) *Error {
	return Errorf(code, "1 validation error detected: %s failed to satisfy constraint: %s", subject, rule)
}
