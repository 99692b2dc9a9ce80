// Package benchkit is what the benchmark drivers share: starting a lookout
// binary with benchmark settings, reading its own figures from /metrics and
// /proc, and measuring its data directory.
package benchkit

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"lookout/internal/lookouttest"
)

// Start runs `bin serve` on dataDir as the benchmarks want it: every
// listener on a kernel-chosen port, a 7-day retention and no disk budget
// (flags in extra override these), up to 10 minutes to start, since opening
// a large data directory takes long, a minute to be ready and 5 to stop, and
// the last 50 log lines kept.
func Start(bin, dataDir string, extra ...string) (*lookouttest.Server, error) {
	cfg := lookouttest.DefaultConfig()
	cfg.Bin, cfg.DataDir = bin, dataDir
	cfg.Args = append([]string{"--retention", "7d", "--max-disk", "0"}, extra...)
	cfg.StartTimeout, cfg.ReadyTimeout, cfg.StopTimeout = 10*time.Minute, time.Minute, 5*time.Minute
	cfg.LogLines = 50
	return lookouttest.Start(cfg)
}

// userHZ is the kernel's clock tick for /proc times (USER_HZ, 100 on Linux).
const userHZ = 100

// ProcCPU returns the user+system CPU seconds the process used so far.
func ProcCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the ")" that ends the command name; utime and stime are
	// fields 14 and 15 of the whole line.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: short line", pid)
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return (ut + st) / userHZ, nil
}

// ProcStatus returns a /proc/PID/status memory figure (VmHWM, VmRSS) in bytes.
func ProcStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				n, err := strconv.ParseInt(f[0], 10, 64)
				return n << 10, err
			}
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", pid, field)
}

// MachineBusy returns the CPU seconds all processes on the machine have used
// since boot (user, nice, system, irq, softirq, steal), to tell how much of
// the machine others took during a run.
func MachineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var sum float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		sum += v
	}
	return sum / userHZ
}
