package caller

import "testing"

func TestLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:5000", true},
		{"127.8.9.10:1", true},
		{"[::1]:5000", true},
		{"::1", true},
		{"127.0.0.1", true},
		{"203.0.113.9:5000", false},
		{"[2001:db8::1]:443", false},
		{"localhost:80", false}, // a name, not an address
		{"", false},
		{"garbage", false},
	} {
		if got := Loopback(tc.addr); got != tc.want {
			t.Errorf("Loopback(%q) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}
