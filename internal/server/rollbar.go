package server

import (
	"context"
	"net/http"

	"lookout/internal/errortrack"
	"lookout/internal/receiver/rollbar"
	"lookout/internal/retention"
)

// errorSurface is error tracking: the errortrack service that groups and
// commits occurrences with their items, the expiry of occurrences past the
// retention, the access tokens, and the Rollbar API that feeds and reads
// them.
type errorSurface struct {
	tracker *errortrack.Service
	expiry  *retention.OccurrenceExpirer
	tokens  *errortrack.Tokens
	rollbar *rollbar.Receiver
}

// newErrors builds error tracking on the metadata store. Nothing runs until
// Run.
func newErrors(ctx context.Context, d deps) (*errorSurface, error) {
	e := &errorSurface{}
	ecfg := errortrack.DefaultConfig()
	ecfg.Registerer, ecfg.Logger, ecfg.Admit = d.reg, d.log, admit(d.disk)
	var err error
	if e.tracker, err = errortrack.New(ecfg, d.meta); err != nil {
		return nil, err
	}
	ocfg := retention.DefaultOccurrenceConfig()
	ocfg.Retention, ocfg.Logger = d.cfg.Retention, d.log
	if e.expiry, err = retention.NewOccurrenceExpirer(ocfg, d.meta); err != nil {
		return nil, err
	}
	if e.tokens, err = errortrack.NewTokens(ctx, d.meta, nil); err != nil {
		return nil, err
	}
	rcfg := rollbar.DefaultConfig()
	rcfg.Logger, rcfg.OpenToAnyone = d.log, d.cfg.AllowAnyone
	deps := rollbar.Deps{Ingest: e.tracker, Edit: e.tracker, Items: d.meta, Projects: d.meta, Tokens: e.tokens,
		Store: d.meta, TokenList: d.meta}
	if e.rollbar, err = rollbar.New(rcfg, deps); err != nil {
		return nil, err
	}
	return e, nil
}

// register mounts Rollbar's API (/api/1/, answering what it lacks in
// Rollbar's shape).
func (e *errorSurface) register(mux *http.ServeMux) { e.rollbar.Register(mux) }
