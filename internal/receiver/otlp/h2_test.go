package otlp

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

const frameGoAway = http2.FrameGoAway

func newFramer(conn net.Conn) *http2.Framer { return http2.NewFramer(conn, conn) }

// stallGRPC opens an HTTP/2 connection to addr and starts a unary call of
// method whose message announces size bytes but carries only sent; the rest
// never comes. The connection closes with the test.
func stallGRPC(t *testing.T, addr, method string, size int, sent []byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	fr := newFramer(conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":path", method}, {":authority", addr},
		{"content-type", "application/grpc"}, {"te", "trailers"}} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, 5, 5+len(sent)) // uncompressed, then the length
	binary.BigEndian.PutUint32(msg[1:], uint32(size))
	if err := fr.WriteData(1, false, append(msg, sent...)); err != nil {
		t.Fatal(err)
	}
	return conn
}
