package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"lookout/internal/model"
	"lookout/internal/receiver/xrayapi/samplingapi"
	"lookout/internal/store/metaduck"
	"lookout/internal/xraysampling"
)

// samplingServer serves the sampling API over rules kept in a temporary
// metadata store.
func samplingServer(t *testing.T, rules ...xraysampling.Rule) string {
	t.Helper()
	meta, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	scfg := xraysampling.DefaultServiceConfig()
	scfg.Logger = slog.New(slog.DiscardHandler)
	svc, err := xraysampling.NewService(scfg, meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if _, err := svc.CreateRule(context.Background(), model.DefaultProject, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	acfg := samplingapi.DefaultSamplingConfig()
	acfg.Logger = slog.New(slog.DiscardHandler)
	api, err := samplingapi.NewSamplingAPI(acfg, svc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	api.RegisterDiagnostics(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func cruddurRule(name string, prio int32, service, host string) xraysampling.Rule {
	r := xraysampling.DefaultRule()
	r.RuleName, r.Priority, r.ServiceName, r.Host, r.FixedRate, r.ReservoirSize = name, prio, service, host, 1, 5
	return r
}

func TestSamplingCommand(t *testing.T) {
	addr := samplingServer(t, cruddurRule("api-host", 100, "*", "api.cruddur.com"),
		cruddurRule("Cruddur", 9000, "backend-flask", "*"), cruddurRule("catch-all", 9500, "*", "*"))
	cases := []struct {
		args []string
		want []string // in this order
		err  string
	}{
		{[]string{"explain", "--addr", addr, "--service", "4567-cruddur.gitpod.io", "--host", "4567-cruddur.gitpod.io",
			"--method", "GET", "--path", "/api/activities/home"}, []string{
			`1. api-host (priority 100): no match: Host "api.cruddur.com" does not match "4567-cruddur.gitpod.io"`,
			`ServiceType  "*"`, `not compared`,
			`2. Cruddur (priority 9000): no match: ServiceName "backend-flask" does not match "4567-cruddur.gitpod.io"`,
			`3. catch-all (priority 9500): MATCH, it decides`,
			`4. Default (priority 10000): not evaluated, "catch-all" decided first (would match)`,
			`Decision: rule "catch-all" (priority 9500): the first 5 requests a second (its reservoir), then 100% of the rest.`}, ""},
		{[]string{"explain", "--addr", addr, "--service", "backend-flask", "--host", "127.0.0.1:4567", "--path", "http://127.0.0.1:4567/api/health-check"},
			[]string{`path http://127.0.0.1:4567/api/health-check`, `HTTPMethod   "*"`, `2. Cruddur (priority 9000): MATCH`,
				`3. catch-all (priority 9500): not evaluated, "Cruddur" decided first (would match)`}, ""},
		{[]string{"rules", "--addr", addr}, []string{"PRIORITY", "api-host", "api.cruddur.com", "Cruddur", "backend-flask", "catch-all", "Default"}, ""},
		{[]string{"explain", "--addr", addr}, nil, "--service is required"},
		{[]string{"nope"}, nil, "want explain or rules"},
		{[]string{"rules", "--addr", "http://127.0.0.1:1"}, nil, "sampling rules:"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"sampling"}, c.args...), &out, &errOut)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v\n%s", c.args, err, errOut.String())
			continue
		}
		text, at := out.String(), 0
		for _, w := range c.want {
			i := strings.Index(text[at:], w)
			if i < 0 {
				t.Errorf("%v: output lacks %q after position %d:\n%s", c.args, w, at, text)
				break
			}
			at += i + len(w)
		}
	}
}
