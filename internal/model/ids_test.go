package model

import (
	"errors"
	"testing"
	"time"
)

func TestTraceIDForms(t *testing.T) {
	tests := []struct {
		in      string
		want    string // hex; empty when an error is expected
		xray    string
		epochAt int64
	}{
		{"5759e988bd862e3fe1be46a994272793", "5759e988bd862e3fe1be46a994272793", "1-5759e988-bd862e3fe1be46a994272793", 0x5759e988},
		{"1-5759e988-bd862e3fe1be46a994272793", "5759e988bd862e3fe1be46a994272793", "1-5759e988-bd862e3fe1be46a994272793", 0x5759e988},
		{"4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e4736", "1-4bf92f35-77b34da6a3ce929d0e0e4736", 0x4bf92f35},
		{"1-5759e988-bd862e3fe1be46a99427279", "", "", 0}, // one digit short
		{"2-5759e988-bd862e3fe1be46a994272793", "", "", 0},
		{"5759e988bd862e3fe1be46a99427279z", "", "", 0},
		{"", "", "", 0},
	}
	for _, tc := range tests {
		id, err := ParseTraceID(tc.in)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalidID) {
				t.Errorf("ParseTraceID(%q) = %v, %v; want ErrInvalidID", tc.in, id, err)
			}
			continue
		}
		if err != nil || id.String() != tc.want || id.XRayString() != tc.xray {
			t.Errorf("ParseTraceID(%q) = %s / %s, %v; want %s / %s", tc.in, id, id.XRayString(), err, tc.want, tc.xray)
			continue
		}
		back, err := ParseXRayTraceID(id.XRayString())
		if err != nil || back != id {
			t.Errorf("X-Ray round trip of %s: %s, %v", id, back, err)
		}
		if !id.XRayEpoch().Equal(time.Unix(tc.epochAt, 0)) {
			t.Errorf("%s: epoch %v, want %v", id, id.XRayEpoch(), time.Unix(tc.epochAt, 0))
		}
	}
}

func TestIDsFromBytes(t *testing.T) {
	if _, err := TraceIDFromBytes(make([]byte, 15)); !errors.Is(err, ErrInvalidID) {
		t.Errorf("15-byte trace id: %v", err)
	}
	if _, err := SpanIDFromBytes(make([]byte, 9)); !errors.Is(err, ErrInvalidID) {
		t.Errorf("9-byte span id: %v", err)
	}
	s, err := ParseSpanID("00f067aa0ba902b7")
	if err != nil || s.String() != "00f067aa0ba902b7" || s.IsZero() {
		t.Errorf("ParseSpanID: %s, %v", s, err)
	}
	if _, err := ParseSpanID("00f067aa0ba902b"); !errors.Is(err, ErrInvalidID) {
		t.Errorf("short span id: %v", err)
	}
}
