package rollbarsearch

import (
	"reflect"
	"strings"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

var parseCases = []struct {
	q    string
	want Search
	err  string // a part of the error; "" for none
}{
	{q: "", want: Search{}},
	{q: "   ", want: Search{}},
	{q: "timeout", want: Search{Words: []string{"timeout"}}},
	{q: "KeyError user", want: Search{Words: []string{"KeyError", "user"}}},
	{q: `"connection refused" db`, want: Search{Words: []string{"connection refused", "db"}}},
	{q: "level:error", want: Search{Levels: []model.Level{model.LevelError}}},
	{q: "level:error,critical level:WARNING", want: Search{Levels: []model.Level{model.LevelError, model.LevelCritical, model.LevelWarning}}},
	{q: "level:error level:error", want: Search{Levels: []model.Level{model.LevelError}}},
	{q: "status:active status:resolved", want: Search{Statuses: []model.ItemStatus{model.StatusActive, model.StatusResolved}}},
	{q: "Status:Muted", want: Search{Statuses: []model.ItemStatus{model.StatusMuted}}},
	{q: "environment:production framework:flask platform:browser",
		want: Search{Environments: []string{"production"}, Frameworks: []string{"flask"}, Platforms: []string{"browser"}}},
	{q: `environment:"prod eu"`, want: Search{Environments: []string{"prod eu"}}},
	{q: `title:"not found" level:info x`, want: Search{Words: []string{"not found", "x"}, Levels: []model.Level{model.LevelInfo}}},
	{q: "KeyError: user", want: Search{Words: []string{"KeyError:", "user"}}, err: ""},
	{q: "http://x/y", want: Search{Words: []string{"http://x/y"}}},
	{q: "-5 items", want: Search{Words: []string{"-5", "items"}}},
	{q: "level:loud", err: `level: level "loud"`},
	{q: "status:open", err: `status: status "open"`},
	{q: "level:", err: "level: wants a value"},
	{q: "level:,", err: "level: wants a value"},
	{q: "-level:debug", err: "-level: negated filters are not supported"},
	{q: "host:web-1", err: "host: is not supported here; supported: title, level, status, environment, framework, platform"},
	{q: "assigned:me timeout", err: "assigned: is not supported"},
	{q: `"unclosed`, err: "a double quote is not closed"},
	{q: strings.Repeat("a", MaxLen+1), err: "longer than 4096 bytes"},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		got, err := Parse(c.q)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q): error %v, want one containing %q", c.q, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", c.q, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}

func TestNarrow(t *testing.T) {
	cases := []struct {
		name   string
		query  store.ItemQuery
		q      string
		want   store.ItemQuery
		wantOK bool
	}{
		{name: "q alone", q: "level:error environment:prod db",
			want:   store.ItemQuery{Levels: []model.Level{model.LevelError}, Environments: []string{"prod"}, TitleContains: []string{"db"}},
			wantOK: true},
		{name: "parameters alone", query: store.ItemQuery{Statuses: []model.ItemStatus{model.StatusActive}},
			want: store.ItemQuery{Statuses: []model.ItemStatus{model.StatusActive}}, wantOK: true},
		{name: "both: what both allow",
			query:  store.ItemQuery{Levels: []model.Level{model.LevelError, model.LevelCritical}},
			q:      "level:critical,warning",
			want:   store.ItemQuery{Levels: []model.Level{model.LevelCritical}},
			wantOK: true},
		{name: "both: nothing in common",
			query: store.ItemQuery{Statuses: []model.ItemStatus{model.StatusResolved}}, q: "status:active",
			wantOK: false},
	}
	for _, c := range cases {
		s, err := Parse(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		q := c.query
		ok := s.Narrow(&q)
		if ok != c.wantOK {
			t.Errorf("%s: ok %v, want %v", c.name, ok, c.wantOK)
		}
		if ok && !reflect.DeepEqual(q, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, q, c.want)
		}
	}
}
