package xray

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// BenchmarkParseMap measures parse + validate + map of one datagram, for a
// typical small segment (an HTTP request with no subsegments) and for the
// cart segment (17 entities, 5 KB). Reports segments (documents) per second.
func BenchmarkParseMap(b *testing.B) {
	for _, name := range []string{"missing_shop.json", "cart_shop.json"} {
		dg := datagram(bytes.TrimSpace(readDoc(b, name)))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(dg)))
			b.ReportAllocs()
			spans := 0
			for b.Loop() {
				body, e := splitDatagram(dg)
				if e != nil {
					b.Fatal(e)
				}
				d, e := parseDocument(body)
				if e != nil {
					b.Fatal(e)
				}
				spans += len(mapDocument(model.DefaultProject, d, string(bytes.TrimSpace(body))))
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "segments/s")
			b.ReportMetric(float64(spans)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}

// countingSink accepts everything and counts spans, keeping none.
type countingSink struct {
	recordingSink
	spans atomic.Int64
}

func (s *countingSink) Submit(_ context.Context, b *model.Batch) (pipeline.Result, error) {
	s.spans.Add(int64(len(b.Spans)))
	return pipeline.Result{}, nil
}

// BenchmarkUDPReceive blasts typical segments over loopback at a receiver
// whose sink accepts at once, and reports how many arrived per second and
// the share lost: dropped by the kernel when the socket buffer overflowed
// (invisible to the receiver) or dropped and counted by the receiver.
func BenchmarkUDPReceive(b *testing.B) {
	sink := &countingSink{}
	cfg := testConfig()
	r, err := New(cfg, sink)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Listen(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Serve() }()
	c, err := net.DialUDP("udp", nil, r.UDPAddr().(*net.UDPAddr))
	if err != nil {
		b.Fatal(err)
	}
	dg := datagram(bytes.TrimSpace(readDoc(b, "missing_shop.json")))
	b.SetBytes(int64(len(dg)))
	start := time.Now()
	for b.Loop() {
		if _, err := c.Write(dg); err != nil {
			b.Fatal(err)
		}
	}
	sent := b.N
	waitIdle(func() int { return int(sink.spans.Load()) }, 100*time.Millisecond, 10*time.Second)
	elapsed := time.Since(start)
	_ = c.Close()
	if err := r.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	got := int(sink.spans.Load())
	read := counter(r.m.received.WithLabelValues("udp"))
	b.ReportMetric(float64(got)/elapsed.Seconds(), "segments/s")
	b.ReportMetric(100*float64(sent-got)/float64(sent), "%lost")
	b.ReportMetric(100*(float64(sent)-read)/float64(sent), "%lost_in_kernel") // not seen, not counted
	b.ReportMetric(100*counter(r.m.rejected.WithLabelValues("udp", "overloaded"))/float64(sent), "%dropped_counted")
}
