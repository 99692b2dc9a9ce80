package otlpconv

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// otlpIDFields are the JSON keys that hold trace and span ids in OTLP
// messages (spans, links, log records).
var otlpIDFields = [...]string{"traceId", "spanId", "parentSpanId"}

// MarshalJSON encodes an OTLP message in the OTLP/JSON mapping: keys in
// lowerCamelCase, enums as integers, 64-bit integers as strings, and trace and
// span ids as hex strings (where protojson would write base64). Other bytes
// values (attributes of kind bytes) stay base64, as the mapping says. The
// output is compact and its object keys are sorted, so it is stable.
func MarshalJSON(m proto.Message) ([]byte, error) {
	raw, err := protojson.MarshalOptions{UseEnumNumbers: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep int and double text exactly as protojson wrote it
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("otlp json: reread: %w", err)
	}
	if err := hexIDs(doc); err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// hexIDs rewrites, everywhere in a decoded protojson document, the base64
// id fields as hex. Attribute keys live in "key" values, never as object
// keys, so an attribute named traceId is left alone.
func hexIDs(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range otlpIDFields {
			s, ok := v[k].(string)
			if !ok {
				continue
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return fmt.Errorf("%s %q: %w", k, s, err)
			}
			v[k] = hex.EncodeToString(b)
		}
		for _, e := range v {
			if err := hexIDs(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := hexIDs(e); err != nil {
				return err
			}
		}
	}
	return nil
}
