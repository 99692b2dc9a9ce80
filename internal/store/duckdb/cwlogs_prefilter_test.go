package duckdb

import (
	"testing"

	"lookout/internal/query/cwpattern"
)

func TestJSONPath(t *testing.T) {
	for _, c := range []struct {
		path []cwpattern.PathElem
		want string
		ok   bool
	}{
		{[]cwpattern.PathElem{{Key: "status", Index: -1}}, `'$."status"'`, true},
		{[]cwpattern.PathElem{{Key: "a", Index: -1}, {Index: 2}, {Key: "it's", Index: -1}}, `'$."a"[2]."it''s"'`, true},
		{[]cwpattern.PathElem{{Key: `say "hi"`, Index: -1}}, ``, false},
		{[]cwpattern.PathElem{{Key: `back\slash`, Index: -1}}, ``, false},
	} {
		got, ok := jsonPath(c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("jsonPath(%v) = %s, %v; want %s, %v", c.path, got, ok, c.want, c.ok)
		}
	}
}
