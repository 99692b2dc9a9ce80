package cwlogs

import (
	"strconv"
	"strings"

	"lookout/internal/receiver/awsjson"
)

// Name rules of the service. Messages follow its validation wording, which
// names the member and the rule.
const (
	maxNameLen       = 512
	groupNamePattern = `[\.\-_/#A-Za-z0-9]+`
	streamNamePatern = `[^:*]*`
)

func validGroupChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '-' || r == '_' || r == '/' || r == '#'
}

// checkGroupName validates a log group name given as member.
func checkGroupName(member, name string) error {
	return checkName(member, name, strings.IndexFunc(name, func(r rune) bool { return !validGroupChar(r) }) < 0, groupNamePattern)
}

// checkStreamName validates a log stream name given as member.
func checkStreamName(member, name string) error {
	return checkName(member, name, !strings.ContainsAny(name, ":*"), streamNamePatern)
}

// checkName applies the length rule, then the pattern (matched tells
// whether name satisfies it).
func checkName(member, name string, matched bool, pattern string) error {
	if n := len(name); n < 1 || n > maxNameLen {
		return badValue(name, member, "Member must have length between 1 and "+strconv.Itoa(maxNameLen))
	}
	if !matched {
		return badValue(name, member, "Member must satisfy regular expression pattern: "+pattern)
	}
	return nil
}

// groupName resolves logGroupName / logGroupIdentifier (a name or an ARN),
// which are alternatives: exactly one must be set.
func groupName(name, identifier *string) (string, error) {
	switch {
	case name != nil && identifier != nil:
		return "", invalidParam("LogGroup name and LogGroup identifier can not both be specified")
	case identifier != nil:
		if n, ok := groupFromArn(*identifier); ok {
			return n, checkGroupName("logGroupIdentifier", n)
		}
		return *identifier, checkGroupName("logGroupIdentifier", *identifier)
	case name != nil: // checked by the model
		return *name, nil
	}
	return "", invalidParam("Either LogGroup name or LogGroup identifier must be specified")
}

// groupArn is a group's ARN without the trailing ":*" (logGroupArn, the
// form tagging APIs take); the "arn" field adds ":*".
func (h *Handler) groupArn(c awsjson.Caller, name string) string {
	return "arn:aws:logs:" + c.Region + ":" + h.cfg.AccountID + ":log-group:" + name
}

func (h *Handler) streamArn(c awsjson.Caller, group, stream string) string {
	return h.groupArn(c, group) + ":log-stream:" + stream
}

// groupFromArn extracts the group name from a log-group ARN (with or
// without ":*").
func groupFromArn(arn string) (string, bool) {
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
