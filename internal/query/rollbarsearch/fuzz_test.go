package rollbarsearch

import (
	"errors"
	"strings"
	"testing"

	"lookout/internal/store"
)

// FuzzParse checks that no q makes Parse panic, that a refusal is an
// *Error, and that what it accepts holds no empty word or value and
// narrows a query without losing the query's own filters.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, err := Parse(q)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %T, want *Error", q, err)
			}
			return
		}
		for _, w := range append(append(append([]string{}, s.Words...), s.Environments...), append(s.Frameworks, s.Platforms...)...) {
			if strings.TrimSpace(w) == "" {
				t.Fatalf("Parse(%q): empty word or value in %+v", q, s)
			}
		}
		iq := store.ItemQuery{Project: "p", Environments: []string{"e"}}
		if s.Narrow(&iq) && len(iq.Environments) == 0 {
			t.Fatalf("Parse(%q): narrowing dropped the query's environment filter", q)
		}
	})
}
