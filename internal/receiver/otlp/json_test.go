package otlp

import (
	"math"
	"reflect"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/receiver/otlp/otlpjson"
)

func mustTraceID(t *testing.T, s string) model.TraceID {
	id, err := model.ParseTraceID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustSpanID(t *testing.T, s string) model.SpanID {
	id, err := model.ParseSpanID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestJSONTraces checks the OTLP/JSON rules: hex ids (any case), int64 as
// strings or numbers, enums as numbers or names, unknown fields ignored.
func TestJSONTraces(t *testing.T) {
	var req coltracepb.ExportTraceServiceRequest
	if err := unmarshal(ctJSON, testdata(t, "traces_handwritten.json"), &req, func() error { return otlpjson.FixTraceIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	spans, rej := otlpconv.SpansFromProto("p", req.ResourceSpans)
	if len(rej) != 0 || len(spans) != 2 {
		t.Fatalf("spans %d, rejected %+v", len(spans), rej)
	}
	s := spans[0]
	if s.TraceID != mustTraceID(t, "5b8efff798038103d269b633813fc60c") || s.SpanID != mustSpanID(t, "eee19b7ec3c1b174") ||
		s.ParentSpanID != mustSpanID(t, "eee19b7ec3c1b173") {
		t.Errorf("ids %s %s %s", s.TraceID, s.SpanID, s.ParentSpanID)
	}
	if s.StartUnixNano != 1544712660000000000 || s.EndUnixNano != 1544712661000000000 || s.Kind != model.SpanKindServer ||
		s.StatusCode != model.StatusError || s.StatusMessage != "oops" || s.Flags != 257 || s.TraceState != "k=v" {
		t.Errorf("scalars %+v", s)
	}
	if s.DroppedAttributesCount != 2 || s.DroppedEventsCount != 3 || s.DroppedLinksCount != 5 ||
		s.Resource.DroppedAttributesCount != 1 || s.Resource.SchemaURL == "" || s.Scope.SchemaURL == "" {
		t.Errorf("counts or schema urls %+v", s)
	}
	want := map[string]model.Value{
		"str": model.StringValue("s"), "bool": model.BoolValue(true), "int": model.IntValue(-9007199254740993),
		"intnum": model.IntValue(42), "double": model.DoubleValue(1.5), "bytes": model.BytesValue([]byte{0, 1, 0xfe}),
		"arr":   model.ArrayValue(model.StringValue("a"), model.IntValue(1)),
		"map":   model.MapValue(model.KeyValue{Key: "k", Value: model.BoolValue(false)}),
		"empty": {},
	}
	for k, w := range want {
		if got, _ := s.Attributes.Get(k); !reflect.DeepEqual(got, w) {
			t.Errorf("attribute %s = %+v, want %+v", k, got, w)
		}
	}
	if v, _ := s.Attributes.Get("nan"); v.Kind != model.KindDouble || !math.IsNaN(v.Double) {
		t.Errorf("nan = %+v", v)
	}
	l := s.Links[0]
	if l.TraceID != mustTraceID(t, "0102030405060708090a0b0c0d0e0f10") || l.SpanID != mustSpanID(t, "0102030405060708") ||
		l.Flags != 769 || l.TraceState != "a=b" || l.DroppedAttributesCount != 4 {
		t.Errorf("link %+v", l)
	}
	if e := s.Events[0]; e.Name != "ev" || e.TimeUnixNano != 1544712660500000000 {
		t.Errorf("event %+v", e)
	}
	if spans[1].Kind != model.SpanKindClient || !spans[1].ParentSpanID.IsZero() {
		t.Errorf("span 1 %+v", spans[1])
	}
}

func TestJSONLogs(t *testing.T) {
	var req collogspb.ExportLogsServiceRequest
	if err := unmarshal(ctJSON, testdata(t, "logs_handwritten.json"), &req, func() error { return otlpjson.FixLogIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	logs, rej := otlpconv.LogsFromProto("p", req.ResourceLogs)
	if len(rej) != 0 || len(logs) != 2 {
		t.Fatalf("logs %d, rejected %+v", len(logs), rej)
	}
	l := logs[0]
	if l.TraceID != mustTraceID(t, "5b8efff798038103d269b633813fc60c") || l.SpanID != mustSpanID(t, "eee19b7ec3c1b174") ||
		l.SeverityNumber != 10 || l.EventName != "user.login" || l.Body.Str != "Example log record" || l.Flags != 1 ||
		l.TimeUnixNano != 1544712660300000000 || l.ObservedTimeUnixNano != 1544712660300000001 {
		t.Errorf("log 0 %+v", l)
	}
	if l := logs[1]; l.SeverityNumber != 17 || l.Body.Kind != model.KindMap || !l.TraceID.IsZero() {
		t.Errorf("log 1 %+v", l)
	}
}

func TestHexID(t *testing.T) {
	tests := []struct {
		in      string // what the client wrote in JSON
		size    int
		want    string
		wantErr string
	}{
		{"", 16, "", ""},
		{"5b8efff798038103d269b633813fc60c", 16, "5b8efff798038103d269b633813fc60c", ""},
		{"5B8EFFF798038103D269B633813FC60C", 16, "5b8efff798038103d269b633813fc60c", ""},
		{"eee19b7ec3c1b174", 8, "eee19b7ec3c1b174", ""},
		{"00000000000000000000000000000000", 16, "00000000000000000000000000000000", ""},
		{"5b8efff798038103d269b633813fc6zz", 16, "", "is not 32 hex characters"},
		{"eee19b7ec3c1b174", 16, "", "want 32 hex characters"},
		{"5b8efff798038103d269b633813fc60c", 8, "", "want 16 hex characters"},
	}
	for _, tt := range tests {
		var req coltracepb.ExportTraceServiceRequest
		js := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"` + tt.in + `"}]}]}]}`
		if tt.size == 8 {
			js = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"` + tt.in + `"}]}]}]}`
		}
		err := unmarshal(ctJSON, []byte(js), &req, func() error { return otlpjson.FixTraceIDs(&req) })
		if tt.wantErr != "" {
			if err == nil || !contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		s := req.ResourceSpans[0].ScopeSpans[0].Spans[0]
		got := s.TraceId
		if tt.size == 8 {
			got = s.SpanId
		}
		if hexString(got) != tt.want {
			t.Errorf("%q: got %x, want %s", tt.in, got, tt.want)
		}
	}
}

func decodeJSONSpans(t *testing.T, body []byte) []model.Span {
	t.Helper()
	var req coltracepb.ExportTraceServiceRequest
	if err := unmarshal(ctJSON, body, &req, func() error { return otlpjson.FixTraceIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	spans, rej := otlpconv.SpansFromProto("p", req.ResourceSpans)
	if len(rej) != 0 {
		t.Fatalf("rejected %+v", rej)
	}
	return spans
}

func decodeJSONLogs(t *testing.T, body []byte) []model.LogEvent {
	t.Helper()
	var req collogspb.ExportLogsServiceRequest
	if err := unmarshal(ctJSON, body, &req, func() error { return otlpjson.FixLogIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	logs, rej := otlpconv.LogsFromProto("p", req.ResourceLogs)
	if len(rej) != 0 {
		t.Fatalf("rejected %+v", rej)
	}
	return logs
}
