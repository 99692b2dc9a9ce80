package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is everything one run measured; print writes it as Markdown.
type report struct {
	Title   string
	Command string
	Date    time.Time

	Load       *loadResult // nil in -query-only runs
	Batch      int         // spans per export actually sent
	Accepted   float64     // lookout_items_accepted_total{kind="span"} during the load
	Received   float64     // lookout_items_received_total{kind="span"} during the load
	Refused    float64     // lookout_items_rejected_total{kind="span"} during the load
	ServerCPU  float64     // server CPU seconds during the load (or the queries)
	ClusterCPU float64     // ClickHouse's CPU seconds during the load (cluster runs)
	DriverCPU  float64     // this driver's CPU seconds during the load
	OtherCPU   float64     // CPU seconds other processes took during the load
	Commits    float64     // group commits during the load
	CommitSec  float64     // their total duration

	StoredSpans  int64 // spans in the store, for bytes per span
	PeakRSS      int64 // VmHWM after the load (0: unknown)
	PeakRSSQuery int64 // VmHWM after the queries
	DiskLive     int64 // allocated bytes with the server running
	DiskApparent int64
	DiskClosed   int64 // allocated bytes after a clean stop (0: not stopped)
	ClusterDisk  int64 // of DiskLive, ClickHouse's database (cluster runs)
	Files        int
	Ready, Stop  time.Duration
	Queries      []latency
	Notes        []string
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", r.Title)
	fmt.Fprintf(w, "```\n%s\n```\n\n", r.Command)
	fmt.Fprintf(w, "%s · %s\n\n", r.Date.UTC().Format("2006-01-02 15:04 MST"), machine())
	fmt.Fprintln(w, "| figure | value |")
	fmt.Fprintln(w, "|---|---|")
	row := func(k, f string, a ...any) { fmt.Fprintf(w, "| %s | %s |\n", k, fmt.Sprintf(f, a...)) }
	if l := r.Load; l != nil {
		secs := l.Wall.Seconds()
		row("spans acknowledged (export returned nil)", "%s in %.1f s, batches of %d", group(l.AckedSpans), secs, r.Batch)
		row("**sustained rate, durable acks**", "**%s spans/s**", group(int64(float64(l.AckedSpans)/secs)))
		row("server: accepted / received / refused (lookout_items_*_total, span)", "%s / %s / %s",
			group(int64(r.Accepted)), group(int64(r.Received)), group(int64(r.Refused)))
		row("resends after retryable errors / batches given up / spans rejected (partial success)", "%d / %d / %d",
			l.Resends, l.FailedBatches, l.Rejected)
		if len(l.Errors) > 0 {
			var es []string
			for k, v := range l.Errors {
				es = append(es, fmt.Sprintf("%s: %d", k, v))
			}
			slices.Sort(es)
			row("failed attempts by cause", "%s", strings.Join(es, ", "))
		}
		row("export ack latency p50 / p99 / max", "%s / %s / %s", ms(percentile(l.AckLatency, 50)),
			ms(percentile(l.AckLatency, 99)), ms(percentile(l.AckLatency, 100)))
		if r.Commits > 0 {
			row("group commits: count, mean spans, mean duration", "%d, %s, %s", int64(r.Commits),
				group(int64(r.Accepted/r.Commits)), ms(time.Duration(r.CommitSec/r.Commits*1e9)))
		}
		if r.ServerCPU > 0 && r.Accepted > 0 {
			row("**server CPU during load**", "%.1f s = **%.1f CPU-s per 1M spans** (%.0f%% of %d cores)",
				r.ServerCPU, r.ServerCPU/r.Accepted*1e6, 100*r.ServerCPU/secs/float64(runtime.NumCPU()), runtime.NumCPU())
		}
		if r.ClusterCPU > 0 && r.Accepted > 0 {
			row("**ClickHouse CPU during load**", "%.1f s; lookout + ClickHouse **%.1f CPU-s per 1M spans**",
				r.ClusterCPU, (r.ServerCPU+r.ClusterCPU)/r.Accepted*1e6)
		}
		row("driver CPU during load (same machine)", "%.1f s (%.1f per 1M spans)", r.DriverCPU, r.DriverCPU/float64(max(l.AckedSpans, 1))*1e6)
		row("CPU taken by other processes during load", "%.1f s (%.0f%% of the machine)", max(r.OtherCPU, 0),
			100*max(r.OtherCPU, 0)/secs/float64(runtime.NumCPU()))
	} else if r.ServerCPU > 0 {
		row("server CPU during queries", "%.1f s", r.ServerCPU)
	}
	if r.Ready > 0 {
		row("start to /readyz", "%s", r.Ready.Round(time.Millisecond))
	}
	if r.PeakRSS > 0 {
		when := "after load"
		if r.Load == nil {
			when = "after start"
		}
		row("**peak RSS (VmHWM)**", "**%s** %s, %s after queries", mib(r.PeakRSS), when, mib(r.PeakRSSQuery))
	}
	if r.StoredSpans > 0 {
		row("bytes on disk, server running (du)", "%s (%s apparent, %d files) = %.1f B/span", mib(r.DiskLive), mib(r.DiskApparent),
			r.Files, float64(r.DiskLive)/float64(r.StoredSpans))
		if r.ClusterDisk > 0 {
			row("of which ClickHouse's database (du, server running)", "%s = %.1f B/span", mib(r.ClusterDisk),
				float64(r.ClusterDisk)/float64(r.StoredSpans))
		}
		if r.DiskClosed > 0 {
			row("**bytes on disk after clean stop (du)**", "%s = **%.1f B/span** over %s spans", mib(r.DiskClosed),
				float64(r.DiskClosed)/float64(r.StoredSpans), group(r.StoredSpans))
		}
	}
	if r.Stop > 0 {
		row("SIGTERM to exit", "%s", r.Stop.Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	if len(r.Queries) > 0 {
		fmt.Fprintln(w, "| query (sequential, one client) | n | first | p50 | p90 | p99 | max | errors | traces in last answer |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
		for _, q := range r.Queries {
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %d | %d |\n", q.Name, q.N, ms(q.First), ms(q.P50), ms(q.P90),
				ms(q.P99), ms(q.Max), q.Errors, q.Results)
		}
		fmt.Fprintln(w)
		for _, q := range r.Queries {
			if q.ErrSample != "" {
				fmt.Fprintf(w, "- first error of %q: %s\n", q.Name, q.ErrSample)
			}
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	fmt.Fprintln(w)
}

// percentile is the nearest-rank percentile of ds; 100 gives the maximum.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// group writes n with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// machine describes where the run happened.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
	}
	return fmt.Sprintf("%d cores (%s)%s, %s %s/%s", runtime.NumCPU(), cpu, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
