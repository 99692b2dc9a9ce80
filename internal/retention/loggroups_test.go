package retention

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"lookout/internal/store"
)

// groupStore records what LogGroups asks of the metadata and event stores:
// the policy is under test here; real stores prove the deletes in their
// own tests.
type groupStore struct {
	store.LogGroups      // only the methods below are called
	store.LogGroupEvents // likewise
	groups               []store.LogGroup
	events               map[string][]int64 // group → event times (ns)
	deleteErr            error
	calls                []string
}

func (s *groupStore) RetainedLogGroups(context.Context) ([]store.LogGroup, error) {
	return s.groups, nil
}

func (s *groupStore) DeleteGroupEvents(_ context.Context, project, group, stream string, before int64) (int64, error) {
	if s.deleteErr != nil {
		return 0, s.deleteErr
	}
	kept := slices.DeleteFunc(s.events[group], func(t int64) bool { return t < before })
	n := len(s.events[group]) - len(kept)
	s.events[group] = kept
	s.calls = append(s.calls, fmt.Sprintf("delete %s/%s %d", project, group, n))
	return int64(n), nil
}

func (s *groupStore) GroupStreamStats(_ context.Context, _, group string) ([]store.LogStream, error) {
	return []store.LogStream{{Group: group, Events: int64(len(s.events[group]))}}, nil
}

func (s *groupStore) ResetLogStreamStats(_ context.Context, project, group string, stats []store.LogStream) error {
	s.calls = append(s.calls, fmt.Sprintf("reset %s/%s %d", project, group, stats[0].Events))
	return nil
}

func TestLogGroupsExpireAll(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	day := func(n int) int64 { return now.Add(-time.Duration(n) * 24 * time.Hour).UnixNano() }
	tests := []struct {
		name      string
		groups    []store.LogGroup
		events    map[string][]int64
		deleteErr error
		want      []string
	}{
		{"nothing retained", nil, nil, nil, nil},
		{"old events go, figures follow",
			[]store.LogGroup{{Project: "p", Name: "a", RetentionDays: 3}},
			map[string][]int64{"a": {day(5), day(4), day(1)}}, nil,
			[]string{"delete p/a 2", "reset p/a 1"}},
		{"nothing old: figures untouched",
			[]store.LogGroup{{Project: "p", Name: "a", RetentionDays: 7}},
			map[string][]int64{"a": {day(5), day(1)}}, nil,
			[]string{"delete p/a 0"}},
		{"each group by its own policy",
			[]store.LogGroup{{Project: "p", Name: "a", RetentionDays: 1}, {Project: "q", Name: "b", RetentionDays: 30}},
			map[string][]int64{"a": {day(2)}, "b": {day(2)}}, nil,
			[]string{"delete p/a 1", "reset p/a 0", "delete q/b 0"}},
		{"a failing group does not stop the pass",
			[]store.LogGroup{{Project: "p", Name: "a", RetentionDays: 1}, {Project: "p", Name: "b", RetentionDays: 1}},
			map[string][]int64{"a": {day(2)}}, errors.New("disk on fire"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &groupStore{groups: tc.groups, events: tc.events, deleteErr: tc.deleteErr}
			cfg := DefaultLogGroupsConfig()
			cfg.Now = func() time.Time { return now }
			l, err := NewLogGroups(cfg, s, s)
			if err != nil {
				t.Fatal(err)
			}
			l.ExpireAll(context.Background())
			if !slices.Equal(s.calls, tc.want) {
				t.Errorf("calls %q, want %q", s.calls, tc.want)
			}
		})
	}
}

func TestLogGroupsExpireGroupError(t *testing.T) {
	s := &groupStore{deleteErr: errors.New("disk on fire")}
	l, err := NewLogGroups(DefaultLogGroupsConfig(), s, s)
	if err != nil {
		t.Fatal(err)
	}
	err = l.ExpireGroup(context.Background(), "p", "a", 1)
	if err == nil || !errors.Is(err, s.deleteErr) || err.Error() != `log group "a": expire: disk on fire` {
		t.Errorf("ExpireGroup: %v", err)
	}
}

func TestLogGroupsConfig(t *testing.T) {
	cfg := DefaultLogGroupsConfig()
	cfg.Interval = 0
	if _, err := NewLogGroups(cfg, &groupStore{}, &groupStore{}); err == nil {
		t.Error("zero Interval accepted")
	}
	if _, err := NewLogGroups(DefaultLogGroupsConfig(), nil, &groupStore{}); err == nil {
		t.Error("missing metadata store accepted")
	}
}
