package xray

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count documents by transport ("udp", "http"): every document
// received is either parsed or rejected with a reason.
type metrics struct {
	received       *prometheus.CounterVec
	parsed         *prometheus.CounterVec
	rejected       *prometheus.CounterVec
	recordsSkipped *prometheus.CounterVec
	spansCommitted prometheus.Counter
	spansFailed    prometheus.Counter
	retries        prometheus.Counter
	queueBytes     prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_xray_segments_received_total",
			Help: "X-Ray segment documents received (UDP datagrams, PutTraceSegments documents), by transport.",
		}, []string{"transport"}),
		parsed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_xray_segments_parsed_total",
			Help: "X-Ray segment documents parsed and valid, by transport.",
		}, []string{"transport"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_xray_segments_rejected_total",
			Help: "X-Ray segment documents refused (invalid, or dropped when overloaded), by transport and reason.",
		}, []string{"transport", "reason"}),
		recordsSkipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_xray_rejected_records_skipped_total",
			Help: "Refused X-Ray segment documents counted but not kept as a log record, because more were refused than the record budget allows, by transport.",
		}, []string{"transport"}),
		spansCommitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lookout_xray_udp_spans_committed_total",
			Help: "Spans from UDP segment documents committed by the pipeline.",
		}),
		spansFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lookout_xray_udp_spans_failed_total",
			Help: "Spans from UDP segment documents given up after a permanent error or at shutdown.",
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lookout_xray_udp_submit_retries_total",
			Help: "Batches of UDP spans submitted again after a retryable error.",
		}),
		queueBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_xray_udp_queue_bytes",
			Help: "Bytes of UDP segment documents held waiting for a commit.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	m.received = register(reg, m.received, &errs)
	m.parsed = register(reg, m.parsed, &errs)
	m.rejected = register(reg, m.rejected, &errs)
	m.recordsSkipped = register(reg, m.recordsSkipped, &errs)
	m.spansCommitted = register(reg, m.spansCommitted, &errs)
	m.spansFailed = register(reg, m.spansFailed, &errs)
	m.retries = register(reg, m.retries, &errs)
	m.queueBytes = register(reg, m.queueBytes, &errs)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("xray metrics: %w", err)
	}
	return m, nil
}

// register registers c, or returns the collector registered before under
// the same name, so that receivers sharing a registry share their counts.
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errs *[]error) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	*errs = append(*errs, err)
	return c
}
