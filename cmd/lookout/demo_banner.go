package main

import (
	"fmt"
	"io"

	"lookout/internal/server"
)

// printDemoBanner says where everything is and what to look at.
func printDemoBanner(w io.Writer, c demoConfig, httpAddr, appURL string) {
	ui := "http://" + dialable(httpAddr) + "/"
	data := c.dataDir
	if c.tempData {
		data += " (removed on exit; keep it with --data-dir)"
	}
	traffic := fmt.Sprintf("%g requests/s of mixed traffic", c.rate)
	if c.rate == 0 {
		traffic = "no generated traffic (--rate 0)"
	}
	fmt.Fprintf(w, `Lookout demo: the Cruddur backend, instrumented with OpenTelemetry, the AWS X-Ray SDK,
CloudWatch Logs (aws-sdk-go-v2) and rollbar-go, all pointed at this Lookout.

  UI        %s
  backend   %s/api/activities/home   (%s)
  data      %s

What to look at (docs/demo.md walks through it):
  Errors    %s#/errors
            GET /api/activities/notifications fails with a 500; its Rollbar item has the
            person and the trace, and Rollbar's "Hello World!" test message is there at WARNING.
  Trace     click the occurrence's trace: the OTel spans and the X-Ray segment of the request
            in one waterfall, its error, and below it the request's CloudWatch log lines.
  Logs      %s#/logs?group=cruddur   (log group "cruddur", one stream per service)
  Map       %s#/map   the services and their calls; a failing call opens its traces
  Sampling  %s#/sampling
            rule "health-check" traces no health check; rule "Cruddur" never matches:
            its ServiceName is not the name the SDK reports. Fix it on that page (or with
            aws xray update-sampling-rule).
  Naming    %s#/service/cruddur-backend   one service, two segment names (dynamic naming by Host)
  Status    %s#/status   what each service sent, and nothing refused

Point your own application at this Lookout with: eval "$(%s)"
Ctrl-C stops everything.
`, ui, appURL, traffic, data, ui, ui, ui, ui, ui, ui, envCommand(c))
}

// envCommand is the `lookout env` command line that prints what the demo
// uses: flags for the addresses that are not the defaults.
func envCommand(c demoConfig) string {
	cmd := "lookout env"
	d := server.DefaultConfig()
	for _, f := range []struct{ name, v, def string }{
		{"http-addr", c.server.HTTPAddr, d.HTTPAddr},
		{"otlp-grpc-addr", c.server.OTLP.GRPCAddr, d.OTLP.GRPCAddr},
		{"otlp-http-addr", c.server.OTLP.HTTPAddr, d.OTLP.HTTPAddr},
		{"xray-addr", c.server.XRayAddr, d.XRayAddr},
	} {
		if f.v != f.def {
			cmd += fmt.Sprintf(" --%s %s", f.name, shellQuote(f.v))
		}
	}
	return cmd
}
