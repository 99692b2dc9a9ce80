// Command lookout is one observability server for OpenTelemetry traces and
// logs (and, as they land, X-Ray, CloudWatch Logs and Rollbar), on an embedded
// store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"lookout/internal/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	limitMallocArenas()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lookout:", err)
		os.Exit(1)
	}
}

const usage = `usage: lookout [command] [flags]

commands:
  serve    run every receiver, the API and the UI (the default)
  demo     run Lookout with a demo backend instrumented with the OpenTelemetry,
           X-Ray, CloudWatch Logs and Rollbar SDKs, and traffic (docs/demo.md)
  env      print the environment variables that point SDKs at this instance
  project create --name NAME          create an error-tracking project
  token create --project NAME --scopes post_server_item,read
                                      issue a Rollbar access token
  sampling explain|rules [--addr URL]  why a request gets an X-Ray sampling rule; the rules' findings
  migrate --store URL --meta URL      apply the stores' schema migrations
  migrate --from DATA_DIR --to-store URL --to-meta URL
                                      copy a stopped lookout's embedded stores
                                      into ClickHouse and PostgreSQL (docs/cluster.md)
  repair   on a stopped lookout's data directory: set damaged data files
           aside; replace a damaged metadata store by a new one holding
           what can still be read (see docs/operations.md)
  version  print the version

Run "lookout serve -h" or "lookout demo -h" for the flags; each flag of serve
can also be set with a LOOKOUT_* environment variable (e.g. --data-dir as
LOOKOUT_DATA_DIR) or in the YAML file given by --config.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		cmd, args = "help", args[1:]
	} else if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseConfig("serve", args, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg)
	case "env":
		cfg, err := parseConfig("env", args, stderr)
		if err != nil {
			return err
		}
		printEnv(stdout, cfg.server)
		return nil
	case "demo":
		return runDemo(ctx, args, stdout, stderr)
	case "project", "token":
		if len(args) == 0 || args[0] != "create" {
			return fmt.Errorf("usage: lookout %s create [flags]", cmd)
		}
		if cmd == "project" {
			return runProjectCreate(ctx, args[1:], stdout, stderr)
		}
		return runTokenCreate(ctx, args[1:], stdout, stderr)
	case "sampling":
		return runSampling(ctx, args, stdout, stderr)
	case "repair":
		return runRepair(ctx, args, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "lookout", version)
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func serve(ctx context.Context, cfg config) error {
	// The garbage collector lets the heap grow to twice what is live
	// (GOGC=100); under overload that alone doubled the process's memory.
	// A soft limit makes it collect sooner once near it instead.
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && cfg.heapLimit > 0 {
		debug.SetMemoryLimit(cfg.heapLimit)
	}
	cfg.server.Version = version
	cfg.server.Logger = newLogger(cfg.logLevel, cfg.logFormat)
	srv, err := server.New(ctx, cfg.server)
	if err != nil {
		return err
	}
	return srv.Run(ctx)
}
