package cwlogs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// TestPutSeverity: the severity a message states is stored with it, the
// message unchanged; a message that states none has none.
func TestPutSeverity(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UnixMilli()
	msgs := []struct {
		msg  string
		num  int32
		text string
	}{
		{`{"level":"ERROR","msg":"charge failed"}`, 17, "ERROR"},
		{`{"levelname":"WARNING","message":"low disk"}`, 13, "WARNING"},
		{"[INFO] cold start", 9, "INFO"},
		{"2025-03-10T10:00:00.000Z\t6f1c2b7e\tERROR\tInvoke Error", 17, "ERROR"},
		{"time=2025-03-10T10:00:00Z level=debug msg=x", 5, "debug"},
		{"request 0 served", 0, ""},
	}
	var events []string
	for i, m := range msgs {
		events = append(events, fmt.Sprintf(`{"timestamp":%d,"message":%q}`, now-int64(len(msgs)-i), m.msg))
	}
	runScenarios(t, e, []scenario{
		{"create", "CreateLogGroup", `{"logGroupName":"sev"}`, 200, "", nil},
		{"stream", "CreateLogStream", `{"logGroupName":"sev","logStreamName":"s"}`, 200, "", nil},
		{"put", "PutLogEvents", `{"logGroupName":"sev","logStreamName":"s","logEvents":[` + strings.Join(events, ",") + `]}`, 200, "", nil},
	})
	var got []model.LogEvent
	for l, err := range e.store.Logs(context.Background(), store.LogQuery{Project: model.DefaultProject, LogGroup: "sev", Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l)
	}
	if len(got) != len(msgs) {
		t.Fatalf("%d events stored, want %d", len(got), len(msgs))
	}
	for i, m := range msgs {
		l := got[i]
		if l.Body.Str != m.msg || l.SeverityNumber != m.num || l.SeverityText != m.text {
			t.Errorf("event %d: %q %d %q, want %q %d %q", i, l.Body.Str, l.SeverityNumber, l.SeverityText, m.msg, m.num, m.text)
		}
	}
}
