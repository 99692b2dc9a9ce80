package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"lookout/internal/backend"
	"lookout/internal/diskspace"
	"lookout/internal/identity"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/otlp"
	"lookout/internal/receiver/xray"
)

// Config is the whole program's configuration.
type Config struct {
	DataDir      string
	HTTPAddr     string
	Retention    time.Duration
	MaxDiskBytes int64
	// RetentionInterval is how often retention and the disk budget are enforced.
	RetentionInterval time.Duration
	// MinFreeDisk is the free space kept on the data directory's file
	// system: below it new writes are refused with each protocol's
	// retryable error, so that no commit meets a full disk.
	MinFreeDisk diskspace.Reserve

	// XRayAddr is where the X-Ray daemon protocol is served: segments over
	// UDP and the X-Ray API over TCP, on the same address as the daemon
	// does. Empty: off.
	XRayAddr string

	OTLP     otlp.Config
	XRay     xray.Config
	Pipeline pipeline.Config
	// Stores names the telemetry and metadata backends and tunes the
	// embedded one; its DataDir is always DataDir.
	Stores backend.Config

	// AWSAccessKeys verify SigV4 on the CloudWatch Logs and X-Ray APIs and
	// pick each request's project; empty: unsigned requests from loopback
	// only.
	AWSAccessKeys map[string]awsjson.AccessKey
	// APIKeys are the bearer keys of Lookout's API and web UI, each for a
	// project or for every project ("*"); empty: loopback clients only,
	// in the default project (identity.Gate).
	APIKeys identity.Keys
	// OTLPKeys are the OTLP ingest keys, each for a project; empty:
	// exports from loopback only, into the default project.
	OTLPKeys identity.Keys
	// AllowAnyone serves clients beyond loopback without credentials
	// wherever none are configured, as loopback clients are, and lets
	// Lookout listen beyond loopback without credentials (exposure.go).
	AllowAnyone bool
	// PublicURL is where browsers reach Lookout when a proxy stands in
	// front (--public-url); with https the UI's login cookie is Secure
	// although Lookout itself speaks plain HTTP. Empty: not known.
	PublicURL string

	Version string
	Logger  *slog.Logger
}

// DefaultConfig listens on loopback only, on the ports users expect, and
// keeps everything in the embedded stores.
func DefaultConfig() Config {
	return Config{
		DataDir:           "lookout-data",
		HTTPAddr:          "127.0.0.1:8686",
		Retention:         7 * 24 * time.Hour,
		MaxDiskBytes:      5 << 30,
		RetentionInterval: time.Minute,
		MinFreeDisk:       minFreeDiskDefault,
		XRayAddr:          "127.0.0.1:2000",
		OTLP:              otlpDefaults(),
		XRay:              xray.DefaultConfig(),
		Pipeline:          pipeline.DefaultConfig(),
		Stores:            backend.DefaultConfig(),
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	switch {
	case c.DataDir == "":
		return errors.New("data-dir must be set")
	case c.HTTPAddr == "":
		return errors.New("http-addr must be set")
	case c.Retention < time.Hour:
		return fmt.Errorf("retention %s: must be at least 1h", c.Retention)
	case c.MaxDiskBytes < 0:
		return errors.New("max-disk must not be negative")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public-url %q: want http://host[:port][/path] or https://...", c.PublicURL)
		}
	}
	if err := c.stores().Validate(); err != nil {
		return err
	}
	return c.OTLP.Validate()
}

// stores is Stores in DataDir, logging to Logger.
func (c Config) stores() backend.Config {
	s := c.Stores
	s.DataDir = c.DataDir
	s.Logger = c.Logger
	return s
}

// otlpDefaults binds the OTLP ports to loopback, like every other listener.
func otlpDefaults() otlp.Config {
	c := otlp.DefaultConfig()
	c.GRPCAddr, c.HTTPAddr = "127.0.0.1:4317", "127.0.0.1:4318"
	return c
}
