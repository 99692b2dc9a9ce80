package main

import (
	"fmt"
	"io"
	"net"
	"strings"

	"lookout/internal/server"
)

// envVar is one entry of `lookout env`: an export, preceded by a comment
// when Comment is set; a Comment alone is a comment line.
type envVar struct {
	Name, Value, Comment string
}

// sdkEnv lists the variables that point the standard SDKs at the instance
// cfg describes. Only the protocols it serves are listed. `lookout demo`
// configures its SDKs from this very list.
func sdkEnv(cfg server.Config) []envVar {
	var env []envVar
	add := func(name, value string) { env = append(env, envVar{Name: name, Value: value}) }
	if cfg.OTLP.HTTPAddr != "" {
		add("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+dialable(cfg.OTLP.HTTPAddr))
		add("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	} else if cfg.OTLP.GRPCAddr != "" {
		add("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+dialable(cfg.OTLP.GRPCAddr))
		add("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	}
	if cfg.XRayAddr != "" {
		add("AWS_XRAY_DAEMON_ADDRESS", dialable(cfg.XRayAddr))
		add("AWS_ENDPOINT_URL_XRAY", "http://"+dialable(cfg.XRayAddr))
	}
	add("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://"+dialable(cfg.HTTPAddr))
	add("AWS_REGION", "us-east-1")
	add("AWS_DEFAULT_REGION", "us-east-1") // the AWS CLI and boto3 read this one
	if len(cfg.AWSAccessKeys) == 0 {
		env = append(env, envVar{Name: "AWS_ACCESS_KEY_ID", Value: "lookout",
			Comment: "the AWS SDKs sign every request; without --aws-access-keys any key is accepted from loopback"})
		add("AWS_SECRET_ACCESS_KEY", "lookout")
	} else {
		env = append(env, envVar{Comment: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: a key given with --aws-access-keys"})
	}
	env = append(env, envVar{Name: "ROLLBAR_ENDPOINT", Value: "http://" + dialable(cfg.HTTPAddr) + "/api/1/item/",
		Comment: "Rollbar notifiers take it as their endpoint (rollbar-go: SetEndpoint)"})
	env = append(env, envVar{Name: "ROLLBAR_ACCESS_TOKEN", Value: "lookout-local",
		Comment: "any token is accepted from loopback until `lookout token create` makes the first one"})
	env = append(env, envVar{Comment: "UI and API: http://" + dialable(cfg.HTTPAddr) + "/"})
	return env
}

// printEnv prints sdkEnv as shell exports.
func printEnv(w io.Writer, cfg server.Config) {
	for _, v := range sdkEnv(cfg) {
		if v.Comment != "" {
			fmt.Fprintf(w, "# %s\n", v.Comment)
		}
		if v.Name != "" {
			fmt.Fprintf(w, "export %s=%s\n", v.Name, shellQuote(v.Value))
		}
	}
}

// shellQuote quotes a value that a shell would split or expand.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lookupEnv turns the list into a getenv function.
func lookupEnv(env []envVar) func(string) string {
	m := map[string]string{}
	for _, v := range env {
		if v.Name != "" {
			m[v.Name] = v.Value
		}
	}
	return func(k string) string { return m[k] }
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
