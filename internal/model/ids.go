// Package model is the one data model every receiver produces and every store keeps:
// spans, log events and (later) error occurrences, each tagged with its project.
package model

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// TraceID is a 16-byte trace id, shared by W3C/OTel and X-Ray traces.
type TraceID [16]byte

// SpanID is an 8-byte span (X-Ray: segment) id.
type SpanID [8]byte

// ErrInvalidID reports an id of the wrong length or alphabet.
var ErrInvalidID = errors.New("invalid id")

// IsZero reports whether the id is all zeros, which OTLP and W3C treat as "no id".
func (t TraceID) IsZero() bool { return t == TraceID{} }

// String returns the 32-character lower-case hex form.
func (t TraceID) String() string { return hex.EncodeToString(t[:]) }

// IsZero reports whether the id is all zeros.
func (s SpanID) IsZero() bool { return s == SpanID{} }

// String returns the 16-character lower-case hex form.
func (s SpanID) String() string { return hex.EncodeToString(s[:]) }

// ParseTraceID accepts 32 hex characters, or an X-Ray id such as
// 1-5759e988-bd862e3fe1be46a994272793.
func ParseTraceID(s string) (TraceID, error) {
	var t TraceID
	if len(s) == 35 && s[0] == '1' && s[1] == '-' && s[10] == '-' {
		return ParseXRayTraceID(s)
	}
	if len(s) != 32 {
		return t, fmt.Errorf("trace id %q: want 32 hex characters: %w", s, ErrInvalidID)
	}
	if _, err := hex.Decode(t[:], []byte(s)); err != nil {
		return t, fmt.Errorf("trace id %q: %w", s, ErrInvalidID)
	}
	return t, nil
}

// ParseSpanID accepts 16 hex characters.
func ParseSpanID(s string) (SpanID, error) {
	var id SpanID
	if len(s) != 16 {
		return id, fmt.Errorf("span id %q: want 16 hex characters: %w", s, ErrInvalidID)
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("span id %q: %w", s, ErrInvalidID)
	}
	return id, nil
}

// TraceIDFromBytes copies a 16-byte slice; any other length is an error.
func TraceIDFromBytes(b []byte) (TraceID, error) {
	var t TraceID
	if len(b) != len(t) {
		return t, fmt.Errorf("trace id of %d bytes, want 16: %w", len(b), ErrInvalidID)
	}
	copy(t[:], b)
	return t, nil
}

// SpanIDFromBytes copies an 8-byte slice; any other length is an error.
func SpanIDFromBytes(b []byte) (SpanID, error) {
	var id SpanID
	if len(b) != len(id) {
		return id, fmt.Errorf("span id of %d bytes, want 8: %w", len(b), ErrInvalidID)
	}
	copy(id[:], b)
	return id, nil
}

// XRayString renders the id as X-Ray does: version 1, the first 4 bytes as the
// epoch seconds in hex, then the remaining 12 bytes. The mapping is lossless in
// both directions, so a trace crossing X-Ray and W3C propagation stays one trace.
func (t TraceID) XRayString() string {
	h := t.String()
	return "1-" + h[:8] + "-" + h[8:]
}

// ParseXRayTraceID parses 1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY.
func ParseXRayTraceID(s string) (TraceID, error) {
	if len(s) != 35 || s[0] != '1' || s[1] != '-' || s[10] != '-' {
		return TraceID{}, fmt.Errorf("x-ray trace id %q: want 1-<8 hex>-<24 hex>: %w", s, ErrInvalidID)
	}
	return ParseTraceID(s[2:10] + s[11:])
}

// XRayEpoch is the start time encoded in the first 4 bytes of an X-Ray-style id.
func (t TraceID) XRayEpoch() time.Time {
	sec, _ := strconv.ParseUint(t.String()[:8], 16, 32)
	return time.Unix(int64(sec), 0)
}
