// Package tracelint assembles a trace's spans into a tree and checks it for
// the faults hosted tracing tools hide: subsegments (spans) left open,
// parents that closed before their children, orphans whose parent never
// arrived, traced calls whose downstream segment never came, and clock
// skew between a parent and its children. It works on the shared model, so
// it applies to X-Ray segments and OpenTelemetry spans alike; X-Ray-only
// facts (in_progress, traced) are read from their documented attributes.
package tracelint

import (
	"slices"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Attributes the tree and the rules read (see docs/xray-mapping.md).
const (
	// XRayScopeName is the instrumentation scope of spans made from X-Ray
	// documents (receiver/xray/segment.ScopeName, which imports this
	// package in its tests).
	XRayScopeName  = "lookout/receiver/xray"
	AttrInProgress = "aws.xray.inprogress"
	AttrTraced     = "aws.xray.traced"
	AttrNamespace  = "aws.xray.namespace"
	// AttrDocument and AttrMetadataPrefix hold the segment document as
	// received and X-Ray metadata: large texts no rule reads.
	AttrDocument       = "aws.xray.segment.document"
	AttrMetadataPrefix = "aws.xray.metadata."
)

// BulkTrim leaves out of bulk reads (store.TraceScanner.SpansOfTraces) the
// attributes that neither the lints nor trace summaries read.
var BulkTrim = store.SpanTrim{Keys: []string{AttrDocument}, Prefixes: []string{AttrMetadataPrefix}}

// Tree is one trace's spans after repeated span ids were resolved, with
// parent links, resolved services and segments.
//
// A repeated span id (aws-xray-sdk-go sends a segment once per context that
// ends, and an in-progress document is later completed) is a replacement:
// the copy that is not in progress wins, then the one that ends last, then
// the one read last.
type Tree struct {
	Spans    []*model.Span        // unique by id, ordered by start (then id)
	Index    map[model.SpanID]int // span id → position in Spans
	Parent   []int                // position of the parent, -1 when absent or missing
	Children [][]int              // positions of the children, in start order
	// Service is the span's service: its resource's, or, for spans sent
	// without one (X-Ray independent subsegments), its nearest ancestor's.
	Service []string
	// Segment is the position of the span that opened the span's piece of
	// work in its service: itself for a segment (a span without a known
	// parent, a SERVER or CONSUMER span, or one whose parent is in another
	// service), else its parent's segment.
	Segment []int
	// Replaced counts the copies dropped because their id came again.
	Replaced int
}

// InProgress reports whether the span was still open when sent.
func InProgress(sp *model.Span) bool {
	v, ok := sp.Attributes.Get(AttrInProgress)
	return ok && v.Kind == model.KindBool && v.Bool
}

// better reports whether copy b of a span should replace copy a.
func better(a, b *model.Span) bool {
	ia, ib := InProgress(a), InProgress(b)
	if ia != ib {
		return ia
	}
	return b.EndUnixNano >= a.EndUnixNano
}

// Build assembles a tree from a trace's spans (in any order). The spans are
// not copied: the tree points into the slice.
func Build(spans []model.Span) *Tree {
	t := &Tree{Index: make(map[model.SpanID]int, len(spans))}
	for i := range spans {
		sp := &spans[i]
		if j, ok := t.Index[sp.SpanID]; ok {
			t.Replaced++
			if better(t.Spans[j], sp) {
				t.Spans[j] = sp
			}
			continue
		}
		t.Index[sp.SpanID] = len(t.Spans)
		t.Spans = append(t.Spans, sp)
	}
	slices.SortStableFunc(t.Spans, func(a, b *model.Span) int {
		if a.StartUnixNano != b.StartUnixNano {
			return cmpInt(a.StartUnixNano, b.StartUnixNano)
		}
		return slices.Compare(a.SpanID[:], b.SpanID[:])
	})
	n := len(t.Spans)
	t.Parent, t.Children, t.Service, t.Segment = make([]int, n), make([][]int, n), make([]string, n), make([]int, n)
	for i, sp := range t.Spans {
		t.Index[sp.SpanID] = i
	}
	for i, sp := range t.Spans {
		t.Parent[i] = -1
		if p, ok := t.Index[sp.ParentSpanID]; ok && !sp.ParentSpanID.IsZero() && p != i {
			t.Parent[i] = p
			t.Children[p] = append(t.Children[p], i)
		}
	}
	// Break parent cycles (hostile or corrupt input) so walks terminate.
	for i := range t.Spans {
		seen := map[int]bool{i: true}
		for p := t.Parent[i]; p >= 0; p = t.Parent[p] {
			if seen[p] {
				t.detach(i)
				break
			}
			seen[p] = true
		}
	}
	for i := range t.Spans {
		t.Service[i] = t.resolveService(i)
	}
	for i := range t.Spans {
		t.Segment[i] = t.resolveSegment(i)
	}
	return t
}

func (t *Tree) detach(i int) {
	p := t.Parent[i]
	t.Children[p] = slices.DeleteFunc(t.Children[p], func(c int) bool { return c == i })
	t.Parent[i] = -1
}

func (t *Tree) resolveService(i int) string {
	for j := i; j >= 0; j = t.Parent[j] {
		if s := t.Spans[j].Service(); s != model.UnknownService {
			return s
		}
	}
	return model.UnknownService
}

func (t *Tree) resolveSegment(i int) int {
	for {
		sp := t.Spans[i]
		p := t.Parent[i]
		if p < 0 || sp.Kind == model.SpanKindServer || sp.Kind == model.SpanKindConsumer || t.Service[p] != t.Service[i] {
			return i
		}
		i = p
	}
}

// IsSegment reports whether span i opens a segment.
func (t *Tree) IsSegment(i int) bool { return t.Segment[i] == i }

// Root returns the position of the trace's root segment: the earliest span
// without a known parent, -1 for an empty tree.
func (t *Tree) Root() int {
	for i := range t.Spans {
		if t.Parent[i] < 0 && t.Spans[i].ParentSpanID.IsZero() {
			return i
		}
	}
	for i := range t.Spans {
		if t.Parent[i] < 0 {
			return i
		}
	}
	return -1
}

// Bounds returns the first start and the last end of the trace.
func (t *Tree) Bounds() (start, end int64) {
	for i, sp := range t.Spans {
		if i == 0 || sp.StartUnixNano < start {
			start = sp.StartUnixNano
		}
		if sp.EndUnixNano > end {
			end = sp.EndUnixNano
		}
	}
	return start, end
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
