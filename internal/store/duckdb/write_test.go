package duckdb

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"lookout/internal/model"
)

// chunkSpans makes n spans whose strings cross the edges of the chunk
// writer: lengths around the 12-byte inline limit, a value larger than an
// arena block, invalid UTF-8, empty and long attribute lists, resources
// shared by many rows and resources of one row.
func chunkSpans(n int) []model.Span {
	shared := []model.Resource{
		{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("svc-a")},
			{Key: "host.name", Value: model.StringValue("a-host-name-longer-than-twelve")}}},
		{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("b")}}, SchemaURL: "https://example.com/s"},
		{},
	}
	spans := make([]model.Span, n)
	for i := range spans {
		sp := model.Span{
			Project: "p", TraceID: model.TraceID{1, byte(i >> 8), byte(i)}, SpanID: model.SpanID{2, byte(i >> 8), byte(i)},
			Name:          strings.Repeat("x", i%30) + "✓",
			StartUnixNano: t0.UnixNano() + int64(i), EndUnixNano: t0.UnixNano() + int64(2*i),
			Resource: shared[i%len(shared)],
		}
		for j := range i % 23 {
			v := model.StringValue(strings.Repeat("v", (i+j)%17))
			if j%3 == 0 {
				v = model.IntValue(int64(i * j))
			}
			sp.Attributes = append(sp.Attributes, model.KeyValue{Key: fmt.Sprintf("key.%d.%s", j, strings.Repeat("k", j)), Value: v})
		}
		switch {
		case i%997 == 5:
			sp.Attributes = append(sp.Attributes, model.KeyValue{Key: "big", Value: model.StringValue(strings.Repeat("b", arenaBlock+10))})
		case i%500 == 7:
			sp.Resource = model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(fmt.Sprint("own-", i))}}}
		case i%300 == 9:
			sp.Events = []model.SpanEvent{{TimeUnixNano: sp.StartUnixNano, Name: "e", Attributes: model.Attributes{{Key: "n", Value: model.IntValue(int64(i))}}}}
		}
		spans[i] = sp
	}
	return spans
}

func nilEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestWriteChunks writes several prepared batches of more rows than a chunk
// holds in one commit and reads every row back.
func TestWriteChunks(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	spans := chunkSpans(5000)
	spans[3].Name = "bad \xff utf-8"
	var prepared []any
	for _, r := range [][2]int{{0, 100}, {100, 2500}, {2500, 5000}} {
		e, err := s.Prepare(&model.Batch{Spans: spans[r[0]:r[1]]})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, e)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(t.Context(), "SELECT "+spanReadColumns+" FROM "+spansView+" ORDER BY span_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []model.Span
	for rows.Next() {
		sp, err := scanSpan(rows)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sp)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(spans) {
		t.Fatalf("read %d spans, wrote %d", len(got), len(spans))
	}
	spans[3].Name = "bad \uFFFD utf-8"
	for i := range spans {
		g, w := got[i], spans[i]
		for _, sp := range []*model.Span{&g, &w} {
			sp.Attributes, sp.Events = nilEmpty(sp.Attributes), nilEmpty(sp.Events)
			sp.Resource.Attributes = nilEmpty(sp.Resource.Attributes)
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("span %d differs:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestArena checks that strings keep their bytes once the arena moves on to
// another block, and that reset reuses the blocks.
func TestArena(t *testing.T) {
	var a arena
	defer a.release()
	var ds []duckString
	want := []string{"", "twelve bytes", "thirteen byte", strings.Repeat("y", arenaBlock-5), strings.Repeat("z", 20), strings.Repeat("w", 2*arenaBlock)}
	ds = make([]duckString, len(want))
	for i, s := range want {
		a.str(&ds[i], s)
	}
	for i, s := range want {
		d := ds[i]
		if int(d.length) != len(s) {
			t.Fatalf("%d: length %d, want %d", i, d.length, len(s))
		}
		var got string
		if len(s) <= inlineLen {
			got = string(d.data[:len(s)])
			if slices.ContainsFunc(d.data[len(s):], func(b byte) bool { return b != 0 }) {
				t.Errorf("%d: inline padding not zero: %v", i, d.data)
			}
		} else {
			got = a.at(t, d)
			if string(d.data[:4]) != s[:4] {
				t.Errorf("%d: prefix %q, want %q", i, d.data[:4], s[:4])
			}
		}
		if got != s {
			t.Errorf("%d: got %.20q…, want %.20q…", i, got, s)
		}
	}
	blocks := len(a.blocks)
	a.reset()
	a.str(&ds[0], strings.Repeat("r", 100))
	if len(a.blocks) != blocks || a.at(t, ds[0]) != strings.Repeat("r", 100) {
		t.Errorf("after reset: %d blocks (want %d reused)", len(a.blocks), blocks)
	}
}

// at finds the bytes a long duckString points to in the arena's blocks.
func (a *arena) at(t *testing.T, d duckString) string {
	p := *(*uintptr)(unsafe.Pointer(&d.data[4]))
	for _, b := range a.blocks {
		base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if p >= base && p+uintptr(d.length) <= base+uintptr(cap(b)) {
			return string(b[:cap(b)][p-base : p-base+uintptr(d.length)])
		}
	}
	t.Fatalf("pointer %#x is in no arena block", p)
	return ""
}
