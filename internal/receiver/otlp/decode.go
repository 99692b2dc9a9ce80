package otlp

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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
}

func (e *bodyError) Error() string { return e.msg }

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
	return "", &bodyError{http.StatusUnsupportedMediaType, "unsupported_content_type",
		fmt.Sprintf("unsupported content type %q: use application/x-protobuf or application/json", ct)}
}

var (
	bufPool  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzipPool sync.Pool // *gzip.Reader
)

// maxPooledBuffer keeps the occasional huge request from pinning memory.
const maxPooledBuffer = 1 << 20

// readBody reads the whole body, decompressing gzip, into a pooled buffer that
// the caller must hand back with putBuffer. At most limit bytes are read after
// decompression, so a gzip bomb costs no more memory than an honest request.
// The caller bounds the raw body with http.MaxBytesReader.
func readBody(r *http.Request, limit int) (*bytes.Buffer, error) {
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
		return nil, &bodyError{http.StatusUnsupportedMediaType, "unsupported_content_encoding",
			fmt.Sprintf("unsupported content encoding %q: use gzip or none", enc)}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > 0 && src == r.Body {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(src, int64(limit)+1))
	if err == nil && n > int64(limit) {
		err = tooLarge(limit)
	}
	if err != nil {
		putBuffer(buf)
		return nil, readError("read body", err, limit)
	}
	return buf, nil
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
	return &bodyError{http.StatusBadRequest, "malformed", fmt.Sprintf("%s: %v", what, err)}
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

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		bufPool.Put(b)
	}
}

func tooLarge(limit int) *bodyError {
	return &bodyError{http.StatusRequestEntityTooLarge, "too_large",
		fmt.Sprintf("request body exceeds the limit of %d bytes (after decompression)", limit)}
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
