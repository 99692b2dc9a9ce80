package cwpattern

import (
	"slices"
	"testing"
)

// The cases follow the documented examples of the filter pattern syntax.
var matchCases = []struct {
	pattern string
	msg     string
	want    bool
}{
	{"", "anything", true},
	{"ERROR", "[ERROR] disk full", true},
	{"ERROR", "error: lower case", false},
	{"ERROR Exception", "Exception then ERROR", true},
	{"ERROR Exception", "ERROR only", false},
	{`"Connection refused"`, "dial: Connection refused by peer", true},
	{`"Connection refused"`, "Connection was refused", false},
	{"?ERROR ?WARN", "WARN low disk", true},
	{"?ERROR ?WARN", "INFO fine", false},
	{"ERROR -Retry", "ERROR giving up", true},
	{"ERROR -Retry", "ERROR Retry in 5s", false},
	{`"ERROR" -"Broken pipe"`, "ERROR Broken pipe", false},
	{`"ERROR" -"Broken pipe"`, "ERROR timeout", true},
	{"?ERROR Main ?WARN Deadlock", "WARN Deadlock found", true},
	{"?ERROR Main ?WARN Deadlock", "WARN all good", false},
	{"%[0-9a-f]{8}%", "id deadbeef done", true},
	{"%[0-9a-f]{8}%", "id xyz done", false},

	{`{ $.level = "ERROR" }`, `{"level":"ERROR"}`, true},
	{`{ $.level = "ERROR" }`, `{"level":"INFO"}`, false},
	{`{ $.level = "ERROR" }`, `level=ERROR`, false},
	{`{ $.level != "DEBUG" }`, `{"level":"INFO"}`, true},
	{`{ $.level != "DEBUG" }`, `{"level":"DEBUG"}`, false},
	{`{ $.path = "/api/*" }`, `{"path":"/api/users"}`, true},
	{`{ $.path = "*users" }`, `{"path":"/api/users"}`, true},
	{`{ $.path = "/a*s" }`, `{"path":"/api/users"}`, true},
	{`{ $.path = "/api/*" }`, `{"path":"/web/users"}`, false},
	{`{ $.latency > 1000 }`, `{"latency":1500}`, true},
	{`{ $.latency > 1000 }`, `{"latency":"1500"}`, true},
	{`{ $.latency > 1000 }`, `{"latency":999.5}`, false},
	{`{ $.latency <= 1000 }`, `{"latency":1000}`, true},
	{`{ $.status = 500 }`, `{"status":500}`, true},
	{`{ $.status = 500 }`, `{"status":500.0}`, true},
	{`{ $.status = 5* }`, `{"status":503}`, true},
	{`{ $.status = 5* }`, `{"status":404}`, false},
	{`{ ($.status >= 500) && ($.path = "/pay") }`, `{"status":502,"path":"/pay"}`, true},
	{`{ ($.status >= 500) && ($.path = "/pay") }`, `{"status":502,"path":"/cart"}`, false},
	{`{ $.user = "alice" || $.user = "bob" }`, `{"user":"bob"}`, true},
	{`{ $.user = "alice" || $.user = "bob" }`, `{"user":"carol"}`, false},
	{`{ $.error IS NULL }`, `{"error":null}`, true},
	{`{ $.error IS NULL }`, `{}`, false},
	{`{ $.error NOT EXISTS }`, `{}`, true},
	{`{ $.error NOT EXISTS }`, `{"error":"x"}`, false},
	{`{ $.flag IS TRUE }`, `{"flag":true}`, true},
	{`{ $.flag IS FALSE }`, `{"flag":true}`, false},
	{`{ $.user.id = 42 }`, `{"user":{"id":42}}`, true},
	{`{ $.items[0].sku = "book" }`, `{"items":[{"sku":"book"}]}`, true},
	{`{ $.items[1].sku = "book" }`, `{"items":[{"sku":"book"}]}`, false},
	{`{ $.msg = %time(out|d)% }`, `{"msg":"request failed"}`, false},
	{`{ $.msg = %time(out|d)% }`, `{"msg":"timeout"}`, true},
	{`{ $.a = 1 && ($.b = 2 || $.c = 3) }`, `{"a":1,"c":3}`, true},

	{`[ip, user, username, timestamp, request, status_code, bytes]`,
		`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`, true},
	{`[ip, user, username, timestamp, request, status_code, bytes]`, `only three fields`, false},
	{`[ip, user, ..., status_code = 5*, bytes]`, `10.0.0.1 - x [t] "GET /" 503 12`, true},
	{`[ip, user, ..., status_code = 5*, bytes]`, `10.0.0.1 - x [t] "GET /" 200 12`, false},
	{`[..., status_code = 404, bytes > 1000]`, `a b c 404 2048`, true},
	{`[..., status_code = 404, bytes > 1000]`, `a b c 404 512`, false},
	{`[ip = 10.0.*, ...]`, `10.0.3.4 GET /`, true},
	{`[ip = 10.0.*, ...]`, `192.168.1.1 GET /`, false},
	{`[a, b, c != "GET", ...]`, `x y POST z`, true},
	{`[a, b, c != "GET", ...]`, `x y GET z`, false},
	{`[ip, user, username, timestamp, request = *admin*, status_code = 4* || status_code = 5*, bytes]`,
		`1.2.3.4 - bob [t] "GET /admin HTTP/1.1" 403 10`, true},
	{`[ip, user, username, timestamp, request = *admin*, status_code = 4* || status_code = 5*, bytes]`,
		`1.2.3.4 - bob [t] "GET /admin HTTP/1.1" 200 10`, false},
	{`[..., x = 1, ..., y = 2, ...]`, `a 1 b c 2 d`, true},
}

func TestMatch(t *testing.T) {
	for _, c := range matchCases {
		p, err := Parse(c.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.pattern, err)
			continue
		}
		if got := p.Match(c.msg); got != c.want {
			t.Errorf("%q on %q = %v, want %v", c.pattern, c.msg, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		`"unterminated`, `{ $.a = 1`, `[a, b`, `{ $.a }`, `{ a = 1 }`, `{ $.tags[*] = "x" }`, `{ $.* = 1 }`,
		`{ $.a > "x" }`, `{ $.a IS MAYBE }`, `%[%`, `-`, `?`, `[a = 1 || b = 2]`, `[1a]`, `{ ($.a = 1 }`, `{ $.a = 1 ) }`,
	} {
		if _, err := Parse(src); err == nil {
			t.Errorf("Parse(%q) accepted", src)
		}
	}
}

func TestKindAndRequired(t *testing.T) {
	for _, c := range []struct {
		src  string
		kind Kind
		req  []string
	}{
		{"", KindAll, nil},
		{`ERROR "disk full" -Retry`, KindTerms, []string{"ERROR", "disk full"}},
		{"?ERROR ?WARN", KindTerms, nil},
		{`{ $.a = 1 }`, KindJSON, nil},
		{`[a, ...]`, KindSpaceDelimited, nil},
	} {
		p, err := Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind() != c.kind || !slices.Equal(p.Required(), c.req) {
			t.Errorf("%q: kind %v required %q", c.src, p.Kind(), p.Required())
		}
	}
}
