package xray

import (
	"fmt"
	"net"
	"testing"
)

// TestUDPSource: the spans of a segment carry the address its datagram came
// from, so two processes (two sockets) with the same segment name stay
// apart; an independent subsegment (no resource) carries none.
func TestUDPSource(t *testing.T) {
	sink := &recordingSink{}
	r, _ := startUDP(t, sink, nil)
	a, b := dial(t, r), dial(t, r)
	send(t, a, datagram(fmt.Appendf(nil, `{"name":"backend-flask","id":"%016x",%s,%s,"subsegments":[{"name":"db","id":"%016x",%s}]}`,
		1, okTrace, okTimes, 2, okTimes)))
	send(t, b, segmentDatagram(2)) // id 3
	send(t, b, datagram(fmt.Appendf(nil, `{"type":"subsegment","name":"late","id":"%016x","parent_id":"%016x",%s,%s}`,
		5, 3, okTrace, okTimes)))
	waitFor(t, "spans", func() bool { return len(sink.Spans()) == 4 })
	want := map[string]string{
		fmt.Sprintf("%016x", 1): a.LocalAddr().String(), fmt.Sprintf("%016x", 2): a.LocalAddr().String(),
		fmt.Sprintf("%016x", 3): b.LocalAddr().String(), fmt.Sprintf("%016x", 5): "",
	}
	for _, sp := range sink.Spans() {
		got := ""
		if v, ok := sp.Resource.Attributes.Get(AttrUDPSource); ok {
			got = v.Str
		}
		if w := want[sp.SpanID.String()]; got != w {
			t.Errorf("span %s (%s): source %q, want %q", sp.SpanID, sp.Name, got, w)
		}
		if got != "" {
			if _, _, err := net.SplitHostPort(got); err != nil {
				t.Errorf("source %q: %v", got, err)
			}
		}
	}
}
