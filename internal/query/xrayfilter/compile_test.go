package xrayfilter

import (
	"strings"
	"testing"
	"time"

	"lookout/internal/query"
)

// Which expressions compile exactly (the store's answer is final) and which
// leave a residual for Match. The agreement with Match over data is tested
// in xrayread (compile_test.go), which maps documents and has a store.
func TestCompileExactness(t *testing.T) {
	cases := []struct {
		expr  string
		exact bool
	}{
		{`fault`, true}, {`!error`, true}, {`throttle = false`, true}, {`ok AND !fault`, true},
		{`user = "alice"`, true}, {`user != "alice" OR user BEGINSWITH "b"`, true}, {`annotation.k`, true},
		{`root`, true}, {`name = "x"`, true}, {`service()`, true},
		{`annotation.k = 5`, false}, {`user ENDSWITH "x"`, false}, {`service("a")`, false},
		{`edge("a", "b")`, false}, {`responsetime > 1`, false}, {`http.status = 500`, false},
		{`partial`, false}, {`fault.exception.message CONTAINS "x"`, false}, {`fault AND service("a") { error }`, false},
	}
	for _, c := range cases {
		e, err := Parse(c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		got := Compile(e)
		if got.Exact != c.exact {
			t.Errorf("%s: exact %v, want %v (where %s)", c.expr, got.Exact, c.exact, got.Where)
		}
		for _, f := range []*query.TraceFilter{got.Where, got.Sure} {
			q := query.TraceQuery{Start: testT0, End: testT0.Add(1), Where: f}
			if err := q.Normalize(); err != nil {
				t.Errorf("%s: compiled filter %s is invalid: %v", c.expr, f, err)
			}
		}
	}
	// A long chain of AND/OR stays shallow enough for the query model.
	long := `fault` + strings.Repeat(` AND ok OR error`, 110)
	e, err := Parse(long)
	if err != nil {
		t.Fatal(err)
	}
	q := query.TraceQuery{Start: testT0, End: testT0.Add(1), Where: Compile(e).Where}
	if err := q.Normalize(); err != nil {
		t.Errorf("300 chained terms: %v", err)
	}
	if c := Compile(nil); !c.Exact {
		t.Error("no expression is not exact")
	}
}

var testT0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
