package otlp

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"default", func(*Config) {}, ""},
		{"zero max", func(c *Config) { c.MaxRequestBytes = 0 }, "MaxRequestBytes must be positive"},
		{"negative retry", func(c *Config) { c.RetryAfter = -time.Second }, "RetryAfter must not be negative"},
		{"listed origins", func(c *Config) {
			c.CORSAllowedOrigins = []string{"https://app.example.com", "http://localhost:3000", "https://*.example.com"}
		}, ""},
		{"no cors", func(c *Config) { c.CORSAllowedOrigins = nil }, ""},
		{"origin with path", func(c *Config) { c.CORSAllowedOrigins = []string{"https://a.example/x"} }, `CORS origin "https://a.example/x"`},
		{"origin without scheme", func(c *Config) { c.CORSAllowedOrigins = []string{"app.example.com"} }, "CORS origin"},
		{"two wildcards", func(c *Config) { c.CORSAllowedOrigins = []string{"https://*.*.example.com"} }, "CORS origin"},
		{"listeners off", func(c *Config) { c.GRPCAddr, c.HTTPAddr = "", "" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mod(&cfg)
			err := cfg.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
	if DefaultConfig().MaxRequestBytes != 16<<20 {
		t.Errorf("default MaxRequestBytes is not 16 MiB")
	}
}

func TestCORSOrigins(t *testing.T) {
	c := newCORS([]string{"https://app.example.com", "https://*.example.org", "HTTP://LOCALHOST:3000"})
	for origin, want := range map[string]bool{
		"https://app.example.com":       true,
		"https://APP.example.com":       true,
		"http://localhost:3000":         true,
		"https://a.example.org":         true,
		"https://example.org":           false,
		"https://a.b.example.org":       true,
		"https://evil.com/.example.org": false,
		"http://app.example.com":        false,
		"https://app.example.com.evil":  false,
	} {
		if got := c.allowed(origin); got != want {
			t.Errorf("allowed(%q) = %v, want %v", origin, got, want)
		}
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	if _, err := New(DefaultConfig(), nil); err == nil {
		t.Error("nil sink accepted")
	}
	cfg := DefaultConfig()
	cfg.MaxRequestBytes = -1
	if _, err := New(cfg, nopSink{}); err == nil {
		t.Error("invalid config accepted")
	}
}

func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := DefaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", busy.Addr().String()
	r, _ := New(cfg, nopSink{})
	if err := r.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "otlp http listen") {
		t.Errorf("Start on a busy port: %v", err)
	}
	if r.GRPCAddr() != nil {
		t.Error("grpc address set after a failed start")
	}

	r, _, _ = startReceiver(t, nil)
	if err := r.Start(context.Background()); err == nil {
		t.Error("second Start succeeded")
	}
}

func TestRunUntilCancelled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "", "127.0.0.1:0" // gRPC off
	r, _ := New(cfg, nopSink{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for r.HTTPAddr() == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if r.HTTPAddr() == nil || r.GRPCAddr() != nil {
		t.Fatalf("addresses: http %v grpc %v", r.HTTPAddr(), r.GRPCAddr())
	}
	conn, err := net.Dial("tcp", r.HTTPAddr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
