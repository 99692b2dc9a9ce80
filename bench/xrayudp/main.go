// Command xrayudp measures how many X-Ray segment documents per second a
// lookout server parses and stores, without loss, when they arrive over UDP
// the way the X-Ray SDKs send them to the daemon (issue 4).
//
// It starts a lookout binary on a fresh data directory, then for each rate
// sends paced datagrams for -duration, waits until the server is idle and
// reads its /metrics to tell sent, received, stored and dropped segments.
//
//	go build -o /tmp/xu/lookout ./cmd/lookout && go build -o /tmp/xu/xrayudp ./bench/xrayudp
//	/tmp/xu/xrayudp -lookout /tmp/xu/lookout
package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"lookout/bench/benchkit"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("lookout", "", "path of the lookout binary to start (required)")
	ratesFlag := flag.String("rates", "2000,5000,10000,20000,40000", "segments/s per step, comma-separated")
	dur := flag.Duration("duration", 10*time.Second, "sending time per step")
	dataDir := flag.String("data-dir", "", "data directory (default: a new temporary one, removed at exit)")
	idle := flag.Duration("idle", 2*time.Second, "counters unchanged this long means the server is idle")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "xrayudp: -lookout is required")
		os.Exit(2)
	}
	var rates []int
	for _, f := range strings.Split(*ratesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "xrayudp: bad rate %q\n", f)
			os.Exit(2)
		}
		rates = append(rates, n)
	}
	if err := run(*bin, *dataDir, rates, *dur, *idle); err != nil {
		fmt.Fprintln(os.Stderr, "xrayudp:", err)
		os.Exit(1)
	}
}

// step is the outcome of one rate.
type step struct {
	Rate      int
	Sent      int64
	SendTime  time.Duration
	Received  float64
	Parsed    float64
	Stored    float64
	Rejected  map[string]float64
	Failed    float64
	RcvbufErr int64 // kernel's Udp RcvbufErrors, whole machine
	Drain     time.Duration
}

func (s step) rejectedTotal() float64 {
	var n float64
	for _, v := range s.Rejected {
		n += v
	}
	return n
}

func run(bin, dataDir string, rates []int, dur, idle time.Duration) error {
	if dataDir == "" {
		d, err := os.MkdirTemp("", "xrayudp-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dataDir = d
	}
	srv, err := benchkit.Start(bin, dataDir)
	if err != nil {
		return err
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop lookout:", err)
		}
	}()
	if srv.XRayUDP == "" {
		return errors.New("lookout started without an X-Ray UDP address")
	}
	fmt.Fprintf(os.Stderr, "lookout pid %d: http %s, xray udp %s, data %s\n", srv.Pid, srv.HTTP, srv.XRayUDP, dataDir)

	conn, err := net.Dial("udp", srv.XRayUDP)
	if err != nil {
		return err
	}
	defer conn.Close()

	gen := newGenerator()
	var steps []step
	for _, rate := range rates {
		before, err := benchkit.Scrape(srv.HTTP)
		if err != nil {
			return err
		}
		rb0 := rcvbufErrors()
		t0 := time.Now()
		sent, err := sendPaced(conn, gen, rate, dur)
		sendTime := time.Since(t0)
		if err != nil {
			return err
		}
		after, err := waitIdle(srv.HTTP, idle, 2*time.Minute)
		if err != nil {
			return err
		}
		drain := time.Since(t0) - sendTime - idle
		if drain < 0 {
			drain = 0
		}
		st := step{
			Rate:      rate,
			Sent:      sent,
			SendTime:  sendTime,
			Received:  after.Get("lookout_xray_segments_received_total", `transport="udp"`) - before.Get("lookout_xray_segments_received_total", `transport="udp"`),
			Parsed:    after.Get("lookout_xray_segments_parsed_total", `transport="udp"`) - before.Get("lookout_xray_segments_parsed_total", `transport="udp"`),
			Stored:    after.Get("lookout_items_accepted_total", `kind="span"`) - before.Get("lookout_items_accepted_total", `kind="span"`),
			Failed:    after.Get("lookout_xray_udp_spans_failed_total") - before.Get("lookout_xray_udp_spans_failed_total"),
			Rejected:  map[string]float64{},
			RcvbufErr: rcvbufErrors() - rb0,
			Drain:     drain,
		}
		for reason, v := range after.ByLabel("lookout_xray_segments_rejected_total", "reason", `transport="udp"`) {
			if d := v - before.ByLabel("lookout_xray_segments_rejected_total", "reason", `transport="udp"`)[reason]; d > 0 {
				st.Rejected[reason] = d
			}
		}
		steps = append(steps, st)
		fmt.Fprintf(os.Stderr, "rate %d/s: sent %d in %s, received %.0f, stored %.0f, rejected %.0f, kernel lost %.0f\n",
			rate, sent, sendTime.Round(time.Millisecond), st.Received, st.Stored, st.rejectedTotal(), float64(sent)-st.Received)
	}
	cpu, _ := benchkit.ProcCPU(srv.Pid)
	report(os.Stdout, steps, cpu)
	return nil
}

// report prints the markdown table and the verdict.
func report(w io.Writer, steps []step, serverCPU float64) {
	fmt.Fprintln(w, "| target seg/s | sent | achieved send seg/s | received | stored | dropped by server (reason) | lost in kernel (sent-received) | kernel RcvbufErrors | drain after send | loss |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	best, firstLossy := -1, -1
	for i, s := range steps {
		var rs []string
		for r, v := range s.Rejected {
			rs = append(rs, fmt.Sprintf("%s %.0f", r, v))
		}
		sort.Strings(rs)
		dropped := fmt.Sprintf("%.0f", s.rejectedTotal()+s.Failed)
		if len(rs) > 0 {
			dropped += " (" + strings.Join(rs, ", ") + ")"
		}
		if s.Failed > 0 {
			dropped += fmt.Sprintf(" +%.0f failed", s.Failed)
		}
		lost := float64(s.Sent) - s.Stored
		loss := "0"
		if lost != 0 {
			loss = fmt.Sprintf("%.0f (%.2f%%)", lost, 100*lost/float64(s.Sent))
		}
		if lost == 0 && firstLossy < 0 {
			best = i
		}
		if lost != 0 && firstLossy < 0 {
			firstLossy = i
		}
		fmt.Fprintf(w, "| %d | %d | %.0f | %.0f | %.0f | %s | %.0f | %d | %s | %s |\n",
			s.Rate, s.Sent, float64(s.Sent)/s.SendTime.Seconds(), s.Received, s.Stored, dropped,
			float64(s.Sent)-s.Received, s.RcvbufErr, s.Drain.Round(10*time.Millisecond), loss)
	}
	fmt.Fprintln(w)
	if best >= 0 {
		fmt.Fprintf(w, "highest rate with zero loss (stored == sent): %d segments/s\n", steps[best].Rate)
	} else {
		fmt.Fprintln(w, "no step was loss-free")
	}
	if firstLossy >= 0 {
		fmt.Fprintf(w, "first lossy rate: %d segments/s\n", steps[firstLossy].Rate)
	} else {
		fmt.Fprintln(w, "no step lost segments")
	}
	fmt.Fprintf(w, "server CPU over the whole run: %.1f s\n", serverCPU)
}

// sendPaced sends rate datagrams a second for dur, catching up on whatever
// is due each time it wakes, so the average rate holds despite sleep jitter.
func sendPaced(conn net.Conn, gen *generator, rate int, dur time.Duration) (int64, error) {
	total := int64(float64(rate) * dur.Seconds())
	start := time.Now()
	var sent int64
	for sent < total {
		due := int64(float64(rate) * time.Since(start).Seconds())
		if due > total {
			due = total
		}
		if due <= sent {
			time.Sleep(200 * time.Microsecond)
			continue
		}
		for ; sent < due; sent++ {
			if _, err := conn.Write(gen.next()); err != nil {
				// ECONNREFUSED from a previous ICMP: the server is gone.
				return sent, fmt.Errorf("send: %w", err)
			}
		}
	}
	return sent, nil
}

// generator builds segment documents like the X-Ray SDK for Go sends:
// traces of four segments, a root and three children, each with an http
// block and two annotations.
type generator struct {
	prefix [4]byte // random, so ids differ between runs
	n      uint64
	traceN uint64
	root   string
	trace  string
	buf    []byte
}

func newGenerator() *generator {
	g := &generator{}
	_, _ = rand.Read(g.prefix[:])
	return g
}

var (
	names   = []string{"frontend", "checkout", "inventory", "payment"}
	routes  = []string{"/api/cart", "/api/checkout", "/stock", "/charge"}
	methods = []string{"GET", "POST", "GET", "POST"}
	tiers   = []string{"gold", "silver", "bronze"}
)

func (g *generator) next() []byte {
	g.n++
	id := hex.EncodeToString(g.prefix[:]) + fmt.Sprintf("%08x", uint32(g.n))
	k := int(g.n % 4)
	now := time.Now()
	if k == 1 || g.trace == "" {
		g.traceN++
		var r [4]byte
		_, _ = rand.Read(r[:])
		g.trace = fmt.Sprintf("1-%08x-%s%08x%08x", now.Unix(), hex.EncodeToString(g.prefix[:]), uint32(g.traceN), r)
		g.root = id
		k = 0
	}
	end := float64(now.UnixNano())/1e9 - 0.001
	start := end - 0.005 - float64(g.n%50)/1000
	status := 200
	if g.n%97 == 0 {
		status = 500
	}
	b := g.buf[:0]
	b = append(b, `{"format": "json", "version": 1}`+"\n"...)
	b = append(b, `{"trace_id":"`...)
	b = append(b, g.trace...)
	b = append(b, `","id":"`...)
	b = append(b, id...)
	b = append(b, `","name":"`...)
	b = append(b, names[k]...)
	b = append(b, `","start_time":`...)
	b = strconv.AppendFloat(b, start, 'f', 7, 64)
	b = append(b, `,"end_time":`...)
	b = strconv.AppendFloat(b, end, 'f', 7, 64)
	if k != 0 {
		b = append(b, `,"parent_id":"`...)
		b = append(b, g.root...)
		b = append(b, '"')
	}
	if status >= 500 {
		b = append(b, `,"fault":true`...)
	}
	b = append(b, `,"http":{"request":{"method":"`...)
	b = append(b, methods[k]...)
	b = append(b, `","url":"http://10.0.1.`...)
	b = strconv.AppendInt(b, int64(10+k), 10)
	b = append(b, `:8080`...)
	b = append(b, routes[k]...)
	b = append(b, `","client_ip":"10.0.0.7","user_agent":"Go-http-client/1.1"},"response":{"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"content_length":`...)
	b = strconv.AppendInt(b, int64(200+g.n%800), 10)
	b = append(b, `}},"annotations":{"customer_tier":"`...)
	b = append(b, tiers[g.n%3]...)
	b = append(b, `","cart_items":`...)
	b = strconv.AppendInt(b, int64(g.n%9), 10)
	b = append(b, `},"aws":{"xray":{"sdk_version":"1.8.5","sdk":"X-Ray for Go"}},"service":{"version":"1.4.2","runtime_version":"go1.26.8","runtime":"gc"},"Dummy":false}`...)
	g.buf = b
	return b
}

// waitIdle scrapes until the X-Ray and pipeline counters stayed unchanged
// for idle and no UDP document waits for a commit.
func waitIdle(base string, idle, limit time.Duration) (benchkit.Samples, error) {
	key := func(m benchkit.Samples) string {
		return fmt.Sprint(m.Get("lookout_xray_segments_received_total"),
			m.Get("lookout_xray_segments_parsed_total"),
			m.Get("lookout_xray_segments_rejected_total"),
			m.Get("lookout_xray_udp_spans_committed_total"),
			m.Get("lookout_xray_udp_spans_failed_total"),
			m.Get("lookout_items_accepted_total"))
	}
	deadline := time.Now().Add(limit)
	var last string
	since := time.Now()
	for {
		m, err := benchkit.Scrape(base)
		if err != nil {
			return nil, err
		}
		k := key(m)
		if k != last || m.Get("lookout_xray_udp_queue_bytes") != 0 {
			last, since = k, time.Now()
		} else if time.Since(since) >= idle {
			return m, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("server not idle after %s", limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rcvbufErrors reads the kernel's UDP RcvbufErrors count (-1 if unknown).
func rcvbufErrors() int64 {
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return -1
	}
	var head []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Udp:" {
			continue
		}
		if head == nil {
			head = f
			continue
		}
		for i, h := range head {
			if h == "RcvbufErrors" && i < len(f) {
				n, _ := strconv.ParseInt(f[i], 10, 64)
				return n
			}
		}
	}
	return -1
}
