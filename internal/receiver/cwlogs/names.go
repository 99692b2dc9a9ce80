package cwlogs

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
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
	if n := len(name); n < 1 || n > maxNameLen {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 1 and %d", name, member, maxNameLen)
	}
	if strings.IndexFunc(name, func(r rune) bool { return !validGroupChar(r) }) >= 0 {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, member, groupNamePattern)
	}
	return nil
}

// checkStreamName validates a log stream name given as member.
func checkStreamName(member, name string) error {
	if n := len(name); n < 1 || n > maxNameLen {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length between 1 and %d", name, member, maxNameLen)
	}
	if strings.ContainsAny(name, ":*") {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, member, streamNamePatern)
	}
	return nil
}

// groupArn is a group's ARN without the trailing ":*" (logGroupArn, the
// form tagging APIs take); the "arn" field adds ":*".
func (h *Handler) groupArn(c *call, name string) string {
	return "arn:aws:logs:" + c.region + ":" + h.cfg.AccountID + ":log-group:" + name
}

func (h *Handler) streamArn(c *call, group, stream string) string {
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
	case name != nil:
		return *name, checkGroupName("logGroupName", *name)
	}
	return "", invalidParam("Either LogGroup name or LogGroup identifier must be specified")
}

// pageToken and readPageToken make opaque pagination tokens.
func pageToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func readPageToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	// Tokens this server makes hold UTF-8 names and digits; other bytes
	// would fail the store's parameter binding.
	if err != nil || len(b) == 0 || !utf8.Valid(b) {
		return "", invalidParam("The specified nextToken is invalid.")
	}
	return string(b), nil
}

// checkLimit validates an optional page size against [1, max] and returns
// it, or def when unset.
func checkLimit(member string, limit *int32, max, def int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if *limit < 1 || int(*limit) > max {
		return 0, invalidParam("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value between 1 and %d", *limit, member, max)
	}
	return int(*limit), nil
}

// namesGroup is a request input that names one log group.
type namesGroup interface{ group() (string, error) }

// decodeGroup decodes body into a T and returns it with the log group it
// names, checked: the first two steps of most operations on a group.
func decodeGroup[T any, PT interface {
	*T
	namesGroup
}](body []byte) (T, string, error) {
	var in T
	if err := decode(body, &in); err != nil {
		return in, "", err
	}
	name, err := PT(&in).group()
	return in, name, err
}
