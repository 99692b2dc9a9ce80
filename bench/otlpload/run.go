package main

import (
	"context"
	"fmt"
	"log"
	"runtime"
	"time"

	"lookout/bench/benchkit"
	"lookout/internal/lookouttest"
)

// loadAndQuery sends the spans, reads the server's figures, then times
// queries on what was stored.
func loadAndQuery(ctx context.Context, o options, srv *lookouttest.Server, r *report) error {
	now := time.Now()
	gen := genConfig{SpansPerTrace: o.spt, Now: now, Spread: o.spread, Shuffled: o.shuffled, Lateness: o.lateness}
	cfg := loadConfig{
		GRPCAddr: srv.OTLPGRPC, HTTPURL: srv.OTLPHTTP, Protocol: o.protocol, Compression: o.compression,
		Spans: o.spans, Batch: o.batch, Concurrency: o.concurrency, Timeout: o.timeout,
		MaxAttempts: o.maxAttempts, Gen: gen, Seed: o.seed,
	}
	r.Batch = max(1, o.batch/o.spt) * o.spt
	m0, err := benchkit.Scrape(srv.HTTP)
	if err != nil {
		return fmt.Errorf("metrics before load: %w", err)
	}
	cpu0, dcpu0, busy0, ccpu0 := cpuNow(srv, m0), driverCPU(), benchkit.MachineBusy(), o.cluster.cpu()
	last, lastT := int64(0), time.Now()
	cfg.Progress = func(acked int64) {
		t := time.Now()
		rss, _ := benchkit.ProcStatus(srv.Pid, "VmRSS")
		log.Printf("acked %s spans (%s/s now), server RSS %s", group(acked),
			group(int64(float64(acked-last)/t.Sub(lastT).Seconds())), mib(rss))
		last, lastT = acked, t
	}
	log.Printf("sending %s spans over OTLP/%s, %d exporters, batches of %d", group(int64(o.spans)), o.protocol, o.concurrency, r.Batch)
	res, err := runLoad(ctx, cfg)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	r.Load = res
	r.DriverCPU = driverCPU() - dcpu0
	busy := benchkit.MachineBusy() - busy0
	m1, err := benchkit.Scrape(srv.HTTP)
	if err != nil {
		return fmt.Errorf("metrics after load: %w", err)
	}
	r.ServerCPU = cpuNow(srv, m1) - cpu0
	r.ClusterCPU = o.cluster.cpu() - ccpu0
	r.OtherCPU = busy - r.ServerCPU - r.ClusterCPU - r.DriverCPU
	span := `kind="span"`
	r.Accepted = m1.Get("lookout_items_accepted_total", span) - m0.Get("lookout_items_accepted_total", span)
	r.Received = m1.Get("lookout_items_received_total", span) - m0.Get("lookout_items_received_total", span)
	r.Refused = m1.Get("lookout_items_rejected_total", span) - m0.Get("lookout_items_rejected_total", span)
	r.Commits = m1.Get("lookout_commit_duration_seconds_count") - m0.Get("lookout_commit_duration_seconds_count")
	r.CommitSec = m1.Get("lookout_commit_duration_seconds_sum") - m0.Get("lookout_commit_duration_seconds_sum")
	r.PeakRSS = peakRSS(srv)
	r.StoredSpans = int64(m1.Get("lookout_items_accepted_total", span))
	if o.dataDir != "" {
		r.DiskLive, r.DiskApparent, r.Files, _ = benchkit.DiskUsage(o.dataDir, stateFile)
		r.ClusterDisk = o.cluster.disk()
		r.DiskLive += r.ClusterDisk
	}
	log.Printf("load done: %s spans acknowledged in %s; server accepted %s", group(res.AckedSpans),
		res.Wall.Round(time.Millisecond), group(int64(r.Accepted)))
	if r.Accepted != float64(res.AckedSpans) {
		r.Notes = append(r.Notes, fmt.Sprintf("the server accepted %s spans, the driver counted %s acknowledged "+
			"(a resend after a timeout stores a batch twice; a lost ack stores it without counting)",
			group(int64(r.Accepted)), group(res.AckedSpans)))
	}

	ids := sampleIDs(res.TraceIDs, o.keepIDs, o.seed)
	if o.dataDir != "" {
		st := state{Created: now, Command: r.Command, AckedSpans: res.AckedSpans, SpansPerTrace: o.spt,
			Start: now.Add(-o.spread - o.lateness), End: now}
		if err := saveState(o.dataDir, st, ids); err != nil {
			return err
		}
	}
	cpuQ, dq, busyQ, tq := cpuNow(srv, m1), driverCPU(), benchkit.MachineBusy(), time.Now()
	r.Queries = runQueries(queryConfig{
		Base: srv.HTTP, TraceIDs: ids, SpansPerTrace: o.spt, TraceQueries: o.traceQueries,
		AbsentQueries: o.absentQueries, SearchRepeats: o.searchRepeats, Warmup: o.warmup,
		Start: now.Add(-o.spread - o.lateness), End: now, Seed: o.seed,
	})
	r.PeakRSSQuery = peakRSS(srv)
	r.Notes = append(r.Notes, queryNote(cpuNow(srv, nil)-cpuQ, driverCPU()-dq, benchkit.MachineBusy()-busyQ, time.Since(tq)))
	return nil
}

// queryOnly times queries on a data directory loaded by an earlier run.
func queryOnly(o options, srv *lookouttest.Server, r *report) error {
	st, ids, err := loadState(o.dataDir)
	if err != nil {
		return err
	}
	m, err := benchkit.Scrape(srv.HTTP)
	if err != nil {
		return err
	}
	r.StoredSpans = st.AckedSpans
	r.PeakRSS = peakRSS(srv)
	r.DiskLive, r.DiskApparent, r.Files, _ = benchkit.DiskUsage(o.dataDir, stateFile)
	r.Notes = append(r.Notes, fmt.Sprintf("data loaded %s by: `%s`", st.Created.UTC().Format(time.RFC3339), st.Command))
	cpu0, d0, busy0, t0 := cpuNow(srv, m), driverCPU(), benchkit.MachineBusy(), time.Now()
	r.Queries = runQueries(queryConfig{
		Base: srv.HTTP, TraceIDs: ids, SpansPerTrace: st.SpansPerTrace, TraceQueries: o.traceQueries,
		AbsentQueries: o.absentQueries, SearchRepeats: o.searchRepeats, Warmup: o.warmup,
		Start: st.Start, End: st.End, Seed: o.seed,
	})
	r.ServerCPU = cpuNow(srv, nil) - cpu0
	r.Notes = append(r.Notes, queryNote(r.ServerCPU, driverCPU()-d0, benchkit.MachineBusy()-busy0, time.Since(t0)))
	r.PeakRSSQuery = peakRSS(srv)
	return nil
}

func queryNote(server, driver, busy float64, wall time.Duration) string {
	other := max(busy-server-driver, 0)
	return fmt.Sprintf("during the queries (%.1f s): server CPU %.1f s, driver %.1f s, other processes %.1f s (%.0f%% of the machine)",
		wall.Seconds(), server, driver, other, 100*other/wall.Seconds()/float64(runtime.NumCPU()))
}
