package otlp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// DefaultMaxRequestBytes bounds one request, after decompression: 16 MiB.
const DefaultMaxRequestBytes = 16 << 20

// Config configures the OTLP receivers.
type Config struct {
	// GRPCAddr is the OTLP/gRPC listen address; empty disables it. Default ":4317".
	GRPCAddr string
	// HTTPAddr is the OTLP/HTTP listen address; empty disables it. Default ":4318".
	HTTPAddr string
	// MaxRequestBytes bounds a request body after decompression (HTTP) and a
	// received message (gRPC). Default DefaultMaxRequestBytes (16 MiB).
	MaxRequestBytes int
	// MaxInflightBytes bounds the bytes of all requests being read, decoded
	// and converted at once; beyond it requests are refused as retryable
	// (HTTP 503, gRPC Unavailable). Default 4 × MaxRequestBytes.
	MaxInflightBytes int
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

	Observer Observer     // nil: refusals before the sink are not reported
	Logger   *slog.Logger // nil: slog.Default()
}

// DefaultConfig returns the conventional OTLP ports on all interfaces.
func DefaultConfig() Config {
	return Config{
		GRPCAddr:           ":4317",
		HTTPAddr:           ":4318",
		MaxRequestBytes:    DefaultMaxRequestBytes,
		MaxInflightBytes:   4 * DefaultMaxRequestBytes,
		CORSAllowedOrigins: []string{"*"},
		RetryAfter:         time.Second,
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
