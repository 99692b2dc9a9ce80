package server

import (
	"net/http"

	"lookout/internal/api"
	"lookout/internal/identity"
	"lookout/internal/metricfilters"
	"lookout/internal/querydefs"
	"lookout/internal/tracelint"
)

// lookoutAPI builds Lookout's own JSON API (package api) over the stores:
// traces, logs, metrics, services and queries, CloudWatch Logs groups and
// the metrics of their metric filters, the
// errors of a trace, the UI's saved queries, and projects and tokens (issued through tokens, which
// the Rollbar API checks); and trace lint, whose naming report asks clients
// which sampling clients each process polls with. The returned function
// mounts it; api's routes answer what no route under /api/ takes.
func lookoutAPI(d deps, clients tracelint.ClientLinker, tokens api.TokenIssuer) (func(*http.ServeMux), error) {
	a, err := api.New(api.Config{Traces: d.store, Logs: d.store, Query: d.store, Metrics: d.store, LogGroups: d.meta,
		MetricFilters: metricfilters.New(d.meta, d.store, nil), Errors: d.meta, Projects: d.meta, Tokens: tokens, Logger: d.log, Version: d.cfg.Version,
		SavedQueries: querydefs.NewOfKind(d.meta, querydefs.UIKind, nil),
		Project:      identity.RequestProject})
	if err != nil {
		return nil, err
	}
	lintCfg := tracelint.DefaultHandlerConfig()
	lintCfg.Clients = clients // which sampling clients the processes of /api/xray/naming poll with
	lintCfg.Project = identity.RequestProject
	lint, err := tracelint.NewHandlers(lintCfg, d.store)
	if err != nil {
		return nil, err
	}
	return func(mux *http.ServeMux) {
		a.Register(mux)
		lint.Register(mux)
	}, nil
}
