package server

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/diskspace"
	"lookout/internal/pipeline"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

// metaPath is the metadata store's file in the data directory.
func metaPath(dataDir string) string { return filepath.Join(dataDir, "meta.duckdb") }

// newDiskGuard watches the free space of the data directory's file system.
func newDiskGuard(cfg Config, reg prometheus.Registerer, log *slog.Logger) (*diskspace.Guard, error) {
	dc := diskspace.DefaultConfig()
	dc.Dir, dc.Reserve, dc.Registerer, dc.Logger = cfg.DataDir, cfg.MinFreeDisk, reg, log
	return diskspace.New(dc)
}

// admit refuses new writes, as the pipeline's retryable ErrNoSpace, while
// the guard sees less free space than the reserve.
func admit(g *diskspace.Guard) func() error {
	return func() error {
		if err := g.Check(); err != nil {
			return fmt.Errorf("%w: %v", pipeline.ErrNoSpace, err)
		}
		return nil
	}
}

// metaOpenError explains how to get past a damaged metadata store.
func metaOpenError(err error, dataDir string) error {
	var de *metaduck.DamagedError
	if !errors.As(err, &de) {
		return fmt.Errorf("open metadata store: %w", err)
	}
	return fmt.Errorf("open metadata store: %w; Lookout does not start on it. To start again, stop every Lookout "+
		"using %s and run: lookout repair --data-dir %s (it keeps the damaged file as %s.damaged-<time>, "+
		"creates a new metadata store and copies into it every table that can still be read; see docs/operations.md)",
		err, dataDir, dataDir, de.Path)
}

// registerDamaged exports the count of data files set aside as damaged.
func registerDamaged(reg prometheus.Registerer, d store.DamageReporter) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lookout_damaged_files",
		Help: "Data files found damaged and set aside since start (listed in /api/status).",
	}, func() float64 { return float64(len(d.DamagedFiles())) }))
}

// minFreeDiskDefault is the free space kept in reserve unless configured.
var minFreeDiskDefault = diskspace.DefaultConfig().Reserve
