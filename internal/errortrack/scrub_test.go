package errortrack

import (
	"encoding/json"
	"testing"
)

func TestScrubber(t *testing.T) {
	s := NewScrubber(DefaultScrubFields)
	cases := []struct {
		name, in, want string
		same           bool // want the input's very bytes back
	}{
		{name: "nothing to scrub", in: `{"body": {"message": {"body": "hi"}},  "n": 1.50}`, same: true},
		{name: "nested, any case", in: `{"request": {"POST": {"user": "ann", "Password": "hunter2"}, "headers": {"Authorization": "Bearer x"}}}`,
			want: `{"request":{"POST":{"Password":"********","user":"ann"},"headers":{"Authorization":"********"}}}`},
		{name: "non-string values", in: `{"custom": {"secret": {"a": 1}, "api_key": 12}}`,
			want: `{"custom":{"api_key":"********","secret":"********"}}`},
		{name: "in arrays", in: `{"extra": [{"access_token": "t"}, {"ok": true}]}`,
			want: `{"extra":[{"access_token":"********"},{"ok":true}]}`},
		{name: "URL query", in: `{"request": {"url": "https://shop.example/login?user=ann&password=hunter2"}}`,
			want: `{"request":{"url":"https://shop.example/login?user=ann&password=********"}}`},
		{name: "query string", in: `{"request": {"query_string": "?csrf_token=abc&page=2"}}`,
			want: `{"request":{"query_string":"?csrf_token=********&page=2"}}`},
		{name: "URL without a scrub field", in: `{"request": {"url": "https://shop.example/?page=2"}}`, same: true},
		{name: "numbers kept exact", in: `{"n": 12345678901234567890, "secret": "s"}`,
			want: `{"n":12345678901234567890,"secret":"********"}`},
		{name: "not JSON", in: `{`, same: true},
		{name: "name spelt with an escape", in: `{"p\u0061ssword": "hunter2"}`, want: `{"password":"********"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := s.Payload(json.RawMessage(c.in))
			if c.same {
				if string(got) != c.in {
					t.Errorf("got %s, want the input unchanged", got)
				}
				return
			}
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	if got := NewScrubber([]string{}).Payload(json.RawMessage(`{"password":"x"}`)); string(got) != `{"password":"x"}` {
		t.Errorf("no scrub fields: got %s", got)
	}
}

// FuzzScrub: any payload is scrubbed without a panic, and valid JSON stays
// valid JSON.
func FuzzScrub(f *testing.F) {
	for _, seed := range []string{`{"password":"x"}`, `{"request":{"url":"http://a/?token=1&password=2"}}`,
		`{"request":{"query_string":"?secret=%zz&a=1"}}`, `[{"Cookie":[1,2]}]`, `{"n":1e400}`, `"password"`} {
		f.Add([]byte(seed))
	}
	s := NewScrubber(DefaultScrubFields)
	f.Fuzz(func(t *testing.T, b []byte) {
		out := s.Payload(b)
		if json.Valid(b) && !json.Valid(out) {
			t.Errorf("scrubbing %q gave invalid JSON %q", b, out)
		}
	})
}
