package api

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

func TestTraceByID(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	a, b := traceA.String(), traceB.String()
	run(t, srv, []scenario{
		{name: "trace A as OTLP JSON with hex ids", url: "/api/traces/" + a, status: 200,
			json: `{"resourceSpans":[
				{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name"}]},
				 "scopeSpans":[{"scope":{"name":"lookout/apitest","version":"1.0.0"},"spans":[
					{"traceId":"` + a + `","spanId":"f0010203040506` + "01" + `","name":"GET /cart","kind":2,
					 "startTimeUnixNano":"1741600800000000000","endTimeUnixNano":"1741600800120000000",
					 "status":{"code":1},"traceState":"vendor=abc","flags":1,
					 "links":[{"traceId":"` + b + `","spanId":"f001020304050609","traceState":"k=v"}],
					 "events":[{"name":"cache.miss","timeUnixNano":"1741600800005000000"}],
					 "parentSpanId":null}]}]},
				{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"db"}},{"key":"host.name"}]},
				 "scopeSpans":[{"spans":[{"name":"SELECT cart","kind":3,"parentSpanId":"f001020304050601",
					"status":{"code":2,"message":"deadlock"}}]}]}]}`,
			contains:    []string{`"stringValue":"https://shop.example/cart?a=<b>&c"`, `"intValue":"9223372036854775807"`, `"bytesValue":"AAH+"`},
			notContains: []string{`\u003c`},
			check:       sameTrace(traceA),
		},
		{name: "trace by X-Ray id", url: "/api/traces/1-5759e988-bd862e3fe1be46a994272793", status: 200,
			json:  `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5759e988bd862e3fe1be46a994272793","name":"xray-segment"}]}]}]}`,
			check: sameTrace(traceX)},
		{name: "short hex id is left-padded", url: "/api/traces/abcdef", status: 200,
			json: `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"000000000000000000000000` + "00abcdef" + `","name":"GET /short"}]}]}]}`},
		{name: "upper-case hex", url: "/api/traces/FF0102030405060708090A0B0C0D0E0F", status: 200, check: sameTrace(traceA)},
		{name: "v2 wraps the trace", url: "/api/v2/traces/" + b, status: 200,
			json: `{"trace":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"` + b + `","name":"POST /pay","status":{"code":2}}]}]}]}}`},
		{name: "unknown trace is 404", url: "/api/traces/" + unknownTrace.String(), status: 404,
			json: `{"error":"trace 0123456789abcdef0123456789abcdef not found"}`},
		{name: "v2 unknown trace is 404", url: "/api/v2/traces/1234", status: 404,
			json: `{"error":"trace 00000000000000000000000000001234 not found"}`},
		{name: "not hex is 400", url: "/api/traces/xyz", status: 400,
			json: `{"error":"traceID: trace id \"xyz\": not hex: invalid id"}`},
		{name: "too long is 400", url: "/api/traces/" + a + "00", status: 400, contains: []string{`"error":"traceID: trace id`}},
		{name: "all zeros is 400", url: "/api/traces/0", status: 400, contains: []string{"all zeros"}},
		{name: "bad X-Ray id is 400", url: "/api/traces/1-5759e988-bd86", status: 400, contains: []string{"x-ray trace id"}},
		{name: "post is not allowed", method: "POST", url: "/api/traces/" + a, status: 405},
	})
}

// sameTrace checks that an OTLP/JSON trace reply decodes back to exactly the
// fixture spans of id that were written.
func sameTrace(id model.TraceID) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		td := decodeOTLPJSON(t, body)
		compareSpans(t, td, id)
	}
}

func compareSpans(t *testing.T, td *tracepb.TracesData, id model.TraceID) {
	t.Helper()
	got, rejected := otlpconv.SpansFromProto(model.DefaultProject, td.ResourceSpans)
	if len(rejected) > 0 {
		t.Fatalf("rejected spans: %+v", rejected)
	}
	var want []model.Span
	for _, s := range fixtureSpans() {
		if s.TraceID == id {
			want = append(want, s)
		}
	}
	sort.SliceStable(want, func(i, j int) bool { return want[i].StartUnixNano < want[j].StartUnixNano })
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("trace %s read back differs\ngot:  %s\nwant: %s", id, gj, wj)
	}
}

// decodeOTLPJSON reads OTLP/JSON with hex ids, the inverse of
// otlpconv.MarshalJSON, through protojson, which wants base64 ids.
func decodeOTLPJSON(t *testing.T, body []byte) *tracepb.TracesData {
	t.Helper()
	var doc any
	if err := decodeJSON(body, &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	var unhex func(v any)
	unhex = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"traceId", "spanId", "parentSpanId"} {
				if s, ok := v[k].(string); ok {
					b, err := hex.DecodeString(s)
					if err != nil {
						t.Fatalf("%s %q is not hex: %v", k, s, err)
					}
					v[k] = base64.StdEncoding.EncodeToString(b)
				}
			}
			for _, e := range v {
				unhex(e)
			}
		case []any:
			for _, e := range v {
				unhex(e)
			}
		}
	}
	unhex(doc)
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	td := &tracepb.TracesData{}
	if err := protojson.Unmarshal(raw, td); err != nil {
		t.Fatalf("protojson: %v", err)
	}
	return td
}

func TestTraceByIDProtobuf(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	protoBody := func(wrapped bool) func(*testing.T, []byte) {
		return func(t *testing.T, body []byte) {
			if wrapped {
				num, typ, n := protowire.ConsumeTag(body)
				if num != 1 || typ != protowire.BytesType || n < 0 {
					t.Fatalf("v2 reply does not start with field 1 bytes: %d %d %d", num, typ, n)
				}
				inner, m := protowire.ConsumeBytes(body[n:])
				if m < 0 || n+m != len(body) {
					t.Fatalf("v2 reply: bad length")
				}
				body = inner
			}
			td := &tracepb.TracesData{}
			if err := proto.Unmarshal(body, td); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			compareSpans(t, td, traceA)
		}
	}
	pb := map[string]string{"Accept": "application/protobuf"}
	run(t, srv, []scenario{
		{name: "v1 protobuf", url: "/api/traces/" + traceA.String(), headers: pb, status: 200, check: protoBody(false)},
		{name: "v2 protobuf", url: "/api/v2/traces/" + traceA.String(), headers: pb, status: 200, check: protoBody(true)},
		{name: "protobuf listed first wins", url: "/api/traces/" + traceA.String(),
			headers: map[string]string{"Accept": "application/protobuf, application/json;q=0.9"}, status: 200, check: protoBody(false)},
		{name: "json listed first wins", url: "/api/traces/" + traceA.String(),
			headers: map[string]string{"Accept": "application/json, application/protobuf"}, status: 200, check: sameTrace(traceA)},
		{name: "errors stay JSON", url: "/api/traces/" + unknownTrace.String(), headers: pb, status: 404,
			json: `{"error":"trace 0123456789abcdef0123456789abcdef not found"}`},
	})
}
