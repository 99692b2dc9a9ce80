package main

import (
	"encoding/json"
	"fmt"
	"time"

	"lookout/internal/lookouttest"
)

// startLookout runs `bin serve` on dir with only the main HTTP port open
// (on a kernel-chosen port), a 30-day retention and no disk budget, and waits
// for /readyz. Log lines above INFO are printed as they come.
func startLookout(bin, dir string) (*lookouttest.Server, error) {
	cfg := lookouttest.DefaultConfig()
	cfg.Bin, cfg.DataDir = bin, dir
	cfg.Args = []string{"--otlp-grpc-addr", "", "--otlp-http-addr", "", "--xray-addr", "",
		"--retention", "30d", "--max-disk", "0"}
	cfg.StartTimeout, cfg.ReadyTimeout, cfg.StopTimeout = 5*time.Minute, time.Minute, 5*time.Minute
	cfg.LogLines = 50
	cfg.Watch = func(line string) {
		if !isInfo([]byte(line)) {
			fmt.Println("lookout:", line)
		}
	}
	return lookouttest.Start(cfg)
}

// isInfo reports whether line is a JSON log record at INFO level or below.
func isInfo(line []byte) bool {
	var rec struct{ Level string }
	return json.Unmarshal(line, &rec) == nil && (rec.Level == "INFO" || rec.Level == "DEBUG")
}
