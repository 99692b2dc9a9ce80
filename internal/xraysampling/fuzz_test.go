package xraysampling

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzGlobCovers checks, on any two patterns and a text, that matching never
// panics and that Covers is sound: when it says general covers specific,
// any text built from specific (each "*" replaced by the text, each "?" by
// "x") that specific matches, general matches too.
func FuzzGlobCovers(f *testing.F) {
	f.Add("/checkout*", "/checkout/?x*", "abc")
	f.Add("*", "", "")
	f.Add("a?c", "a*c", "é")
	f.Add("**?*", "?*?", "zz")
	f.Fuzz(func(t *testing.T, general, specific, fill string) {
		// Rules and requests arrive as JSON, whose strings are valid UTF-8;
		// invalid bytes could join into a different character here.
		if len(general) > 200 || len(specific) > 200 || len(fill) > 50 ||
			!utf8.ValidString(general+specific+fill) {
			return
		}
		text := strings.NewReplacer("*", fill, "?", "x").Replace(specific)
		if !Glob(specific, text) {
			t.Fatalf("Glob(%q, %q) is false for its own instance", specific, text)
		}
		if Covers(general, specific) && !Glob(general, text) {
			t.Fatalf("Covers(%q, %q) but %q matches only the second", general, specific, text)
		}
	})
}
