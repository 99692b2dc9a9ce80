package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
)

// exposed is a listener reachable beyond loopback, and the credentials
// that would protect what it serves.
type exposed struct {
	flag, addr string
	protected  bool   // some credential for what it serves is configured
	needs      string // what to configure
}

// checkExposure refuses to start when a listener is reachable beyond
// loopback and no credentials are configured for what it serves: every
// client beyond loopback would be refused there, or, with AllowAnyone,
// served without credentials, which must be asked for by name. tokens is
// the number of Rollbar access tokens in the metadata store. With
// AllowAnyone it logs what is open instead.
func checkExposure(ctx context.Context, c Config, tokens int64, log *slog.Logger) error {
	listeners := []exposed{
		{"--http-addr", c.HTTPAddr, c.APIKeys.Len() > 0 || len(c.AWSAccessKeys) > 0 || tokens > 0,
			"--api-keys for the UI and JSON API, --aws-access-keys for CloudWatch Logs and X-Ray, or Rollbar access tokens (lookout token create)"},
		{"--otlp-grpc-addr", c.OTLP.GRPCAddr, c.OTLPKeys.Len() > 0, "--otlp-keys"},
		{"--otlp-http-addr", c.OTLP.HTTPAddr, c.OTLPKeys.Len() > 0, "--otlp-keys"},
		{"--xray-addr", c.XRayAddr, len(c.AWSAccessKeys) > 0, "--aws-access-keys (signed X-Ray API calls)"},
	}
	var open []string
	for _, l := range listeners {
		if l.addr == "" || l.protected || loopbackOnly(ctx, l.addr) {
			continue
		}
		open = append(open, fmt.Sprintf("%s %s (set %s)", l.flag, l.addr, l.needs))
	}
	if c.AllowAnyone {
		if len(open) > 0 {
			log.Warn("--insecure-allow-anyone: serving clients beyond loopback without credentials", "listeners", strings.Join(open, "; "))
		}
		return nil
	}
	if c.XRayAddr != "" && !loopbackOnly(ctx, c.XRayAddr) {
		log.Info("x-ray daemon protocol: datagrams and unsigned calls from beyond loopback are refused (the protocol carries no credentials); run the AWS X-Ray daemon beside the application, sending to this X-Ray API signed with --aws-access-keys",
			"xray_addr", c.XRayAddr)
	}
	if len(open) == 0 {
		return nil
	}
	return fmt.Errorf("refusing to listen beyond loopback without credentials: %s. Clients beyond loopback would all be refused there. "+
		"Configure the credentials, listen on 127.0.0.1, or pass --insecure-allow-anyone to serve everyone without credentials where none are configured (docs/operations.md)",
		strings.Join(open, "; "))
}

// loopbackOnly reports whether addr ("host:port") listens on loopback
// only: a loopback address, localhost, or a name whose every address is
// loopback. An empty host (every interface) and unresolvable names are not.
func loopbackOnly(ctx context.Context, addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return false
		}
	}
	return true
}
