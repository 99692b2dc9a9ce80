package rowcodec

import (
	"fmt"

	"lookout/internal/model"
)

// exemplarJSON is one exemplar in a metric point's exemplars column. The
// value travels as a model.Value (int, double or empty), whose encoding keeps
// every int and every double, NaN and infinities included.
type exemplarJSON struct {
	T  int64            `json:"t"`
	V  model.Value      `json:"v"`
	A  model.Attributes `json:"a,omitempty"`
	TI string           `json:"ti,omitempty"` // hex
	SI string           `json:"si,omitempty"` // hex
}

func numberValue(n model.Number) model.Value {
	switch n.Kind {
	case model.NumberDouble:
		return model.DoubleValue(n.Double)
	case model.NumberInt:
		return model.IntValue(n.Int)
	}
	return model.Value{}
}

func valueNumber(v model.Value) model.Number {
	switch v.Kind {
	case model.KindDouble:
		return model.Number{Kind: model.NumberDouble, Double: v.Double}
	case model.KindInt:
		return model.Number{Kind: model.NumberInt, Int: v.Int}
	}
	return model.Number{}
}

// EncodeExemplars and DecodeExemplars keep a metric point's exemplars.
func EncodeExemplars(es []model.Exemplar) (string, error) {
	if len(es) == 0 {
		return "", nil
	}
	js := make([]exemplarJSON, len(es))
	for i, e := range es {
		js[i] = exemplarJSON{T: e.TimeUnixNano, V: numberValue(e.Value), A: e.FilteredAttributes}
		if !e.TraceID.IsZero() {
			js[i].TI = e.TraceID.String()
		}
		if !e.SpanID.IsZero() {
			js[i].SI = e.SpanID.String()
		}
	}
	return marshal("exemplars", js)
}

func DecodeExemplars(s string) ([]model.Exemplar, error) {
	var js []exemplarJSON
	if err := unmarshal("exemplars", s, &js); err != nil || js == nil {
		return nil, err
	}
	es := make([]model.Exemplar, len(js))
	for i, j := range js {
		es[i] = model.Exemplar{TimeUnixNano: j.T, Value: valueNumber(j.V), FilteredAttributes: j.A}
		var err error
		if j.TI != "" {
			if es[i].TraceID, err = model.ParseTraceID(j.TI); err != nil {
				return nil, fmt.Errorf("decode exemplar %d: %w", i, err)
			}
		}
		if j.SI != "" {
			if es[i].SpanID, err = model.ParseSpanID(j.SI); err != nil {
				return nil, fmt.Errorf("decode exemplar %d: %w", i, err)
			}
		}
	}
	return es, nil
}

// EncodeMetadata and DecodeMetadata keep a metric's metadata attributes.
func EncodeMetadata(a model.Attributes) (string, error) {
	if len(a) == 0 {
		return "", nil
	}
	return marshal("metric metadata", a)
}

func DecodeMetadata(s string) (model.Attributes, error) {
	var a model.Attributes
	err := unmarshal("metric metadata", s, &a)
	return a, err
}

// FinishMetric sets what of a scanned metric point both stores decode the
// same way: its quantiles (parallel lists), metadata, exemplars,
// attributes, resource attributes and scope.
func FinishMetric(m *model.MetricPoint, qs, qvs []float64, metadata, exemplars, scope string, attrs, res Lists) error {
	if len(qs) != len(qvs) {
		return fmt.Errorf("metric %q: %d quantiles, %d values", m.Name, len(qs), len(qvs))
	}
	if len(qs) > 0 {
		m.Quantiles = make([]model.Quantile, len(qs))
		for i := range qs {
			m.Quantiles[i] = model.Quantile{Quantile: qs[i], Value: qvs[i]}
		}
	}
	var err error
	if m.Metadata, err = DecodeMetadata(metadata); err != nil {
		return fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Exemplars, err = DecodeExemplars(exemplars); err != nil {
		return fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Attributes, err = attrs.Decode(); err != nil {
		return fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Resource.Attributes, err = res.Decode(); err != nil {
		return fmt.Errorf("metric %q: resource: %w", m.Name, err)
	}
	if m.Scope, err = DecodeScope(m.Scope.Name, m.Scope.Version, scope); err != nil {
		return fmt.Errorf("metric %q: %w", m.Name, err)
	}
	return nil
}
