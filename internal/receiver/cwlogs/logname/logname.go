// Package logname holds the CloudWatch Logs API's rules for naming a log
// group: a name, or an identifier that is a name or an ARN, checked by the
// service's name rule and worded as the service words a failure; and the
// ARNs of groups and streams. The API's packages (cwlogs, queryapi) share
// it.
package logname

import (
	"strconv"
	"strings"

	"lookout/internal/receiver/awsjson"
)

const (
	validationCode = "InvalidParameterException"
	maxLen         = 512
	groupPattern   = `[\.\-_/#A-Za-z0-9]+`
)

func validGroupChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '-' || r == '_' || r == '/' || r == '#'
}

// Check validates a log group name given as member (or found in it, as in
// an ARN).
func Check(member, name string) error {
	switch n := len(name); {
	case n < 1:
		return awsjson.Invalid(validationCode, name, member, "Member must have length greater than or equal to 1")
	case n > maxLen:
		return awsjson.Invalid(validationCode, name, member, "Member must have length less than or equal to "+strconv.Itoa(maxLen))
	}
	if strings.IndexFunc(name, func(r rune) bool { return !validGroupChar(r) }) >= 0 {
		return awsjson.Invalid(validationCode, name, member, "Member must satisfy regular expression pattern: "+groupPattern)
	}
	return nil
}

// Resolve resolves logGroupName / logGroupIdentifier (a name or an ARN),
// which are alternatives: exactly one must be set. A logGroupName has been
// checked by the model; the name an identifier gives is checked here.
func Resolve(name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", awsjson.Errorf(validationCode, "LogGroup name and LogGroup identifier can not both be specified")
	case identifier != nil:
		if n, ok := FromARN(*identifier); ok {
			return n, Check("logGroupIdentifier", n)
		}
		return *identifier, Check("logGroupIdentifier", *identifier)
	case name != nil:
		return *name, nil
	}
	return "", awsjson.Errorf(validationCode, "Either LogGroup name or LogGroup identifier must be specified")
}

// GroupARN is a group's ARN without the trailing ":*" (logGroupArn, the
// form tagging APIs take); the "arn" field adds ":*".
func GroupARN(region, account, name string) string {
	return "arn:aws:logs:" + region + ":" + account + ":log-group:" + name
}

// StreamARN is a stream's ARN.
func StreamARN(region, account, group, stream string) string {
	return GroupARN(region, account, group) + ":log-stream:" + stream
}

// FromARN extracts the group name from a log-group ARN (with or without
// ":*").
func FromARN(arn string) (string, bool) {
	if !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, ":")
	return name, name != ""
}
