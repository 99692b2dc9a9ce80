package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
)

// metrics are the Pipeline's item counters, by kind.
type metrics struct {
	receivedTotal *prometheus.CounterVec
	accepted      *prometheus.CounterVec
	rejected      *prometheus.CounterVec
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
	}
	return m, register(reg, m.receivedTotal, m.accepted, m.rejected)
}

func (m *metrics) received(b *model.Batch) {
	m.receivedTotal.WithLabelValues("span").Add(float64(len(b.Spans)))
	m.receivedTotal.WithLabelValues("log").Add(float64(len(b.Logs)))
	m.receivedTotal.WithLabelValues("metric").Add(float64(len(b.Metrics)))
}

// queueMetrics are a Queue's depth and commit sizes.
type queueMetrics struct {
	depth         prometheus.Gauge
	bytes         prometheus.Gauge // nil without a byte bound
	commitSeconds prometheus.Histogram
	commitItems   prometheus.Histogram
}

func newQueueMetrics(cfg QueueConfig) (*queueMetrics, error) {
	p := cfg.MetricPrefix
	m := &queueMetrics{
		depth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: p + "queue_items", Help: "Items waiting for a commit.",
		}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: p + "commit_duration_seconds", Help: "Duration of group commits.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		commitItems: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: p + "commit_items", Help: "Items per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}),
	}
	cs := []prometheus.Collector{m.depth, m.commitSeconds, m.commitItems}
	if cfg.MaxBytes > 0 {
		m.bytes = prometheus.NewGauge(prometheus.GaugeOpts{
			Name: p + "queue_bytes", Help: "Bytes waiting for a commit.",
		})
		cs = append(cs, m.bytes)
	}
	return m, register(cfg.Registerer, cs...)
}

func (m *queueMetrics) set(items int, bytes int64) {
	m.depth.Set(float64(items))
	if m.bytes != nil {
		m.bytes.Set(float64(bytes))
	}
}

// register registers cs with reg, unless reg is nil.
func register(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	if reg == nil {
		return nil
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
