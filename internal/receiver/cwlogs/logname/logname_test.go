package logname

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		name              string
		group, id         *string
		want, errContains string
	}{
		{"name", s("/app"), nil, "/app", ""},
		{"identifier name", nil, s("/app"), "/app", ""},
		{"arn", nil, s("arn:aws:logs:us-east-1:000000000000:log-group:/app"), "/app", ""},
		{"arn with :*", nil, s("arn:aws:logs:us-east-1:000000000000:log-group:/app:*"), "/app", ""},
		{"bad name in arn", nil, s("arn:aws:logs:r:1:log-group:a+b"), "", "regular expression pattern"},
		{"empty identifier", nil, s(""), "", "greater than or equal to 1"},
		{"both", s("a"), s("a"), "", "can not both be specified"},
		{"neither", nil, nil, "", "must be specified"},
	} {
		got, err := Resolve(c.group, c.id)
		switch {
		case c.errContains == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		case c.errContains != "" && (err == nil || !contains(err.Error(), c.errContains)):
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.errContains)
		}
	}
	if a := StreamARN("eu-west-1", "1", "/app", "s"); a != "arn:aws:logs:eu-west-1:1:log-group:/app:log-stream:s" {
		t.Errorf("StreamARN = %s", a)
	}
	if _, ok := FromARN("arn:aws:xray:r:1:group/g"); ok {
		t.Error("an X-Ray ARN read as a log group's")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
