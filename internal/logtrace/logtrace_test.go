package logtrace

import "testing"

func TestFind(t *testing.T) {
	const hex = "5759e988bd862e3fe1be46a994272793"
	for _, c := range []struct {
		msg, trace, span string
	}{
		{"GET / trace 1-5759e988-bd862e3fe1be46a994272793 done", hex, ""},
		{"X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", hex, ""},
		{"traceparent=00-" + hex + "-53995c3f42cd8ad8-01", hex, "53995c3f42cd8ad8"},
		{`{"msg":"x","trace_id":"` + hex + `","span_id":"53995c3f42cd8ad8"}`, hex, "53995c3f42cd8ad8"},
		{`{"traceId":"1-5759e988-bd862e3fe1be46a994272793"}`, hex, ""},
		{`{"AWS-XRAY":"x","traceId":"Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}`, hex, ""},
		{"user=1 trace_id=" + hex + " ok", hex, ""},
		{"no trace here 00-00000000000000000000000000000000-0000000000000000-00", "", ""},
		{"plain", "", ""},
	} {
		trace, span := Find(c.msg)
		gotT, gotS := "", ""
		if !trace.IsZero() {
			gotT = trace.String()
		}
		if !span.IsZero() {
			gotS = span.String()
		}
		if gotT != c.trace || gotS != c.span {
			t.Errorf("%q: trace %q span %q, want %q %q", c.msg, gotT, gotS, c.trace, c.span)
		}
	}
}
