package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// jaegerProc is a Jaeger v2 process on loopback ports, with its config, log
// and Badger directories in one directory of its own.
type jaegerProc struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	config  string        // path of the YAML config
	logPath string
	data    string // Badger's keys/ and values/
	otlp    string // host:port of the OTLP/gRPC receiver
	query   string // base URL of the query service's HTTP API
	metrics string // base URL of the collector's Prometheus telemetry
}

// jaegerConfig is a Jaeger v2 config with one Badger store in dataDir.
// Durable: the pipeline has no batch processor and the exporter no queue,
// so the OTLP reply waits for the write, and Badger syncs every write
// (`consistency: true` is its SyncWrites). Otherwise it is the pipeline of
// Jaeger's own config-badger.yaml: a batch processor that acknowledges
// before the write, and unsynced writes.
func jaegerConfig(dataDir string, durable bool, otlp, queryHTTP, queryGRPC string, metricsPort int) string {
	processors := "[batch]"
	if durable {
		processors = "[]"
	}
	return fmt.Sprintf(`service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: %s
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
    logs:
      level: info

extensions:
  jaeger_query:
    storage:
      traces: badger_store
    http:
      endpoint: %s
    grpc:
      endpoint: %s
  jaeger_storage:
    backends:
      badger_store:
        badger:
          directories:
            keys: %s
            values: %s
          ephemeral: false
          consistency: %t
          ttl:
            spans: 168h

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s

processors:
  batch:

exporters:
  jaeger_storage_exporter:
    trace_storage: badger_store
`, processors, metricsPort, queryHTTP, queryGRPC, filepath.Join(dataDir, "keys"), filepath.Join(dataDir, "values"),
		durable, otlp)
}

// freePorts returns n loopback ports the kernel had free, all held open at
// once so that they differ.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// startJaeger writes the config into dir, starts bin with it, and returns
// once the OTLP port takes connections and the query API answers.
func startJaeger(bin, dir string, durable bool) (*jaegerProc, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	addr := func(p int) string { return fmt.Sprintf("127.0.0.1:%d", p) }
	j := &jaegerProc{
		config: filepath.Join(dir, "jaeger.yaml"), logPath: filepath.Join(dir, "jaeger.log"),
		data: filepath.Join(dir, "data"), otlp: addr(ports[0]),
		query: "http://" + addr(ports[1]), metrics: "http://" + addr(ports[3]),
		done: make(chan struct{}),
	}
	for _, d := range []string{"keys", "values"} {
		if err := os.MkdirAll(filepath.Join(j.data, d), 0o755); err != nil {
			return nil, err
		}
	}
	cfg := jaegerConfig(j.data, durable, j.otlp, addr(ports[1]), addr(ports[2]), ports[3])
	if err := os.WriteFile(j.config, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(j.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	j.cmd = exec.Command(bin, "--config", j.config)
	j.cmd.Stdout, j.cmd.Stderr = logf, logf
	if err := j.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = j.cmd.Wait()
		close(j.done)
	}()
	if err := j.waitReady(2 * time.Minute); err != nil {
		j.kill()
		return nil, fmt.Errorf("%w\n%s", err, j.logTail(30))
	}
	return j, nil
}

func (j *jaegerProc) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		var err error
		select {
		case <-j.done:
			return fmt.Errorf("jaeger exited before it was ready (%s)", j.cmd.ProcessState)
		default:
		}
		var conn net.Conn
		if conn, err = net.DialTimeout("tcp", j.otlp, time.Second); err == nil {
			conn.Close()
			var resp *http.Response
			if resp, err = c.Get(j.query + "/api/services"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
				err = fmt.Errorf("GET /api/services: %s", resp.Status)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("jaeger not ready after %s: %w", timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits up to 5 minutes for the exit.
func (j *jaegerProc) stop() error {
	if err := j.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-j.done:
	case <-time.After(5 * time.Minute):
		j.kill()
		return errors.New("jaeger did not stop within 5 minutes of SIGTERM")
	}
	if st := j.cmd.ProcessState; !st.Success() {
		return fmt.Errorf("jaeger exited with %s\n%s", st, j.logTail(30))
	}
	return nil
}

func (j *jaegerProc) kill() {
	_ = j.cmd.Process.Kill()
	<-j.done
}

// logTail returns the last n lines of the process's log.
func (j *jaegerProc) logTail(n int) string {
	b, _ := os.ReadFile(j.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
