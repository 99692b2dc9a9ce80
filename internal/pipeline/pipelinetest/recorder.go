// Package pipelinetest gives receiver tests a stand-in for the pipeline that
// records what it is handed, so a receiver's translation can be checked
// without a store. End-to-end tests use the real pipeline and store instead.
package pipelinetest

import (
	"context"
	"sync"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// Refusal is one Rejected call.
type Refusal struct {
	Kind, Project, Service, Reason, Message string
	N                                       int
}

// Recorder implements the Submit and Rejected methods receivers call. Queued
// errors (FailWith) are returned one per Submit before it starts accepting.
// It is safe for concurrent use.
type Recorder struct {
	// Result, when set, is what Submit returns for an accepted batch.
	Result func(*model.Batch) pipeline.Result

	mu       sync.Mutex
	batches  []*model.Batch
	errs     []error
	refusals []Refusal
	calls    int
}

// Submit records b, or returns the next queued error.
func (r *Recorder) Submit(_ context.Context, b *model.Batch) (pipeline.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if len(r.errs) > 0 {
		err := r.errs[0]
		r.errs = r.errs[1:]
		return pipeline.Result{}, err
	}
	r.batches = append(r.batches, b)
	if r.Result != nil {
		return r.Result(b), nil
	}
	return pipeline.Result{}, nil
}

// Rejected records a refusal reported before Submit.
func (r *Recorder) Rejected(kind, project, service, reason, message string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refusals = append(r.refusals, Refusal{kind, project, service, reason, message, n})
}

// FailWith queues errors for the next Submit calls.
func (r *Recorder) FailWith(errs ...error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, errs...)
}

// Spans returns every accepted span, in order.
func (r *Recorder) Spans() []model.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []model.Span
	for _, b := range r.batches {
		out = append(out, b.Spans...)
	}
	return out
}

// Logs returns every accepted log event, in order.
func (r *Recorder) Logs() []model.LogEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []model.LogEvent
	for _, b := range r.batches {
		out = append(out, b.Logs...)
	}
	return out
}

// Metrics returns every accepted metric point, in order.
func (r *Recorder) Metrics() []model.MetricPoint {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []model.MetricPoint
	for _, b := range r.batches {
		out = append(out, b.Metrics...)
	}
	return out
}

// Calls counts Submit calls, failed ones included.
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// Batches counts accepted batches.
func (r *Recorder) Batches() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches)
}

// Refusals returns a copy of the recorded refusals.
func (r *Recorder) Refusals() []Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Refusal(nil), r.refusals...)
}

// Reasons sums refused items by reason.
func (r *Recorder) Reasons() map[string]int {
	out := map[string]int{}
	for _, f := range r.Refusals() {
		out[f.Reason] += f.N
	}
	return out
}

// AcceptedBatches returns the accepted batches, in order.
func (r *Recorder) AcceptedBatches() []*model.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*model.Batch(nil), r.batches...)
}
