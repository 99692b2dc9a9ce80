package diskspace

import (
	"errors"
	"testing"
	"time"
)

func TestParseReserve(t *testing.T) {
	cases := []struct {
		in   string
		want Reserve
		ok   bool
	}{
		{"256MiB", Reserve{Bytes: 256 << 20}, true},
		{"1GB", Reserve{Bytes: 1e9}, true},
		{"0", Reserve{}, true},
		{"5%", Reserve{Percent: 5}, true},
		{" 2.5 % ", Reserve{Percent: 2.5}, true},
		{"100%", Reserve{}, false},
		{"-1%", Reserve{}, false},
		{"lots", Reserve{}, false},
	}
	for _, c := range cases {
		got, err := ParseReserve(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseReserve(%q) = %+v, %v; want %+v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if c.ok {
			if back, err := ParseReserve(got.String()); err != nil || back != got {
				t.Errorf("%q: String %q reads back as %+v, %v", c.in, got.String(), back, err)
			}
		}
	}
}

// fakeFS is a file system whose free space the test sets.
type fakeFS struct {
	u     Usage
	err   error
	looks int
}

func (f *fakeFS) stat(string) (Usage, error) { f.looks++; return f.u, f.err }

func TestGuard(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		name     string
		reserve  Reserve
		usage    Usage
		statErr  error
		refusing bool
		reserveB int64
	}{
		{"plenty", Reserve{Bytes: 256 * mib}, Usage{Free: 10 << 30, Total: 100 << 30}, nil, false, 256 * mib},
		{"below", Reserve{Bytes: 256 * mib}, Usage{Free: 100 * mib, Total: 100 << 30}, nil, true, 256 * mib},
		{"at the reserve", Reserve{Bytes: 256 * mib}, Usage{Free: 256 * mib, Total: 100 << 30}, nil, false, 256 * mib},
		{"percent below", Reserve{Percent: 10}, Usage{Free: 5 * mib, Total: 100 * mib}, nil, true, 10 * mib},
		{"percent above", Reserve{Percent: 10}, Usage{Free: 20 * mib, Total: 100 * mib}, nil, false, 10 * mib},
		{"no reserve, full", Reserve{}, Usage{Free: 0, Total: 100 * mib}, nil, false, 0},
		{"cannot look", Reserve{Bytes: 256 * mib}, Usage{}, errors.New("statfs: no such file"), false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := &fakeFS{u: c.usage, err: c.statErr}
			g, err := New(Config{Dir: "/data", Reserve: c.reserve, CacheFor: time.Second, Stat: fs.stat})
			if err != nil {
				t.Fatal(err)
			}
			err = g.Check()
			if c.refusing != errors.Is(err, ErrLow) {
				t.Fatalf("Check = %v, want refusing %v", err, c.refusing)
			}
			st := g.Status()
			if st.Refusing != c.refusing || st.ReserveBytes != c.reserveB || st.FreeBytes != c.usage.Free {
				t.Errorf("status %+v", st)
			}
			if (st.Error != "") != (c.statErr != nil) {
				t.Errorf("status error %q, stat error %v", st.Error, c.statErr)
			}
		})
	}
}

// TestGuardRecovers checks the cache and that writes are let in again
// once space is back, without any call but Check.
func TestGuardRecovers(t *testing.T) {
	now := time.Unix(1000, 0)
	fs := &fakeFS{u: Usage{Free: 1 << 20, Total: 1 << 30}}
	g, err := New(Config{Dir: "/data", Reserve: Reserve{Bytes: 64 << 20}, CacheFor: time.Second,
		Stat: fs.stat, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Check(); !errors.Is(err, ErrLow) {
		t.Fatalf("Check = %v, want ErrLow", err)
	}
	fs.u.Free = 512 << 20
	if err := g.Check(); !errors.Is(err, ErrLow) || fs.looks != 1 {
		t.Fatalf("within CacheFor: Check = %v after %d looks, want the cached refusal", err, fs.looks)
	}
	now = now.Add(time.Second)
	if err := g.Check(); err != nil || fs.looks != 2 {
		t.Fatalf("after CacheFor: Check = %v after %d looks, want nil", err, fs.looks)
	}
}

func TestStat(t *testing.T) {
	u, err := Stat(t.TempDir())
	if err != nil || u.Total <= 0 || u.Free < 0 || u.Free > u.Total {
		t.Fatalf("Stat = %+v, %v", u, err)
	}
}
