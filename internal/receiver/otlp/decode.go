package otlp

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"lookout/internal/pipeline"
)

// Encodings of a request body.
const (
	ctProtobuf = "application/x-protobuf"
	ctJSON     = "application/json"
)

// bodyError is a request refused before decoding: its HTTP status and a
// message naming the problem.
type bodyError struct {
	status int
	reason string // category for the observer
	msg    string
	err    error // the cause, if any
}

func (e *bodyError) Error() string { return e.msg }
func (e *bodyError) Unwrap() error { return e.err }

// contentType returns ctProtobuf or ctJSON for the request's Content-Type,
// ignoring parameters such as charset.
func contentType(r *http.Request) (string, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, _ := strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "application/x-protobuf", "application/protobuf":
		return ctProtobuf, nil
	case "application/json":
		return ctJSON, nil
	}
	return "", &bodyError{status: http.StatusUnsupportedMediaType, reason: "unsupported_content_type",
		msg: fmt.Sprintf("unsupported content type %q: use application/x-protobuf or application/json", ct)}
}

var (
	bufPool  = sync.Pool{New: func() any { return new(body) }}
	gzipPool sync.Pool // *gzip.Reader
)

// body is a pooled buffer holding one decoded request body.
type body struct{ b []byte }

// Bytes returns the body read.
func (b *body) Bytes() []byte { return b.b }

const (
	// maxPooledBuffer keeps the occasional huge request from pinning memory.
	maxPooledBuffer = 1 << 20
	// minGrow is the least a body buffer grows by.
	minGrow = 4 << 10
)

// readBody reads the whole body, decompressing gzip, into a pooled buffer that
// the caller must hand back with putBuffer. At most limit bytes are read after
// decompression, so a gzip bomb costs no more memory than an honest request.
// Every byte kept is charged to c as it arrives, never ahead of it: a body
// that stalls holds only what it delivered. When c cannot grow, readBody
// stops and returns pipeline.ErrOverloaded. Other failures are *bodyError.
// The caller bounds the raw body with http.MaxBytesReader.
func readBody(r *http.Request, limit int, c *charge) (*body, error) {
	if r.ContentLength > int64(limit) {
		return nil, tooLarge(limit)
	}
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := getGzip(r.Body)
		if err != nil {
			return nil, readError("gzip header", err, limit)
		}
		defer gzipPool.Put(zr)
		src = zr
	default:
		return nil, &bodyError{status: http.StatusUnsupportedMediaType, reason: "unsupported_content_encoding",
			msg: fmt.Sprintf("unsupported content encoding %q: use gzip or none", enc)}
	}
	// An uncompressed body announces its length: the buffer need not grow
	// past it (one byte more sees the end).
	ceiling := limit + 1
	if src == r.Body && r.ContentLength >= 0 {
		ceiling = int(r.ContentLength) + 1
	}
	buf := bufPool.Get().(*body)
	b := buf.b[:0]
	for {
		if len(b) == cap(b) {
			b = grow(b, ceiling)
		}
		n, err := src.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > limit {
			err = tooLarge(limit)
		} else if cerr := c.cover(int64(len(b))); cerr != nil {
			err = cerr
		}
		if err == io.EOF {
			buf.b = b
			return buf, nil
		}
		if err != nil {
			buf.b = b
			putBuffer(buf)
			if errors.Is(err, pipeline.ErrOverloaded) {
				return nil, err
			}
			return nil, readError("read body", err, limit)
		}
	}
}

// grow returns b with room for more: double its capacity as append would,
// but no further than ceiling when that still leaves room.
func grow(b []byte, ceiling int) []byte {
	n := max(2*cap(b), cap(b)+minGrow)
	if ceiling > cap(b) {
		n = min(n, ceiling)
	}
	nb := make([]byte, len(b), n)
	copy(nb, b)
	return nb
}

func readError(what string, err error, limit int) *bodyError {
	var be *bodyError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &be):
		return be
	case errors.As(err, &mbe):
		return tooLarge(limit)
	}
	return &bodyError{status: http.StatusBadRequest, reason: "malformed", msg: fmt.Sprintf("%s: %v", what, err), err: err}
}

func getGzip(r io.Reader) (*gzip.Reader, error) {
	if zr, ok := gzipPool.Get().(*gzip.Reader); ok {
		if err := zr.Reset(r); err != nil {
			gzipPool.Put(zr)
			return nil, err
		}
		return zr, nil
	}
	return gzip.NewReader(r)
}

func putBuffer(b *body) {
	if cap(b.b) <= maxPooledBuffer {
		b.b = b.b[:0]
		bufPool.Put(b)
	}
}

func tooLarge(limit int) *bodyError {
	return &bodyError{status: http.StatusRequestEntityTooLarge, reason: "too_large",
		msg: fmt.Sprintf("request body exceeds the limit of %d bytes (after decompression)", limit)}
}

var (
	protoUnmarshal = proto.UnmarshalOptions{}
	jsonUnmarshal  = protojson.UnmarshalOptions{DiscardUnknown: true} // OTLP/JSON: ignore unknown fields
	jsonMarshal    = protojson.MarshalOptions{}
)

// unmarshal decodes body as ct into m. For JSON, fix turns the ids, which
// OTLP/JSON writes in hex, into bytes.
func unmarshal(ct string, body []byte, m proto.Message, fix func() error) error {
	if ct == ctJSON {
		if err := jsonUnmarshal.Unmarshal(body, m); err != nil {
			return fmt.Errorf("malformed OTLP/JSON: %w", err)
		}
		return fix()
	}
	if err := protoUnmarshal.Unmarshal(body, m); err != nil {
		return fmt.Errorf("malformed OTLP protobuf: %w", err)
	}
	return nil
}

// marshal encodes a reply in the request's encoding.
func marshal(ct string, m proto.Message) ([]byte, error) {
	if ct == ctJSON {
		return jsonMarshal.Marshal(m)
	}
	return proto.Marshal(m)
}
