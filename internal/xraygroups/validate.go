package xraygroups

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
)

// Limits from X-Ray's API model and reference.
const (
	maxNameLen   = 32
	maxARNLen    = 400
	maxTags      = 50
	maxTagKeyLen = 128
	maxTagValLen = 256
)

// checkName checks a GroupName (member names the request member).
func checkName(name, member string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case n < 1 || n > maxNameLen:
		return refuse(nil, "%s must be 1 to %d characters long, not %d", member, maxNameLen, n)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return refuse(nil, "%s %q must not contain control characters", member, name)
	}
	return nil
}

// parseARN reads the name and id of arn:aws:xray:REGION:ACCOUNT:group/NAME/ID
// (the id is what follows the last slash; Default's ARN has none). Region
// and account are not compared with the service's.
func parseARN(arn string) (name, id string, err error) {
	if n := utf8.RuneCountInString(arn); n < 1 || n > maxARNLen {
		return "", "", refuse(nil, "GroupARN must be 1 to %d characters long, not %d", maxARNLen, n)
	}
	_, rest, ok := strings.Cut(arn, ":group/")
	if !strings.HasPrefix(arn, "arn:") || !ok || rest == "" {
		return "", "", refuse(nil, "GroupARN %q is not a group ARN (arn:aws:xray:<region>:<account>:group/<name>/<id>)", arn)
	}
	name = rest
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		name, id = rest[:i], rest[i+1:]
	}
	if err := checkName(name, "the group name in GroupARN"); err != nil {
		return "", "", err
	}
	return name, id, nil
}

// target is the group a Ref names: its name, and its id when the ARN gives
// one (byARN).
type target struct {
	name, id string
	byARN    bool
	label    string // how the request named it, for messages
}

// resolveRef reads a Ref: a name, an ARN, or both naming one group.
func resolveRef(ref Ref) (target, error) {
	var t target
	if ref.ARN != nil {
		name, id, err := parseARN(*ref.ARN)
		if err != nil {
			return t, err
		}
		t = target{name: name, id: id, byARN: true, label: "GroupARN " + quote(*ref.ARN)}
	}
	switch {
	case ref.Name != nil && ref.ARN != nil && *ref.Name != t.name:
		return t, refuse(nil, "GroupName %q and GroupARN %q name different groups", *ref.Name, *ref.ARN)
	case ref.Name != nil:
		if err := checkName(*ref.Name, "GroupName"); err != nil {
			return t, err
		}
		t.name = *ref.Name
		if !t.byARN {
			t.label = "GroupName " + quote(*ref.Name)
		}
	case ref.ARN == nil:
		return t, refuse(nil, "GroupName or GroupARN is required")
	}
	return t, nil
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// parseFilter checks a group's filter expression: "" (or blanks) holds
// every trace (nil); one naming a group is refused.
func parseFilter(src string) (xrayfilter.Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	e, err := xrayfilter.Parse(src)
	if err != nil {
		return nil, refuse(nil, "FilterExpression: invalid filter expression: %v", err)
	}
	if xrayfilter.HasGroups(e) {
		return nil, refuse(nil, "FilterExpression: a group's filter expression cannot use %s or %s",
			xrayfilter.GroupName, xrayfilter.GroupARN)
	}
	return e, nil
}

// applyInsights sets what in gives and checks the result: notifications
// need insights.
func applyInsights(g *store.XRayGroup, in *Insights) error {
	if in != nil {
		if in.InsightsEnabled != nil {
			g.InsightsEnabled = *in.InsightsEnabled
		}
		if in.NotificationsEnabled != nil {
			g.NotificationsEnabled = *in.NotificationsEnabled
		}
	}
	if g.NotificationsEnabled && !g.InsightsEnabled {
		return refuse(nil, "InsightsConfiguration: NotificationsEnabled can be true only with InsightsEnabled true")
	}
	return nil
}

// checkTags checks tags as X-Ray documents them: at most 50, keys of 1 to
// 128 and values of at most 256 characters, Unicode letters, digits,
// spaces and _ . : / = + - @ only, keys unique and not starting with aws:.
func checkTags(tags []store.ResourceTag) error {
	if len(tags) > maxTags {
		return refuse(nil, "Tags: at most %d tags, not %d", maxTags, len(tags))
	}
	seen := make(map[string]bool, len(tags))
	for i, t := range tags {
		switch n := utf8.RuneCountInString(t.Key); {
		case n < 1 || n > maxTagKeyLen:
			return refuse(nil, "Tags[%d].Key must be 1 to %d characters long, not %d", i, maxTagKeyLen, n)
		case utf8.RuneCountInString(t.Value) > maxTagValLen:
			return refuse(nil, "Tags[%d].Value must be at most %d characters long", i, maxTagValLen)
		case !tagText(t.Key):
			return refuse(nil, "Tags[%d].Key %q: only letters, digits, spaces and _ . : / = + - @", i, t.Key)
		case !tagText(t.Value):
			return refuse(nil, "Tags[%d].Value %q: only letters, digits, spaces and _ . : / = + - @", i, t.Value)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return refuse(nil, "Tags[%d].Key %q: the prefix aws: is reserved", i, t.Key)
		case seen[t.Key]:
			return refuse(nil, "Tags[%d].Key %q is repeated", i, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func tagText(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Z, r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}
