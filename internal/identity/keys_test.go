package identity

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseKeys(t *testing.T) {
	const a, b = "0123456789abcdef", "fedcba9876543210-_.~+/="
	for _, tc := range []struct {
		name, setting string
		allowAll      bool
		want          map[string]string // key → project
		err           string
	}{
		{name: "empty", setting: " ", want: map[string]string{}},
		{name: "two", setting: a + ":shop, " + b + ":default", want: map[string]string{a: "shop", b: "default"}},
		{name: "every project", setting: a + ":*", allowAll: true, want: map[string]string{a: "*"}},
		{name: "every project not allowed", setting: a + ":*", err: "name one project"},
		{name: "no project", setting: a, err: "want KEY:PROJECT"},
		{name: "short key", setting: "short:shop", err: "key 1: want 16-256"},
		{name: "key with a blank", setting: "0123456789 abcdef:shop", err: "key 1: want 16-256"},
		{name: "bad project", setting: a + ":sh op", err: `project "sh op"`},
		{name: "twice", setting: a + ":shop," + a + ":other", err: "key 2: given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKeys(tc.setting, tc.allowAll)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "0123456789") {
					t.Errorf("error %q shows the key", err)
				}
				return
			}
			if err != nil || k.Len() != len(tc.want) {
				t.Fatalf("%v, %d keys, want %d", err, k.Len(), len(tc.want))
			}
			for key, project := range tc.want {
				if got, ok := k.Lookup(key); !ok || got != project {
					t.Errorf("Lookup(%q) = %q, %v; want %q", key, got, ok, project)
				}
			}
			if _, ok := k.Lookup("nope-nope-nope-nope"); ok {
				t.Error("an unknown key was found")
			}
		})
	}
}

func TestBearerKey(t *testing.T) {
	for _, tc := range []struct {
		headers map[string]string
		want    string
	}{
		{map[string]string{"Authorization": "Bearer k1"}, "k1"},
		{map[string]string{"Authorization": "bearer  k1 "}, "k1"},
		{map[string]string{"X-Lookout-Key": "k2"}, "k2"},
		{map[string]string{"Authorization": "Basic dXNlcjpwYXNz", "X-Lookout-Key": "k2"}, "k2"},
		{map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/x/y/logs/aws4_request"}, ""},
		{nil, ""},
	} {
		h := http.Header{}
		for k, v := range tc.headers {
			h.Set(k, v)
		}
		if got := BearerKey(h.Get); got != tc.want {
			t.Errorf("BearerKey(%v) = %q, want %q", tc.headers, got, tc.want)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:8686": true, "127.0.0.2": true, "[::1]:8686": true, "localhost:8686": true,
		"LOCALHOST.": true, "app.localhost:3000": true,
		"evil.example:8686": false, "192.0.2.2:8686": false, "": false, "localhost.evil.example": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
