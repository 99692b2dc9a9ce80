package errortrack

import (
	"regexp"
	"strings"
)

// masks replace volatile parts of a message, in this order, so that "user
// 12 not found" and "user 13 not found" read the same.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "{uuid}"},
	{regexp.MustCompile(`[\w.+\-]+@[\w\-]+\.[\w.\-]+`), "{email}"},
	{regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:?\d{2})?)?`), "{date}"},
	{regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b`), "{ip}"},
	{regexp.MustCompile(`\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\b`), "{date}"},
	{regexp.MustCompile(`(?i)\b([0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b|\b([0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}\b`), "{ip}"},
	{regexp.MustCompile(`"[^"\n]*"|'[^'\n]*'|` + "`[^`\\n]*`"), "{str}"},
	{regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b`), "{hex}"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*\b`), "{hex}"},
	{regexp.MustCompile(`\d+(\.\d+)?`), "{n}"},
}

var spaces = regexp.MustCompile(`\s+`)

// maxNormalised bounds the text that is normalised and hashed.
const maxNormalised = 4096

// NormaliseMessage masks the volatile tokens of a message — UUIDs
// ({uuid}), e-mail addresses ({email}), dates and times ({date}), IPv4 and
// IPv6 addresses ({ip}), quoted strings ({str}), hex numbers and ids
// mixing hex letters and digits ({hex}), and numbers ({n}) — collapses white
// space and trims it. Only the first 4 KiB are considered.
func NormaliseMessage(s string) string {
	if len(s) > maxNormalised {
		s = s[:maxNormalised]
	}
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}
