package main

import (
	"fmt"
	"io"
	"net"

	"lookout/internal/server"
)

// printEnv prints shell exports that point the standard SDKs at this instance.
// Only the protocols this build serves are listed.
func printEnv(w io.Writer, cfg server.Config) {
	if cfg.OTLP.HTTPAddr != "" {
		fmt.Fprintf(w, "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%s\n", dialable(cfg.OTLP.HTTPAddr))
		fmt.Fprintln(w, "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")
	} else if cfg.OTLP.GRPCAddr != "" {
		fmt.Fprintf(w, "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%s\n", dialable(cfg.OTLP.GRPCAddr))
		fmt.Fprintln(w, "export OTEL_EXPORTER_OTLP_PROTOCOL=grpc")
	}
	if cfg.XRayAddr != "" {
		fmt.Fprintf(w, "export AWS_XRAY_DAEMON_ADDRESS=%s\n", dialable(cfg.XRayAddr))
		fmt.Fprintf(w, "export AWS_ENDPOINT_URL_XRAY=http://%s\n", dialable(cfg.XRayAddr))
	}
	fmt.Fprintf(w, "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://%s\n", dialable(cfg.HTTPAddr))
	fmt.Fprintf(w, "# Rollbar notifiers: endpoint http://%s/api/1/item/\n", dialable(cfg.HTTPAddr))
	fmt.Fprintf(w, "# UI and API: http://%s/\n", dialable(cfg.HTTPAddr))
}

// dialable turns a listen address into one a client can dial: an empty or
// unspecified host becomes loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
