// Package diskspace keeps a reserve of free disk space: a Guard refuses new
// writes while the file system holding the data directory has less free
// space than the reserve, so that the stores never meet a full disk in
// the middle of a commit or a checkpoint, and lets them in again, by
// itself, once space is back.
package diskspace

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/prometheus/client_golang/prometheus"
)

// ErrLow is wrapped by Check's error while free space is below the reserve.
var ErrLow = errors.New("free disk space is below the reserve")

// Reserve is an amount of free space to keep: Bytes, or Percent of the
// file system's size when Percent is set.
type Reserve struct {
	Bytes   int64
	Percent float64
}

// ParseReserve reads "256MiB", "1GB", "0" or "5%".
func ParseReserve(s string) (Reserve, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || f >= 100 {
			return Reserve{}, fmt.Errorf("disk reserve %q: want a percentage from 0 to 99", s)
		}
		return Reserve{Percent: f}, nil
	}
	n, err := humanize.ParseBytes(s)
	if err != nil {
		return Reserve{}, fmt.Errorf("disk reserve %q: want a size such as 256MiB, or a percentage such as 5%%", s)
	}
	return Reserve{Bytes: int64(n)}, nil
}

// String renders r as ParseReserve reads it.
func (r Reserve) String() string {
	if r.Percent > 0 {
		return strconv.FormatFloat(r.Percent, 'f', -1, 64) + "%"
	}
	return exactSize(r.Bytes)
}

// exactSize renders n in the largest unit that divides it.
func exactSize(n int64) string {
	units := []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"kB", 1e3}}
	for _, u := range units {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// bytes is the reserve on a file system of total bytes.
func (r Reserve) bytes(total int64) int64 {
	if r.Percent > 0 {
		return int64(float64(total) * r.Percent / 100)
	}
	return r.Bytes
}

// Config configures a Guard.
type Config struct {
	Dir     string  // the data directory
	Reserve Reserve // zero: nothing is refused, the figures are still reported
	// CacheFor is how long one look at the file system serves Check.
	CacheFor time.Duration

	Registerer prometheus.Registerer // nil: metrics are not registered
	Logger     *slog.Logger          // nil: slog.Default()
	Now        func() time.Time      // nil: time.Now
	Stat       func(dir string) (Usage, error)
}

// DefaultConfig keeps 256 MiB free and looks at most four times a second
// (a statfs call; between looks, writes go on unchecked). Dir
// must still be set.
func DefaultConfig() Config {
	return Config{Reserve: Reserve{Bytes: 256 << 20}, CacheFor: 250 * time.Millisecond}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Dir == "":
		return errors.New("diskspace: Dir must be set")
	case c.Reserve.Bytes < 0 || c.Reserve.Percent < 0 || c.Reserve.Percent >= 100:
		return fmt.Errorf("diskspace: reserve %s out of range", c.Reserve)
	case c.CacheFor < 0:
		return errors.New("diskspace: CacheFor must not be negative")
	}
	return nil
}

// Status is what a Guard last saw.
type Status struct {
	FreeBytes    int64     `json:"freeBytes"`
	TotalBytes   int64     `json:"totalBytes"`
	ReserveBytes int64     `json:"reserveBytes"`
	Reserve      string    `json:"reserve"`
	Refusing     bool      `json:"refusingWrites"`
	CheckedAt    time.Time `json:"checkedAt"`
	Error        string    `json:"error,omitempty"` // why the file system could not be looked at
}

// Guard is safe for concurrent use.
type Guard struct {
	cfg  Config
	log  *slog.Logger
	now  func() time.Time
	stat func(string) (Usage, error)

	mu   sync.Mutex
	last Status
}

// New builds a guard of cfg.Dir.
func New(cfg Config) (*Guard, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Guard{cfg: cfg, log: cfg.Logger, now: cfg.Now, stat: cfg.Stat}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.stat == nil {
		g.stat = Stat
	}
	if err := g.register(cfg.Registerer); err != nil {
		return nil, err
	}
	return g, nil
}

// Check returns an error wrapping ErrLow, with the figures, while the free
// space is below the reserve, and nil otherwise, also when the file system
// cannot be looked at (the stores then meet the problem themselves).
func (g *Guard) Check() error {
	st := g.Status()
	if !st.Refusing {
		return nil
	}
	return fmt.Errorf("%w: %s free of %s, reserve %s (%s)", ErrLow,
		humanize.IBytes(uint64(st.FreeBytes)), humanize.IBytes(uint64(st.TotalBytes)),
		humanize.IBytes(uint64(st.ReserveBytes)), g.cfg.Reserve)
}

// Status returns the figures, looking at the file system again when the
// last look is older than CacheFor.
func (g *Guard) Status() Status {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if !g.last.CheckedAt.IsZero() && now.Sub(g.last.CheckedAt) < g.cfg.CacheFor {
		return g.last
	}
	st := Status{Reserve: g.cfg.Reserve.String(), CheckedAt: now}
	u, err := g.stat(g.cfg.Dir)
	if err != nil {
		st.Error = err.Error()
		if g.last.Error == "" {
			g.log.Warn("cannot look at the free disk space; writes are not held back", "dir", g.cfg.Dir, "err", err)
		}
		g.last = st
		return st
	}
	st.FreeBytes, st.TotalBytes = u.Free, u.Total
	st.ReserveBytes = g.cfg.Reserve.bytes(u.Total)
	st.Refusing = st.ReserveBytes > 0 && u.Free < st.ReserveBytes
	switch {
	case st.Refusing && !g.last.Refusing:
		g.log.Error("free disk space is below the reserve: refusing new writes until space is back",
			"dir", g.cfg.Dir, "free_bytes", u.Free, "reserve_bytes", st.ReserveBytes, "reserve", g.cfg.Reserve.String())
	case !st.Refusing && g.last.Refusing:
		g.log.Info("free disk space is back above the reserve: taking writes again",
			"dir", g.cfg.Dir, "free_bytes", u.Free, "reserve_bytes", st.ReserveBytes)
	}
	g.last = st
	return st
}

func (g *Guard) register(reg prometheus.Registerer) error {
	if reg == nil {
		return nil
	}
	gauge := func(name, help string, v func(Status) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return v(g.Status()) })
	}
	for _, c := range []prometheus.Collector{
		gauge("lookout_disk_free_bytes", "Free bytes of the file system holding the data directory.",
			func(s Status) float64 { return float64(s.FreeBytes) }),
		gauge("lookout_disk_total_bytes", "Size of the file system holding the data directory.",
			func(s Status) float64 { return float64(s.TotalBytes) }),
		gauge("lookout_disk_reserve_bytes", "Free space kept in reserve (--min-free-disk); below it new writes are refused.",
			func(s Status) float64 { return float64(s.ReserveBytes) }),
		gauge("lookout_disk_refusing_writes", "1 while free disk space is below the reserve and new writes are refused.",
			func(s Status) float64 {
				if s.Refusing {
					return 1
				}
				return 0
			}),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
