// Package caller tells receivers who sent a request: whether it came over
// loopback, and which AWS access key signed it with Signature Version 4.
// What a caller may then do is each receiver's own decision.
package caller

import "net"

// Loopback reports whether remoteAddr, a request's RemoteAddr ("host:port",
// or a bare host), is a loopback address. Anything unparsable is not.
func Loopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
