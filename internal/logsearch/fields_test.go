package logsearch

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestFields(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	ms := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	e.put(t, "/f/app", "s1",
		event{ms(-time.Hour), `{"old":1}`}, // outside the window
		event{ms(-4 * time.Minute), `{"level":"INFO","user":{"id":7}}`},
		event{ms(-3 * time.Minute), `{"level":"ERROR","tags":["a"]}`},
		event{ms(-2 * time.Minute), `plain text`},
	)
	e.put(t, "/f/empty", "s1", event{ms(-time.Hour), `{"x":1}`})
	sys := func(extra ...Field) []Field {
		return append([]Field{{"@ingestionTime", 100}, {"@log", 100}, {"@logStream", 100}, {"@message", 100}, {"@timestamp", 100}}, extra...)
	}
	tests := []struct {
		name string
		q    FieldsQuery
		want []Field
	}{
		{"recent", FieldsQuery{Project: "p", Group: "/f/app"},
			sys(Field{"level", 67}, Field{"tags.0", 33}, Field{"user.id", 33})},
		{"at an earlier time", FieldsQuery{Project: "p", Group: "/f/app", AtNano: now.Add(-50 * time.Minute).UnixNano()},
			sys(Field{"old", 100})},
		{"nothing recent", FieldsQuery{Project: "p", Group: "/f/empty"}, []Field{}},
		{"unknown group", FieldsQuery{Project: "p", Group: "/f/none"}, []Field{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.Fields(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fields = %v, want %v", got, tt.want)
			}
		})
	}
}
