// Package cruddur is a small social-app backend (the shape of Cruddur's
// API: home and user activities, posting, notifications, search) and a
// second service it calls, instrumented the way a team following the
// OpenTelemetry/Honeycomb, AWS X-Ray, CloudWatch Logs and Rollbar guides
// would: with the upstream SDKs only. Lookout's demo runs it against an
// in-process Lookout; the end-to-end tests run it against the binary.
package cruddur

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Service names: the backend's X-Ray segments and OTel resource carry
// BackendService (unless dynamic naming picks the Host), the second
// service's ProfilesService.
const (
	BackendService  = "cruddur-backend"
	ProfilesService = "cruddur-profiles"
)

// Config says where the two services listen and where their SDKs send.
type Config struct {
	// Addr is the backend's listen address (Cruddur's backend port is
	// 4567); ProfilesAddr the second service's. Port 0 picks a free one.
	Addr         string
	ProfilesAddr string
	Environment  string
	Version      string

	// OTLPEndpoint is the OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT);
	// spans and log records are exported every ExportInterval.
	OTLPEndpoint   string
	ExportInterval time.Duration

	// XRayDaemonAddr is AWS_XRAY_DAEMON_ADDRESS: "host:port" for UDP
	// segments and TCP sampling, or "tcp:host:port udp:host:port".
	// XRayEndpoint is the X-Ray API (AWS_ENDPOINT_URL_XRAY), where the
	// sampling rules are created.
	XRayDaemonAddr string
	XRayEndpoint   string
	// XRayHosts is the Host pattern of dynamic segment naming: a request
	// whose Host header (with its port) matches gets a segment named after
	// the host, any other the fixed BackendService.
	XRayHosts string

	AWSRegion          string
	AWSAccessKeyID     string
	AWSSecretAccessKey string

	// CloudWatchLogsEndpoint is AWS_ENDPOINT_URL_CLOUDWATCH_LOGS; log
	// records go to LogGroup, in the stream LogStream names ("{service}"
	// stands for the service's name), in batches sent every
	// LogSendInterval (watchtower's send_interval).
	CloudWatchLogsEndpoint string
	LogGroup               string
	LogStream              string
	LogSendInterval        time.Duration

	// RollbarEndpoint is the item endpoint (…/api/1/item/).
	RollbarEndpoint string
	RollbarToken    string

	// SlowDelay is how long the search route takes.
	SlowDelay time.Duration

	// Logger receives the program's own messages (SDK failures, start
	// and stop), not the request logs, which go to CloudWatch and OTLP.
	Logger *slog.Logger
}

// DefaultConfig points every SDK at a Lookout on its usual loopback ports.
func DefaultConfig() Config {
	return Config{
		Addr:                   "127.0.0.1:4567",
		ProfilesAddr:           "127.0.0.1:0",
		Environment:            "development",
		Version:                "1.0.0",
		OTLPEndpoint:           "http://127.0.0.1:4318",
		ExportInterval:         time.Second,
		XRayDaemonAddr:         "127.0.0.1:2000",
		XRayEndpoint:           "http://127.0.0.1:2000",
		XRayHosts:              "*.cruddur.local*",
		AWSRegion:              "us-east-1",
		AWSAccessKeyID:         "lookout",
		AWSSecretAccessKey:     "lookout",
		CloudWatchLogsEndpoint: "http://127.0.0.1:8686",
		LogGroup:               "cruddur",
		LogStream:              "{service}",
		LogSendInterval:        2 * time.Second,
		RollbarEndpoint:        "http://127.0.0.1:8686/api/1/item/",
		RollbarToken:           "lookout-local",
		SlowDelay:              800 * time.Millisecond,
	}
}

// Env names ConfigFromEnv reads: the ones `lookout env` prints.
const (
	EnvOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvOTLPProtocol       = "OTEL_EXPORTER_OTLP_PROTOCOL"
	EnvXRayDaemon         = "AWS_XRAY_DAEMON_ADDRESS"
	EnvXRayEndpoint       = "AWS_ENDPOINT_URL_XRAY"
	EnvCloudWatchLogs     = "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
	EnvAWSRegion          = "AWS_REGION"
	EnvAWSAccessKeyID     = "AWS_ACCESS_KEY_ID"
	EnvAWSSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	EnvRollbarEndpoint    = "ROLLBAR_ENDPOINT"
	EnvRollbarToken       = "ROLLBAR_ACCESS_TOKEN"
)

// ConfigFromEnv is DefaultConfig with every variable getenv knows (those
// `lookout env` prints) applied. Only OTLP over HTTP is spoken.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	for name, field := range map[string]*string{
		EnvOTLPEndpoint: &c.OTLPEndpoint, EnvXRayDaemon: &c.XRayDaemonAddr, EnvXRayEndpoint: &c.XRayEndpoint,
		EnvCloudWatchLogs: &c.CloudWatchLogsEndpoint, EnvAWSRegion: &c.AWSRegion,
		EnvAWSAccessKeyID: &c.AWSAccessKeyID, EnvAWSSecretAccessKey: &c.AWSSecretAccessKey,
		EnvRollbarEndpoint: &c.RollbarEndpoint, EnvRollbarToken: &c.RollbarToken,
	} {
		if v := getenv(name); v != "" {
			*field = v
		}
	}
	if p := getenv(EnvOTLPProtocol); p != "" && p != "http/protobuf" {
		return c, fmt.Errorf("%s=%s: this backend exports OTLP over http/protobuf only", EnvOTLPProtocol, p)
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	for _, u := range []struct{ name, v string }{
		{"otlp endpoint", c.OTLPEndpoint}, {"x-ray endpoint", c.XRayEndpoint},
		{"cloudwatch logs endpoint", c.CloudWatchLogsEndpoint}, {"rollbar endpoint", c.RollbarEndpoint},
	} {
		if p, err := url.Parse(u.v); err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			return fmt.Errorf("%s %q: want an http(s) URL", u.name, u.v)
		}
	}
	switch {
	case c.Addr == "" || c.ProfilesAddr == "":
		return errors.New("addr and profiles addr must be set")
	case c.XRayDaemonAddr == "":
		return errors.New("x-ray daemon address must be set")
	case c.AWSRegion == "" || c.AWSAccessKeyID == "" || c.AWSSecretAccessKey == "":
		return errors.New("aws region and credentials must be set (the AWS SDKs sign every request)")
	case c.LogGroup == "" || c.LogStream == "":
		return errors.New("log group and stream must be set")
	case strings.ContainsAny(c.LogStream, ":*"):
		return fmt.Errorf("log stream %q: ':' and '*' are not allowed", c.LogStream)
	case c.ExportInterval <= 0 || c.LogSendInterval <= 0:
		return errors.New("export and log send intervals must be positive")
	case c.SlowDelay < 0:
		return errors.New("slow delay must not be negative")
	case c.RollbarToken == "":
		return errors.New("rollbar token must be set")
	}
	return nil
}
