package rollbar

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// job is one occurrence waiting for its commit.
type job struct {
	occ  *model.ErrorOccurrence
	size int64
	done chan outcome // buffered: the writer never blocks on a gone client
}

type outcome struct {
	rec store.Recorded
	err error
}

// writer is the single goroutine that writes occurrences: a bounded queue
// (count and bytes) in front, group commits of up to MaxBatch behind.
type writer struct {
	cfg   Config
	store store.ErrorWriter
	log   *slog.Logger
	now   func() time.Time

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	bytes  int64 // queued payload bytes, under mu (write lock) or bmu
	bmu    sync.Mutex
	queue  chan *job
	stop   chan struct{}
	done   chan struct{}
	last   int // occurrences in the previous commit (writer goroutine only)
}

func newWriter(cfg Config, st store.ErrorWriter, log *slog.Logger, now func() time.Time) *writer {
	return &writer{cfg: cfg, store: st, log: log, now: now,
		queue: make(chan *job, cfg.QueueOccurrences), stop: make(chan struct{}), done: make(chan struct{})}
}

// submit queues occ and waits for its commit. It fails at once with
// pipeline.ErrOverloaded when the queue is full and pipeline.ErrClosed after
// close; ctx only stops the waiting, not the commit.
func (w *writer) submit(ctx context.Context, occ *model.ErrorOccurrence) (store.Recorded, error) {
	j := &job{occ: occ, size: int64(len(occ.Data)), done: make(chan outcome, 1)}
	if err := w.enqueue(j); err != nil {
		return store.Recorded{}, err
	}
	select {
	case o := <-j.done:
		return o.rec, o.err
	case <-ctx.Done():
		return store.Recorded{}, ctx.Err()
	}
}

// enqueue hands j to the writer, or says why not.
func (w *writer) enqueue(j *job) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return pipeline.ErrClosed
	}
	w.bmu.Lock()
	if w.bytes+j.size > w.cfg.MaxQueueBytes {
		w.bmu.Unlock()
		return pipeline.ErrOverloaded
	}
	w.bytes += j.size
	w.bmu.Unlock()
	select {
	case w.queue <- j:
		return nil
	default:
		w.release(j.size)
		return pipeline.ErrOverloaded
	}
}

func (w *writer) release(n int64) {
	w.bmu.Lock()
	w.bytes -= n
	w.bmu.Unlock()
}

// run commits queued jobs until close, then commits what is left.
func (w *writer) run() {
	defer close(w.done)
	var sweep <-chan time.Time
	if w.cfg.Retention > 0 {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		sweep = t.C
		w.expire()
	}
	for {
		select {
		case j := <-w.queue:
			w.commit(w.batch(j))
		case <-sweep:
			w.expire()
		case <-w.stop:
			for {
				select {
				case j := <-w.queue:
					w.commit(w.batch(j))
				default:
					return
				}
			}
		}
	}
}

// batch adds to first whatever else is queued, up to MaxBatch. Under load
// (the previous commit held more than one occurrence) it also collects
// what arrives within BatchWait: the clients served by the previous commit
// are likely to send again, and one commit (one WAL fsync, a fixed CPU
// cost) then serves them all instead of alternating half-full commits. A
// lone report is committed at once.
func (w *writer) batch(first *job) []*job {
	jobs := []*job{first}
	var wait <-chan time.Time
	if w.last > 1 && w.cfg.BatchWait > 0 {
		t := time.NewTimer(w.cfg.BatchWait)
		defer t.Stop()
		wait = t.C
	}
	for len(jobs) < w.cfg.MaxBatch {
		select {
		case j := <-w.queue:
			jobs = append(jobs, j)
			continue
		default:
		}
		if wait == nil {
			break
		}
		select {
		case j := <-w.queue:
			jobs = append(jobs, j)
		case <-wait:
			wait = nil
		case <-w.stop:
			wait = nil
		}
	}
	w.last = len(jobs)
	return jobs
}

func (w *writer) commit(jobs []*job) {
	occs := make([]*model.ErrorOccurrence, len(jobs))
	for i, j := range jobs {
		occs[i] = j.occ
	}
	recs, err := w.store.RecordOccurrences(context.Background(), occs, w.observe)
	if err != nil && len(jobs) > 1 {
		// One bad occurrence must not fail its neighbours: retry alone.
		for _, j := range jobs {
			w.commit([]*job{j})
		}
		return
	}
	for i, j := range jobs {
		o := outcome{err: err}
		if err == nil {
			o.rec = recs[i]
		}
		w.release(j.size)
		j.done <- o
	}
}

func (w *writer) observe(it *model.Item, occ *model.ErrorOccurrence) {
	if t := errortrack.Observe(it, occ); t.Reactivated {
		w.log.Info("rollbar: item reactivated", "project", it.Project, "item", it.ID,
			"counter", it.Counter, "occurrence", occ.ID, "code_version", occ.CodeVersion)
	}
}

func (w *writer) expire() {
	n, err := w.store.DeleteOccurrencesBefore(context.Background(), w.now().Add(-w.cfg.Retention))
	if err != nil {
		w.log.Warn("rollbar: occurrence retention", "err", err)
	} else if n > 0 {
		w.log.Info("rollbar: expired occurrences", "deleted", n, "retention", w.cfg.Retention)
	}
}

func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
	}
	w.mu.Unlock()
	<-w.done
}
