package xrayfilter

import (
	"strings"
	"testing"
)

// causeTrace: checkout's call to the payments API timed out (a fault
// whose root cause is the remote call, with its exception), inventory
// answered a 404 (an error root cause in its own segment), and the slowest
// path ends in a DynamoDB query.
func causeTrace() *Trace {
	t := sampleTrace()
	t.Fault = true
	t.RootCauses = []Cause{
		{Kind: "fault", Service: Node{Name: "payments.example.com", Type: "remote", Inferred: true}, Entity: "POST /charge", Remote: true,
			Exceptions: []Exception{{Name: "TimeoutError", Message: "context deadline exceeded"}}},
		{Kind: "error", Service: Node{Name: "inventory"}, Entity: "inventory", Exceptions: []Exception{{Name: "NotFound", Message: "no such sku"}}},
		{Kind: "responsetime", Service: Node{Name: "DynamoDB", Type: "AWS::DynamoDB", Inferred: true}, Entity: "Query", Remote: true},
	}
	t.Nodes[0].FaultMessages = []string{"context deadline exceeded"}
	return t
}

func TestMatchRootCause(t *testing.T) {
	tr := causeTrace()
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`rootcause.fault.service`, true},
		{`rootcause.fault.service { name = "payments.example.com" }`, true},
		{`rootcause.fault.service { name = "shop" }`, false},
		{`rootcause.fault.service { inferred AND type = "remote" }`, true},
		{`rootcause.fault.entity { remote = true AND name BEGINSWITH "POST" }`, true},
		{`rootcause.fault.entity { !remote }`, false},
		{`rootcause.fault.exception { name = "TimeoutError" }`, true},
		{`rootcause.fault.exception { message CONTAINS "deadline" }`, true},
		{`rootcause.fault.exception { name = "NotFound" }`, false},
		{`rootcause.error.exception { name = "NotFound" AND message = "no such sku" }`, true},
		{`rootcause.error.service { name = "inventory" }`, true},
		{`rootcause.error.entity { remote }`, false},
		{`rootcause.responseTime.service { name = "DynamoDB" }`, true},
		{`rootcause.responsetime.entity { name = "Query" }`, true},
		{`rootcause.responseTime.exception`, false},
		{`!rootcause.fault.service { name = "shop" } AND fault`, true},
		{`rootcause.fault.service OR rootcause.error.service { name = "x" }`, true},
		{`message CONTAINS "sku"`, true},
		{`service("shop") { message = "context deadline exceeded" }`, true},
		{`message = "nothing"`, false},
		{`inferred`, false},
		{`service("DynamoDB") { inferred }`, true},
		{`service("shop") { inferred }`, false},
	} {
		e, err := Parse(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := Match(e, tr); got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
		again, err := Parse(e.String())
		if err != nil || again.String() != e.String() {
			t.Errorf("%s: String() %q does not parse back: %v", c.expr, e.String(), err)
		}
		comp := Compile(e)
		if comp.Where == nil || comp.Sure == nil {
			t.Errorf("%s: no bracket", c.expr)
		}
	}
	if Match(mustParse(t, `rootcause.fault.service`), sampleTrace()) {
		t.Error("a trace without root causes matched rootcause.fault.service")
	}
}

func TestRootCauseErrors(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{`rootcause.fault`, "want rootcause.<fault|error|responseTime>"},
		{`rootcause.slow.service`, "kind is fault, error or responseTime"},
		{`rootcause.fault.node`, "level is service, entity or exception"},
		{`rootcause.fault.service { remote }`, `unknown keyword "remote" in a root cause's service (want one of inferred, name, type)`},
		{`rootcause.fault.exception { http.status = 500 }`, "unknown keyword"},
		{`rootcause.fault.entity { remote = "yes" }`, "remote"},
		{`service("a") { rootcause.fault.service }`, "cannot be used inside braces"},
		{`rootcause.fault.service { rootcause.error.service }`, "cannot be used inside braces"},
	} {
		_, err := Parse(c.expr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.expr, err, c.want)
		}
	}
}

func mustParse(t *testing.T, s string) Expr {
	t.Helper()
	e, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
