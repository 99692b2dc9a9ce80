package otlp

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the receiver's own; what happens to items is counted by the
// pipeline through the Observer.
type metrics struct {
	panics *prometheus.CounterVec // by transport: "grpc", "http"
	// refused counts exports refused for who sent them, by transport and
	// reason: "unauthenticated", "forbidden".
	refused *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, f inflight) (*metrics, error) {
	m := &metrics{
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_otlp_panics_total",
			Help: "OTLP requests whose handler panicked and was answered with an internal error, by transport.",
		}, []string{"transport"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_otlp_refused_total",
			Help: "OTLP requests refused for who sent them (no or a wrong ingest key, or no keys configured and not a loopback client), by transport and reason.",
		}, []string{"transport", "reason"}),
	}
	held := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lookout_otlp_inflight_bytes",
		Help: "Bytes of OTLP requests being read, decoded, converted or committed, charged against MaxInflightBytes.",
	}, func() float64 { return float64(f.held.Load()) })
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.panics, m.refused, held} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("otlp metrics: %w", err)
		}
	}
	return m, nil
}
