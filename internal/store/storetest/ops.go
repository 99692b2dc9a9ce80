package storetest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"lookout/internal/model"
)

// op is one operation a data-file step can name: mostly one method of the
// store contract, whose input is the step's "in" decoded into I.
type op struct {
	store string // the store kind it needs; "" for either
	// inline runs the call on the test goroutine (it may fail the test).
	inline  bool
	prepare func(e *env, raw json.RawMessage) (func() (any, error), error)
}

// ops maps step names to operations; the ops*.go files fill it.
var ops = map[string]op{}

func register(m map[string]op) {
	for name, o := range m {
		if _, dup := ops[name]; dup {
			panic("storetest: op " + name + " registered twice")
		}
		ops[name] = o
	}
}

func init() {
	register(map[string]op{
		// reopen closes the store and opens its directory again; cases
		// using it require the "reopen" capability.
		"reopen": {inline: true, prepare: with(func(e *env, _ struct{}) (any, error) {
			e.reopen()
			return nil, nil
		})},
		// distinct checks that the listed values (captured ids, say) differ
		// pairwise.
		"distinct": {inline: true, prepare: with(func(_ *env, in []json.RawMessage) (any, error) {
			seen := map[string]int{}
			for i, v := range in {
				if j, dup := seen[string(v)]; dup {
					return nil, fmt.Errorf("values %d and %d are both %s", j, i, v)
				}
				seen[string(v)] = i
			}
			return nil, nil
		})},
	})
}

// with builds an op's prepare from a typed call: "in" decodes strictly
// into I (absent "in" leaves I zero).
func with[I any](f func(e *env, in I) (any, error)) func(*env, json.RawMessage) (func() (any, error), error) {
	return func(e *env, raw json.RawMessage) (func() (any, error), error) {
		var in I
		if raw != nil {
			if err := decodeStrict(raw, &in); err != nil {
				return nil, err
			}
		}
		return func() (any, error) { return f(e, in) }, nil
	}
}

func metaOp[I any](f func(e *env, in I) (any, error)) op {
	return op{store: storeMeta, prepare: with(f)}
}

func telemetryOp[I any](f func(e *env, in I) (any, error)) op {
	return op{store: storeTelemetry, prepare: with(f)}
}

// traceID is a model.TraceID written as 32 hex digits ("" for none).
type traceID model.TraceID

func (id traceID) MarshalJSON() ([]byte, error) {
	if model.TraceID(id).IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(model.TraceID(id).String())
}

func (id *traceID) UnmarshalJSON(b []byte) error {
	return unmarshalHex(b, id[:])
}

// spanID is a model.SpanID written as 16 hex digits ("" for none).
type spanID model.SpanID

func (id spanID) MarshalJSON() ([]byte, error) {
	if model.SpanID(id).IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(model.SpanID(id).String())
}

func (id *spanID) UnmarshalJSON(b []byte) error {
	return unmarshalHex(b, id[:])
}

func unmarshalHex(b []byte, dst []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		clear(dst)
		return nil
	}
	if len(s) != 2*len(dst) {
		return fmt.Errorf("id %q: want %d hex digits", s, 2*len(dst))
	}
	_, err := hex.Decode(dst, []byte(s))
	return err
}
