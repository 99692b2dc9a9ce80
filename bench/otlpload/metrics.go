package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// samples are the series of one /metrics scrape, keyed by name and labels as
// exposed (`lookout_items_accepted_total{kind="span"}`).
type samples map[string]float64

// scrape reads the Prometheus text exposition at base/metrics.
func scrape(base string) (samples, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: %s", base, resp.Status)
	}
	out := samples{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// get returns the series of that name whose labels contain every given
// `k="v"` pair, summed when several match.
func (s samples) get(name string, labels ...string) float64 {
	var sum float64
	for k, v := range s {
		n, lab, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(lab, l) {
				ok = false
			}
		}
		if ok {
			sum += v
		}
	}
	return sum
}

// diskUsage sums the regular files under dir: allocated bytes (as du counts
// them) and apparent sizes. Files named in skip are left out.
func diskUsage(dir string, skip ...string) (allocated, apparent int64, files int, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		for _, s := range skip {
			if d.Name() == s {
				return nil
			}
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed while walking
		}
		files++
		apparent += info.Size()
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			allocated += st.Blocks * 512
		} else {
			allocated += info.Size()
		}
		return nil
	})
	return allocated, apparent, files, err
}
