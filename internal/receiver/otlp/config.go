package otlp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultMaxRequestBytes bounds one request, after decompression: 16 MiB.
const DefaultMaxRequestBytes = 16 << 20

// Connection limits that need no tuning.
const (
	// headerTimeout bounds reading an OTLP/HTTP request's headers and
	// setting up a gRPC connection.
	headerTimeout = 10 * time.Second
	// grpcMaxStreams bounds the concurrent requests on one gRPC connection.
	grpcMaxStreams = 100
	// A gRPC connection silent this long is pinged, and closed when the
	// ping is not answered within the timeout.
	grpcKeepaliveTime    = time.Minute
	grpcKeepaliveTimeout = 20 * time.Second
)

// Config configures the OTLP receivers.
type Config struct {
	// GRPCAddr is the OTLP/gRPC listen address; empty disables it. Default ":4317".
	GRPCAddr string
	// HTTPAddr is the OTLP/HTTP listen address; empty disables it. Default ":4318".
	HTTPAddr string
	// MaxRequestBytes bounds a request body after decompression (HTTP) and a
	// received message (gRPC). Default DefaultMaxRequestBytes (16 MiB).
	MaxRequestBytes int
	// MaxInflightBytes bounds the bytes of all requests being read, decoded,
	// converted and committed at once; beyond it requests are refused as
	// retryable (HTTP 503, gRPC Unavailable). An OTLP/HTTP body is charged
	// as it arrives (after decompression), a gRPC message once received
	// whole. Default 4 × MaxRequestBytes.
	MaxInflightBytes int
	// ReadTimeout bounds reading one OTLP/HTTP request body, counted from
	// the end of its headers; a body not in by then is answered 408 and its
	// connection closed. It is also the time a gRPC connection past
	// GRPCMaxConnectionAge is given to finish its requests. Default 30s.
	ReadTimeout time.Duration
	// GRPCMaxConnectionAge is how long a gRPC connection is served before
	// the client is asked to reconnect; a request still being received
	// ReadTimeout later is cut off. OTLP clients reconnect on their own.
	// 0: no limit. Default 10m.
	GRPCMaxConnectionAge time.Duration
	// CORSAllowedOrigins lists the origins browsers may send from: "*" for
	// any, an exact origin such as "https://app.example.com", or a pattern
	// with one "*" such as "https://*.example.com" (any subdomain). Matching
	// ignores case. Empty: no CORS headers, so browsers cannot send.
	// Default ["*"].
	CORSAllowedOrigins []string
	// RetryAfter is the delay suggested to clients when the sink is
	// overloaded (HTTP Retry-After, rounded up to whole seconds; gRPC
	// RetryInfo). Default 1s.
	RetryAfter time.Duration

	// Identify decides whose exports are taken and where they land; nil
	// takes every export into model.DefaultProject.
	Identify Identify

	Observer   Observer              // nil: refusals before the sink are not reported
	Registerer prometheus.Registerer // nil: metrics are kept but not registered
	Logger     *slog.Logger          // nil: slog.Default()
}

// DefaultConfig returns the conventional OTLP ports on all interfaces.
func DefaultConfig() Config {
	return Config{
		GRPCAddr:             ":4317",
		HTTPAddr:             ":4318",
		MaxRequestBytes:      DefaultMaxRequestBytes,
		MaxInflightBytes:     4 * DefaultMaxRequestBytes,
		ReadTimeout:          30 * time.Second,
		GRPCMaxConnectionAge: 10 * time.Minute,
		CORSAllowedOrigins:   []string{"*"},
		RetryAfter:           time.Second,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.MaxRequestBytes <= 0 {
		return errors.New("otlp: MaxRequestBytes must be positive")
	}
	if c.MaxInflightBytes < c.MaxRequestBytes {
		return errors.New("otlp: MaxInflightBytes must be at least MaxRequestBytes")
	}
	if c.ReadTimeout <= 0 {
		return errors.New("otlp: ReadTimeout must be positive")
	}
	if c.GRPCMaxConnectionAge < 0 {
		return errors.New("otlp: GRPCMaxConnectionAge must not be negative")
	}
	if c.RetryAfter < 0 {
		return errors.New("otlp: RetryAfter must not be negative")
	}
	for _, o := range c.CORSAllowedOrigins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(strings.Replace(o, "*.", "wildcard.", 1))
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || strings.Count(o, "*") > 1 {
			return fmt.Errorf("otlp: CORS origin %q: want \"*\" or scheme://host[:port]", o)
		}
	}
	return nil
}
