package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// loadConfig says what to send and how.
type loadConfig struct {
	GRPCAddr    string // host:port, for protocol grpc
	HTTPURL     string // base URL, for protocol http
	Protocol    string // grpc or http
	Compression string // none or gzip
	Spans       int
	Batch       int // spans per export, rounded down to whole traces
	Concurrency int
	Timeout     time.Duration // per export attempt
	MaxAttempts int
	Gen         genConfig
	Seed        uint64
	Progress    func(acked int64) // called every few seconds; may be nil
}

// loadResult counts only what the server acknowledged.
type loadResult struct {
	Wall          time.Duration
	AckedSpans    int64
	AckedBatches  int64
	Resends       int64 // attempts after a retryable error, each a full resend
	FailedBatches int64 // given up: not retryable, or MaxAttempts reached
	FailedSpans   int64
	Rejected      int64            // spans refused by a partial-success reply
	Errors        map[string]int64 // failed attempts by cause
	AckLatency    []time.Duration  // per acknowledged export: last attempt's duration
	TraceIDs      []trace.TraceID  // traces whose every span was acknowledged
}

// runLoad sends cfg.Spans spans with cfg.Concurrency exporters and returns when
// every batch is acknowledged or given up.
func runLoad(ctx context.Context, cfg loadConfig) (*loadResult, error) {
	spt := cfg.Gen.SpansPerTrace
	tracesPerBatch := max(1, cfg.Batch/spt)
	totalTraces := int64(cfg.Spans / spt)
	var next atomic.Int64 // traces claimed so far
	var acked atomic.Int64
	res := &loadResult{Errors: map[string]int64{}}
	var mu sync.Mutex

	exporters := make([]sdktrace.SpanExporter, cfg.Concurrency)
	for i := range exporters {
		exp, err := newExporter(ctx, cfg)
		if err != nil {
			return nil, err
		}
		exporters[i] = exp
	}
	defer func() {
		for _, e := range exporters {
			_ = e.Shutdown(context.Background())
		}
	}()

	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-t.C:
				if cfg.Progress != nil {
					cfg.Progress(acked.Load())
				}
			}
		}
	}()

	start := time.Now()
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Go(func() {
			var local loadResult
			local.Errors = map[string]int64{}
			gen := newGenerator(cfg.Gen, cfg.Seed*1000+uint64(w))
			exp := exporters[w]
			batch := make([]sdktrace.ReadOnlySpan, 0, tracesPerBatch*spt)
			ids := make([]trace.TraceID, 0, tracesPerBatch)
			for ctx.Err() == nil {
				first := next.Add(int64(tracesPerBatch)) - int64(tracesPerBatch)
				if first >= totalTraces {
					break
				}
				n := min(int64(tracesPerBatch), totalTraces-first)
				batch, ids = batch[:0], ids[:0]
				for k := range n {
					var id trace.TraceID
					id, batch = gen.trace(batch, gen.startOf(first+k, totalTraces))
					ids = append(ids, id)
				}
				if exportWithRetry(ctx, cfg, exp, batch, &local) {
					local.TraceIDs = append(local.TraceIDs, ids...)
					acked.Add(int64(len(batch)))
				}
			}
			mu.Lock()
			res.merge(&local)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Wall = time.Since(start)
	close(stopProgress)
	<-progressDone
	return res, ctx.Err()
}

func (r *loadResult) merge(o *loadResult) {
	r.AckedSpans += o.AckedSpans
	r.AckedBatches += o.AckedBatches
	r.Resends += o.Resends
	r.FailedBatches += o.FailedBatches
	r.FailedSpans += o.FailedSpans
	r.Rejected += o.Rejected
	for k, v := range o.Errors {
		r.Errors[k] += v
	}
	r.AckLatency = append(r.AckLatency, o.AckLatency...)
	r.TraceIDs = append(r.TraceIDs, o.TraceIDs...)
}

// exportWithRetry sends one batch until it is acknowledged, resending after a
// retryable error (the exporter's own retry is off, so every resend is seen
// and counted here). It reports whether every span was acknowledged.
func exportWithRetry(ctx context.Context, cfg loadConfig, exp sdktrace.SpanExporter, batch []sdktrace.ReadOnlySpan, r *loadResult) bool {
	backoff := 5 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		t0 := time.Now()
		err := exp.ExportSpans(actx, batch)
		d := time.Since(t0)
		cancel()
		if err == nil {
			r.AckedSpans += int64(len(batch))
			r.AckedBatches++
			r.AckLatency = append(r.AckLatency, d)
			return true
		}
		if n, ok := partialRejected(err); ok {
			// The rest of the batch was committed; the batch's traces are not
			// all whole, so they are not used for trace-by-id queries.
			r.Rejected += n
			r.AckedSpans += int64(len(batch)) - n
			r.AckedBatches++
			r.Errors["partial success"]++
			return false
		}
		cause, retry, wait := classify(err)
		r.Errors[cause]++
		if !retry || attempt >= cfg.MaxAttempts || ctx.Err() != nil {
			if r.FailedBatches == 0 {
				log.Printf("export given up after %d attempts: %v", attempt, err)
			}
			r.FailedBatches++
			r.FailedSpans += int64(len(batch))
			return false
		}
		r.Resends++
		if wait <= 0 {
			wait = backoff/2 + time.Duration(rand.Int64N(int64(backoff)))
			backoff = min(2*backoff, time.Second)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
}

var partialRE = regexp.MustCompile(`OTLP partial success: .* \((\d+) spans rejected\)`)

// partialRejected reads the exporter's partial-success error, whose type is
// internal to the exporter module.
func partialRejected(err error) (int64, bool) {
	m := partialRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, false
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n, true
}

// classify names the cause of a failed export and whether to resend, with
// the server's requested delay when it gave one (gRPC RetryInfo). The HTTP
// exporter's retryable error type is unexported: its message says so.
func classify(err error) (cause string, retry bool, wait time.Duration) {
	if errors.Is(err, context.DeadlineExceeded) {
		return "client timeout", true, 0
	}
	if s, ok := status.FromError(err); ok && s.Code() != codes.Unknown {
		for _, d := range s.Details() {
			if ri, ok := d.(*errdetails.RetryInfo); ok {
				wait = ri.GetRetryDelay().AsDuration()
			}
		}
		switch s.Code() {
		case codes.Unavailable, codes.ResourceExhausted, codes.Aborted, codes.DeadlineExceeded, codes.Canceled:
			return "grpc " + s.Code().String(), true, wait
		}
		return "grpc " + s.Code().String(), false, 0
	}
	msg := err.Error()
	if strings.Contains(msg, "retry-able request failure") {
		return "http retryable", true, 0
	}
	if strings.Contains(msg, "connection refused") || strings.Contains(msg, "connection reset") || strings.Contains(msg, "EOF") {
		return "connection", true, 0
	}
	return "other: " + firstWords(msg, 8), false, 0
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func newExporter(ctx context.Context, cfg loadConfig) (sdktrace.SpanExporter, error) {
	switch cfg.Protocol {
	case "grpc":
		opts := []otlptracegrpc.Option{
			otlptracegrpc.WithEndpoint(cfg.GRPCAddr), otlptracegrpc.WithInsecure(),
			otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
			otlptracegrpc.WithTimeout(cfg.Timeout),
		}
		if cfg.Compression == "gzip" {
			opts = append(opts, otlptracegrpc.WithCompressor("gzip"))
		}
		return otlptracegrpc.New(ctx, opts...)
	case "http":
		opts := []otlptracehttp.Option{
			otlptracehttp.WithEndpointURL(cfg.HTTPURL + "/v1/traces"),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}),
			otlptracehttp.WithTimeout(cfg.Timeout),
		}
		if cfg.Compression == "gzip" {
			opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		}
		return otlptracehttp.New(ctx, opts...)
	}
	return nil, fmt.Errorf("protocol %q: want grpc or http", cfg.Protocol)
}
