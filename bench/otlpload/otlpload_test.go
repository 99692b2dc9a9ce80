package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestGeneratorShape(t *testing.T) {
	now := time.Now()
	g := newGenerator(genConfig{SpansPerTrace: 10, Now: now, Spread: time.Hour, Shuffled: true}, 1)
	seen := map[trace.TraceID]bool{}
	errs, events, svcs := 0, 0, map[string]bool{}
	for range 2000 {
		id, spans := g.trace(nil, g.startOf(0, 0))
		if len(spans) != 10 || seen[id] {
			t.Fatalf("trace %s: %d spans, seen before %v", id, len(spans), seen[id])
		}
		seen[id] = true
		ids := map[trace.SpanID]bool{}
		for i, s := range spans {
			if s.SpanContext().TraceID() != id {
				t.Fatalf("span %d of %s in trace %s", i, id, s.SpanContext().TraceID())
			}
			if (i == 0) != !s.Parent().IsValid() || (i > 0 && !ids[s.Parent().SpanID()]) {
				t.Fatalf("span %d: parent %v is not an earlier span of the trace", i, s.Parent())
			}
			ids[s.SpanContext().SpanID()] = true
			if s.StartTime().Before(now.Add(-time.Hour)) || s.StartTime().After(now.Add(time.Minute)) || s.EndTime().Before(s.StartTime()) {
				t.Fatalf("span %d: %s .. %s outside the window", i, s.StartTime(), s.EndTime())
			}
			if n := len(s.Attributes()); n != 8 {
				t.Fatalf("span %q has %d attributes, want 8", s.Name(), n)
			}
			if s.Status().Code != 0 {
				errs++
			}
			if len(s.Events()) > 0 {
				events++
			}
			v, _ := s.Resource().Set().Value("service.name")
			svcs[v.AsString()] = true
		}
	}
	if errs < 100 || errs > 300 || events < 1500 || events > 2600 || len(svcs) != len(services) {
		t.Errorf("of 20000 spans: %d errors (want ~1%%), %d with events (want ~10%%), services %v", errs, events, svcs)
	}
}

func TestStartInOrder(t *testing.T) {
	now := time.Now()
	g := newGenerator(genConfig{SpansPerTrace: 1, Now: now, Spread: time.Hour, Lateness: 10 * time.Second}, 1)
	for i, want := range map[int64]time.Time{0: now.Add(-time.Hour), 50: now.Add(-30 * time.Minute), 99: now.Add(-36 * time.Second)} {
		got := g.startOf(i, 100)
		if got.After(want) || got.Before(want.Add(-10*time.Second)) {
			t.Errorf("start of trace %d of 100 = %s, want within 10s before %s", i, got, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {1, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("p%v = %s, want %s", c.p, got, c.want)
		}
	}
	if percentile(nil, 50) != 0 || percentile(ds[:1], 99) != 100*time.Millisecond {
		t.Error("percentile of empty or single sample")
	}
}

func TestClassify(t *testing.T) {
	throttled, _ := status.New(codes.ResourceExhausted, "queue full").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(2 * time.Second)})
	for _, c := range []struct {
		err   error
		retry bool
		wait  time.Duration
	}{
		{fmt.Errorf("traces export: %w", throttled.Err()), true, 2 * time.Second},
		{fmt.Errorf("traces export: %w", status.Error(codes.Unavailable, "x")), true, 0},
		{fmt.Errorf("traces export: %w", status.Error(codes.InvalidArgument, "bad")), false, 0},
		{errors.New("traces export: retry-able request failure: body: overloaded"), true, 0},
		{fmt.Errorf("traces export: %w", os.ErrDeadlineExceeded), false, 0},
	} {
		cause, retry, wait := classify(c.err)
		if retry != c.retry || wait != c.wait {
			t.Errorf("classify(%v) = %q, %v, %s; want retry %v, wait %s", c.err, cause, retry, wait, c.retry, c.wait)
		}
	}
	if n, ok := partialRejected(errors.New("traces export: OTLP partial success: too old (12 spans rejected)")); !ok || n != 12 {
		t.Errorf("partialRejected = %d, %v", n, ok)
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ids := []trace.TraceID{{1}, {2}, {3}}
	if err := saveState(dir, state{AckedSpans: 30, SpansPerTrace: 10}, sampleIDs(ids, 2, 1)); err != nil {
		t.Fatal(err)
	}
	st, got, err := loadState(dir)
	if err != nil || st.AckedSpans != 30 || len(got) != 2 || !slices.Contains(ids, got[0]) {
		t.Errorf("loadState = %+v, %v, %v", st, got, err)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
