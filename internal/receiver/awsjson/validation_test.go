package awsjson

import "testing"

// TestValidationWording pins AWS's wording, which clients compare against.
func TestValidationWording(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"invalid", Invalid("ValidationException", "a b", "logGroupName", "Member must satisfy regular expression pattern: [a-z]+"),
			"ValidationException: 1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"},
		{"null", Null("ValidationException", "logStreamName"),
			"ValidationException: 1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
