package segment

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"lookout/internal/model"
)

// FuzzParseDatagram feeds datagrams to the parser and the mapping: nothing
// may panic, a refusal names a known reason, and an accepted document maps
// to one well-formed span per entity. Seeds: every captured and hand-made
// document in testdata.
func FuzzParseDatagram(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(sdkDir, "*.json"))
	more, _ := filepath.Glob("testdata/handmade/*.json")
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(datagram(bytes.TrimSpace(b)))
	}
	f.Add([]byte(okSeg))
	f.Add([]byte("{\"format\":\"JSON\",\"version\":1}\n" + okSeg))
	f.Add(datagram([]byte(`{"name":"a","type":"subsegment","parent_id":"1111111111111111",` + okID + `,` + okTrace +
		`,"start_time":1,"in_progress":true,"cause":"4f2a9e0c1b3d5e7f"}`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		body, e := SplitDatagram(b)
		if e == nil {
			var d *Document
			if d, e = Parse(body); e == nil {
				checkMapped(t, d, Map("p", d, string(bytes.TrimSpace(body))))
				return
			}
		}
		if _, known := errorCodes[e.Reason]; !known || e.Code == "" || e.Msg == "" {
			t.Fatalf("refusal %q/%q %q", e.Reason, e.Code, e.Msg)
		}
	})
}

func checkMapped(t *testing.T, d *Document, spans []model.Span) {
	if len(spans) != countEntities(d) {
		t.Fatalf("%d spans for %d entities", len(spans), countEntities(d))
	}
	if v, ok := spans[0].Attributes.Get(AttrDocument); !ok || !json.Valid([]byte(v.Str)) {
		t.Fatalf("first span lacks the document")
	}
	seen := map[model.SpanID]bool{}
	for i, s := range spans {
		if s.SpanID.IsZero() || s.TraceID.IsZero() || s.Name == "" || s.Project != "p" {
			t.Fatalf("span %d: %+v", i, s)
		}
		if i > 0 && !seen[s.ParentSpanID] {
			t.Fatalf("span %d: parent %s is not an earlier span", i, s.ParentSpanID)
		}
		seen[s.SpanID] = true
		if _, open := s.Attributes.Get(AttrInProgress); open && s.EndUnixNano != s.StartUnixNano {
			t.Fatalf("span %d: open but ends at %d", i, s.EndUnixNano)
		}
	}
}

// FuzzEpochNanos checks the exact decimal path against float parsing.
func FuzzEpochNanos(f *testing.F) {
	for _, s := range []string{"1480615200.010", "1795648730.5231357", "1.5e9", "0.0000000005", "9223372035.999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := epochNanos(json.Number(s))
		if err != nil {
			return
		}
		if got < 0 {
			t.Fatalf("%q: negative %d", s, got)
		}
		if ns, ok := decimalNanos(s); ok {
			var f float64
			if json.Unmarshal([]byte(s), &f) == nil && f < 1e10 {
				if diff := float64(ns) - f*1e9; diff > 2e3 || diff < -2e3 {
					t.Fatalf("%q: %d vs float %f", s, ns, f*1e9)
				}
			}
		}
	})
}
