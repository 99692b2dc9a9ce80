package cruddur

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-xray-sdk-go/xray"
)

// stopTimeout bounds what Run spends, after its context ends, on letting
// requests finish and sending what the SDKs hold.
const stopTimeout = 15 * time.Second

// App is the backend and the profiles service, listening.
type App struct {
	cfg      Config
	log      *slog.Logger
	rb       *reporter
	services []*service
	servers  []*http.Server
	lns      []net.Listener
}

// New builds both services with their SDKs and binds their listeners, so
// URL is known before Run.
func New(ctx context.Context, c Config) (*App, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	a := &App{cfg: c, log: c.Logger}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	fail := func(err error) (*App, error) {
		a.close()
		return nil, err
	}
	for _, addr := range []string{c.Addr, c.ProfilesAddr} {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fail(fmt.Errorf("listen %s: %w", addr, err))
		}
		a.lns = append(a.lns, ln)
	}
	a.rb = newReporter(c, a.log)
	logs := cwl.New(cwl.Options{Region: c.AWSRegion, BaseEndpoint: aws.String(c.CloudWatchLogsEndpoint),
		Credentials: credentials.NewStaticCredentialsProvider(c.AWSAccessKeyID, c.AWSSecretAccessKey, "")})

	newSvc := func(name string, namer xray.SegmentNamer) (*service, error) {
		tel, err := newTelemetry(ctx, c, name)
		if err != nil {
			return nil, err
		}
		xr, err := newXRayRecorder(c, namer)
		if err != nil {
			_ = tel.shutdown(ctx)
			return nil, err
		}
		stream := strings.ReplaceAll(c.LogStream, "{service}", name)
		s := newService(name, tel, xr, newCWShipper(logs, c.LogGroup, stream, c.LogSendInterval, a.log), a.rb)
		a.services = append(a.services, s)
		return s, nil
	}
	// The backend names its segments by the Host header when it matches
	// XRayHosts, else after the service (the X-Ray SDK's dynamic naming).
	be, err := newSvc(BackendService, xray.NewDynamicSegmentNamer(BackendService, c.XRayHosts))
	if err != nil {
		return fail(err)
	}
	pr, err := newSvc(ProfilesService, xray.NewFixedSegmentNamer(ProfilesService))
	if err != nil {
		return fail(err)
	}
	b := &backend{service: be, tracer: be.tel.tracer(), profilesURL: "http://" + a.lns[1].Addr().String(), slow: c.SlowDelay,
		profiles: xray.Client(&http.Client{Transport: be.tel.transport(http.DefaultTransport), Timeout: 10 * time.Second})}
	p := &profiles{service: pr}
	a.servers = []*http.Server{
		{Handler: b.routes(), ReadHeaderTimeout: 10 * time.Second},
		{Handler: p.routes(), ReadHeaderTimeout: 10 * time.Second},
	}
	return a, nil
}

// URL is the backend's base URL.
func (a *App) URL() string { return "http://" + a.lns[0].Addr().String() }

// ProfilesURL is the profiles service's base URL.
func (a *App) ProfilesURL() string { return "http://" + a.lns[1].Addr().String() }

// Run serves until ctx ends, then lets requests finish and sends what the
// SDKs still hold: CloudWatch Logs events, Rollbar reports, OTel spans and
// log records. X-Ray segments leave as each request ends; the X-Ray SDK's
// sampling pollers keep running until the process exits (the SDK has no
// way to stop them).
func (a *App) Run(ctx context.Context) error {
	shipCtx, stopShipping := context.WithCancel(context.WithoutCancel(ctx))
	defer stopShipping()
	var shipping sync.WaitGroup
	for _, s := range a.services {
		shipping.Go(func() { s.cw.run(shipCtx, stopTimeout) })
	}
	errc := make(chan error, len(a.servers))
	for i, srv := range a.servers {
		go func() {
			if err := srv.Serve(a.lns[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve %s: %w", a.lns[i].Addr(), err)
			}
		}()
	}
	a.log.Info("cruddur started", "backend", a.URL(), "profiles", a.ProfilesURL())
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	for _, srv := range a.servers {
		if err := srv.Shutdown(sctx); err != nil {
			a.log.Warn("cruddur: shutdown", "err", err)
		}
	}
	stopShipping()
	shipping.Wait()
	return errors.Join(runErr, a.flush(sctx))
}

// flush sends what Rollbar and OpenTelemetry hold.
func (a *App) flush(ctx context.Context) error {
	errs := []error{a.rb.close()}
	for _, s := range a.services {
		if err := s.tel.shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s telemetry: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
}

// close releases what New made when New fails half way.
func (a *App) close() {
	for _, ln := range a.lns {
		_ = ln.Close()
	}
	if a.rb != nil {
		_ = a.rb.close()
	}
	for _, s := range a.services {
		_ = s.tel.shutdown(context.Background())
	}
}
