package errortrack

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// Config sets the Service's write queue.
type Config struct {
	// QueueOccurrences bounds the occurrences waiting for their commit
	// (those being committed included); beyond it Record fails at once
	// with pipeline.ErrOverloaded. Default 1,024.
	QueueOccurrences int
	// MaxQueueBytes bounds the bytes of raw payload data
	// (ErrorOccurrence.Data) waiting likewise, so memory stays bounded. An
	// occurrence larger than it is still taken when nothing else waits.
	// Default 64 MiB.
	MaxQueueBytes int64
	// MaxBatch caps the occurrences committed in one transaction.
	// Default 256.
	MaxBatch int
	// BatchWait is how long, under load (the previous commit held more
	// than one occurrence), a batch may wait to fill before it is
	// committed: fewer, larger commits. A lone occurrence is committed at
	// once. Default 5 ms; 0 never waits; at most 1 s.
	BatchWait time.Duration
	// Admit, when set, is asked before each occurrence is queued; an
	// error refuses it as retryable (see pipeline.QueueConfig.Admit).
	Admit func() error
	// ScrubFields are member and query parameter names whose values are
	// masked in stored payloads (scrub.go). Default DefaultScrubFields;
	// an empty, non-nil list scrubs nothing.
	ScrubFields []string

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()
	Now        func() time.Time      // nil: time.Now
}

// DefaultConfig returns limits for a small machine.
func DefaultConfig() Config {
	return Config{
		QueueOccurrences: 1024,
		MaxQueueBytes:    64 << 20,
		MaxBatch:         256,
		BatchWait:        5 * time.Millisecond,
		ScrubFields:      DefaultScrubFields,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.QueueOccurrences <= 0:
		return errors.New("errortrack: QueueOccurrences must be positive")
	case c.MaxQueueBytes <= 0:
		return errors.New("errortrack: MaxQueueBytes must be positive")
	case c.MaxBatch <= 0:
		return errors.New("errortrack: MaxBatch must be positive")
	case c.BatchWait < 0 || c.BatchWait > time.Second:
		return errors.New("errortrack: BatchWait must be between 0 and 1s")
	}
	return nil
}

// Service is the write side of error tracking: it groups occurrences into
// items and commits them, many reports per transaction, through a bounded
// queue, and applies users' edits to items. It is safe for concurrent use;
// start it with Run.
type Service struct {
	cfg     Config
	w       store.ErrorWriter
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics
	scrub   *Scrubber
	queue   *pipeline.Queue[*model.ErrorOccurrence, store.Recorded]
}

// New builds a service that writes through w.
func New(cfg Config, w store.ErrorWriter) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errors.New("errortrack: store is nil")
	}
	s := &Service{cfg: cfg, w: w, log: cfg.Logger, now: cfg.Now, scrub: NewScrubber(cfg.ScrubFields)}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "errortrack")
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.metrics, err = newMetrics(cfg.Registerer); err != nil {
		return nil, err
	}
	s.queue, err = pipeline.NewQueue(pipeline.QueueConfig{
		MaxItems: cfg.QueueOccurrences, MaxBytes: cfg.MaxQueueBytes,
		MaxCommitItems: cfg.MaxBatch, MaxWait: cfg.BatchWait, SplitOnError: true, Admit: cfg.Admit,
		MetricPrefix: "lookout_occurrence_", Registerer: cfg.Registerer, Logger: s.log,
	}, committer{s})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Record masks the scrub fields of occ.Data, groups occ by ev (it sets
// occ.Fingerprint), commits it with its item and returns, once both are
// durable, what the store recorded: a re-sent UUID is a Duplicate and
// changes nothing. It fails at once with pipeline.ErrOverloaded when the
// queue is full, pipeline.ErrClosed once Run stopped, and Admit's error
// (retryable) when it refuses; any other error means the commit failed and
// nothing of occ is stored. ctx only stops the waiting, not the commit.
func (s *Service) Record(ctx context.Context, occ *model.ErrorOccurrence, ev Event) (store.Recorded, error) {
	occ.Data = s.scrub.Payload(occ.Data)
	occ.Fingerprint = Fingerprint(ev)
	s.metrics.received.Inc()
	room, err := s.queue.Reserve(1, int64(len(occ.Data)))
	if err == nil {
		var pending pipeline.Pending[store.Recorded]
		if pending, err = s.queue.Enqueue(room, occ); err == nil {
			return pending.Wait(ctx)
		}
	}
	s.metrics.rejected.WithLabelValues(pipeline.RefusalReason(err)).Inc()
	return store.Recorded{}, err
}

// Capacity is how many occurrences may wait for a commit.
func (s *Service) Capacity() int { return s.cfg.QueueOccurrences }

// Run commits queued occurrences until ctx is done, then refuses new ones
// and commits what is already queued before returning.
func (s *Service) Run(ctx context.Context) { s.queue.Run(ctx) }

// Stopped is closed when Run has returned.
func (s *Service) Stopped() <-chan struct{} { return s.queue.Stopped() }

// InvalidPatchError is an edit that breaks a rule of ApplyPatch; its text
// names the field.
type InvalidPatchError struct{ Err error }

func (e *InvalidPatchError) Error() string { return e.Err.Error() }
func (e *InvalidPatchError) Unwrap() error { return e.Err }

// PatchItem applies a user's edit to the project's item id, atomically, as
// of the service's clock, and returns the item as stored. An invalid edit
// changes nothing and comes back as an *InvalidPatchError; a missing item
// as store.ErrNotFound.
func (s *Service) PatchItem(ctx context.Context, project string, id int64, p Patch) (model.Item, error) {
	now := s.now().UTC()
	return s.w.UpdateItem(ctx, project, id, func(it *model.Item) error {
		if err := ApplyPatch(it, p, now); err != nil {
			return &InvalidPatchError{Err: err}
		}
		return nil
	})
}
