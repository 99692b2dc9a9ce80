package errortrack

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/model"
	"lookout/internal/store"
)

// committer writes the Service's queued occurrences, one transaction per
// group; the queue retries a failed group one occurrence at a time, so one
// bad occurrence does not fail its neighbours.
type committer struct{ s *Service }

// Commit records group with its items, applying each occurrence to its
// item by the lifecycle rules (Observe).
func (c committer) Commit(ctx context.Context, group []*model.ErrorOccurrence) ([]store.Recorded, error) {
	return c.s.w.RecordOccurrences(ctx, group, c.s.observe)
}

// Settle counts a finished occurrence.
func (c committer) Settle(_ *model.ErrorOccurrence, err error) {
	if err != nil {
		c.s.metrics.rejected.WithLabelValues("store_error").Inc()
		return
	}
	c.s.metrics.accepted.Inc()
}

func (s *Service) observe(it *model.Item, occ *model.ErrorOccurrence) {
	if t := Observe(it, occ); t.Reactivated {
		s.log.Info("item reactivated", "project", it.Project, "item", it.ID,
			"counter", it.Counter, "occurrence", occ.ID, "code_version", occ.CodeVersion)
	}
}

// metrics count occurrences the way the pipeline counts spans and logs.
type metrics struct {
	received prometheus.Counter
	accepted prometheus.Counter
	rejected *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		received: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lookout_occurrences_received_total", Help: "Error occurrences submitted for recording.",
		}),
		accepted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lookout_occurrences_accepted_total", Help: "Error occurrences durably recorded (re-sent ones included).",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_occurrences_rejected_total", Help: "Error occurrences refused, by reason.",
		}, []string{"reason"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.received, m.accepted, m.rejected} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
