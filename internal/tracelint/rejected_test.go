package tracelint

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
)

func TestRejectedFinding(t *testing.T) {
	withSpan := rejectedLog(model.TraceID{1}, "shop", "missing_name", "MissingName", "00000000000000aa", 5)
	withSpan.SpanID = model.SpanID{0, 0, 0, 0, 0, 0, 0, 0xaa}
	quoted := rejectedLog(model.TraceID{1}, "shop", "bad_id", "InvalidId", "x", 5)
	quoted.Body = model.StringValue("a user's log mentioning " + RejectedBodyPrefix)
	noReason := rejectedLog(model.TraceID{1}, "shop", "bad_id", "InvalidId", "x", 5)
	noReason.Attributes = noReason.Attributes[1:]
	cases := []struct {
		name   string
		log    model.LogEvent
		ok     bool
		spanID string
	}{
		{"record with span id", withSpan, true, "00000000000000aa"},
		{"record without span id", rejectedLog(model.TraceID{}, "", "oversize", "SegmentTooLarge", "", 1), true, ""},
		{"body only quotes the prefix", quoted, false, ""},
		{"no reason attribute", noReason, false, ""},
	}
	for _, tc := range cases {
		f, ok := RejectedFinding(&tc.log)
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		d := f.Document
		if f.Rule != RuleRejectedDocument || f.Severity != "error" || f.SpanID != tc.spanID || d == nil ||
			d.Reason != attrText(tc.log.Attributes, AttrRejectedReason) || d.ErrorCode == "" || d.Transport != "udp" ||
			d.Excerpt == "" || !d.ReceivedAt.Equal(time.Unix(0, tc.log.TimeUnixNano)) ||
			f.Message != tc.log.Body.AsString() || f.Service != tc.log.Service() {
			t.Errorf("%s: finding %+v document %+v", tc.name, f, d)
		}
	}
}

// TestServiceLintRejected: refused documents come newest first, and a cap
// on what is read says so.
func TestServiceLintRejected(t *testing.T) {
	src := &fakeSource{logs: []model.LogEvent{
		rejectedLog(model.TraceID{1}, "shop", "missing_name", "MissingName", "old", 1),
		rejectedLog(model.TraceID{2}, "shop", "bad_id", "InvalidId", "new", 2),
	}}
	cases := []struct {
		maxRejected int
		wantIDs     []string
		truncated   bool
	}{
		{10, []string{"new", "old"}, false},
		{1, []string{"new"}, true},
	}
	for _, tc := range cases {
		cfg := DefaultHandlerConfig()
		cfg.MaxRejected = tc.maxRejected
		h, err := NewHandlers(cfg, src)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		h.Register(mux)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/services/shop/lint?start=0&end=2000000000", nil))
		var rep ServiceReport
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rec.Code != 200 {
			t.Fatalf("status %d %s: %v", rec.Code, rec.Body, err)
		}
		var ids []string
		for _, f := range rep.Rejected {
			ids = append(ids, f.Document.ID)
		}
		if !slices.Equal(ids, tc.wantIDs) || rep.Counts[RuleRejectedDocument] != len(tc.wantIDs) || rep.RejectedTruncated != tc.truncated {
			t.Errorf("MaxRejected %d: ids %v counts %v truncated %v; want %v, truncated %v",
				tc.maxRejected, ids, rep.Counts, rep.RejectedTruncated, tc.wantIDs, tc.truncated)
		}
	}
}
