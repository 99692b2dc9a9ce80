package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"lookout/internal/store"
)

// TestLogGroups runs one scenario of log group and stream calls; each step
// names the error it expects.
func TestLogGroups(t *testing.T) {
	type step struct {
		name string
		do   func(ctx context.Context, s store.Meta) error
		want error
	}
	group := func(name string, days int) store.LogGroup {
		return store.LogGroup{Project: "p", Name: name, CreationMillis: 1000, RetentionDays: days, Tags: map[string]string{"team": "web"}}
	}
	stream := func(g, name string) store.LogStream {
		return store.LogStream{Project: "p", Group: g, Name: name, CreationMillis: 2000}
	}
	// expectGroups checks the names a listing returns, in order.
	expectGroups := func(q store.LogGroupList, want string) func(context.Context, store.Meta) error {
		return func(ctx context.Context, s store.Meta) error {
			gs, err := s.ListLogGroups(ctx, q)
			var names []string
			for _, g := range gs {
				names = append(names, g.Name)
			}
			if got := fmt.Sprint(names); err == nil && got != want {
				return fmt.Errorf("listed %s, want %s", got, want)
			}
			return err
		}
	}
	expectStreams := func(q store.LogStreamList, want string) func(context.Context, store.Meta) error {
		return func(ctx context.Context, s store.Meta) error {
			sts, err := s.ListLogStreams(ctx, q)
			var names []string
			for _, st := range sts {
				names = append(names, st.Name)
			}
			if got := fmt.Sprint(names); err == nil && got != want {
				return fmt.Errorf("listed %s, want %s", got, want)
			}
			return err
		}
	}
	steps := []step{
		{"create", func(ctx context.Context, s store.Meta) error { return s.CreateLogGroup(ctx, group("/app/web", 0)) }, nil},
		{"create again", func(ctx context.Context, s store.Meta) error { return s.CreateLogGroup(ctx, group("/app/web", 7)) }, store.ErrExists},
		{"create more", func(ctx context.Context, s store.Meta) error {
			for _, n := range []string{"/app/api", "/App/Z", "/app/a_b", "/app/a%b", "other"} {
				if err := s.CreateLogGroup(ctx, group(n, 0)); err != nil {
					return err
				}
			}
			return s.CreateLogGroup(ctx, store.LogGroup{Project: "q", Name: "/app/web", CreationMillis: 5})
		}, nil},
		{"list in byte order", expectGroups(store.LogGroupList{Project: "p"}, "[/App/Z /app/a%b /app/a_b /app/api /app/web other]"), nil},
		{"prefix", expectGroups(store.LogGroupList{Project: "p", Prefix: "/app/"}, "[/app/a%b /app/a_b /app/api /app/web]"), nil},
		{"prefix with LIKE characters", expectGroups(store.LogGroupList{Project: "p", Prefix: "/app/a_"}, "[/app/a_b]"), nil},
		{"prefix with %", expectGroups(store.LogGroupList{Project: "p", Prefix: "/app/a%"}, "[/app/a%b]"), nil},
		{"pattern ignores case", expectGroups(store.LogGroupList{Project: "p", Pattern: "APP/A"}, "[/app/a%b /app/a_b /app/api]"), nil},
		{"after and limit", expectGroups(store.LogGroupList{Project: "p", After: "/app/a_b", Limit: 2}, "[/app/api /app/web]"), nil},
		{"other project", expectGroups(store.LogGroupList{Project: "q"}, "[/app/web]"), nil},
		{"read", func(ctx context.Context, s store.Meta) error {
			g, err := s.LogGroup(ctx, "p", "/app/web")
			if err == nil && (g.Class != "STANDARD" || g.Tags["team"] != "web" || g.CreationMillis != 1000 || g.StoredBytes != 0) {
				err = fmt.Errorf("read %+v", g)
			}
			return err
		}, nil},
		{"read missing", func(ctx context.Context, s store.Meta) error { _, err := s.LogGroup(ctx, "q", "/app/api"); return err }, store.ErrNotFound},
		{"retention", func(ctx context.Context, s store.Meta) error { return s.SetRetention(ctx, "p", "/app/api", 14) }, nil},
		{"retention of a missing group", func(ctx context.Context, s store.Meta) error { return s.SetRetention(ctx, "p", "nope", 14) }, store.ErrNotFound},
		{"retained", func(ctx context.Context, s store.Meta) error {
			gs, err := s.RetainedLogGroups(ctx)
			if err == nil && (len(gs) != 1 || gs[0].Name != "/app/api" || gs[0].RetentionDays != 14) {
				err = fmt.Errorf("retained %+v", gs)
			}
			return err
		}, nil},
		{"tag and untag", func(ctx context.Context, s store.Meta) error {
			if err := s.TagLogGroup(ctx, "p", "/app/web", map[string]string{"env": "prod", "team": "api"}); err != nil {
				return err
			}
			if err := s.UntagLogGroup(ctx, "p", "/app/web", []string{"env", "absent"}); err != nil {
				return err
			}
			g, err := s.LogGroup(ctx, "p", "/app/web")
			if err == nil && fmt.Sprint(g.Tags) != "map[team:api]" {
				err = fmt.Errorf("tags %v", g.Tags)
			}
			return err
		}, nil},
		{"tag a missing group", func(ctx context.Context, s store.Meta) error {
			return s.TagLogGroup(ctx, "p", "nope", map[string]string{"a": "b"})
		}, store.ErrNotFound},
		{"untag a missing group", func(ctx context.Context, s store.Meta) error { return s.UntagLogGroup(ctx, "p", "nope", []string{"a"}) }, store.ErrNotFound},
		{"streams", func(ctx context.Context, s store.Meta) error {
			for _, n := range []string{"b", "a", "c", "a_1"} {
				if err := s.CreateLogStream(ctx, stream("/app/web", n)); err != nil {
					return err
				}
			}
			return nil
		}, nil},
		{"stream again", func(ctx context.Context, s store.Meta) error { return s.CreateLogStream(ctx, stream("/app/web", "a")) }, store.ErrExists},
		{"stream of a missing group", func(ctx context.Context, s store.Meta) error { return s.CreateLogStream(ctx, stream("nope", "a")) }, store.ErrNotFound},
		{"record events", func(ctx context.Context, s store.Meta) error {
			for _, add := range []store.LogStream{
				{Project: "p", Group: "/app/web", Name: "a", FirstEventMillis: 500, LastEventMillis: 900, LastIngestionMillis: 1000, StoredBytes: 10, Events: 2},
				{Project: "p", Group: "/app/web", Name: "a", FirstEventMillis: 300, LastEventMillis: 800, LastIngestionMillis: 1100, StoredBytes: 5, Events: 1},
				{Project: "p", Group: "/app/web", Name: "b", FirstEventMillis: 700, LastEventMillis: 700, LastIngestionMillis: 1200, StoredBytes: 7, Events: 1},
				{Project: "p", Group: "/app/web", Name: "gone", FirstEventMillis: 1, LastEventMillis: 1, StoredBytes: 1, Events: 1},
			} {
				if err := s.RecordLogEvents(ctx, add); err != nil {
					return err
				}
			}
			st, err := s.LogStream(ctx, "p", "/app/web", "a")
			if err == nil && (st.FirstEventMillis != 300 || st.LastEventMillis != 900 || st.LastIngestionMillis != 1100 ||
				st.StoredBytes != 15 || st.Events != 3 || st.CreationMillis != 2000) {
				err = fmt.Errorf("stream a: %+v", st)
			}
			g, gerr := s.LogGroup(ctx, "p", "/app/web")
			if err == nil && (gerr != nil || g.StoredBytes != 22) {
				err = fmt.Errorf("group stored bytes %d (%v), want 22", g.StoredBytes, gerr)
			}
			return err
		}, nil},
		{"streams by name", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web"}, "[a a_1 b c]"), nil},
		{"streams by name, descending, after", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web", Descending: true, After: "b"}, "[a_1 a]"), nil},
		{"streams by prefix", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web", Prefix: "a_"}, "[a_1]"), nil},
		{"streams by last event", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web", ByLastEvent: true}, "[a_1 c b a]"), nil},
		{"streams by last event, descending, limit", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web", ByLastEvent: true, Descending: true, Limit: 2}, "[a b]"), nil},
		{"streams by last event, after", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web", ByLastEvent: true, After: "a_1", AfterMillis: 0}, "[c b a]"), nil},
		{"reset figures", func(ctx context.Context, s store.Meta) error {
			err := s.ResetLogStreamStats(ctx, "p", "/app/web", []store.LogStream{{Name: "b", FirstEventMillis: 710, LastEventMillis: 720, LastIngestionMillis: 5, StoredBytes: 3, Events: 1}})
			if err != nil {
				return err
			}
			a, _ := s.LogStream(ctx, "p", "/app/web", "a")
			b, _ := s.LogStream(ctx, "p", "/app/web", "b")
			if a.Events != 0 || a.StoredBytes != 0 || a.FirstEventMillis != 0 || a.LastIngestionMillis != 1100 ||
				b.FirstEventMillis != 710 || b.LastEventMillis != 720 || b.LastIngestionMillis != 1200 || b.StoredBytes != 3 {
				return fmt.Errorf("after reset: %+v, %+v", a, b)
			}
			return nil
		}, nil},
		{"delete a stream", func(ctx context.Context, s store.Meta) error { return s.DeleteLogStream(ctx, "p", "/app/web", "c") }, nil},
		{"delete it again", func(ctx context.Context, s store.Meta) error { return s.DeleteLogStream(ctx, "p", "/app/web", "c") }, store.ErrNotFound},
		{"read a deleted stream", func(ctx context.Context, s store.Meta) error {
			_, err := s.LogStream(ctx, "p", "/app/web", "c")
			return err
		}, store.ErrNotFound},
		{"delete the group", func(ctx context.Context, s store.Meta) error { return s.DeleteLogGroup(ctx, "p", "/app/web") }, nil},
		{"its streams went with it", expectStreams(store.LogStreamList{Project: "p", Group: "/app/web"}, "[]"), nil},
		{"delete it again", func(ctx context.Context, s store.Meta) error { return s.DeleteLogGroup(ctx, "p", "/app/web") }, store.ErrNotFound},
		{"recreate: no streams come back", func(ctx context.Context, s store.Meta) error {
			if err := s.CreateLogGroup(ctx, group("/app/web", 0)); err != nil {
				return err
			}
			return expectStreams(store.LogStreamList{Project: "p", Group: "/app/web"}, "[]")(ctx, s)
		}, nil},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		for _, st := range steps {
			err := st.do(ctx, s)
			if !errors.Is(err, st.want) || (st.want == nil) != (err == nil) {
				t.Errorf("%s: %v, want %v", st.name, err, st.want)
			}
		}
	})
}
