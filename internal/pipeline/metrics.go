package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
)

type metrics struct {
	receivedTotal *prometheus.CounterVec
	accepted      *prometheus.CounterVec
	rejected      *prometheus.CounterVec
	queueDepth    prometheus.Gauge
	commitSeconds prometheus.Histogram
	commitItems   prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		receivedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_items_received_total", Help: "Items submitted by receivers, by kind.",
		}, []string{"kind"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_items_accepted_total", Help: "Items durably committed, by kind.",
		}, []string{"kind"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_items_rejected_total", Help: "Items refused, by kind and reason.",
		}, []string{"kind", "reason"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_queue_items", Help: "Items waiting for a commit.",
		}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lookout_commit_duration_seconds", Help: "Duration of group commits.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		commitItems: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lookout_commit_items", Help: "Items per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.receivedTotal, m.accepted, m.rejected, m.queueDepth, m.commitSeconds, m.commitItems} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *metrics) received(b *model.Batch) {
	m.receivedTotal.WithLabelValues("span").Add(float64(len(b.Spans)))
	m.receivedTotal.WithLabelValues("log").Add(float64(len(b.Logs)))
}
