package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"syscall"
	"time"
)

// server is the lookout binary under test.
type server struct {
	cmd  *exec.Cmd
	url  string // base URL of the main HTTP port
	done chan struct{}
}

// startLookout runs `bin serve` on dir with kernel-chosen ports, takes the
// main address from its "lookout started" JSON log line and waits for
// /readyz.
func startLookout(bin, dir string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--data-dir", dir,
		"--http-addr", "127.0.0.1:0", "--otlp-grpc-addr", "", "--otlp-http-addr", "",
		"--xray-addr", "", "--log-format", "json", "--retention", "30d", "--max-disk", "0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var rec struct{ Msg, HTTP string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "lookout started" {
				addr <- rec.HTTP
			} else if !json.Valid(sc.Bytes()) || !isInfo(sc.Bytes()) {
				fmt.Println("lookout:", sc.Text())
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case a := <-addr:
		s.url = "http://" + a
	case <-s.done:
		return nil, errors.New("lookout exited before starting")
	case <-time.After(5 * time.Minute):
		s.stop()
		return nil, errors.New("lookout did not start within 5m")
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s/readyz not ready after 1m: %v", s.url, err)
		}
	}
}

func isInfo(line []byte) bool {
	var rec struct{ Level string }
	return json.Unmarshal(line, &rec) == nil && (rec.Level == "INFO" || rec.Level == "DEBUG")
}

// stop sends SIGTERM and waits up to 5 minutes for the exit.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Minute):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}
