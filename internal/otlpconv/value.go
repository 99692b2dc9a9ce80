// Package otlpconv translates between the model and the OTLP protobuf types,
// losslessly in both directions for every field the model holds. It validates
// what the model relies on (id lengths, timestamps that fit an int64, end not
// before start) and reports each refused item instead of dropping it.
//
// Converted values share memory with their source: strings, byte values and
// attribute lists are not copied. Neither side may be modified while the other
// is in use.
package otlpconv

import (
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"

	"lookout/internal/model"
)

// valueFromProto converts an AnyValue; nil and a value with no field set both
// become the empty value. The profiling-only string_value_strindex is treated
// as absent, as the OTLP spec asks of non-profiling receivers.
func valueFromProto(v *commonpb.AnyValue) model.Value {
	if v == nil {
		return model.Value{}
	}
	switch x := v.Value.(type) {
	case *commonpb.AnyValue_StringValue:
		return model.Value{Kind: model.KindString, Str: x.StringValue}
	case *commonpb.AnyValue_BoolValue:
		return model.Value{Kind: model.KindBool, Bool: x.BoolValue}
	case *commonpb.AnyValue_IntValue:
		return model.Value{Kind: model.KindInt, Int: x.IntValue}
	case *commonpb.AnyValue_DoubleValue:
		return model.Value{Kind: model.KindDouble, Double: x.DoubleValue}
	case *commonpb.AnyValue_BytesValue:
		return model.Value{Kind: model.KindBytes, Bytes: x.BytesValue}
	case *commonpb.AnyValue_ArrayValue:
		vals := x.ArrayValue.GetValues()
		if len(vals) == 0 {
			return model.Value{Kind: model.KindArray}
		}
		arr := make([]model.Value, len(vals))
		for i, e := range vals {
			arr[i] = valueFromProto(e)
		}
		return model.Value{Kind: model.KindArray, Array: arr}
	case *commonpb.AnyValue_KvlistValue:
		return model.Value{Kind: model.KindMap, Map: attrsFromProto(x.KvlistValue.GetValues())}
	}
	return model.Value{}
}

// attrsFromProto converts a key-value list, keeping order and duplicates; an
// empty list becomes nil.
func attrsFromProto(kvs []*commonpb.KeyValue) model.Attributes {
	if len(kvs) == 0 {
		return nil
	}
	out := make(model.Attributes, len(kvs))
	for i, kv := range kvs {
		out[i] = model.KeyValue{Key: kv.GetKey(), Value: valueFromProto(kv.GetValue())}
	}
	return out
}

// valueToProto converts a model value; the empty value becomes an AnyValue
// with no field set, which is how OTLP spells "empty".
func valueToProto(v model.Value) *commonpb.AnyValue {
	switch v.Kind {
	case model.KindString:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v.Str}}
	case model.KindBool:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: v.Bool}}
	case model.KindInt:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v.Int}}
	case model.KindDouble:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v.Double}}
	case model.KindBytes:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: v.Bytes}}
	case model.KindArray:
		arr := &commonpb.ArrayValue{}
		if len(v.Array) > 0 {
			arr.Values = make([]*commonpb.AnyValue, len(v.Array))
			for i, e := range v.Array {
				arr.Values[i] = valueToProto(e)
			}
		}
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: arr}}
	case model.KindMap:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{
			KvlistValue: &commonpb.KeyValueList{Values: attrsToProto(v.Map)},
		}}
	}
	return &commonpb.AnyValue{}
}

// attrsToProto converts an attribute list; an empty list becomes nil.
func attrsToProto(attrs []model.KeyValue) []*commonpb.KeyValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]*commonpb.KeyValue, len(attrs))
	for i, kv := range attrs {
		out[i] = &commonpb.KeyValue{Key: kv.Key, Value: valueToProto(kv.Value)}
	}
	return out
}

func resourceFromProto(r *resourcepb.Resource, schemaURL string) model.Resource {
	return model.Resource{
		Attributes:             attrsFromProto(r.GetAttributes()),
		DroppedAttributesCount: r.GetDroppedAttributesCount(),
		SchemaURL:              schemaURL,
	}
}

func resourceToProto(r *model.Resource) *resourcepb.Resource {
	return &resourcepb.Resource{
		Attributes:             attrsToProto(r.Attributes),
		DroppedAttributesCount: r.DroppedAttributesCount,
	}
}

func scopeFromProto(s *commonpb.InstrumentationScope, schemaURL string) model.Scope {
	return model.Scope{
		Name:                   s.GetName(),
		Version:                s.GetVersion(),
		Attributes:             attrsFromProto(s.GetAttributes()),
		DroppedAttributesCount: s.GetDroppedAttributesCount(),
		SchemaURL:              schemaURL,
	}
}

func scopeToProto(s *model.Scope) *commonpb.InstrumentationScope {
	return &commonpb.InstrumentationScope{
		Name:                   s.Name,
		Version:                s.Version,
		Attributes:             attrsToProto(s.Attributes),
		DroppedAttributesCount: s.DroppedAttributesCount,
	}
}
