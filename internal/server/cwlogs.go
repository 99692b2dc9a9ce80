package server

import (
	"lookout/internal/loggroups"
	"lookout/internal/logsearch"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/cwlogs"
	"lookout/internal/retention"
)

// logSurface is CloudWatch Logs: the API handler (AWS JSON 1.1), what its
// writes do to the events (loggroups), the log search behind its reads and
// Logs Insights, and the log groups' retention policies.
type logSurface struct {
	handler   *cwlogs.Handler
	search    *logsearch.Service
	retention *retention.LogGroups
}

// newLogs builds the CloudWatch Logs surface; PutLogEvents goes through p.
func newLogs(d deps, p *pipeline.Pipeline) (*logSurface, error) {
	l := &logSurface{}
	ccfg := cwlogs.DefaultConfig()
	ccfg.Logger, ccfg.Keys, ccfg.OpenToAnyone = d.log, d.cfg.AWSAccessKeys, d.cfg.AllowAnyone
	lcfg := logsearch.DefaultConfig()
	lcfg.Logger, lcfg.Account = d.log, ccfg.AccountID
	var err error
	if l.search, err = logsearch.New(lcfg, d.store, d.meta); err != nil {
		return nil, err
	}
	gcfg := retention.DefaultLogGroupsConfig()
	gcfg.Logger = d.log
	if l.retention, err = retention.NewLogGroups(gcfg, d.meta, d.store); err != nil {
		l.search.Close()
		return nil, err
	}
	gscfg := loggroups.DefaultConfig()
	gscfg.Logger = d.log
	groups, err := loggroups.New(gscfg, loggroups.Deps{Sink: p, Meta: d.meta, Events: d.store, Expirer: l.retention})
	if err == nil {
		l.handler, err = cwlogs.New(ccfg, cwlogs.Backends{Meta: d.meta, Groups: groups, Reader: l.search, Insights: l.search})
	}
	if err != nil {
		l.search.Close()
		return nil, err
	}
	return l, nil
}
