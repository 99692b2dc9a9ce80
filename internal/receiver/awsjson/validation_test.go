package awsjson

import "testing"

// TestValidationWording pins AWS's wording, which clients compare against.
func TestValidationWording(t *testing.T) {
	i32 := func(v int32) *int32 { return &v }
	limit := func(v *int32) error { _, err := Limit("ValidationException", "limit", v, 50, 50); return err }
	for _, c := range []struct {
		name string
		err  error
		want string // "" for no error
	}{
		{"invalid", Invalid("ValidationException", "a b", "logGroupName", "Member must satisfy regular expression pattern: [a-z]+"),
			"ValidationException: 1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"},
		{"null", Null("ValidationException", "logStreamName"),
			"ValidationException: 1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"list", InvalidList("ValidationException", "logEvents", "Member must have length greater than or equal to 1"),
			"ValidationException: 1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"limit unset", limit(nil), ""},
		{"limit in range", limit(i32(50)), ""},
		{"limit 0", limit(i32(0)),
			"ValidationException: 1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50"},
		{"limit above", limit(i32(51)),
			"ValidationException: 1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50"},
	} {
		got := ""
		if c.err != nil {
			got = c.err.Error()
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	if n, err := Limit("ValidationException", "limit", nil, 50, 7); n != 7 || err != nil {
		t.Errorf("unset limit: %d %v, want the default 7", n, err)
	}
}
