package xray

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestDecodePanicCounted: a datagram whose decoding panicked (the intake
// recovers it) is counted as rejected "internal", told to the sink and
// logged with its stack.
func TestDecodePanicCounted(t *testing.T) {
	var logs bytes.Buffer
	sink := &recordingSink{}
	cfg := testConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	udpObserver{r}.Panicked([]byte("datagram"), "index out of range", []byte("goroutine 1 [running]:"))
	if got := counter(r.m.rejected.WithLabelValues("udp", "internal")); got != 1 {
		t.Errorf("rejected{udp,internal} = %v, want 1", got)
	}
	if got := sink.Reasons()["internal"]; got != 1 {
		t.Errorf("sink reasons %v, want one internal", sink.Reasons())
	}
	if !strings.Contains(logs.String(), "decoding a datagram panicked") || !strings.Contains(logs.String(), "goroutine 1") {
		t.Errorf("log: %s", logs.String())
	}
}
