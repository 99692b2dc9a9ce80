package server

import (
	"net/http"

	"lookout/internal/api"
	"lookout/internal/tracelint"
)

// lookoutAPI builds Lookout's own JSON API over the telemetry store: traces,
// logs, services and queries (package api), and trace lint. The returned
// function mounts it; api's routes answer what no route under /api/ takes.
func lookoutAPI(d deps) (func(*http.ServeMux), error) {
	a, err := api.New(api.Config{Traces: d.store, Logs: d.store, Query: d.store, Logger: d.log, Version: d.cfg.Version})
	if err != nil {
		return nil, err
	}
	lint, err := tracelint.NewHandlers(tracelint.DefaultHandlerConfig(), d.store)
	if err != nil {
		return nil, err
	}
	return func(mux *http.ServeMux) {
		a.Register(mux)
		lint.Register(mux)
	}, nil
}
