package server

import (
	"context"
	"fmt"
	"net/http"

	"lookout/internal/identity"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/otlp"
)

// newOTLP builds the OTLP receiver feeding p and binds its gRPC and HTTP
// ports, which serve from then on.
func newOTLP(ctx context.Context, d deps, p *pipeline.Pipeline) (*otlp.Receiver, error) {
	cfg := d.cfg.OTLP
	cfg.Logger, cfg.Observer, cfg.Registerer = d.log, p, d.reg
	cfg.Identify = identity.Ingest{Keys: d.cfg.OTLPKeys, AllowAnyone: d.cfg.AllowAnyone}.Project
	r, err := otlp.New(cfg, p)
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// otlpElsewhere answers OTLP requests that reach the main port: 404, with
// a body that says where OTLP is served.
func otlpElsewhere(r *otlp.Receiver) http.Handler {
	var where string
	switch grpcAddr, httpAddr := addrString(r.GRPCAddr()), addrString(r.HTTPAddr()); {
	case httpAddr != "" && grpcAddr != "":
		where = fmt.Sprintf("OTLP/HTTP at http://%s, OTLP/gRPC at %s", httpAddr, grpcAddr)
	case httpAddr != "":
		where = fmt.Sprintf("OTLP/HTTP at http://%s", httpAddr)
	case grpcAddr != "":
		where = fmt.Sprintf("OTLP/gRPC only, at %s", grpcAddr)
	default:
		where = "both OTLP ports are off"
	}
	msg := "OTLP is served on its own ports, not on this one: " + where + "\n"
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(msg))
	})
}
