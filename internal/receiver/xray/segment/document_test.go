package segment

import (
	"encoding/json"
	"strings"
	"testing"

	"lookout/internal/model"
)

const (
	okTrace = `"trace_id":"1-5759e988-bd862e3fe1be46a994272793"`
	okID    = `"id":"70de5b6f19ff9a0a"`
	okTimes = `"start_time":1480615200.010,"end_time":1480615200.090`
	okSeg   = `{"name":"checkout",` + okID + `,` + okTrace + `,` + okTimes + `}`
)

func TestParseDatagramRejects(t *testing.T) {
	const hdr = `{"format": "json", "version": 1}` + "\n"
	long := strings.Repeat("n", maxNameRunes+1)
	tests := []struct {
		name, datagram, reason, code, msg string
	}{
		{"no newline", okSeg, "bad_header", "InvalidHeader", "no newline"},
		{"other format", `{"format": "xml", "version": 1}` + "\n" + okSeg, "bad_header", "InvalidHeader", "want"},
		{"other version", `{"format": "json", "version": 2}` + "\n" + okSeg, "bad_header", "InvalidHeader", "want"},
		{"header not json", "hello\n" + okSeg, "bad_header", "InvalidHeader", "want"},
		{"empty body", hdr, "invalid_json", "InvalidJson", "empty"},
		{"truncated body", hdr + okSeg[:40], "invalid_json", "InvalidJson", "segment document"},
		{"wrong type", hdr + `{"name":"a",` + okID + `,` + okTrace + `,` + okTimes + `,"fault":"yes"}`,
			"invalid_json", "InvalidJson", `field "fault": got string, want bool`},
		{"two documents", hdr + okSeg + okSeg, "invalid_json", "InvalidJson", "after top-level value"},
		{"missing id", hdr + `{"name":"a",` + okTrace + `,` + okTimes + `}`, "missing_id", "MissingId", "missing id"},
		{"bad id", hdr + `{"name":"a","id":"xyz",` + okTrace + `,` + okTimes + `}`, "bad_id", "InvalidId", `"xyz"`},
		{"zero id", hdr + `{"name":"a","id":"0000000000000000",` + okTrace + `,` + okTimes + `}`, "bad_id", "InvalidId", "16 hex"},
		{"missing trace id", hdr + `{"name":"a",` + okID + `,` + okTimes + `}`, "bad_trace_id", "InvalidTraceId", "trace_id"},
		{"w3c trace id", hdr + `{"name":"a",` + okID + `,"trace_id":"5759e988bd862e3fe1be46a994272793",` + okTimes + `}`,
			"bad_trace_id", "InvalidTraceId", "want 1-<8 hex>-<24 hex>"},
		{"bad trace id", hdr + `{"name":"a",` + okID + `,"trace_id":"1-5759e988-bd862e3fe1be46a99427279z",` + okTimes + `}`,
			"bad_trace_id", "InvalidTraceId", "trace_id"},
		{"missing name", hdr + `{` + okID + `,` + okTrace + `,` + okTimes + `}`, "missing_name", "MissingName", "missing name"},
		{"long name", hdr + `{"name":"` + long + `",` + okID + `,` + okTrace + `,` + okTimes + `}`, "bad_name", "InvalidName", "longer than 200"},
		{"missing start", hdr + `{"name":"a",` + okID + `,` + okTrace + `,"end_time":1}`, "missing_start_time", "MissingStartTime", "start_time"},
		{"negative start", hdr + `{"name":"a",` + okID + `,` + okTrace + `,"start_time":-1,"end_time":1}`, "bad_time", "InvalidTime", "out of range"},
		{"huge start", hdr + `{"name":"a",` + okID + `,` + okTrace + `,"start_time":1e300,"end_time":1}`, "bad_time", "InvalidTime", "out of range"},
		{"open and no end", hdr + `{"name":"a",` + okID + `,` + okTrace + `,"start_time":1}`, "missing_end_time", "MissingEndTime", "in_progress"},
		{"subsegment without parent", hdr + `{"name":"a","type":"subsegment",` + okID + `,` + okTrace + `,` + okTimes + `}`,
			"missing_parent_id", "MissingParentId", "parent_id"},
		{"bad parent", hdr + `{"name":"a","parent_id":"12",` + okID + `,` + okTrace + `,` + okTimes + `}`, "bad_parent_id", "InvalidParentId", `"12"`},
		{"nested without id", hdr + `{"name":"a",` + okID + `,` + okTrace + `,` + okTimes +
			`,"subsegments":[{"name":"b","start_time":1,"end_time":2,"subsegments":[]}]}`, "missing_id", "MissingId", "subsegment subsegments[0]: missing id"},
		{"deeply nested without end", hdr + `{"name":"a",` + okID + `,` + okTrace + `,` + okTimes +
			`,"subsegments":[{"name":"b","id":"1111111111111111","start_time":1,"end_time":2,"subsegments":[{"name":"c","id":"2222222222222222","start_time":1}]}]}`,
			"missing_end_time", "MissingEndTime", "subsegments[0].subsegments[0] 2222222222222222"},
		{"oversize", hdr + `{"name":"` + strings.Repeat("x", MaxDocumentBytes) + `"}`, "oversize", "SegmentTooLarge", "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, e := SplitDatagram([]byte(tt.datagram))
			if e == nil {
				_, e = Parse(body)
			}
			if e == nil {
				t.Fatal("accepted")
			}
			if e.Reason != tt.reason || e.Code != tt.code || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %s/%s %q, want %s/%s containing %q", e.Reason, e.Code, e.Msg, tt.reason, tt.code, tt.msg)
			}
			if e.Msg != strings.ToLower(e.Msg[:1])+e.Msg[1:] {
				t.Errorf("message %q should start lower-case", e.Msg)
			}
		})
	}
}

func TestParseDatagramAccepts(t *testing.T) {
	tests := []struct {
		name, datagram string
		start, end     int64
	}{
		{"sdk header", "{\"format\": \"json\", \"version\": 1}\n" + okSeg, 1480615200010000000, 1480615200090000000},
		{"header in other spelling", "{\"format\":\"JSON\",\"version\":1}\n" + okSeg + "\n", 1480615200010000000, 1480615200090000000},
		{"exponent times", "{\"format\": \"json\", \"version\": 1}\n" + `{"name":"a",` + okID + `,` + okTrace +
			`,"start_time":1.480615200010E9,"end_time":1.4806152001E9}`, 1480615200010000000, 1480615200100000000},
		{"in progress", "{\"format\": \"json\", \"version\": 1}\n" + `{"name":"a",` + okID + `,` + okTrace +
			`,"start_time":1480615200,"in_progress":true}`, 1480615200000000000, 1480615200000000000},
		{"unknown fields", "{\"format\": \"json\", \"version\": 1}\n" + `{"name":"a",` + okID + `,` + okTrace + `,` + okTimes +
			`,"Dummy":false,"future":{"x":[1]}}`, 1480615200010000000, 1480615200090000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, e := SplitDatagram([]byte(tt.datagram))
			if e != nil {
				t.Fatal(e)
			}
			d, e := Parse(body)
			if e != nil {
				t.Fatal(e)
			}
			if d.startNano != tt.start || d.endNano != tt.end {
				t.Errorf("times %d..%d, want %d..%d", d.startNano, d.endNano, tt.start, tt.end)
			}
			if want, _ := model.ParseXRayTraceID("1-5759e988-bd862e3fe1be46a994272793"); d.trace != want {
				t.Errorf("trace %s", d.trace)
			}
		})
	}
}

func TestEpochNanos(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1480615200", 1480615200000000000},
		{"1480615200.", 1480615200000000000},
		{"1480615200.010", 1480615200010000000},
		{"1795648730.5231357", 1795648730523135700},
		{"1795648730.123456789", 1795648730123456789},
		{"1795648730.1234567894", 1795648730123456789},
		{"1795648730.1234567895", 1795648730123456790},
		{"1.480615200010E9", 1480615200010000000},
		{"0", 0},
	}
	for _, tt := range tests {
		got, err := epochNanos(json.Number(tt.in))
		if err != nil || got != tt.want {
			t.Errorf("epochNanos(%s) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-1", "abc", "1e30", "NaN", "1.2.3"} {
		if _, err := epochNanos(json.Number(bad)); err == nil {
			t.Errorf("epochNanos(%q) accepted", bad)
		}
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		raw  string
		want model.Value
		ok   bool
	}{
		{`"x"`, model.StringValue("x"), true},
		{`true`, model.BoolValue(true), true},
		{`false`, model.BoolValue(false), true},
		{`42`, model.IntValue(42), true},
		{`-7`, model.IntValue(-7), true},
		{`4.5`, model.DoubleValue(4.5), true},
		{`1e3`, model.DoubleValue(1000), true},
		{`123456789012345678901`, model.DoubleValue(123456789012345678901), true},
		{`null`, model.Value{}, false},
		{`["a",1]`, model.ArrayValue(model.StringValue("a"), model.IntValue(1)), true},
		{`[]`, model.ArrayValue(), true},
		{`[{"a":1}]`, model.StringValue(`[{"a":1}]`), true},
		{`{ "a" : [1, 2] }`, model.StringValue(`{"a":[1,2]}`), true},
	}
	for _, tt := range tests {
		got, ok := jsonValue(json.RawMessage(tt.raw))
		if ok != tt.ok || got.Kind != tt.want.Kind || got.AsString() != tt.want.AsString() {
			t.Errorf("jsonValue(%s) = %v (kind %d) %v; want %v (kind %d)", tt.raw, got.AsString(), got.Kind, ok,
				tt.want.AsString(), tt.want.Kind)
		}
	}
}

func TestDBName(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app@db:5432/shop?sslmode=disable": "shop",
		"db.internal:3306/orders":                     "orders",
		"jdbc:mysql://db:3306/a/b":                    "",
		"db:5432":                                     "",
	} {
		if got := dbName(in); got != want {
			t.Errorf("dbName(%q) = %q, want %q", in, got, want)
		}
	}
}
