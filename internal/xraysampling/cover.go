package xraysampling

// Covers reports whether every text that specific matches is also matched by
// general. It compares the patterns symbol by symbol: a "*" of general takes
// any run of specific's symbols (wildcards included), a "?" one character or
// "?", a letter the same letter. That proves containment (a true answer is
// always right); a few equivalent forms it cannot see ("??*" covers "?*?")
// answer false, so a shadowed rule can go unreported, never the reverse.
func Covers(general, specific string) bool {
	g, s := foldRunes(general), foldRunes(specific)
	// ok[j]: general[:i] can produce specific[:j], row i kept in place.
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 1; i <= len(g); i++ {
		c := g[i-1]
		prevDiag := ok[0] // ok[i-1][j-1] as j advances
		ok[0] = ok[0] && c == '*'
		for j := 1; j <= len(s); j++ {
			above := ok[j] // ok[i-1][j]
			var v bool
			switch c {
			case '*':
				v = above || ok[j-1] // take nothing more, or one more symbol
			case '?':
				v = prevDiag && s[j-1] != '*'
			default:
				v = prevDiag && s[j-1] == c
			}
			prevDiag, ok[j] = above, v
		}
	}
	return ok[len(s)]
}

// CoversRule reports whether a matches every request b matches: each field
// of a covers b's, and every attribute a requires b requires too, with a
// pattern a covers.
func CoversRule(a, b Rule) bool {
	for _, p := range [][2]string{
		{a.ServiceName, b.ServiceName}, {a.ServiceType, b.ServiceType}, {a.Host, b.Host},
		{a.HTTPMethod, b.HTTPMethod}, {a.URLPath, b.URLPath}, {a.ResourceARN, b.ResourceARN},
	} {
		if !Covers(p[0], p[1]) {
			return false
		}
	}
	for k, pa := range a.Attributes {
		pb, ok := b.Attributes[k]
		if !ok || !Covers(pa, pb) {
			return false
		}
	}
	return true
}

// Shadows maps the name of each rule that can never match, because a rule
// evaluated before it matches everything it matches, to the first such rule.
// rules must be in evaluation order (Sort). The Default rule is left out: a
// catch-all rule before it is usually meant.
func Shadows(rules []Rule) map[string]Rule {
	out := map[string]Rule{}
	for i, b := range rules {
		if b.IsDefault() {
			continue
		}
		for _, a := range rules[:i] {
			if CoversRule(a, b) {
				out[b.RuleName] = a
				break
			}
		}
	}
	return out
}
