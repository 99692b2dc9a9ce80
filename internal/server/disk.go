package server

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/diskspace"
	"lookout/internal/pipeline"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

// metaPath is the metadata store's file in the data directory.
func metaPath(dataDir string) string { return filepath.Join(dataDir, "meta.duckdb") }

// watchDisk starts the free-space reserve of the data directory when a
// store keeps its files there, and exports the count of damaged files the
// telemetry store set aside.
func (s *Server) watchDisk() error {
	if d, ok := s.store.(store.DamageReporter); ok {
		registerDamaged(s.reg, d)
	}
	if !s.cfg.stores().UsesDataDir() {
		return nil
	}
	dc := diskspace.DefaultConfig()
	dc.Dir, dc.Reserve, dc.Registerer, dc.Logger = s.cfg.DataDir, s.cfg.MinFreeDisk, s.reg, s.log
	var err error
	s.disk, err = diskspace.New(dc)
	return err
}

// admit refuses new writes, as the pipeline's retryable ErrNoSpace, while
// the guard sees less free space than the reserve; nil without a guard.
func admit(g *diskspace.Guard) func() error {
	if g == nil {
		return nil
	}
	return func() error {
		if err := g.Check(); err != nil {
			return fmt.Errorf("%w: %v", pipeline.ErrNoSpace, err)
		}
		return nil
	}
}

// metaOpenError explains how to get past a damaged metadata store; other
// errors pass as they are.
func metaOpenError(err error, dataDir string) error {
	var de *metaduck.DamagedError
	if !errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%w; Lookout does not start on it. To start again, stop every Lookout "+
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

// countedFiles are the files the disk budget counts besides the
// partitions: the embedded metadata store, when it is used.
func countedFiles(c Config) []string {
	if !c.stores().MetaInDataDir() {
		return nil
	}
	return []string{metaPath(c.DataDir), metaPath(c.DataDir) + ".wal"}
}

// damageReporter is the telemetry store as a DamageReporter, or nil.
func damageReporter(st store.Store) store.DamageReporter {
	d, _ := st.(store.DamageReporter)
	return d
}

// countedMeta is the embedded metadata store's file, or "" when the
// metadata lives elsewhere.
func countedMeta(c Config) string {
	if !c.stores().MetaInDataDir() {
		return ""
	}
	return metaPath(c.DataDir)
}
