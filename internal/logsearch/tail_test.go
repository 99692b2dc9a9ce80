package logsearch

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"lookout/internal/query/cwpattern"
)

func TestTail(t *testing.T) {
	tests := []struct {
		name    string
		q       TailQuery
		pattern string
		want    []string
	}{
		{"all", TailQuery{Groups: []string{"/t/a", "/t/b"}}, "", []string{"a1 ERROR", "a2 ok", "b1 ERROR", "other stream ERROR"}},
		{"pattern", TailQuery{Groups: []string{"/t/a", "/t/b"}}, "ERROR", []string{"a1 ERROR", "b1 ERROR", "other stream ERROR"}},
		{"streams", TailQuery{Groups: []string{"/t/a"}, Streams: []string{"web-2"}}, "", []string{"other stream ERROR"}},
		{"prefixes", TailQuery{Groups: []string{"/t/a"}, StreamPrefixes: []string{"web-1", "x"}}, "", []string{"a1 ERROR", "a2 ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			now := time.Now().UnixMilli()
			e.put(t, "/t/a", "web-1", event{now - 1000, "before the tail"})
			e.put(t, "/t/b", "web-1", event{now - 1000, "before the tail"})
			e.put(t, "/t/a", "web-2", event{now - 1000, "before the tail"})
			time.Sleep(10 * time.Millisecond)
			p, err := cwpattern.Parse(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			q := tt.q
			q.Project, q.Pattern, q.Every = "p", p, 20*time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			got := make(chan []string, 100)
			done := make(chan error, 1)
			go func() {
				done <- e.svc.Tail(ctx, q, func(u TailUpdate) error {
					var msgs []string
					for _, ev := range u.Events {
						msgs = append(msgs, ev.Message)
					}
					got <- msgs
					return nil
				})
			}()
			time.Sleep(50 * time.Millisecond)
			e.put(t, "/t/a", "web-1", event{now, "a1 ERROR"}, event{now - 30*60*1000, "a2 ok"})
			e.put(t, "/t/b", "web-1", event{now, "b1 ERROR"})
			e.put(t, "/t/a", "web-2", event{now, "other stream ERROR"})
			var all []string
			deadline := time.After(3 * time.Second)
			for len(all) < len(tt.want) {
				select {
				case m := <-got:
					all = append(all, m...)
				case <-deadline:
					t.Fatalf("got %q, want %q", all, tt.want)
				}
			}
			time.Sleep(100 * time.Millisecond) // nothing more, nothing twice
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			close(got)
			for m := range got {
				all = append(all, m...)
			}
			slices.Sort(all)
			if fmt.Sprint(all) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", all, tt.want)
			}
		})
	}
}

func TestTailSample(t *testing.T) {
	for _, n := range []int{0, 1, TailMaxEvents, TailMaxEvents + 1, 5000} {
		u := sample(make([]TailEvent, n))
		if len(u.Events) != min(n, TailMaxEvents) || u.Sampled != (n > TailMaxEvents) {
			t.Errorf("sample(%d) = %d events, sampled %v", n, len(u.Events), u.Sampled)
		}
	}
}
