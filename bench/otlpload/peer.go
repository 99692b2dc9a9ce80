package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"lookout/bench/benchkit"
)

// The telemetrygen mode (-generator telemetrygen) puts the same load on
// lookout and on a peer, Jaeger v2 with its Badger store: telemetrygen, the
// OpenTelemetry Collector's load generator, in -tg-processes processes of
// -tg-workers workers sends -spans spans in traces of -spans-per-trace over
// OTLP/gRPC as fast as it can (--rate 0). Per target it reports the spans
// the server acknowledged per second of the generator's wall time, the
// server's CPU per 1M spans and peak RSS, bytes per span on disk after a
// graceful stop, and trace-by-id latency for -trace-queries ids found by
// the target's own search, each over a new connection.

// peerOptions are the flags of the telemetrygen mode.
type peerOptions struct {
	targets      string // comma-separated: lookout, jaeger
	telemetrygen string // binary, else found on PATH
	jaeger       string // binary, else found on PATH
	processes    int
	workers      int
	queue        int // OTEL_BSP_MAX_QUEUE_SIZE; 0: the whole share of a process, -1: the SDK default
	tgArgs       string
	jaegerFast   bool // Jaeger as shipped: batch processor, unsynced writes
}

// peerRun is what one target measured.
type peerRun struct {
	target        peerTarget
	load          *tgResult
	acked, refuse float64
	serverCPU     float64 // during the load
	otherCPU      float64 // other processes during the load
	rssLoad, rss  int64   // VmHWM after the load, after the lookups
	ids           int
	lookups       latency
	disk          int64 // allocated bytes after the graceful stop
	stopTook      time.Duration
	loadBefore    string // /proc/loadavg before the run
	loadAfter     string
	start, end    time.Time
}

// runPeers runs the telemetrygen load against each target in turn and
// prints one table comparing them.
func runPeers(ctx context.Context, o options, w io.Writer) error {
	p := o.peer
	tg, err := findBinary(p.telemetrygen, "telemetrygen", telemetrygenInstall)
	if err != nil {
		return err
	}
	targets := strings.Split(p.targets, ",")
	var jaeger string
	for _, t := range targets {
		switch t {
		case "lookout":
			if o.lookout == "" {
				return fmt.Errorf("-target lookout needs -lookout BINARY (go build -o /tmp/lookout ./cmd/lookout)")
			}
		case "jaeger":
			if jaeger, err = findBinary(p.jaeger, "jaeger", jaegerInstall); err != nil {
				return err
			}
		default:
			return fmt.Errorf("-target %q: want lookout, jaeger or both, comma-separated", t)
		}
	}
	perProc := o.spans / o.spt / (p.processes * p.workers)
	if perProc < 1 {
		return fmt.Errorf("-spans %d is less than one trace per worker", o.spans)
	}
	tc := tgConfig{Bin: tg, Processes: p.processes, Workers: p.workers, TracesPerWorker: perProc,
		ChildSpans: o.spt - 1, Extra: strings.Fields(p.tgArgs)}
	switch {
	case p.queue == 0:
		tc.Queue = perProc * p.workers * o.spt // nothing is dropped
	case p.queue > 0:
		tc.Queue = p.queue
	}
	log.Printf("telemetrygen %s; %d processes: %s", tg, p.processes, tc.command())

	var runs []*peerRun
	var firstErr error
	for _, t := range targets {
		r, err := runPeer(ctx, o, t, tc, jaeger)
		if err != nil {
			firstErr = fmt.Errorf("%s: %w", t, err)
			break
		}
		runs = append(runs, r)
	}
	printPeers(w, o, tc, runs)
	return firstErr
}

// runPeer starts one target on a fresh directory, loads it, looks traces up,
// stops it gracefully and measures its directory.
func runPeer(ctx context.Context, o options, name string, tc tgConfig, jaegerBin string) (*peerRun, error) {
	dir, err := os.MkdirTemp("", "otlpload-peer-"+name+"-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		log.Printf("%s: directory kept: %s", name, dir)
	} else {
		defer os.RemoveAll(dir)
	}
	r := &peerRun{loadBefore: loadAvg(), start: time.Now()}
	switch name {
	case "lookout":
		t, err := startLookoutTarget(o.lookout, dir, strings.Fields(o.lookoutArgs))
		if err != nil {
			return nil, err
		}
		r.target = t
	case "jaeger":
		proc, err := startJaeger(jaegerBin, dir, !o.peer.jaegerFast)
		if err != nil {
			return nil, err
		}
		r.target = &jaegerTarget{proc: proc, durable: !o.peer.jaegerFast}
	}
	t := r.target
	defer t.kill()
	log.Printf("%s: pid %d, OTLP/gRPC %s, data %s; load average %s", name, t.pid(), t.otlpEndpoint(), t.dataDir(), r.loadBefore)

	a0, f0, err := t.acked()
	if err != nil {
		return nil, fmt.Errorf("metrics before load: %w", err)
	}
	cpu0, _ := benchkit.ProcCPU(t.pid())
	busy0, self0 := benchkit.MachineBusy(), driverCPU()
	tc.Endpoint, tc.LogDir = t.otlpEndpoint(), dir
	loadStart := time.Now()
	stopProgress := logProgress(t, a0, 30*time.Second)
	r.load, err = runTelemetrygen(ctx, tc)
	stopProgress()
	if err != nil {
		return nil, fmt.Errorf("telemetrygen: %w", err)
	}
	loadEnd := time.Now()
	a1, f1, err := t.acked()
	if err != nil {
		return nil, fmt.Errorf("metrics after load: %w", err)
	}
	cpu1, _ := benchkit.ProcCPU(t.pid())
	r.acked, r.refuse, r.serverCPU = a1-a0, f1-f0, cpu1-cpu0
	r.otherCPU = max(0, benchkit.MachineBusy()-busy0-r.serverCPU-r.load.CPU-(driverCPU()-self0))
	r.rssLoad, _ = benchkit.ProcStatus(t.pid(), "VmHWM")
	log.Printf("%s: %s spans generated, %s acknowledged in %s (%s/s), server CPU %.1f s",
		name, group(r.load.Generated), group(int64(r.acked)), r.load.Wall.Round(time.Millisecond),
		group(int64(r.acked/r.load.Wall.Seconds())), r.serverCPU)

	n := o.traceQueries
	ids, err := collectIDs(t, loadStart.Add(-time.Second), loadEnd.Add(time.Second), n)
	if err != nil {
		return nil, fmt.Errorf("collect trace ids: %w", err)
	}
	r.ids = len(ids)
	i := 0
	r.lookups = timeRuns("trace by id", len(ids), func() (int, error) {
		id := ids[i]
		i++
		// A new connection for every lookup, as a user's click makes one.
		c := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
		code, body, err := get(c, t.traceURL(id))
		if err != nil {
			return 0, err
		}
		if code != http.StatusOK {
			return 0, fmt.Errorf("trace %s: status %d: %.200s", id, code, body)
		}
		spans, err := t.countSpans(body)
		if err != nil {
			return 0, fmt.Errorf("trace %s: %w", id, err)
		}
		if spans != o.spt {
			return 0, fmt.Errorf("trace %s: %d spans, want %d", id, spans, o.spt)
		}
		return 1, nil
	})
	r.rss, _ = benchkit.ProcStatus(t.pid(), "VmHWM")
	log.Printf("%s: trace by id over %d ids: p50 %s, p99 %s, %d errors", name, len(ids), ms(r.lookups.P50),
		ms(r.lookups.P99), r.lookups.Errors)

	t0 := time.Now()
	if err := t.stop(); err != nil {
		return nil, err
	}
	r.stopTook = time.Since(t0)
	r.disk, _, _, _ = benchkit.DiskUsage(t.dataDir(), stateFile)
	r.loadAfter, r.end = loadAvg(), time.Now()
	return r, nil
}

// logProgress logs the spans t acknowledged since base every period, until
// the returned stop is called.
func logProgress(t peerTarget, base float64, period time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if a, _, err := t.acked(); err == nil {
					log.Printf("%s: %s spans acknowledged", t.label(), group(int64(a-base)))
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// loadAvg returns the 1, 5 and 15 minute load averages, as uptime shows them.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], ", ")
}

// printPeers writes the runs as one Markdown table, a column per target.
func printPeers(w io.Writer, o options, tc tgConfig, runs []*peerRun) {
	if len(runs) == 0 {
		return
	}
	title := o.title
	if title == "" {
		title = fmt.Sprintf("telemetrygen load: %s spans in traces of %d, %d processes × %d workers, OTLP/gRPC, --rate 0",
			group(int64(tc.Processes*tc.Workers*tc.TracesPerWorker*o.spt)), o.spt, tc.Processes, tc.Workers)
	}
	fmt.Fprintf(w, "### %s\n\n", title)
	fmt.Fprintf(w, "```\ngo run ./bench/otlpload %s\n```\n\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(w, "%s · %s\n\n", runs[0].start.UTC().Format("2006-01-02 15:04 MST"), machine())
	fmt.Fprintf(w, "Each telemetrygen process: `%s`\n\n", tc.command())
	head, sep := "| |", "|---|"
	for _, r := range runs {
		head += " " + r.target.label() + " |"
		sep += "---|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, sep)
	row := func(k string, f func(r *peerRun) string) {
		s := "| " + k + " |"
		for _, r := range runs {
			s += " " + f(r) + " |"
		}
		fmt.Fprintln(w, s)
	}
	row("**ingest spans/s** (acknowledged / generator wall time)", func(r *peerRun) string {
		return "**" + group(int64(r.acked/r.load.Wall.Seconds())) + "**"
	})
	row("**server CPU-s per 1M spans**", func(r *peerRun) string {
		return fmt.Sprintf("**%.1f**", r.serverCPU/max(r.acked, 1)*1e6)
	})
	row("**peak RSS** (VmHWM) after load / after lookups", func(r *peerRun) string {
		return mib(r.rssLoad) + " / **" + mib(r.rss) + "**"
	})
	row("**bytes per span on disk** after graceful stop", func(r *peerRun) string {
		return fmt.Sprintf("**%.1f** (%s)", float64(r.disk)/max(r.acked, 1), mib(r.disk))
	})
	row("**trace by id p50 / p99** (new connection each)", func(r *peerRun) string {
		return "**" + ms(r.lookups.P50) + " / " + ms(r.lookups.P99) + "**"
	})
	row("trace by id: ids found by search / looked up whole / errors", func(r *peerRun) string {
		return fmt.Sprintf("%d / %d / %d", r.ids, r.lookups.N, r.lookups.Errors)
	})
	row("spans generated / acknowledged / refused by the server", func(r *peerRun) string {
		return group(r.load.Generated) + " / " + group(int64(r.acked)) + " / " + group(int64(r.refuse))
	})
	row("spans lost (generated, never acknowledged)", func(r *peerRun) string {
		lost := r.load.Generated - int64(r.acked)
		return fmt.Sprintf("%s (%.1f%%)", group(lost), 100*float64(lost)/float64(max(r.load.Generated, 1)))
	})
	row("failed exports reported by telemetrygen", func(r *peerRun) string {
		s := fmt.Sprint(r.load.ExportErrors)
		if len(r.load.Failed) > 0 {
			s += fmt.Sprintf(", %d processes failed", len(r.load.Failed))
		}
		return s
	})
	row("generator wall time", func(r *peerRun) string { return fmt.Sprintf("%.1f s", r.load.Wall.Seconds()) })
	row("server CPU during load", func(r *peerRun) string {
		return fmt.Sprintf("%.1f s (%.0f%% of %d cores)", r.serverCPU,
			100*r.serverCPU/r.load.Wall.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU())
	})
	row("telemetrygen CPU / other processes' CPU during load", func(r *peerRun) string {
		return fmt.Sprintf("%.1f s / %.1f s (%.0f%% of the machine)", r.load.CPU, r.otherCPU,
			100*r.otherCPU/r.load.Wall.Seconds()/float64(runtime.NumCPU()))
	})
	row("load average (1, 5, 15 min) before → after the run", func(r *peerRun) string {
		return r.loadBefore + " → " + r.loadAfter
	})
	row("run (UTC), graceful stop took", func(r *peerRun) string {
		return r.start.UTC().Format("15:04:05") + "–" + r.end.UTC().Format("15:04:05") + ", " + ms(r.stopTook)
	})
	fmt.Fprintln(w)
	for _, r := range runs {
		fmt.Fprintf(w, "- %s: %s\n", r.target.label(), r.target.setup())
		if r.lookups.ErrSample != "" {
			fmt.Fprintf(w, "- %s, first lookup error: %s\n", r.target.label(), r.lookups.ErrSample)
		}
		if r.load.ErrSample != "" {
			fmt.Fprintf(w, "- %s, first failed export: `%s`\n", r.target.label(), r.load.ErrSample)
		}
		for _, f := range r.load.Failed {
			fmt.Fprintf(w, "- %s, telemetrygen %s\n", r.target.label(), f)
		}
	}
	fmt.Fprintln(w)
}
