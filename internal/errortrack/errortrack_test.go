package errortrack

import (
	"testing"
	"time"

	"lookout/internal/model"
)

func TestNormaliseMessage(t *testing.T) {
	cases := []struct{ in, want string }{
		{"user 12 not found", "user {n} not found"},
		{"user 'bob' not found", "user {str} not found"},
		{"id 3f2b8a9e-5c1d-4e7a-9b6f-0a1c2d3e4f50 gone", "id {uuid} gone"},
		{"from 10.0.0.7:443 at 2026-11-25T12:00:00Z", "from {ip} at {date}"},
		{"mail a.b@example.com   failed", "mail {email} failed"},
		{"ptr 0xdeadbeef and sha 9f2c1ab", "ptr {hex} and sha {hex}"},
		{"Foo::Bar failed", "Foo::Bar failed"},
	}
	for _, c := range cases {
		if got := NormaliseMessage(c.in); got != c.want {
			t.Errorf("NormaliseMessage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInProject(t *testing.T) {
	cases := map[string]bool{
		"/app/main.go":                      true,
		"app/views.py":                      true,
		"/usr/local/go/src/runtime/proc.go": false,
		"github.com/rollbar/rollbar-go@v1.4.5/client.go": false,
		"/srv/app/node_modules/express/lib/router.js":    false,
		"/usr/lib/python3/dist-packages/flask/app.py":    false,
		"/venv/lib/python3.12/site-packages/x.py":        false,
		"": false,
	}
	for f, want := range cases {
		if got := InProject(f); got != want {
			t.Errorf("InProject(%q) = %v, want %v", f, got, want)
		}
	}
}

func TestFingerprintStable(t *testing.T) {
	trace := func(msg string, line string) Event {
		return Event{Traces: []Trace{{Class: "KeyError", Message: msg, Frames: []Frame{
			{Filename: "/venv/lib/python3.12/site-packages/flask/app.py", Method: "wsgi_app" + line},
			{Filename: "/app/views.py", Method: "show"},
		}}}}
	}
	a, b := Fingerprint(trace("user 1", "")), Fingerprint(trace("user 2", ""))
	if a != b || len(a) != 40 {
		t.Errorf("trace messages must not split groups: %s %s", a, b)
	}
	if a == Fingerprint(trace("x", "2")) {
		// library frames are ignored, so a library change keeps the group
	} else {
		t.Errorf("library frames must not split groups")
	}
	if Fingerprint(Event{Message: "disk 91% full"}) != Fingerprint(Event{Message: "disk 93% full"}) {
		t.Errorf("message numbers must not split groups")
	}
	if got := Fingerprint(Event{Custom: "my-key", Message: "x"}); got != "my-key" {
		t.Errorf("custom fingerprint: %q", got)
	}
	// The v1 rules are frozen: this value must never change.
	if got := Fingerprint(Event{Message: "user 12 not found"}); got != frozenMessageFingerprint {
		t.Errorf("v1 message fingerprint changed: %s", got)
	}
}

const frozenMessageFingerprint = "4270bb7662fa07b7feb1ab0bb16ec99776a348fa"

func TestObserveAndPatch(t *testing.T) {
	t0 := time.Unix(1764072000, 0)
	occ := func(id int64, l model.Level, v string) *model.ErrorOccurrence {
		return &model.ErrorOccurrence{ID: id, Level: l, CodeVersion: v, Environment: "prod", Timestamp: t0.Add(time.Duration(id) * time.Second), Received: t0}
	}
	var it model.Item
	if tr := Observe(&it, occ(1, model.LevelWarning, "")); !tr.Created || it.Level != model.LevelWarning {
		t.Fatalf("new item: %+v %+v", tr, it)
	}
	Observe(&it, occ(2, model.LevelCritical, ""))
	if it.Level != model.LevelCritical || it.TotalOccurrences != 2 {
		t.Errorf("level must rise: %+v", it)
	}
	st, v := "resolved", "2.0.0"
	if err := ApplyPatch(&it, Patch{Status: &st, ResolvedInVersion: &v}, t0); err != nil {
		t.Fatal(err)
	}
	if tr := Observe(&it, occ(3, model.LevelError, "1.9.9")); tr.Reactivated || it.Status != model.StatusResolved {
		t.Errorf("older version reactivated: %+v", it)
	}
	if tr := Observe(&it, occ(4, model.LevelError, "v2.0.0")); !tr.Reactivated || it.Status != model.StatusActive {
		t.Errorf("same version did not reactivate: %+v", it)
	}
	bad := "loud"
	if err := ApplyPatch(&it, Patch{Level: &bad}, t0); err == nil {
		t.Errorf("bad level accepted")
	}
}

func TestOlderVersion(t *testing.T) {
	cases := []struct {
		v, ref string
		want   bool
	}{
		{"1.2.9", "1.3.0", true}, {"v1.3.0", "1.3.0", false}, {"1.3.0-rc.1", "1.3.0", true},
		{"1.10", "1.9", false}, {"9f2c1ab", "1.3.0", false}, {"", "1.0", false}, {"41", "42", true},
	}
	for _, c := range cases {
		if got := OlderVersion(c.v, c.ref); got != c.want {
			t.Errorf("OlderVersion(%q, %q) = %v", c.v, c.ref, got)
		}
	}
}
