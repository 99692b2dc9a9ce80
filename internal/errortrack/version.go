package errortrack

import (
	"strconv"
	"strings"
)

// OlderVersion reports whether code version v is known to be older than
// ref. Both must read as versions: an optional "v", dot-separated numbers
// and an optional pre-release after "-" or "+" ("1.4.2", "v2.0.0-rc.1",
// "1234"); a pre-release sorts before its release. Anything else — git
// commit hashes above all — cannot be ordered, so OlderVersion is false and
// an occurrence from it reactivates a resolved item. An empty v is never
// older.
func OlderVersion(v, ref string) bool {
	a, aPre, ok1 := parseVersion(v)
	b, bPre, ok2 := parseVersion(ref)
	if !ok1 || !ok2 {
		return false
	}
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x < y
		}
	}
	switch {
	case aPre != "" && bPre == "":
		return true
	case aPre == "" || bPre == "":
		return false
	}
	return aPre < bPre
}

func parseVersion(s string) (nums []int, pre string, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if s == "" {
		return nil, "", false
	}
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s, pre = s[:i], s[i+1:]
	}
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 9 {
			return nil, "", false
		}
		nums = append(nums, n)
	}
	return nums, pre, true
}
