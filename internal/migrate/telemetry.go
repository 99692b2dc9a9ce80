package migrate

import (
	"context"
	"fmt"
	"iter"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// kind is what copying one kind of telemetry item needs to know of it.
type kind[T any] struct {
	name  string // plural, for progress lines
	dump  func(d store.Dumper, ctx context.Context, start, end time.Time) iter.Seq2[T, error]
	time  func(*T) int64 // the time the stores partition and dump it by
	batch func([]T) *model.Batch
}

var (
	spanKind = kind[model.Span]{
		name:  "spans",
		dump:  store.Dumper.DumpSpans,
		time:  func(s *model.Span) int64 { return s.StartUnixNano },
		batch: func(s []model.Span) *model.Batch { return &model.Batch{Spans: s} },
	}
	logKind = kind[model.LogEvent]{
		name:  "log events",
		dump:  store.Dumper.DumpLogs,
		time:  (*model.LogEvent).EffectiveTimeUnixNano,
		batch: func(l []model.LogEvent) *model.Batch { return &model.Batch{Logs: l} },
	}
	metricKind = kind[model.MetricPoint]{
		name:  "metric points",
		dump:  store.Dumper.DumpMetricPoints,
		time:  func(m *model.MetricPoint) int64 { return m.TimeUnixNano },
		batch: func(m []model.MetricPoint) *model.Batch { return &model.Batch{Metrics: m} },
	}
)

// telemetry copies every partition of the source, oldest first.
func (c *copier) telemetry(ctx context.Context) error {
	parts, err := c.from.Telemetry.Partitions(ctx)
	if err != nil {
		return fmt.Errorf("source partitions: %w", err)
	}
	targetParts, err := c.to.Telemetry.Partitions(ctx)
	if err != nil {
		return fmt.Errorf("target partitions: %w", err)
	}
	have := map[string]bool{}
	for _, p := range targetParts {
		have[p.Name] = true
	}
	for i, p := range parts {
		began := time.Now()
		// A partition the target has may hold some of what is copied (an
		// earlier run, or data the cluster took meanwhile): compare.
		compare := have[p.Name]
		spans, err := copyKind(ctx, c, spanKind, p, compare)
		if err != nil {
			return err
		}
		logs, err := copyKind(ctx, c, logKind, p, compare)
		if err != nil {
			return err
		}
		metrics, err := copyKind(ctx, c, metricKind, p, compare)
		if err != nil {
			return err
		}
		c.report.Partitions++
		c.report.Spans.add(spans)
		c.report.Logs.add(logs)
		c.report.MetricPoints.add(metrics)
		c.printf("partition %s (%d of %d): %d spans, %d log events, %d metric points copied; %d already there (%s)",
			p.Name, i+1, len(parts), spans.Copied, logs.Copied, metrics.Copied,
			spans.Skipped+logs.Skipped+metrics.Skipped, time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// copyKind copies the items of one kind in partition p in batches of about
// cfg.Batch: a batch ends between two items of different times, so that
// the target can be asked for exactly the items of the batch's time range.
// The next batch is read from the source while the last one is written,
// so a copy costs about the slower side rather than the sum of both.
func copyKind[T any](ctx context.Context, c *copier, k kind[T], p store.Partition, compare bool) (Counts, error) {
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan []T, 1)
	var readErr error // set before batches closes
	defer func() {
		cancel()
		for range batches { // until the reader has stopped
		}
	}()
	go func() {
		defer close(batches)
		send := func(b []T) bool {
			select {
			case batches <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		batch := make([]T, 0, c.cfg.Batch)
		for v, err := range k.dump(c.from.Telemetry, ctx, p.Start, p.End) {
			if err != nil {
				readErr = fmt.Errorf("partition %s: read %s: %w", p.Name, k.name, err)
				return
			}
			if len(batch) >= c.cfg.Batch && k.time(&v) != k.time(&batch[len(batch)-1]) {
				if !send(batch) {
					return
				}
				batch = make([]T, 0, c.cfg.Batch)
			}
			batch = append(batch, v)
		}
		if len(batch) > 0 {
			send(batch)
		}
	}()
	var n Counts
	last := time.Now()
	for batch := range batches {
		todo := batch
		if compare {
			var err error
			if todo, err = missing(ctx, c.to.Telemetry, k, batch); err != nil {
				return n, fmt.Errorf("partition %s: %s in the target: %w", p.Name, k.name, err)
			}
		}
		if len(todo) > 0 {
			if err := c.to.Telemetry.Write(ctx, k.batch(todo)); err != nil {
				return n, fmt.Errorf("partition %s: write %d %s: %w", p.Name, len(todo), k.name, err)
			}
		}
		n.Copied += int64(len(todo))
		n.Skipped += int64(len(batch) - len(todo))
		if time.Since(last) >= c.cfg.ProgressEvery {
			last = time.Now()
			c.printf("partition %s: %d %s copied so far", p.Name, n.Copied+n.Skipped, k.name)
		}
	}
	return n, readErr
}

// missing returns the items of batch (in time order) that the target does
// not hold: it reads the target's items of the batch's time range and
// takes each equal one off once, so that items the source holds twice are
// copied twice.
func missing[T any](ctx context.Context, to store.Store, k kind[T], batch []T) ([]T, error) {
	first, last := k.time(&batch[0]), k.time(&batch[len(batch)-1])
	there := map[itemKey]int{}
	for v, err := range k.dump(to, ctx, time.Unix(0, first), time.Unix(0, last).Add(1)) {
		if err != nil {
			return nil, err
		}
		there[keyOf(v)]++
	}
	if len(there) == 0 {
		return batch, nil
	}
	var out []T
	for _, v := range batch {
		key := keyOf(v)
		if there[key] > 0 {
			there[key]--
			continue
		}
		out = append(out, v)
	}
	return out, nil
}
