package cwpattern

import "testing"

// FuzzParse checks that no pattern makes Parse or Match panic, and that a
// parsed pattern evaluates on any message.
func FuzzParse(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.pattern, c.msg)
	}
	f.Fuzz(func(t *testing.T, src, msg string) {
		p, err := Parse(src)
		if err != nil {
			return
		}
		p.Match(msg)
		p.Required()
	})
}
