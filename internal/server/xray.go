package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"lookout/internal/awsmodel"
	"lookout/internal/caller"
	"lookout/internal/identity"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/restjson"
	"lookout/internal/receiver/xray"
	"lookout/internal/receiver/xrayapi"
	"lookout/internal/receiver/xrayapi/configapi"
	"lookout/internal/receiver/xrayapi/samplingapi"
	"lookout/internal/xraydaemon"
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
	// handler serves the X-Ray REST API on the main port, behind its guard;
	// what it does not serve answers UnknownOperationException in the
	// API's shape.
	handler  http.Handler
	sampling *samplingapi.SamplingAPI
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
	cfg.UDPFromAnyone = d.cfg.AllowAnyone
	var err error
	if x.receiver, err = xray.New(cfg, p); err != nil {
		return nil, err
	}
	// Groups live in the metadata store; the read operations take them by
	// name or ARN, with ARNs named like the sampling rules'.
	acfg := samplingapi.DefaultSamplingConfig()
	acfg.Logger, acfg.Project = d.log, identity.RequestProject // the Guard's, or the gate's for Lookout's API
	acfg.Telemetry = xraydaemon.NewTelemetry(nil)
	gcfg := xraygroups.DefaultConfig()
	gcfg.Region, gcfg.AccountID = acfg.Region, acfg.AccountID
	groups, err := xraygroups.New(gcfg, d.meta)
	if err != nil {
		return nil, err
	}
	gacfg := configapi.DefaultGroupsConfig()
	gacfg.Logger, gacfg.Project = d.log, identity.RequestProject // granted by the Guard
	gapi, err := configapi.NewGroupsAPI(gacfg, groups)
	if err != nil {
		return nil, err
	}
	rcfg := xrayread.DefaultConfig()
	rcfg.Groups, rcfg.Logger = groups, d.log
	reads, err := xrayread.New(rcfg, d.store)
	if err != nil {
		return nil, err
	}
	racfg := xrayapi.DefaultReadConfig()
	racfg.Project = identity.RequestProject // granted by the Guard
	read, err := xrayapi.NewReadAPI(racfg, reads)
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
	if x.sampling, err = samplingapi.NewSamplingAPI(acfg, x.sampler); err != nil {
		return nil, err
	}
	tags, err := configapi.NewTagsAPI(x.sampler, groups, identity.RequestProject, d.log)
	if err != nil {
		return nil, err
	}
	// The daemons' telemetry is kept in memory and shown with the sampling
	// diagnostics; the encryption configuration in the metadata store.
	enc, err := xraydaemon.NewEncryption(d.meta)
	if err != nil {
		return nil, err
	}
	daemon, err := configapi.NewDaemonAPI(acfg.Telemetry, enc, identity.RequestProject, d.log)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+xray.PutTraceSegmentsPath, x.receiver.Handler())
	read.Register(mux)
	gapi.Register(mux)
	x.sampling.Register(mux)
	tags.Register(mux)
	daemon.Register(mux)
	mux.HandleFunc("/", xray.Unsupported)
	// Every call but PutTraceSegments (whose receiver checks each document)
	// is checked against the X-Ray model's constraints first.
	served := func(r *http.Request) bool { _, pattern := mux.Handler(r); return pattern != "/" }
	checked, err := restjson.Constrained(awsmodel.XRay, []string{"PutTraceSegments"}, served, mux)
	if err != nil {
		return nil, err
	}
	x.handler = guardXRay(d, checked, false)

	if err := x.receiver.Listen(); err != nil {
		return nil, err
	}
	if d.cfg.XRayAddr != "" {
		if x.ln, err = net.Listen("tcp", d.cfg.XRayAddr); err != nil {
			_ = x.receiver.Shutdown(context.Background())
			return nil, fmt.Errorf("x-ray api on tcp %s: %w", d.cfg.XRayAddr, err)
		}
		x.api = &http.Server{Handler: guardXRay(d, checked, true), ReadHeaderTimeout: 10 * time.Second}
	}
	return x, nil
}

// guardXRay puts in front of the X-Ray API who may call it (xray.Guard:
// SigV4 with the AWS access keys, or local clients) and the refusal of
// cross-site calls from browsers. daemon is the daemon address, where the
// X-Ray SDKs poll sampling unsigned; on the main port, where the UI edits
// sampling rules, an API key or login session of Lookout's is taken too.
func guardXRay(d deps, h http.Handler, daemon bool) http.Handler {
	keys := make(map[string]caller.AccessKey, len(d.cfg.AWSAccessKeys))
	for id, k := range d.cfg.AWSAccessKeys {
		keys[id] = caller.AccessKey{Secret: k.Secret, Project: k.Project}
	}
	g := xray.Guard{Keys: keys, Daemon: daemon, AllowAnyone: d.cfg.AllowAnyone, MaxBodyBytes: d.cfg.XRay.MaxRequestBytes}
	if !daemon {
		g.Lookout = d.gate.KeyProject
	}
	return identity.CrossSite(g.Wrap(h), http.HandlerFunc(xray.DenyCrossSite))
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
