package metricquery

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
)

// breakdownValue reads a column of a point as the stores return breakdown
// values: fields as text (nil when empty), attributes typed as sent (the
// point's own, else its resource's), nil when absent.
func breakdownValue(p *model.MetricPoint, column string) any {
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	attrs := []model.Attributes{p.Attributes, p.Resource.Attributes}
	if scope, key, ok := query.ScopedAttr(column); ok {
		if scope == query.ResourceScope {
			attrs = attrs[1:]
		} else {
			attrs = attrs[:1]
		}
		column = key
	} else {
		switch column {
		case query.ColService:
			return p.Service()
		case query.ColLibraryName:
			return text(p.Scope.Name)
		case query.ColLibraryVer:
			return text(p.Scope.Version)
		}
	}
	for _, a := range attrs {
		if v, ok := a.Get(column); ok {
			return scalar(v)
		}
	}
	return nil
}

// scalar is an attribute value as a query value: string, int64, float64 or
// bool; other kinds as their text.
func scalar(v model.Value) any {
	switch v.Kind {
	case model.KindString:
		return v.Str
	case model.KindInt:
		return v.Int
	case model.KindDouble:
		return v.Double
	case model.KindBool:
		return v.Bool
	}
	return v.AsString()
}

// groupKey encodes breakdown values, type included, as a map key.
func groupKey(vals []any) string {
	var b strings.Builder
	for _, v := range vals {
		fmt.Fprintf(&b, "%T:%v\x00", v, v)
	}
	return b.String()
}

// seriesKey names a point's series: metric, type, resource, scope and
// attributes, the attributes in key order.
func seriesKey(p *model.MetricPoint) string {
	var b strings.Builder
	b.WriteString(p.Name)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(int(p.Type)))
	b.WriteByte(0)
	writeAttrs(&b, p.Resource.Attributes)
	b.WriteString(p.Scope.Name)
	b.WriteByte(0)
	b.WriteString(p.Scope.Version)
	b.WriteByte(0)
	writeAttrs(&b, p.Attributes)
	return b.String()
}

func writeAttrs(b *strings.Builder, attrs model.Attributes) {
	sorted := slices.IsSortedFunc(attrs, func(x, y model.KeyValue) int { return strings.Compare(x.Key, y.Key) })
	if !sorted {
		attrs = slices.Clone(attrs)
		slices.SortStableFunc(attrs, func(x, y model.KeyValue) int { return strings.Compare(x.Key, y.Key) })
	}
	for _, kv := range attrs {
		b.WriteString(kv.Key)
		b.WriteByte(1)
		b.WriteString(strconv.Itoa(int(kv.Value.Kind)))
		b.WriteByte(1)
		b.WriteString(kv.Value.AsString())
		b.WriteByte(0)
	}
	b.WriteByte(2)
}
