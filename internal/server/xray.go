package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"lookout/internal/pipeline"
	"lookout/internal/receiver/xray"
	"lookout/internal/receiver/xrayapi"
	"lookout/internal/xraygroups"
	"lookout/internal/xrayread"
	"lookout/internal/xraysampling"
)

// xraySurface is everything X-Ray: the daemon protocol's UDP segments, and
// the X-Ray REST API (PutTraceSegments, the read API, groups, sampling rules
// and targets) served on the daemon's TCP address and on the main port, plus
// the sampling diagnostics of Lookout's own API. All X-Ray wiring is here.
type xraySurface struct {
	receiver *xray.Receiver
	// handler serves the X-Ray REST API; what it does not serve answers
	// UnknownOperationException in the API's shape.
	handler  http.Handler
	sampling *xrayapi.SamplingAPI
	sampler  *xraysampling.Service
	api      *http.Server // on ln; nil when the X-Ray address is off
	ln       net.Listener
}

// newXRay builds the X-Ray surface feeding p and binds the daemon address,
// UDP and TCP, when it is set.
func newXRay(d deps, p *pipeline.Pipeline) (*xraySurface, error) {
	x := &xraySurface{}
	cfg := d.cfg.XRay
	cfg.UDPAddr, cfg.Registerer, cfg.Logger = d.cfg.XRayAddr, d.reg, d.log
	var err error
	if x.receiver, err = xray.New(cfg, p); err != nil {
		return nil, err
	}
	// Groups live in the metadata store; the read operations take them by
	// name or ARN, with ARNs named like the sampling rules'.
	acfg := xrayapi.DefaultSamplingConfig()
	acfg.Logger = d.log
	gcfg := xraygroups.DefaultConfig()
	gcfg.Region, gcfg.AccountID = acfg.Region, acfg.AccountID
	groups, err := xraygroups.New(gcfg, d.meta)
	if err != nil {
		return nil, err
	}
	gacfg := xrayapi.DefaultGroupsConfig()
	gacfg.Logger = d.log
	gapi, err := xrayapi.NewGroupsAPI(gacfg, groups)
	if err != nil {
		return nil, err
	}
	rcfg := xrayread.DefaultConfig()
	rcfg.Groups, rcfg.Logger = groups, d.log
	reads, err := xrayread.New(rcfg, d.store)
	if err != nil {
		return nil, err
	}
	read, err := xrayapi.NewReadAPI(xrayapi.DefaultReadConfig(), reads)
	if err != nil {
		return nil, err
	}
	// Sampling rules live in the metadata store; the SDKs poll them on the
	// daemon address, people manage them on either port.
	scfg := xraysampling.DefaultServiceConfig()
	scfg.Logger = d.log
	scfg.Quotas = d.meta // shared by the nodes of a cluster
	if x.sampler, err = xraysampling.NewService(scfg, d.meta, d.store); err != nil {
		return nil, err
	}
	if x.sampling, err = xrayapi.NewSamplingAPI(acfg, x.sampler); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+xray.PutTraceSegmentsPath, x.receiver.Handler())
	read.Register(mux)
	gapi.Register(mux)
	x.sampling.Register(mux)
	mux.HandleFunc("/", xray.Unsupported)
	x.handler = mux

	if err := x.receiver.Listen(); err != nil {
		return nil, err
	}
	if d.cfg.XRayAddr != "" {
		if x.ln, err = net.Listen("tcp", d.cfg.XRayAddr); err != nil {
			_ = x.receiver.Shutdown(context.Background())
			return nil, fmt.Errorf("x-ray api on tcp %s: %w", d.cfg.XRayAddr, err)
		}
		x.api = &http.Server{Handler: x.handler, ReadHeaderTimeout: 10 * time.Second}
	}
	return x, nil
}

// registerAPI mounts the X-Ray routes of Lookout's own API.
func (x *xraySurface) registerAPI(mux *http.ServeMux) { x.sampling.RegisterDiagnostics(mux) }

// serve reads segments and serves the X-Ray API until shutdown; a failure
// goes to errc.
func (x *xraySurface) serve(errc chan<- error) {
	go func() {
		if err := x.receiver.Serve(); err != nil {
			errc <- fmt.Errorf("x-ray udp: %w", err)
		}
	}()
	if x.api != nil {
		go func() {
			if err := x.api.Serve(x.ln); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("x-ray api: %w", err)
			}
		}()
	}
}

// shutdown stops taking segments and API calls, and waits until what was
// received is submitted.
func (x *xraySurface) shutdown(ctx context.Context) error {
	err := x.receiver.Shutdown(ctx)
	if x.api != nil {
		err = errors.Join(err, x.api.Shutdown(ctx))
	}
	return err
}

// close releases the listeners of a surface that never served.
func (x *xraySurface) close() {
	_ = x.receiver.Shutdown(context.Background())
	if x.ln != nil {
		_ = x.ln.Close()
	}
}

// udpAddr is the bound UDP address, or "" when off.
func (x *xraySurface) udpAddr() string { return addrString(x.receiver.UDPAddr()) }

// apiAddr is the bound TCP address of the X-Ray API, or "" when off.
func (x *xraySurface) apiAddr() string {
	if x.ln == nil {
		return ""
	}
	return x.ln.Addr().String()
}
