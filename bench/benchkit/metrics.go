package benchkit

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

// Samples are the series of one /metrics Scrape, keyed by name and labels as
// exposed (`lookout_items_accepted_total{kind="span"}`).
type Samples map[string]float64

// Scrape reads the Prometheus text exposition at base/metrics.
func Scrape(base string) (Samples, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: %s", base, resp.Status)
	}
	out := Samples{}
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

// Get returns the series of that name whose labels contain every given
// `k="v"` pair, summed when several match.
func (s Samples) Get(name string, labels ...string) float64 {
	var sum float64
	for k, v := range s {
		n, lab, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		if hasLabels(lab, labels) {
			sum += v
		}
	}
	return sum
}

// ByLabel sums the series of name that carry every given `k="v"` pair,
// grouped by the value of label by.
func (s Samples) ByLabel(name, by string, labels ...string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range s {
		n, lab, _ := strings.Cut(k, "{")
		if n != name || !hasLabels(lab, labels) {
			continue
		}
		_, val, ok := strings.Cut(lab, by+`="`)
		if !ok {
			continue
		}
		val, _, _ = strings.Cut(val, `"`)
		out[val] += v
	}
	return out
}

func hasLabels(lab string, labels []string) bool {
	for _, l := range labels {
		if !strings.Contains(lab, l) {
			return false
		}
	}
	return true
}

// DiskUsage sums the regular files under dir: allocated bytes (as du counts
// them) and apparent sizes. Files named in skip are left out.
func DiskUsage(dir string, skip ...string) (allocated, apparent int64, files int, err error) {
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
