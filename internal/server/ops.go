package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lookout/internal/tally"
)

// registerOps mounts what operators and load balancers poll: /healthz
// (the process answers), /readyz (ready reports that every listener
// serves), /metrics (Prometheus) and /api/status (what is stored and what
// arrived, from t).
func registerOps(mux *http.ServeMux, d deps, t *tally.Tally, ready func() bool) {
	mux.Handle("GET /api/status", statusSource{
		store: d.store, tally: t, version: d.cfg.Version, started: time.Now(),
		retention: d.cfg.Retention, budget: d.cfg.MaxDiskBytes, now: time.Now,
		disk: d.disk, damaged: damageReporter(d.store), metaPath: countedMeta(d.cfg),
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{Registry: d.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	// Tempo's readiness probe, which Grafana and Tempo tooling read: text.
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}
