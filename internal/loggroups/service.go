// Package loggroups decides what CloudWatch Logs' writes do to the events
// of a log group: which events of a PutLogEvents batch are stored (the
// service's time window, the group's retention), their ingestion stamps,
// their commit through the pipeline and their stream's figures; and that
// deleting a group or a stream, or setting a retention policy, takes the
// events with it. internal/receiver/cwlogs translates the API onto it;
// internal/logsearch reads what it wrote.
package loggroups

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// CloudWatch Logs' limits on the events of one PutLogEvents call.
const (
	maxEventFuture = 2 * time.Hour       // ahead of now: TooNew
	maxEventAge    = 14 * 24 * time.Hour // before now: TooOld
	maxBatchSpan   = 24 * time.Hour      // between the first and last stored: ErrSpanTooLong
)

// Config configures a Service.
type Config struct {
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultConfig logs to slog.Default() on the wall clock.
func DefaultConfig() Config { return Config{} }

// Validate reports the first invalid field; every Config is valid.
func (c Config) Validate() error { return nil }

// Sink commits a batch durably before returning (items listed in the
// result's Rejected were refused) and records items refused before
// submission (kind "log"). *pipeline.Pipeline implements it.
type Sink interface {
	Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error)
	Rejected(kind, project, service, reason, message string, n int)
}

// Meta keeps groups, streams and the streams' figures; store.LogGroups
// implementations satisfy it.
type Meta interface {
	DeleteLogGroup(ctx context.Context, project, name string) error
	DeleteLogStream(ctx context.Context, project, group, name string) error
	SetRetention(ctx context.Context, project, name string, days int) error
	RecordLogEvents(ctx context.Context, add store.LogStream) error
}

// EventDeleter deletes the stored events of a log group, or of one of its
// streams when stream is set, with event time before beforeNano (0: all).
// store.LogGroupEvents implementations satisfy it.
type EventDeleter interface {
	DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error)
}

// Expirer deletes a log group's events older than days.
// *retention.LogGroups implements it.
type Expirer interface {
	ExpireGroup(ctx context.Context, project, group string, days int) error
}

// Deps are what a Service writes through. Every field is required.
type Deps struct {
	Sink    Sink         // the events
	Meta    Meta         // groups, streams and the streams' figures
	Events  EventDeleter // the events of deleted groups and streams
	Expirer Expirer      // the events past a new retention policy
}

// Service applies the writes. It is safe for concurrent use and starts no
// goroutine.
type Service struct {
	cfg   Config
	d     Deps
	log   *slog.Logger
	now   func() time.Time
	clock *ingestClock
}

// New builds the service.
func New(cfg Config, d Deps) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Sink == nil || d.Meta == nil || d.Events == nil || d.Expirer == nil {
		return nil, errors.New("loggroups: sink, metadata store, event deleter and expirer are required")
	}
	s := &Service{cfg: cfg, d: d, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.clock = &ingestClock{now: s.now}
	return s, nil
}

// DeleteGroup deletes a group with its streams and every event stored in
// it; store.ErrNotFound when the project has no such group.
func (s *Service) DeleteGroup(ctx context.Context, project, group string) error {
	if err := s.d.Meta.DeleteLogGroup(ctx, project, group); err != nil {
		return err
	}
	_, err := s.d.Events.DeleteGroupEvents(ctx, project, group, "", 0)
	return err
}

// DeleteStream deletes a stream and its events; store.ErrNotFound when the
// group has no such stream.
func (s *Service) DeleteStream(ctx context.Context, project, group, stream string) error {
	if err := s.d.Meta.DeleteLogStream(ctx, project, group, stream); err != nil {
		return err
	}
	_, err := s.d.Events.DeleteGroupEvents(ctx, project, group, stream, 0)
	return err
}

// SetRetention sets a group's retention policy in days (0: none, events
// kept until the store's own retention drops them) and deletes the events
// a policy no longer keeps at once, so that its effect shows in the next
// listing; store.ErrNotFound when the project has no such group.
func (s *Service) SetRetention(ctx context.Context, project, group string, days int) error {
	if err := s.d.Meta.SetRetention(ctx, project, group, days); err != nil || days == 0 {
		return err
	}
	return s.d.Expirer.ExpireGroup(ctx, project, group, days)
}
