package traceql

// Intrinsics lists the intrinsic fields Compile reads, sorted, as Tempo's
// tag APIs list them under the "intrinsic" scope.
var Intrinsics = []string{
	"duration", "event:name", "instrumentation:name", "instrumentation:version", "kind", "name",
	"rootName", "rootServiceName", "span:duration", "span:id", "span:kind", "span:name", "span:parentID",
	"span:status", "span:statusMessage", "status", "statusMessage", "trace:duration", "trace:id",
	"trace:rootName", "trace:rootService", "traceDuration",
}

// TagValues says where the values of a tag are, for listing them.
type TagValues struct {
	// Column is the query column that holds them (for an unscoped key that
	// no column name holds alone: the span attribute).
	Column string
	// Root: the values are the root spans' (rootName, rootServiceName).
	Root bool
	// Status: Column holds status codes, listed as error, ok and unset;
	// Keyword: the values are keywords (status, kind), not strings.
	Status, Keyword bool
	// None: the field has no values worth listing (durations).
	None bool
}

// ParseField reads one field as TraceQL writes it: span.key, resource.key,
// .key, event.key, span."quoted key", an intrinsic such as status or
// span:name.
func ParseField(s string) (Field, error) {
	toks, err := lex(s)
	if err != nil {
		return Field{}, err
	}
	p := &parser{toks: toks, src: s}
	f, err := p.field()
	if err != nil {
		return Field{}, err
	}
	if t := p.peek(); t.kind != tEOF {
		return Field{}, errorf(t.pos, "unexpected %s after the field", t.describe())
	}
	return f, nil
}

// TagValuesOf says where the values of a field are; it refuses fields
// Compile refuses.
func TagValuesOf(f Field) (TagValues, error) {
	o, err := resolve(f, 0)
	if err != nil {
		return TagValues{}, err
	}
	if o.level == onTrace || o.typ == typeDuration {
		return TagValues{None: true}, nil
	}
	return TagValues{Column: o.cols[0], Root: o.level == onRoot, Status: o.typ == typeStatus,
		Keyword: o.typ == typeStatus || o.typ == typeKind}, nil
}
