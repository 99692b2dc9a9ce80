package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// loader puts total events, event i at start + i·span/total, in batches of
// consecutive events; worker w sends batches w, w+workers, ... to its own
// stream, so every batch is in time order and spans little.
type loader struct {
	client        *cwl.Client
	total, batch  int
	workers       int
	start         time.Time
	span, maxTime time.Duration
}

func (l *loader) run(ctx context.Context) error {
	_, err := l.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)})
	var exists *types.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return err
	}
	for w := range l.workers {
		_, err := l.client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group),
			LogStreamName: aws.String(fmt.Sprintf("stream-%d", w))})
		if err != nil && !errors.As(err, &exists) {
			return err
		}
	}
	batches := (l.total + l.batch - 1) / l.batch
	var (
		mu      sync.Mutex
		lat     []time.Duration
		sent    atomic.Int64
		stopped atomic.Bool
		wg      sync.WaitGroup
		errs    = make([]error, l.workers)
	)
	t0 := time.Now()
	go func() { // progress
		for !stopped.Load() {
			time.Sleep(30 * time.Second)
			n := sent.Load()
			fmt.Printf("  %s: %d events, %.0f/s\n", time.Since(t0).Round(time.Second), n, float64(n)/time.Since(t0).Seconds())
		}
	}()
	for w := range l.workers {
		wg.Go(func() {
			stream := fmt.Sprintf("stream-%d", w)
			for b := w; b < batches && !stopped.Load(); b += l.workers {
				if l.maxTime > 0 && time.Since(t0) > l.maxTime {
					return
				}
				in := &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}
				for i := b * l.batch; i < min((b+1)*l.batch, l.total); i++ {
					ts := l.start.Add(time.Duration(int64(l.span) / int64(l.total) * int64(i)))
					in.LogEvents = append(in.LogEvents, types.InputLogEvent{
						Timestamp: aws.Int64(ts.UnixMilli()), Message: aws.String(message(i, ts))})
				}
				t := time.Now()
				out, err := l.client.PutLogEvents(ctx, in)
				if err != nil {
					errs[w] = fmt.Errorf("%s batch %d: %w", stream, b, err)
					stopped.Store(true)
					return
				}
				if r := out.RejectedLogEventsInfo; r != nil {
					errs[w] = fmt.Errorf("%s batch %d: events rejected: %+v", stream, b, *r)
					stopped.Store(true)
					return
				}
				d := time.Since(t)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				sent.Add(int64(len(in.LogEvents)))
			}
		})
	}
	wg.Wait()
	stopped.Store(true)
	el := time.Since(t0)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	slices.Sort(lat)
	n := sent.Load()
	fmt.Printf("PutLogEvents: %d events in %d batches of %d by %d clients in %s: %.0f events/s; batch latency p50 %s p99 %s\n",
		n, len(lat), l.batch, l.workers, el.Round(time.Millisecond), float64(n)/el.Seconds(),
		pct(lat, 50).Round(time.Millisecond), pct(lat, 99).Round(time.Millisecond))
	return nil
}

// pct is the nearest-rank percentile of sorted durations.
func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d)*p + 99) / 100
	return d[max(i, 1)-1]
}

var (
	paths   = []string{"/orders", "/items", "/users", "/login", "/health", "/app.js"}
	methods = []string{"GET", "GET", "GET", "GET", "POST"}
)

// message i is about 70 bytes, so that 10,000 fit the 1 MiB batch limit.
// Even events are JSON (status 503 for 1 in 100 of them), odd ones Apache
// common-log lines (status 500 for 1 in 97); 1 event in 100,000 carries
// the rare word PANIC (never a JSON one); 80% carry GET.
func message(i int, ts time.Time) string {
	h := uint32(i) * 2654435761
	method, path := methods[i/2%len(methods)], paths[h%uint32(len(paths))]
	rare := ""
	if i%100_000 == 12_345 { // odd: a common-log line
		rare = " PANIC"
	}
	if i%2 == 0 {
		status := 200
		if i/2%100 == 3 {
			status = 503
		}
		return fmt.Sprintf(`{"method":"%s","path":"%s","status":%d,"ms":%d,"user":"u%d"}`,
			method, path, status, h%900+3, h%5000)
	}
	status := 200
	if i%97 == 1 {
		status = 500
	}
	return fmt.Sprintf(`10.0.%d.%d - u%d [%s] "%s %s" %d %d%s`, h%256, h>>8%256, h%5000,
		ts.UTC().Format("02/Jan/2006:15:04:05 -0700"), method, path, status, h%4000+100, rare)
}
