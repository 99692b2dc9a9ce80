package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Install commands for the peer benchmark's outside programs. The driver
// never downloads anything: it tells what to run instead.
const (
	telemetrygenInstall = "go install github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@v0.161.0"
	// Jaeger's main module has replace directives, so `go install ...@v1.76.0`
	// refuses it; it builds from the downloaded module instead.
	jaegerInstall = "go mod download github.com/jaegertracing/jaeger@v1.76.0 && " +
		"cd $(go env GOMODCACHE)/github.com/jaegertracing/jaeger@v1.76.0 && " +
		"GOFLAGS=-mod=mod go build -o $(go env GOPATH)/bin/jaeger ./cmd/jaeger"
)

// findBinary returns flagValue when given (it must exist), else name on
// PATH, else name in $GOBIN or $GOPATH/bin (default ~/go/bin), where
// `go install` puts it. When none exists the error says how to install it.
func findBinary(flagValue, name, install string) (string, error) {
	if flagValue != "" {
		p, err := exec.LookPath(flagValue)
		if err != nil {
			return "", fmt.Errorf("%s: %w; install it with:\n\t%s", flagValue, err, install)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		for _, d := range filepath.SplitList(gp) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH nor in %s (or pass -%s PATH); install it with:\n\t%s",
		name, strings.Join(dirs, ", "), name, install)
}

// tgConfig is one telemetrygen load: Processes processes of Workers workers,
// each worker sending TracesPerWorker traces of 1+ChildSpans spans over
// OTLP/gRPC without throttling (--rate 0).
type tgConfig struct {
	Bin             string
	Endpoint        string // host:port of the OTLP/gRPC receiver
	Processes       int
	Workers         int
	TracesPerWorker int
	ChildSpans      int
	// Queue sets OTEL_BSP_MAX_QUEUE_SIZE, the batch span processor's queue:
	// a span that finds it full is dropped without a word. 0 leaves the SDK
	// default (2048).
	Queue  int
	Extra  []string // more telemetrygen flags
	LogDir string   // telemetrygen-N.log files go here
}

// args is the command line of one telemetrygen process.
func (c tgConfig) args() []string {
	return append([]string{"traces",
		"--otlp-endpoint", c.Endpoint, "--otlp-insecure",
		"--workers", strconv.Itoa(c.Workers),
		"--traces", strconv.Itoa(c.TracesPerWorker),
		"--child-spans", strconv.Itoa(c.ChildSpans),
		"--rate", "0",
	}, c.Extra...)
}

// command is the shell command of one process, for the report.
func (c tgConfig) command() string {
	if c.Endpoint == "" {
		c.Endpoint = "HOST:PORT"
	}
	s := "telemetrygen " + strings.Join(c.args(), " ")
	if c.Queue > 0 {
		s = fmt.Sprintf("OTEL_BSP_MAX_QUEUE_SIZE=%d %s", c.Queue, s)
	}
	return s
}

// tgResult is what the telemetrygen processes did.
type tgResult struct {
	Wall         time.Duration // from the first start to the last exit
	Generated    int64         // spans the workers created ("traces generated" × spans per trace)
	ExportErrors int           // lines reporting a failed export
	ErrSample    string        // the first of them
	CPU          float64       // user+system seconds of the processes
	Failed       []string      // processes that exited with an error
}

// runTelemetrygen starts every process at once and waits for all of them.
func runTelemetrygen(ctx context.Context, c tgConfig) (*tgResult, error) {
	res := &tgResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	cmds := make([]*exec.Cmd, c.Processes)
	logs := make([]string, c.Processes)
	for i := range cmds {
		logs[i] = filepath.Join(c.LogDir, fmt.Sprintf("telemetrygen-%d.log", i))
		f, err := os.Create(logs[i])
		if err != nil {
			return nil, err
		}
		defer f.Close()
		cmd := exec.CommandContext(ctx, c.Bin, c.args()...)
		cmd.Stdout, cmd.Stderr = f, f
		cmd.Env = os.Environ()
		if c.Queue > 0 {
			cmd.Env = append(cmd.Env, "OTEL_BSP_MAX_QUEUE_SIZE="+strconv.Itoa(c.Queue))
		}
		cmds[i] = cmd
	}
	t0 := time.Now()
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			for _, started := range cmds[:i] {
				_ = started.Process.Kill()
			}
			wg.Wait()
			return nil, fmt.Errorf("start telemetrygen: %w", err)
		}
		wg.Go(func() {
			err := cmd.Wait()
			mu.Lock()
			defer mu.Unlock()
			if st := cmd.ProcessState; st != nil {
				res.CPU += (st.UserTime() + st.SystemTime()).Seconds()
			}
			if err != nil {
				res.Failed = append(res.Failed, fmt.Sprintf("process %d: %v (log %s)", i, err, logs[i]))
			}
		})
	}
	wg.Wait()
	res.Wall = time.Since(t0)
	for _, l := range logs {
		traces, errs, sample, err := readTelemetrygenLog(l)
		if err != nil {
			return res, err
		}
		res.Generated += traces * int64(1+c.ChildSpans)
		res.ExportErrors += errs
		if res.ErrSample == "" {
			res.ErrSample = sample
		}
	}
	return res, ctx.Err()
}

// readTelemetrygenLog sums the "traces generated" counts of a process's log
// and counts its failed exports: the OpenTelemetry SDK reports them through
// its global error handler ("traces export: ..."), telemetrygen as errors.
func readTelemetrygenLog(path string) (traces int64, exportErrors int, sample string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "traces generated") {
			if _, v, ok := strings.Cut(line, `"traces": `); ok {
				v, _, _ = strings.Cut(v, "}")
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return 0, 0, "", fmt.Errorf("%s: %q: %w", path, line, err)
				}
				traces += n
			}
			continue
		}
		if strings.Contains(line, "traces export:") || strings.Contains(line, "failed to export") ||
			(strings.Contains(line, "\tERROR\t") && !strings.Contains(line, "grpc_log")) {
			exportErrors++
			if sample == "" {
				sample = line
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, "", errors.Join(fmt.Errorf("read %s", path), err)
	}
	return traces, exportErrors, sample, nil
}
