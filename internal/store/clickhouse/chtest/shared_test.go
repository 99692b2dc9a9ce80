package chtest

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
)

// recorder is a testing.TB that records how Get ended the test.
type recorder struct {
	testing.TB
	ended string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.ended = "skip: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.ended = "fatal: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.ended = "fatal: " + fmt.Sprint(args...)
	runtime.Goexit()
}

func TestSharedGetWithoutServer(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		require string
		want    string
	}{
		{"NoBinarySkips", ErrNoBinary, "", "skip"},
		{"NoBinaryRequired", ErrNoBinary, "1", "fatal"},
		{"StartFailed", errors.New("server exited"), "", "fatal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(RequireEnv, c.require)
			var sh Shared
			sh.once.Do(func() { sh.err = c.err })
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				sh.Get(r)
			}()
			<-done
			if len(r.ended) < len(c.want) || r.ended[:len(c.want)] != c.want {
				t.Errorf("Get ended the test with %q, want %s", r.ended, c.want)
			}
		})
	}
}
