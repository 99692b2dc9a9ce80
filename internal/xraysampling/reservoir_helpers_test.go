package xraysampling

import (
	"context"
	"time"
)

// The allocator's methods for one project's rule, failing loudly: the
// in-process quota store never fails.

const testProject = "p"

func (a *Allocator) rep(rule string, reservoir int, id string, requests int64, now time.Time) (int, time.Time) {
	q, ttl, err := a.Report(context.Background(), testProject, rule, reservoir, id, requests, now)
	if err != nil {
		panic(err)
	}
	return q, ttl
}

func (a *Allocator) clientsOf(rule string, now time.Time) []ClientState {
	cs, err := a.Clients(context.Background(), testProject, rule, now)
	if err != nil {
		panic(err)
	}
	return cs
}

func (a *Allocator) forget(rule string) {
	if err := a.Forget(context.Background(), testProject, rule); err != nil {
		panic(err)
	}
}
