package otlp

import (
	"context"
	"encoding/hex"
	"errors"
	"lookout/internal/pipeline/pipelinetest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/pipeline"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recordingObserver records refusals reported before the sink.
type recordingObserver struct {
	mu   sync.Mutex
	seen []string // "kind/reason/n"
}

func (o *recordingObserver) Rejected(kind, project, service, reason, message string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, kind+"/"+reason)
}

var (
	errRetry     = pipeline.ErrOverloaded
	errPermanent = errors.New("disk is on fire")
)

// startReceiver serves on 127.0.0.1:0 for both protocols until the test ends.
func startReceiver(t *testing.T, mod func(*Config)) (*Receiver, *recordingSink, *recordingObserver) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.RetryAfter = 10 * time.Millisecond
	obs := &recordingObserver{}
	cfg.Observer = obs
	if mod != nil {
		mod(&cfg)
	}
	sink := &recordingSink{}
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return r, sink, obs
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func hexString(b []byte) string { return hex.EncodeToString(b) }

// The pipeline is meant to be plugged in directly as both hooks.
var (
	_ Sink     = (*pipeline.Pipeline)(nil)
	_ Observer = (*pipeline.Pipeline)(nil)
)

// recordingSink records what the receiver hands the pipeline.
type recordingSink = pipelinetest.Recorder
