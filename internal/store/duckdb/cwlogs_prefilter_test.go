package duckdb

import (
	"lookout/internal/query"
	"testing"
)

func TestJSONPath(t *testing.T) {
	for _, c := range []struct {
		path []query.PathStep
		want string
		ok   bool
	}{
		{[]query.PathStep{{Key: "status", Index: -1}}, `'$."status"'`, true},
		{[]query.PathStep{{Key: "a", Index: -1}, {Index: 2}, {Key: "it's", Index: -1}}, `'$."a"[2]."it''s"'`, true},
		{[]query.PathStep{{Key: `say "hi"`, Index: -1}}, ``, false},
		{[]query.PathStep{{Key: `back\slash`, Index: -1}}, ``, false},
	} {
		got, ok := jsonPath(c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("jsonPath(%v) = %s, %v; want %s, %v", c.path, got, ok, c.want, c.ok)
		}
	}
}
