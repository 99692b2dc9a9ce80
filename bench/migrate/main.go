// Command migrate measures `lookout migrate --from DATA_DIR` into a private
// ClickHouse and PostgreSQL it starts: the copy's wall time, items per
// second, the CPU of lookout and of ClickHouse, and ClickHouse's bytes on
// disk; then the same command again, which finds everything there and
// copies nothing (the cost of resuming). It prints a Markdown table for
// BENCHMARKS.md.
//
//	go build -o /tmp/lookout ./cmd/lookout
//	go run ./bench/otlpload -lookout /tmp/lookout -spans 1000000 -data-dir /tmp/m1m -keep
//	go run ./bench/migrate -lookout /tmp/lookout -from /tmp/m1m
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"lookout/bench/benchkit"
)

func main() {
	bin := flag.String("lookout", "lookout", "lookout binary")
	from := flag.String("from", "", "data directory to copy (not in use by a running lookout)")
	batch := flag.Int("batch", 0, "lookout migrate --batch (0: its default)")
	flag.Parse()
	if *from == "" {
		log.Fatal("-from is required")
	}
	if err := run(*bin, *from, *batch); err != nil {
		log.Fatal(err)
	}
}

// copied is the totals line of lookout migrate.
var copied = regexp.MustCompile(`; (\d+) spans, (\d+) log events, (\d+) metric points, (\d+) error items, (\d+) occurrences`)

type result struct {
	wall              time.Duration
	lookoutCPU, chCPU float64
	items             int64
	summary           string
	busy              float64
}

func run(bin, from string, batch int) error {
	ctx := context.Background()
	cl, err := benchkit.StartCluster(ctx)
	if err != nil {
		return err
	}
	defer cl.Stop()
	stores, err := cl.Stores(ctx, "migrated")
	if err != nil {
		return err
	}
	args := []string{"migrate", "--from", from, "--to-store", stores[1], "--to-meta", stores[3]}
	if batch > 0 {
		args = append(args, "--batch", strconv.Itoa(batch))
	}
	load0, _ := os.ReadFile("/proc/loadavg")
	var rs []result
	for i := range 2 {
		r, err := once(cl, bin, args)
		if err != nil {
			return err
		}
		log.Printf("run %d: %s in %s", i+1, r.summary, r.wall.Round(time.Millisecond))
		rs = append(rs, r)
	}
	load1, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("```\nlookout %s\n```\n\n", strings.Join(args, " "))
	fmt.Printf("%s · load average before %s, after %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"),
		strings.Join(strings.Fields(string(load0))[:3], " "), strings.Join(strings.Fields(string(load1))[:3], " "))
	fmt.Println("| | first copy | again (everything there) |")
	fmt.Println("|---|---|---|")
	row := func(k string, f func(r result) string) { fmt.Printf("| %s | %s | %s |\n", k, f(rs[0]), f(rs[1])) }
	row("items copied (spans, log events, metric points, error items, occurrences)", func(r result) string { return fmt.Sprint(r.items) })
	row("wall time", func(r result) string { return r.wall.Round(time.Millisecond).String() })
	row("**items/s**", func(r result) string {
		return fmt.Sprintf("**%.0f**", float64(max(r.items, rs[0].items))/r.wall.Seconds())
	})
	row("lookout migrate CPU", func(r result) string { return fmt.Sprintf("%.1f s", r.lookoutCPU) })
	row("ClickHouse CPU", func(r result) string { return fmt.Sprintf("%.1f s", r.chCPU) })
	row("other processes' CPU", func(r result) string {
		return fmt.Sprintf("%.1f s", max(r.busy-r.lookoutCPU-r.chCPU, 0))
	})
	fmt.Printf("\nClickHouse database after the copy: %.1f MiB. Second run items/s counts the first run's items, checked and skipped.\n",
		float64(cl.Disk("migrated"))/(1<<20))
	return nil
}

// once runs lookout migrate and measures it.
func once(cl *benchkit.Cluster, bin string, args []string) (result, error) {
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	ch0, busy0, t0 := cl.CPU(), benchkit.MachineBusy(), time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	r := result{wall: time.Since(t0), chCPU: cl.CPU() - ch0, busy: benchkit.MachineBusy() - busy0}
	u := cmd.ProcessState
	r.lookoutCPU = (u.UserTime() + u.SystemTime()).Seconds()
	m := copied.FindStringSubmatch(out.String())
	if m == nil {
		return r, fmt.Errorf("no totals line in:\n%s", out.String())
	}
	for _, s := range m[1:] {
		n, _ := strconv.ParseInt(s, 10, 64)
		r.items += n
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	r.summary = lines[len(lines)-1]
	return r, nil
}
