package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	start := time.Now()
	now := start.Add(time.Second).UTC().Format(time.RFC3339Nano)
	cases := []struct {
		name      string
		want, got string
		vars      string // captured before, as a JSON object
		fail      string // a substring of the failure; "" when it matches
		bound     string // captured by the match, as a JSON object
	}{
		{name: "equal object", want: `{"a":1,"b":"x"}`, got: `{"a":1,"b":"x","c":0,"d":"","e":null,"f":[],"g":{}}`},
		{name: "unlisted field set", want: `{"a":1}`, got: `{"a":1,"b":2}`, fail: ".b: got 2, want it unset"},
		{name: "listed field missing", want: `{"a":1}`, got: `{}`, fail: ".a: missing"},
		{name: "zero listed, missing", want: `{"a":0}`, got: `{}`, fail: ".a: missing"},
		{name: "empty object", want: `{}`, got: `{"s":""}`, fail: "want {}"},
		{name: "empty object and null", want: `{"v":{}}`, got: `{"v":null}`},
		{name: "typed zero", want: `{"s":""}`, got: `{"b":false}`, fail: ".s: missing"},
		{name: "numbers exact", want: `1.0`, got: `1`},
		{name: "numbers differ", want: `9007199254740993`, got: `9007199254740992`, fail: "want 9007199254740993"},
		{name: "times as instants", want: `"2025-03-10T12:00:00+02:00"`, got: `"2025-03-10T10:00:00Z"`},
		{name: "zero time is unset", want: `{"x":1}`, got: `{"x":1,"t":"0001-01-01T00:00:00Z"}`},
		{name: "array order", want: `[1,2]`, got: `[2,1]`, fail: "[0]: got 2, want 1"},
		{name: "array length", want: `[1]`, got: `[1,2]`, fail: "got 2 elements, want 1"},
		{name: "empty array and null", want: `[]`, got: `null`},
		{name: "unordered", want: `{"<unordered>":[1,2,3]}`, got: `[3,1,2]`},
		{name: "unordered missing", want: `{"<unordered>":[1,2]}`, got: `[1,1]`, fail: "no element of the answer matches 2"},
		{name: "any", want: `{"a":"<any>"}`, got: `{"a":[1]}`},
		{name: "set", want: `"<set>"`, got: `0`, fail: "unset, want it set"},
		{name: "now", want: `"<now>"`, got: `"` + now + `"`},
		{name: "not now", want: `"<now>"`, got: `"2001-01-01T00:00:00Z"`, fail: "within the case's run"},
		{name: "capture", want: `{"id":"?x","again":"$x"}`, got: `{"id":7,"again":7}`, bound: `{"x":7}`},
		{name: "capture then differ", want: `["?x","$x"]`, got: `[7,8]`, fail: "[1]: got 8, want 7"},
		{name: "earlier capture", want: `{"id":"$x"}`, got: `{"id":{"a":1}}`, vars: `{"x":{"a":1}}`},
		{name: "capture twice", want: `"?x"`, got: `1`, vars: `{"x":1}`, fail: "already captured"},
		{name: "unknown reference", want: `"$y"`, got: `1`, fail: "not captured"},
		{name: "literal dollar", want: `"$$x"`, got: `"$x"`},
		{name: "bool", want: `true`, got: `false`, fail: "want true"},
		{name: "false and absent", want: `{"a":false}`, got: `{}`, fail: ".a: missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]any{}
			if c.vars != "" {
				mustDecode(t, c.vars, &vars)
			}
			var want, got any
			mustDecode(t, c.want, &want)
			mustDecode(t, c.got, &got)
			m := &matcher{vars: vars, bound: map[string]any{}, start: start, now: start.Add(2 * time.Second)}
			m.match("", want, got)
			errs := strings.Join(m.errs, "\n")
			switch {
			case c.fail == "" && errs != "":
				t.Errorf("failed: %s", errs)
			case c.fail != "" && !strings.Contains(errs, c.fail):
				t.Errorf("failures %q, want one with %q", errs, c.fail)
			}
			if c.bound != "" {
				var wantBound any
				mustDecode(t, c.bound, &wantBound)
				if compact(m.bound) != compact(wantBound) {
					t.Errorf("captured %s, want %s", compact(m.bound), compact(wantBound))
				}
			}
		})
	}
}

func TestPluck(t *testing.T) {
	cases := []struct{ spec, got, want string }{
		{`"a"`, `[{"a":1},{"a":2}]`, `[1,2]`},
		{`["a","b"]`, `[{"a":1,"b":"x"}]`, `[[1,"x"]]`},
		{`"Items.ID"`, `{"Items":[{"ID":3},{"ID":4}],"Total":2}`, `[3,4]`},
		{`["Items.ID","Total"]`, `{"Items":null,"Total":0}`, `[null,0]`},
		{`"a"`, `null`, `[]`},
	}
	for _, c := range cases {
		var got any
		mustDecode(t, c.got, &got)
		p, err := pluck(got, json.RawMessage(c.spec))
		if err != nil {
			t.Errorf("pluck %s of %s: %v", c.spec, c.got, err)
			continue
		}
		if compact(p) != c.want {
			t.Errorf("pluck %s of %s = %s, want %s", c.spec, c.got, compact(p), c.want)
		}
	}
}

func TestExpand(t *testing.T) {
	e := &env{vars: map[string]any{"id": json.Number("42"), "name": "x"}}
	cases := []struct {
		in   string
		want bool
		out  string
	}{
		{`{"a":"ns:T0+1.5s","b":"ms:T0-1h","c":"time:T0+2m","d":"ns:T0"}`, false,
			`{"a":1741600801500000000,"b":1741597200000,"c":"2025-03-10T10:02:00Z","d":1741600800000000000}`},
		{`{"$id":["$id","$name","$$lit","plain $id"]}`, false, `{"42":[42,"x","$lit","plain $id"]}`},
		{`{"a":"$id","b":"ms:T0"}`, true, `{"a":"$id","b":1741600800000}`},
		{`{"$$k":1}`, false, `{"$k":1}`},
		{`[0,{"<repeat>":3,"each":{"n":"{i}","id":"ff{i:x}","t":"ms:T0+{i}s"}},9]`, false,
			`[0,{"id":"ff00","n":"0","t":1741600800000},{"id":"ff01","n":"1","t":1741600801000},{"id":"ff02","n":"2","t":1741600802000},9]`},
		{`[{"<repeat>":0,"each":1}]`, true, `[]`},
	}
	for _, c := range cases {
		got, err := e.expand(json.RawMessage(c.in), c.want)
		if err != nil {
			t.Errorf("expand %s: %v", c.in, err)
			continue
		}
		if string(got) != c.out {
			t.Errorf("expand %s = %s, want %s", c.in, got, c.out)
		}
	}
	if _, err := e.expand(json.RawMessage(`"$unknown"`), false); err == nil {
		t.Error("expand of an unknown capture: no error")
	}
}

// TestDataFiles checks that every data file parses and names known
// operations, errors and capabilities.
func TestDataFiles(t *testing.T) {
	if len(loadDataFiles(t)) == 0 {
		t.Fatal("no data files")
	}
}

func mustDecode(t *testing.T, s string, v any) {
	t.Helper()
	if err := decodeNumbers([]byte(s), v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
}
