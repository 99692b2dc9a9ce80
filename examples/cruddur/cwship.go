package cruddur

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// PutLogEvents limits, as the CloudWatch Logs API states them.
const (
	cwMaxBatchCount = 10000
	cwMaxBatchBytes = 1 << 20 // counting 26 bytes per event on top of its message
	cwEventOverhead = 26
	cwMaxBatchSpan  = 24 * time.Hour
	// cwMaxMessage is watchtower's cut: longer messages are truncated.
	cwMaxMessage = 256*1024 - cwEventOverhead
	// cwMaxQueued bounds what waits between two sends; past it new events
	// are dropped and counted.
	cwMaxQueued = 4 * cwMaxBatchCount
)

// cwAPI is the part of the CloudWatch Logs client the shipper calls.
type cwAPI interface {
	CreateLogGroup(context.Context, *cwl.CreateLogGroupInput, ...func(*cwl.Options)) (*cwl.CreateLogGroupOutput, error)
	CreateLogStream(context.Context, *cwl.CreateLogStreamInput, ...func(*cwl.Options)) (*cwl.CreateLogStreamOutput, error)
	PutLogEvents(context.Context, *cwl.PutLogEventsInput, ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error)
}

// cwShipper queues log events and sends them with PutLogEvents, as
// watchtower does: every send interval, or at once when a batch is full;
// in timestamp order, batches cut at the API's limits; the group and the
// stream created on the first send (and again when PutLogEvents says they
// are gone). Events of a batch the API refuses are logged and dropped.
type cwShipper struct {
	api           cwAPI
	group, stream string
	interval      time.Duration
	log           *slog.Logger

	mu      sync.Mutex
	queue   []types.InputLogEvent
	bytes   int
	dropped int
	kick    chan struct{}

	ready bool // group and stream exist; touched by the sending goroutine only
}

func newCWShipper(api cwAPI, group, stream string, interval time.Duration, log *slog.Logger) *cwShipper {
	return &cwShipper{api: api, group: group, stream: stream, interval: interval, log: log, kick: make(chan struct{}, 1)}
}

func (s *cwShipper) put(at time.Time, msg string) {
	if len(msg) > cwMaxMessage {
		msg = msg[:cwMaxMessage]
		for !utf8.ValidString(msg) {
			msg = msg[:len(msg)-1]
		}
	}
	if msg == "" {
		return
	}
	s.mu.Lock()
	if len(s.queue) >= cwMaxQueued {
		s.dropped++
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, types.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)})
	s.bytes += len(msg) + cwEventOverhead
	full := len(s.queue) >= cwMaxBatchCount || s.bytes >= cwMaxBatchBytes
	s.mu.Unlock()
	if full {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// run sends what is queued until ctx is done, then sends the rest, giving
// it stopTimeout.
func (s *cwShipper) run(ctx context.Context, stopTimeout time.Duration) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
			s.flush(fctx)
			cancel()
			return
		case <-t.C:
		case <-s.kick:
		}
		s.flush(ctx)
	}
}

func (s *cwShipper) flush(ctx context.Context) {
	s.mu.Lock()
	evs, dropped := s.queue, s.dropped
	s.queue, s.bytes, s.dropped = nil, 0, 0
	s.mu.Unlock()
	if dropped > 0 {
		s.log.Warn("cloudwatch logs: queue full, events dropped", "group", s.group, "stream", s.stream, "dropped", dropped)
	}
	sort.SliceStable(evs, func(i, j int) bool { return *evs[i].Timestamp < *evs[j].Timestamp })
	for len(evs) > 0 {
		n := cwBatchLen(evs)
		if err := s.send(ctx, evs[:n]); err != nil {
			s.log.Warn("cloudwatch logs: events dropped", "group", s.group, "stream", s.stream, "events", n, "err", err)
		}
		evs = evs[n:]
	}
}

// cwBatchLen is how many of the sorted events fit one PutLogEvents call.
func cwBatchLen(evs []types.InputLogEvent) int {
	size := 0
	first := *evs[0].Timestamp
	for i, e := range evs {
		size += len(*e.Message) + cwEventOverhead
		if i == cwMaxBatchCount || size > cwMaxBatchBytes || *e.Timestamp-first > cwMaxBatchSpan.Milliseconds() {
			return max(i, 1)
		}
	}
	return len(evs)
}

func (s *cwShipper) send(ctx context.Context, batch []types.InputLogEvent) error {
	in := &cwl.PutLogEventsInput{LogGroupName: aws.String(s.group), LogStreamName: aws.String(s.stream), LogEvents: batch}
	if !s.ready {
		if err := s.create(ctx); err != nil {
			return err
		}
	}
	_, err := s.api.PutLogEvents(ctx, in)
	var gone *types.ResourceNotFoundException
	if errors.As(err, &gone) {
		s.ready = false
		if err := s.create(ctx); err != nil {
			return err
		}
		_, err = s.api.PutLogEvents(ctx, in)
	}
	if err != nil {
		return fmt.Errorf("put log events to %s/%s: %w", s.group, s.stream, err)
	}
	return nil
}

// create makes the group and the stream; either may exist already.
func (s *cwShipper) create(ctx context.Context) error {
	var exists *types.ResourceAlreadyExistsException
	if _, err := s.api.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(s.group)}); err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create log group %q: %w", s.group, err)
	}
	if _, err := s.api.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(s.group),
		LogStreamName: aws.String(s.stream)}); err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create log stream %q in %q: %w", s.stream, s.group, err)
	}
	s.ready = true
	return nil
}
