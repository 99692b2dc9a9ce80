package xray

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// HTTP transports of the SDK app keep idle connections a moment.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// recordingSink records submitted batches and refusals. Queued errors are
// returned, one per Submit, before it starts accepting.
type recordingSink struct {
	mu       sync.Mutex
	batches  []*model.Batch
	errs     []error
	result   func(*model.Batch) pipeline.Result
	refusals []refusal
	calls    int
}

type refusal struct {
	project, service, reason, message string
	n                                 int
}

func (s *recordingSink) Submit(_ context.Context, b *model.Batch) (pipeline.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return pipeline.Result{}, err
	}
	s.batches = append(s.batches, b)
	if s.result != nil {
		return s.result(b), nil
	}
	return pipeline.Result{}, nil
}

func (s *recordingSink) Rejected(kind, project, service, reason, message string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind != kindSpan {
		panic("unexpected kind " + kind)
	}
	s.refusals = append(s.refusals, refusal{project, service, reason, message, n})
}

func (s *recordingSink) failWith(errs ...error) {
	s.mu.Lock()
	s.errs = append(s.errs, errs...)
	s.mu.Unlock()
}

func (s *recordingSink) spans() []model.Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.Span
	for _, b := range s.batches {
		out = append(out, b.Spans...)
	}
	return out
}

func (s *recordingSink) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *recordingSink) batchCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.batches)
}

func (s *recordingSink) reasons() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, r := range s.refusals {
		out[r.reason] += r.n
	}
	return out
}

// readDoc returns a captured document from testdata/sdk.
func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sdkDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// datagram prefixes the daemon header.
func datagram(doc []byte) []byte {
	return append([]byte("{\"format\": \"json\", \"version\": 1}\n"), doc...)
}

// The pipeline is the sink the server wires in.
var _ Sink = (*pipeline.Pipeline)(nil)
