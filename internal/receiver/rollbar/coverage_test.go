package rollbar

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// coverageRow is a row of the coverage table in docs/errors.md.
var coverageRow = regexp.MustCompile("^\\| `([A-Z]+) (/api/1/[^`]*)` \\| (supported|not yet) \\|$")

// TestCoverageTable keeps the coverage table of docs/errors.md true: every
// route it says is supported is served, every one it says is not yet
// answers Rollbar's "not supported" 404.
func TestCoverageTable(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t) // no token: loopback is open
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		m := coverageRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		method, path, state := m[1], strings.ReplaceAll(m[2], "{id}", "1"), m[3]
		t.Run(method+" "+m[2], func(t *testing.T) {
			code, out, _ := e.do(t, method, path, "", []byte(`{}`))
			msg, _ := out["message"].(string)
			unsupported := code == 404 && strings.Contains(msg, "is not supported")
			if (state == "supported") == unsupported {
				t.Errorf("the table says %s, the route answers %d %v", state, code, out)
			}
		})
	}
	if rows < 30 {
		t.Fatalf("%d rows found in the coverage table of docs/errors.md, want every route", rows)
	}
}
