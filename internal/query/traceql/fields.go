package traceql

import (
	"strings"

	"lookout/internal/query"
)

// level is what a field reads: a span, the trace's root span, or the
// whole trace.
type level int

const (
	onSpan level = iota
	onRoot
	onTrace
)

// fieldType is the type of literal a field compares with.
type fieldType int

const (
	typeAny      fieldType = iota // attributes: strings, numbers, booleans
	typeString                    // text intrinsics
	typeDuration                  // duration, traceDuration
	typeStatus                    // status
	typeKind                      // kind
)

// operand is a field in query-model terms.
type operand struct {
	field Field
	// cols is a chain of columns: the value is the first one present (two
	// for an unscoped attribute whose key a column name cannot hold alone).
	cols    []string
	level   level
	measure query.Measure // onTrace
	typ     fieldType
	// always: never missing (the span fields every span has).
	always bool
	// missingAs, when set, is what a missing value reads as (TraceQL's
	// status message of a span without one is "").
	missingAs *string
	// multi: many values per span (span events); a comparison holds when
	// one of them satisfies it.
	multi bool
}

var empty = ""

func spanField(f Field, col string, typ fieldType) operand {
	return operand{field: f, cols: []string{col}, typ: typ, always: true}
}

// resolve maps a field to its operand, or refuses it.
func resolve(f Field, pos int) (operand, error) {
	if f.Intrinsic {
		return resolveIntrinsic(f, pos)
	}
	switch f.Scope {
	case "":
		switch {
		case f.Name == query.ColService:
			return spanField(f, query.ColService, typeAny), nil
		case collides(f.Name):
			return operand{field: f, cols: []string{query.AttrScope + f.Name, query.ResourceScope + f.Name}}, nil
		}
		return operand{field: f, cols: []string{f.Name}}, nil
	case "span":
		return operand{field: f, cols: []string{query.AttrScope + f.Name}}, nil
	case "resource":
		if f.Name == query.ColService {
			return spanField(f, query.ColService, typeAny), nil
		}
		return operand{field: f, cols: []string{query.ResourceScope + f.Name}}, nil
	case "event":
		return operand{field: f, cols: []string{query.EventPrefix + f.Name}, multi: true}, nil
	}
	return operand{}, unsupported(pos, "the %s scope (%s)", f.Scope, f)
}

// collides reports whether a bare column name would not read attribute key.
func collides(key string) bool {
	_, isField := query.SpanField(key)
	_, _, scoped := query.ScopedAttr(key)
	return isField || scoped || strings.HasPrefix(key, query.EventPrefix)
}

func resolveIntrinsic(f Field, pos int) (operand, error) {
	name := f.Name
	if f.Scope != "" {
		name = f.Scope + ":" + f.Name
	}
	switch name {
	case "name", "span:name":
		return spanField(f, query.ColName, typeString), nil
	case "status", "span:status":
		return spanField(f, query.ColStatusCode, typeStatus), nil
	case "statusMessage", "span:statusMessage":
		return operand{field: f, cols: []string{query.ColStatusMessage}, typ: typeString, missingAs: &empty}, nil
	case "kind", "span:kind":
		return spanField(f, query.ColKind, typeKind), nil
	case "duration", "span:duration":
		return spanField(f, query.ColDuration, typeDuration), nil
	case "span:id":
		return spanField(f, query.ColSpanID, typeString), nil
	case "span:parentID":
		return operand{field: f, cols: []string{query.ColParentID}, typ: typeString}, nil
	case "trace:id":
		return spanField(f, query.ColTraceID, typeString), nil
	case "rootName", "trace:rootName":
		o := spanField(f, query.ColName, typeString)
		o.level = onRoot
		return o, nil
	case "rootServiceName", "trace:rootService":
		o := spanField(f, query.ColService, typeString)
		o.level = onRoot
		return o, nil
	case "traceDuration", "trace:duration":
		return operand{field: f, level: onTrace, measure: query.MeasureDuration, typ: typeDuration, always: true}, nil
	case "event:name":
		return operand{field: f, cols: []string{query.EventPrefix + "name"}, typ: typeString, multi: true}, nil
	case "instrumentation:name":
		return operand{field: f, cols: []string{query.ColLibraryName}, typ: typeString, missingAs: &empty}, nil
	case "instrumentation:version":
		return operand{field: f, cols: []string{query.ColLibraryVer}, typ: typeString, missingAs: &empty}, nil
	}
	return operand{}, unsupported(pos, "the intrinsic %s", f)
}

// outputName is the name a field's value goes by on the spans of an
// answer: an attribute's key, an intrinsic as written.
func (o operand) outputName() string {
	if o.field.Intrinsic {
		return o.field.String()
	}
	return o.field.Name
}
