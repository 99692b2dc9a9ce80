package loglevel

import (
	"testing"

	"lookout/internal/model"
)

func TestFromMessage(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		num  int32 // 0: no severity
		text string
	}{
		// JSON objects
		{`{"level":"ERROR","msg":"charge failed"}`, 17, "ERROR"},
		{`{"msg":"x","level":"warn"}`, 13, "warn"},
		{`  {"levelname": "WARNING", "message": "low disk"}`, 13, "WARNING"},
		{`{"severity":"CRITICAL"}`, 21, "CRITICAL"},
		{`{"log.level":"debug","message":"ecs"}`, 5, "debug"},
		{`{"log":{"level":"info","logger":"x"},"message":"nested ecs"}`, 9, "info"},
		{`{"Level":"Error","MessageTemplate":"x"}`, 17, "Error"},
		{`{"level":50,"msg":"pino error"}`, 17, "ERROR"},
		{`{"level":30,"msg":"pino info"}`, 9, "INFO"},
		{`{"level":35,"msg":"custom pino level"}`, 0, ""},
		{`{"severity":"INFO","level":"error"}`, 17, "error"}, // level is read first
		{`{"level":"verbose-ish","severity":"notice"}`, 10, "notice"},
		{`{"msg":"ERROR inside a field"}`, 0, ""},
		{`{"level":"ERROR"`, 0, ""}, // not JSON, and not a level word either
		{`{"levelname":{"x":1}}`, 0, ""},
		// text prefixes
		{"ERROR payment failed", 17, "ERROR"},
		{"ERROR: payment failed", 17, "ERROR"},
		{"WARN cart empty", 13, "WARN"},
		{"WARNING:root:disk almost full", 13, "WARNING"},
		{"INFO started", 9, "INFO"},
		{"DEBUG cache miss", 5, "DEBUG"},
		{"FATAL out of memory", 21, "FATAL"},
		{"CRITICAL db down", 21, "CRITICAL"},
		{"TRACE enter", 1, "TRACE"},
		{"[ERROR] boom", 17, "ERROR"},
		{"[error]: boom", 17, "error"},
		{"[Warning] slow", 13, "Warning"},
		{"[ERROR]\t2025-03-10T10:00:00.000Z\t6f1c\tpython lambda failed", 17, "ERROR"},
		{"2025-03-10T10:00:00.000Z\t6f1c2b7e-1111-2222-3333-444455556666\tERROR\tInvoke Error", 17, "ERROR"},
		{"2025-03-10T10:00:00.000Z\t6f1c2b7e\tINFO\tcold start", 9, "INFO"},
		{"2025-03-10 10:00:00,123 ERROR [main] com.shop.Pay - declined", 17, "ERROR"},
		{"[2025-03-10 10:00:00] WARN slow query", 13, "WARN"},
		{"10:00:00.123 [main] INFO app - started", 0, ""}, // the thread comes before the level
		{"time=2025-03-10T10:00:00Z level=error msg=\"charge failed\"", 17, "error"},
		{`level="WARN" msg=x`, 13, "WARN"},
		{"loglevel=error is not level=", 0, ""},
		// prose is left alone
		{"Error connecting to the database", 0, ""},
		{"Info about the cart", 0, ""},
		{"web-1 request 0 served", 0, ""},
		{"request ERROR count 3", 0, ""},
		{"ERRORS: 3", 0, ""},
		{"[unclosed ERROR", 0, ""},
		{"", 0, ""},
		{"START RequestId: 6f1c Version: $LATEST", 0, ""},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			got, ok := FromMessage(tc.msg)
			if ok != (tc.num != 0) || got.Number != tc.num || got.Text != tc.text {
				t.Errorf("got %+v %v, want %d %q", got, ok, tc.num, tc.text)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		name string
		want int32
	}{
		{"TRACE", 1}, {"debug", 5}, {"Info", 9}, {"INFO3", 11}, {"notice", 10}, {"WARN", 13}, {"warning", 13},
		{"ERROR", 17}, {"error4", 20}, {"err", 17}, {"alert", 19}, {"FATAL", 21}, {"fatal2", 22}, {"critical", 21},
		{"emergency", 21}, {"", 0}, {"info5", 0}, {"notice2", 0}, {"loud", 0},
	} {
		if got, ok := Number(tc.name); got != tc.want || ok != (tc.want != 0) {
			t.Errorf("Number(%q) = %d %v, want %d", tc.name, got, ok, tc.want)
		}
	}
}

func TestFill(t *testing.T) {
	str := model.StringValue
	kv := func(k string, v model.Value) model.KeyValue { return model.KeyValue{Key: k, Value: v} }
	for _, tc := range []struct {
		name     string
		in       model.LogEvent
		num      int32
		text     string
		bodyKept string
	}{
		{name: "number sent is kept", in: model.LogEvent{SeverityNumber: 9, SeverityText: "INFO", Body: str("ERROR but info")}, num: 9, text: "INFO"},
		{name: "number without text is kept", in: model.LogEvent{SeverityNumber: 13, Body: str(`{"level":"error"}`)}, num: 13, text: ""},
		{name: "text sent gives the number", in: model.LogEvent{SeverityText: "warning", Body: str("ERROR x")}, num: 13, text: "warning"},
		{name: "unknown text sent stays alone", in: model.LogEvent{SeverityText: "loud", Body: str("ERROR x")}, num: 0, text: "loud"},
		{name: "string body", in: model.LogEvent{Body: str(`{"level":"ERROR","msg":"x"}`)}, num: 17, text: "ERROR", bodyKept: `{"level":"ERROR","msg":"x"}`},
		{name: "text body", in: model.LogEvent{Body: str("[WARN] slow")}, num: 13, text: "WARN", bodyKept: "[WARN] slow"},
		{name: "map body", in: model.LogEvent{Body: model.MapValue(kv("msg", str("x")), kv("level", str("fatal")))}, num: 21, text: "fatal"},
		{name: "map body nested log.level", in: model.LogEvent{Body: model.MapValue(kv("log", model.MapValue(kv("level", str("debug")))))}, num: 5, text: "debug"},
		{name: "map body pino number", in: model.LogEvent{Body: model.MapValue(kv("level", model.IntValue(40)))}, num: 13, text: "WARN"},
		{name: "attribute", in: model.LogEvent{Body: str("plain"), Attributes: model.Attributes{kv("log.level", str("ERROR"))}}, num: 17, text: "ERROR"},
		{name: "body before attribute", in: model.LogEvent{Body: str("INFO ok"), Attributes: model.Attributes{kv("level", str("error"))}}, num: 9, text: "INFO"},
		{name: "nothing to go by", in: model.LogEvent{Body: str("hello")}, num: 0, text: ""},
		{name: "empty", in: model.LogEvent{}, num: 0, text: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.in
			Fill(&l)
			if l.SeverityNumber != tc.num || l.SeverityText != tc.text {
				t.Errorf("got %d %q, want %d %q", l.SeverityNumber, l.SeverityText, tc.num, tc.text)
			}
			if tc.bodyKept != "" && l.Body.Str != tc.bodyKept {
				t.Errorf("body changed to %q", l.Body.Str)
			}
		})
	}
}

func BenchmarkFromMessage(b *testing.B) {
	for _, msg := range []string{
		"2025-03-10T10:00:00.000Z\t6f1c2b7e-1111-2222-3333-444455556666\tINFO\tserved /cart in 12ms",
		`{"time":"2025-03-10T10:00:00Z","level":"info","msg":"served","path":"/cart","ms":12,"user":{"id":42}}`,
		"GET /cart 200 12ms user=42 with no level at all in it",
	} {
		b.Run(msg[:12], func(b *testing.B) {
			for range b.N {
				FromMessage(msg)
			}
		})
	}
}
