package compat

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// smallDisk mounts a tmpfs of the given size ("64m") on a new directory;
// it skips the test where mounting is not permitted (not root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("needs a small file system (mount -t tmpfs, as root): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// growDisk gives the tmpfs at dir a new size: space comes back.
func growDisk(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size="+size, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v: %s", dir, err, out)
	}
}

func freeBytes(t *testing.T, dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}

// acks is what the writers were told: every acknowledged item, the count of
// refusals by writer, and any failure that is not a protocol's retryable
// error.
type acks struct {
	mu         sync.Mutex
	traces     map[trace.TraceID]int // spans per trace
	rollbar    map[string]string     // trace id (hex) → occurrence uuid
	cwEvents   map[string]bool       // message
	acked      map[string]int        // by writer
	refused    map[string]int        // by writer
	failed     map[string]int        // by writer, refusals included
	unexpected []string
}

func newAcks() *acks {
	return &acks{traces: map[trace.TraceID]int{}, rollbar: map[string]string{}, cwEvents: map[string]bool{},
		acked: map[string]int{}, refused: map[string]int{}, failed: map[string]int{}}
}

func (a *acks) counts(writer string) (acked, refused int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.acked[writer], a.refused[writer]
}

func (a *acks) failures(writer string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failed[writer]
}

func (a *acks) outcome(writer string, err error, retryable bool, onAck func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.failed[writer]++
	}
	switch {
	case err == nil:
		a.acked[writer]++
		onAck()
	case retryable:
		a.refused[writer]++
	default:
		if len(a.unexpected) < 20 {
			a.unexpected = append(a.unexpected, writer+": "+err.Error())
		}
	}
}

// writers runs one writer per protocol until stop: OTLP over gRPC and over
// HTTP with the official exporters (retries off, so each refusal shows),
// Rollbar reports over HTTP, CloudWatch Logs with the official SDK.
type writers struct {
	stop atomic.Bool
	wg   sync.WaitGroup
	seq  atomic.Uint64
}

func (w *writers) start(t *testing.T, in *instance, a *acks) {
	ctx := context.Background()
	grpcExp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure(),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	httpExp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	for name, exp := range map[string]sdktrace.SpanExporter{"otlp-grpc": grpcExp, "otlp-http": httpExp} {
		w.wg.Go(func() {
			defer exp.Shutdown(context.Background())
			for !w.stop.Load() {
				id, batch := fillerSpans(w.seq.Add(1), 200)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err := exp.ExportSpans(ctx, batch)
				cancel()
				// gRPC UNAVAILABLE, HTTP 503: the exporters' retryable answers.
				retry := err != nil && (strings.Contains(err.Error(), "Unavailable") || strings.Contains(err.Error(), "retry-able"))
				a.outcome(name, err, retry, func() { a.traces[id] = len(batch) })
			}
		})
	}

	w.wg.Go(func() {
		for !w.stop.Load() {
			n := w.seq.Add(1)
			var tid [16]byte
			binary.BigEndian.PutUint64(tid[:8], uint64(time.Now().UnixNano()))
			binary.BigEndian.PutUint64(tid[8:], n)
			uuid := fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
			code, err := postRollbar(in.HTTP, hex.EncodeToString(tid[:]), uuid, n)
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("status %d", code)
			}
			retry := code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests
			a.outcome("rollbar", err, retry, func() { a.rollbar[hex.EncodeToString(tid[:])] = uuid })
		}
	})

	// The SDK's own retries off, so that each refusal shows.
	c := cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String(in.HTTP), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	w.wg.Go(func() {
		for !w.stop.Load() {
			n := w.seq.Add(1)
			var events []types.InputLogEvent
			now := time.Now()
			for k := range 20 {
				events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli()),
					Message: aws.String(fmt.Sprintf("cw-%d-%d %s", n, k, filler(n*100+uint64(k), 300)))})
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			_, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(cwGroup),
				LogStreamName: aws.String(cwStream), LogEvents: events})
			cancel()
			var ae smithy.APIError
			retry := errors.As(err, &ae) && (ae.ErrorCode() == "ServiceUnavailableException" || ae.ErrorCode() == "ThrottlingException")
			a.outcome("cwlogs", err, retry, func() {
				for _, e := range events {
					a.cwEvents[aws.ToString(e.Message)] = true
				}
			})
		}
	})
}

func (w *writers) halt() {
	w.stop.Store(true)
	w.wg.Wait()
}

const cwGroup, cwStream = "/compat/disk", "writer-1"

// filler is n's incompressible padding: the disk fills in few requests.
func filler(n uint64, size int) string {
	r := rand.New(rand.NewPCG(n, 3))
	b := make([]byte, size)
	for i := range b {
		b[i] = 'a' + byte(r.IntN(26))
	}
	return string(b)
}

// fillerSpans is spanBatch with a root and padded attributes.
func fillerSpans(seq uint64, n int) (trace.TraceID, []sdktrace.ReadOnlySpan) {
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[:8], uint64(time.Now().UnixNano()))
	binary.BigEndian.PutUint64(tid[8:], seq)
	res := resource.NewSchemaless(attribute.String("service.name", "disk-test"))
	now := time.Now()
	stubs := make(tracetest.SpanStubs, n)
	var root trace.SpanContext
	for i := range stubs {
		var sid trace.SpanID
		binary.BigEndian.PutUint64(sid[:], seq<<20|uint64(i+1))
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
		stubs[i] = tracetest.SpanStub{
			Name: fmt.Sprintf("op-%d", i%10), SpanContext: sc, SpanKind: trace.SpanKindServer,
			StartTime: now, EndTime: now.Add(time.Duration(i) * time.Millisecond),
			Attributes: []attribute.KeyValue{attribute.String("filler", filler(seq<<20|uint64(i), 300))},
			Resource:   res,
		}
		if i == 0 {
			root = sc
		} else {
			stubs[i].Parent = root
		}
	}
	return tid, stubs.Snapshots()
}

// postRollbar posts one report, as a Rollbar SDK would, linked to a trace
// so that it can be found again by /api/errors.
func postRollbar(base, traceID, uuid string, n uint64) (int, error) {
	body, _ := json.Marshal(map[string]any{
		"access_token": "0123456789abcdef0123456789abcdef",
		"data": map[string]any{
			"environment": "production", "level": "error", "uuid": uuid, "fingerprint": "disk-test",
			"body":   map[string]any{"message": map[string]any{"body": fmt.Sprintf("disk test %d", n)}},
			"custom": map[string]any{"trace_id": traceID, "pad": filler(n, 1000)},
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/1/item/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// checkAcked reads every acknowledged item back from in.
func checkAcked(t *testing.T, in *instance, a *acks) {
	t.Helper()
	missing := 0
	report := func(format string, args ...any) {
		if missing++; missing <= 10 {
			t.Errorf(format, args...)
		}
	}
	for id, n := range a.traces {
		var got otlpTrace
		if code := getJSON(t, in.HTTP+"/api/traces/"+id.String(), &got); code != 200 {
			report("acknowledged trace %s: status %d", id, code)
			continue
		}
		if spans := got.distinctSpans(); spans != n {
			report("acknowledged trace %s: %d of %d spans", id, spans, n)
		}
	}
	for tid, uuid := range a.rollbar {
		var got struct {
			Errors []struct {
				UUID string `json:"uuid"`
			} `json:"errors"`
		}
		code := getJSON(t, in.HTTP+"/api/errors?traceID="+tid, &got)
		found := false
		for _, e := range got.Errors {
			found = found || e.UUID == uuid
		}
		if code != 200 || !found {
			report("acknowledged rollbar occurrence %s (trace %s): status %d, found %+v", uuid, tid, code, got.Errors)
		}
	}
	seen := map[string]bool{}
	c := cwClient(in)
	var tok *string
	for range 10000 {
		p, err := c.GetLogEvents(context.Background(), &cwl.GetLogEventsInput{LogGroupName: aws.String(cwGroup),
			LogStreamName: aws.String(cwStream), StartFromHead: aws.Bool(true), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			seen[aws.ToString(e.Message)] = true
		}
		if len(p.Events) == 0 || (tok != nil && aws.ToString(p.NextForwardToken) == *tok) {
			break
		}
		tok = p.NextForwardToken
	}
	for msg := range a.cwEvents {
		if !seen[msg] {
			report("acknowledged log event %.24s… missing", msg)
		}
	}
	if missing > 0 {
		t.Errorf("%d acknowledged items missing or incomplete", missing)
	}
}
