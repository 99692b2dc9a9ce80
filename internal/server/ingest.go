package server

import (
	"lookout/internal/pipeline"
	"lookout/internal/retention"
	"lookout/internal/tally"
)

// ingest is the path every telemetry item takes to the store: the pipeline
// (bounded queue, group commit, answer after the commit) with its
// per-service tally, and the retention enforcer that drops what is past the
// retention or over the disk budget.
type ingest struct {
	pipeline  *pipeline.Pipeline
	tally     *tally.Tally
	retention *retention.Enforcer
}

// newIngest builds the pipeline on the telemetry store. Neither runs until
// Run.
func newIngest(d deps) (*ingest, error) {
	in := &ingest{tally: tally.New(nil)}
	pcfg := d.cfg.Pipeline
	pcfg.Retention, pcfg.Registerer, pcfg.Logger, pcfg.Tally = d.cfg.Retention, d.reg, d.log, in.tally
	pcfg.Admit = admit(d.disk)
	var err error
	if in.pipeline, err = pipeline.New(pcfg, d.store); err != nil {
		return nil, err
	}
	rcfg := retention.DefaultConfig()
	rcfg.Retention, rcfg.MaxDiskBytes, rcfg.Interval = d.cfg.Retention, d.cfg.MaxDiskBytes, d.cfg.RetentionInterval
	rcfg.Registerer, rcfg.Logger = d.reg, d.log
	rcfg.CountFiles = countedFiles(d.cfg)
	if in.retention, err = retention.New(rcfg, d.store); err != nil {
		return nil, err
	}
	return in, nil
}
